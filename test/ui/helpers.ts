/**
 * Browser-test helpers: a throwaway JupyterLab server and a headless Chromium.
 *
 * - JupyterLab comes from the project venv (`.venv/bin/jupyter`, made by
 *   scripts/bootstrap.mjs; override with BEAMLAB_JUPYTER), listens on 127.0.0.1 on a
 *   free port with a random token, and serves a temporary copy of the notebooks so
 *   tests never write into the repository. Its config/runtime/settings dirs are
 *   temporary too, so the user's JupyterLab settings neither leak in nor get changed.
 * - Chromium is Debian's /usr/bin/chromium driven by playwright-core (no browser
 *   download).
 * - Everything started here is stopped by {@link stopAll} / the returned `stop()`s.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";

/** Repository root: this file runs compiled as dist/test/ui/helpers.js (or from test/ui). */
export const REPO = existsSync(resolve(__dirname, "..", "..", "..", "package.json"))
  ? resolve(__dirname, "..", "..", "..")
  : resolve(__dirname, "..", "..");
export const JUPYTER = process.env.BEAMLAB_JUPYTER ?? join(REPO, ".venv", "bin", "jupyter");
export const ARTIFACTS = join(REPO, "test-artifacts");
export const CHROMIUM = process.env.BEAMLAB_CHROMIUM ?? "/usr/bin/chromium";

const execFileP = promisify(execFile);

import { freePort } from "../../lib/runners/free-port";

export { freePort };

export interface Lab {
  url: string;
  port: number;
  token: string;
  /** Root dir the server serves (a temp copy). */
  rootDir: string;
  /** URL of a path in the lab UI, token included. */
  labUrl(path?: string): string;
  /** Server output so far (for error messages). */
  log(): string;
  stop(): Promise<void>;
}

const running = new Set<{ stop(): Promise<void> }>();

/**
 * Starts `jupyter lab` on a temp copy of `notebooksDir` (default: repo `notebooks/`),
 * plus any `extraFiles` (name → content) written into it. Resolves once
 * `/api/status` answers.
 */
