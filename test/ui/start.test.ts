/**
 * `npm start`'s JupyterLab as a student first sees it, in headless Chromium: the lab that
 * `beamlab lab` starts (with the .venv's settings overrides written by the bootstrap, and
 * no user settings) asks nothing about "official Jupyter news". The browser opens the
 * very URL the command prints last. Screenshot: test-artifacts/start-first-look.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { REPO, freePort, launchBrowser, screenshot, stopAll, watchedPage } from "./helpers";

let child: ChildProcess;
let browser: Browser;
let tmp: string;
let url = "";
let out = "";

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "beamlab-start-"));
  const port = await freePort();
  // Fresh user settings/config/runtime/workspaces: what a student has on a new machine.
  const env = {
    ...process.env,
    CI: "1",
    JUPYTERLAB_SETTINGS_DIR: join(tmp, "settings"),
    JUPYTERLAB_WORKSPACES_DIR: join(tmp, "workspaces"),
    JUPYTER_CONFIG_DIR: join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: join(tmp, "runtime"),
  };
  child = spawn(process.execPath, [join(REPO, "bin", "beamlab.js"), "lab", "--port", String(port)], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const deadline = Date.now() + 90_000;
  while (!(url = /^(http:\/\/127\.0\.0\.1:\d+\/lab\?token=\w+)$/m.exec(out)?.[1] ?? "")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`beamlab lab printed no URL:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  browser = await launchBrowser();
});

after(async () => {
  await stopAll();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

test("the JupyterLab of npm start shows no 'get notified about Jupyter news' pop-up", { timeout: 120_000 }, async () => {
  const page = await watchedPage(browser, []);
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await page.locator("#jp-main-dock-panel").waitFor({ state: "visible", timeout: 60_000 });
  // JupyterLab asks its question a moment after start-up: give it time to.
  const toast = page.locator(".Toastify__toast", { hasText: /news/i });
  const appeared = await toast.waitFor({ state: "visible", timeout: 10_000 }).then(() => true, () => false);
  await screenshot(page, "start-first-look");
  assert.equal(appeared, false, `a news toast appeared: ${appeared ? await toast.textContent() : ""}`);
  // No notification at all waits in the status bar either.
  assert.equal(await page.locator(".Toastify__toast").count(), 0, `notifications: ${await page.locator(".Toastify__toast").allTextContents()}`);
});