export async function startLab(
  options: {
    notebooksDir?: string;
    extraFiles?: Record<string, string>;
    timeoutMs?: number;
    /** Where the temp dir is made (default: the OS temp dir). Inside the repo, `import "beamlab"` resolves. */
    parentDir?: string;
    /** Extra environment for the server and its kernels. */
    env?: Record<string, string>;
    /** Expose `window.jupyterapp` (page config `exposeAppInBrowser`). */
    exposeApp?: boolean;
  } = {},
): Promise<Lab> {
  if (!existsSync(JUPYTER)) {
    throw new Error(`JupyterLab not found at ${JUPYTER}: run \`node scripts/bootstrap.mjs\` (or set BEAMLAB_JUPYTER).`);
  }
  if (options.parentDir) mkdirSync(options.parentDir, { recursive: true });
  const tmp = mkdtempSync(join(options.parentDir ?? tmpdir(), "beamlab-ui-"));
  const rootDir = join(tmp, "notebooks");
  const src = options.notebooksDir ?? join(REPO, "notebooks");
  // Notebooks only: no warehouse files or outputs of earlier runs.
  if (existsSync(src)) cpSync(src, rootDir, { recursive: true, filter: (p) => !/\.duckdb(\.wal)?$|[\\/](out|\.ipynb_checkpoints)$/.test(p) });
  else mkdirSync(rootDir, { recursive: true });
  for (const [name, content] of Object.entries(options.extraFiles ?? {})) writeFileSync(join(rootDir, name), content);

  // No "get notified about Jupyter news?" toast over the screenshots.
  const notify = join(tmp, "settings", "@jupyterlab", "apputils-extension");
  mkdirSync(notify, { recursive: true });
  writeFileSync(join(notify, "notification.jupyterlab-settings"), JSON.stringify({ fetchNews: "false" }));

  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const env = {
    ...process.env,
    ...(options.env ?? {}),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
    JUPYTERLAB_SETTINGS_DIR: join(tmp, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: join(tmp, "workspaces"),
  };
  const args = [
    "lab",
    "--no-browser",
    "--allow-root",
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${rootDir}`,
    // No "news" and update checks: no network, no popups in screenshots.
    "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ...(options.exposeApp ? ["--LabApp.expose_app_in_browser=True"] : []),
  ];
  // detached: own process group, so stop() can end the server and its kernels together.
  const proc: ChildProcess = spawn(JUPYTER, args, { env, cwd: rootDir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  proc.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const url = `http://127.0.0.1:${port}`;

  let stopped = false;
  const lab: Lab = {
    url,
    port,
    token,
    rootDir,
    labUrl: (path = "") => `${url}/lab${path ? `/tree/${path}` : ""}?token=${token}`,
    log: () => output,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      running.delete(lab);
      if (proc.exitCode === null && proc.pid) {
        const exited = new Promise<void>((r) => proc.once("exit", () => r()));
        try {
          process.kill(-proc.pid, "SIGTERM");
        } catch {
          /* already gone */
        }
        const killer = setTimeout(() => {
          try {
            process.kill(-proc.pid!, "SIGKILL");
          } catch {
            /* already gone */
          }
        }, 5000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  running.add(lab);

  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  for (;;) {
    if (proc.exitCode !== null) {
      await lab.stop();
      throw new Error(`jupyter lab exited with ${proc.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return lab;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await lab.stop();
      throw new Error(`jupyter lab did not become ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A lab whose notebooks run beamlab on a live tslab kernel: the temp copy sits inside the
 * repo (so `import "beamlab"` resolves), the kernel comes from .venv, `window.jupyterapp`
 * is exposed, and with `warehouse` the kernels get a private warehouse loaded with the
 * college staging tables (what 02-ingest would load), removed when the lab stops.
 */
export async function startKernelLab(
  options: Omit<Parameters<typeof startLab>[0] & object, "parentDir" | "exposeApp"> & { warehouse?: boolean } = {},
): Promise<Lab> {
  const { warehouse, env, ...rest } = options;
  const whDir = warehouse ? mkdtempSync(join(tmpdir(), "beamlab-ui-wh-")) : null;
  const whFile = whDir ? join(whDir, "warehouse.duckdb") : null;
  if (whFile) await execFileP(process.execPath, [join(REPO, "dist", "datasets", "load.js"), "--warehouse", whFile], { cwd: REPO });
  const lab = await startLab({
    ...rest,
    parentDir: ARTIFACTS,
    exposeApp: true,
    env: {
      PATH: `${join(REPO, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      JUPYTER_PATH: join(REPO, ".venv", "share", "jupyter"),
      ...(whFile ? { BEAMLAB_WAREHOUSE: whFile } : {}),
      ...(env ?? {}),
    },
  });
  if (!whDir) return lab;
  const stop = lab.stop;
  lab.stop = async () => {
    await stop();
    rmSync(whDir, { recursive: true, force: true });
  };
  return lab;
}

/** Launches headless Debian Chromium through playwright-core. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const handle = { stop: () => browser.close() };
  running.add(handle);
  browser.on("disconnected", () => running.delete(handle));
  return browser;
}

/**
 * A new page that records every dialog into `dialogs` and dismisses it: an alert() from
 * markup injected through data would land there, so tests assert it stays empty.
 */
export async function watchedPage(browser: Browser, dialogs: string[], width = 1400): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

/** Saves a full-page screenshot to test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, "_")}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Opens JupyterLab (optionally a notebook) and waits for the shell to be up. */
export async function openLab(page: Page, lab: Lab, path?: string): Promise<void> {
  await page.goto(lab.labUrl(path), { waitUntil: "domcontentloaded" });
  await page.locator("#jp-main-dock-panel").waitFor({ state: "visible", timeout: 60000 });
}

/** `jupyter labextension list` output (it prints to stderr). */
export async function labextensionList(): Promise<string> {
  const { stdout, stderr } = await execFileP(JUPYTER, ["labextension", "list"], { env: process.env });
  return `${stdout}\n${stderr}`;
}

/** What a browser test of a live kernel starts from: the lab, the browser and one watched page. */
export interface KernelSession {
  lab: Lab;
  browser: Browser;
  page: Page;
}

/** Starts a kernel lab (see startKernelLab), the browser and a page `width` pixels wide that records its dialogs. */
export async function openKernelSession(options: Parameters<typeof startKernelLab>[0], dialogs: string[], width?: number): Promise<KernelSession> {
  const lab = await startKernelLab(options);
  const browser = await launchBrowser();
  return { lab, browser, page: await watchedPage(browser, dialogs, width) };
}

/** Stops every server and browser these helpers started (call from `after`). */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((r) => r.stop()));
}

// ------------------------------------------------------------ live-notebook helpers

/** Runs `fn` (a function body; `app` is `window.jupyterapp`) in the page. Needs `exposeApp`. */
export function inApp<T>(page: Page, fn: string): Promise<T> {
  return page.evaluate(`(async () => { const app = window.jupyterapp; ${fn} })()`) as Promise<T>;
}

/** Waits until the current notebook's kernel reports idle. */
export async function waitKernelIdle(page: Page, timeoutMs = 60000): Promise<void> {
  await page.waitForFunction(
    () => {
      const app = (globalThis as any).jupyterapp;
      const k = app?.shell?.currentWidget?.sessionContext?.session?.kernel;
      return !!k && k.status === "idle";
    },
    undefined,
    { timeout: timeoutMs, polling: 200 },
  );
}

/** Opens a notebook of the lab (the first in a fresh page, later ones in new tabs) and waits for its kernel to be idle. */
export async function openNotebook(page: Page, lab: Lab, path: string, first: boolean): Promise<void> {
  if (first) await openLab(page, lab, path);
  else await inApp(page, `await app.commands.execute("docmanager:open", { path: ${JSON.stringify(path)} });`);
  await page.waitForFunction(
    (n) => (globalThis as any).jupyterapp?.shell?.currentWidget?.context?.path?.endsWith(n) && !!(globalThis as any).jupyterapp.shell.currentWidget.sessionContext?.session?.kernel,
    path,
    { timeout: 60000 },
  );
  await waitKernelIdle(page, 90000);
}

/** Text of the error / stderr outputs in the notebook (empty when none). */
export function errorOutputs(page: Page): Promise<string[]> {
  return page
    .locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    .allTextContents();
}

/** Appends a code cell at the end of the current notebook and runs it to completion. */
export function runNewCell(page: Page, code: string): Promise<boolean> {
  return inApp<boolean>(page, `
    const nb = app.shell.currentWidget.content;
    nb.activeCellIndex = nb.widgets.length - 1;
    nb.mode = "command";
    await app.commands.execute("notebook:insert-cell-below");
    nb.activeCell.model.sharedModel.setSource(${JSON.stringify(code)});
    return await app.commands.execute("notebook:run-cell");
  `);
}

/**
 * Records the kernel websocket traffic of a page as text (JupyterLab 4 sends binary
 * frames whose JSON parts are readable as UTF-8), to prove a request reached the kernel.
 */
export function recordKernelFrames(page: Page): { sent: string[]; received: string[] } {
  const log = { sent: [] as string[], received: [] as string[] };
  const text = (p: string | Buffer) => (typeof p === "string" ? p : p.toString("utf8"));
  page.on("websocket", (ws) => {
    if (!/\/api\/kernels\//.test(ws.url())) return;
    ws.on("framesent", (f) => log.sent.push(text(f.payload)));
    ws.on("framereceived", (f) => log.received.push(text(f.payload)));
  });
  return log;
}
