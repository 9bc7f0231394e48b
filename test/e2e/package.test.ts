// End to end, as a teacher adopting beamlab: `npm pack` of this repository, the tarball
// installed into a fresh folder outside it, `beamlab init --with-course-notebooks
// --with-assignment`, then in the course folder `npm test` (one bootstrap: its own .venv
// with JupyterLab from PyPI, the tslab kernel, the extension from the shipped wheel; all six
// course notebooks and the assignment run headless; the sample submissions graded against
// their expected.json) and `npm start`, whose JupyterLab renders a PCollection table in
// Chromium. Nothing refers back to the repository: npm installs from the registry, pip from
// PyPI, and the environment the course commands see has no path into this repository.
// Slow (npm install, pip install of JupyterLab): it prints how long each phase took.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { tslabNotebookJson } from "../notebook";
import { freePort, launchBrowser, screenshot, stopAll, watchedPage } from "../ui/helpers";

// Compiled to dist/test/e2e/package.test.js.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version as string;
const skip = process.env.BEAMLAB_SKIP_VENV && process.env.BEAMLAB_SKIP_VENV !== "0" ? "BEAMLAB_SKIP_VENV is set (the course needs its own .venv)" : false;

let tmp = "";
let lab: ChildProcess | null = null;
let labPort = 0;
let browser: Browser | null = null;
const timings: string[] = [];

before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-package-")));
});

after(async () => {
  await stopLab();
  await stopAll();
  if (timings.length) console.log(`[e2e package] ${timings.join(", ")}`);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * The environment of a teacher's shell: this process's, without what `npm test` and the
 * repository add (npm's variables, node_modules/.bin and .venv/bin of the repository on
 * PATH, JUPYTER_PATH, BEAMLAB_*), with Jupyter's per-user folders inside the test folder.
 */
function teacherEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|BEAMLAB_|JUPYTER|VIRTUAL_ENV$|NODE_PATH$|INIT_CWD$|PYTHONPATH$)/i.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? "").split(path.delimiter).filter((p) => p && !path.resolve(p).startsWith(ROOT)).join(path.delimiter);
  const home = path.join(tmp, "home");
  Object.assign(env, {
    CI: "1",
    JUPYTER_CONFIG_DIR: path.join(home, "jupyter-config"),
    JUPYTER_DATA_DIR: path.join(home, "jupyter-data"),
    JUPYTER_RUNTIME_DIR: path.join(home, "jupyter-runtime"),
    JUPYTERLAB_SETTINGS_DIR: path.join(home, "lab-settings"),
    JUPYTERLAB_WORKSPACES_DIR: path.join(home, "lab-workspaces"),
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  });
  return env;
}

/** Runs a command to its end; fails the test with its output when it does not exit 0. */
function sh(what: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = teacherEnv(), timeoutMs = 1_500_000): string {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  assert.equal(r.status, 0, `${what} (${cmd} ${args.join(" ")} in ${cwd}) failed (${r.error?.message ?? r.status ?? r.signal}):\n${out.slice(-20000)}`);
  return out;
}

/** Every file below `dir`, relative to it. */
function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function stopLab(): Promise<void> {
  const proc = lab;
  lab = null;
  if (!proc?.pid || proc.exitCode !== null) return;
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  try {
    process.kill(-proc.pid, "SIGTERM");
  } catch { /* gone */ }
  const killer = setTimeout(() => {
    try {
      process.kill(-proc.pid!, "SIGKILL");
    } catch { /* gone */ }
  }, 15000);
  await exited;
  clearTimeout(killer);
  // npm is gone; JupyterLab (its own process group, stopped by `beamlab lab`) may still be closing.
  for (const deadline = Date.now() + 15000; Date.now() < deadline && labPort; await new Promise((r) => setTimeout(r, 250))) {
    try {
      await fetch(`http://127.0.0.1:${labPort}/api/status`);
    } catch {
      break;
    }
  }
}

test("a course of one's own: pack, install outside the repository, init, npm test, npm start renders a table", { skip, timeout: 3_600_000 }, async (t) => {
  const started = Date.now();

  // 1. The tarball: prepack brings dist/ and the extension's wheel up to date.
  const packs = path.join(tmp, "packs");
  fs.mkdirSync(packs);
  sh("npm pack", "npm", ["pack", "--pack-destination", packs], ROOT, { ...process.env, npm_config_update_notifier: "false" });
  const tarball = path.join(packs, `beamlab-${VERSION}.tgz`);
  assert.ok(fs.existsSync(tarball), `no ${tarball}: ${fs.readdirSync(packs).join(", ")}`);
  const size = fs.statSync(tarball).size;
  timings.push(`tarball ${(size / 1024 / 1024).toFixed(2)} MB`);
  assert.ok(size < 5 * 1024 * 1024, `the tarball is ${size} bytes`);

  const unpacked = path.join(tmp, "unpacked");
  fs.mkdirSync(unpacked);
  sh("tar", "tar", ["-xzf", tarball, "-C", unpacked], tmp);
  const files = filesBelow(path.join(unpacked, "package"));
  for (const f of ["package.json", "README.md", "bin/beamlab.js", "dist/lib/index.js", "dist/lib/index.d.ts", "dist/lib/course/init.js", "dist/datasets/load.js",
    "scripts/bootstrap.mjs", "scripts/layout.cjs", "scripts/run_notebooks.py", "requirements.txt", "datasets/college/staging/teacher.csv",
    "notebooks/06-check-the-result.ipynb", "notebooks/assignments/a1-college-cleanup/submissions/expected.json"]) {
    assert.ok(files.includes(f), `the tarball lacks ${f}`);
  }
  assert.ok(files.some((f) => /^dist\/wheels\/beamlab_ext-[\d.]+-py3-none-any\.whl$/.test(f)), `no wheel in the tarball:\n${files.filter((f) => f.startsWith("dist/")).slice(0, 5).join("\n")}`);
  for (const f of files) {
    assert.doesNotMatch(f, /^(dist\/test|lib|test|kernel-ext|node_modules|\.venv|\.bootstrap|test-artifacts)\/|\.duckdb$|\.map$/, `the tarball should not hold ${f}`);
  }
  // Nothing in it names where the repository is.
  for (const f of files.filter((f) => /\.(js|cjs|mjs|json|py|ts|md|txt|ipynb)$/.test(f))) {
    assert.ok(!fs.readFileSync(path.join(unpacked, "package", f), "utf8").includes(ROOT), `${f} names the repository's path ${ROOT}`);
  }

  // 2. A teacher's folder outside the repository: the tarball from the registry's point of view.
  const teacher = path.join(tmp, "teacher");
  fs.mkdirSync(teacher);
  sh("npm install tarball", "npm", ["install", tarball], teacher);
  const beamlabDir = path.join(teacher, "node_modules", "beamlab");
  assert.ok(!fs.lstatSync(beamlabDir).isSymbolicLink(), "node_modules/beamlab is a link");

  // 3. beamlab init (it runs npm install in the course folder).
  sh("beamlab init", "npx", ["--no", "beamlab", "init", "cs327e", "--with-course-notebooks", "--with-assignment", "--beamlab", tarball], teacher);
  const course = path.join(teacher, "cs327e");
  const courseFiles = filesBelow(course).filter((f) => !f.startsWith("node_modules/"));
  for (const f of ["package.json", "tsconfig.json", ".gitignore", "README.md", `beamlab-${VERSION}.tgz`, "datasets/college/normalized/takes.csv",
    "notebooks/01-hello-world.ipynb", "notebooks/06-check-the-result.ipynb", "notebooks/assignments/a1-college-cleanup/a1-college-cleanup.ipynb"]) {
    assert.ok(courseFiles.includes(f), `the course folder lacks ${f}:\n${courseFiles.join("\n")}`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(course, "package.json"), "utf8"));
  assert.deepEqual(pkg.dependencies, { beamlab: `file:beamlab-${VERSION}.tgz` });
  assert.deepEqual(pkg.scripts, { start: "beamlab start", test: "beamlab test" });
  // No link back: every symlink under the course's node_modules stays inside it.
  for (const f of fs.readdirSync(path.join(course, "node_modules"), { recursive: true, withFileTypes: true })) {
    if (!f.isSymbolicLink()) continue;
    const target = fs.realpathSync(path.join(f.parentPath, f.name));
    assert.ok(target.startsWith(course + path.sep), `${path.join(f.parentPath, f.name)} -> ${target}`);
  }

  // 4. npm test: the one bootstrap, every notebook headless, the samples graded.
  // A notebook in a subfolder too, with the inferred types of notebook 06's comparison cell.
  fs.mkdirSync(path.join(course, "notebooks", "week2", "lab"), { recursive: true });
  fs.writeFileSync(path.join(course, "notebooks", "week2", "lab", "deep.ipynb"), tslabNotebookJson([
    'import * as beam from "beamlab";\nconst wh = beam.warehouse.open();',
    "async function count(table: string) { return wh.query(`SELECT count(*) AS n FROM ${table}`); }\nconst n = (await count(\"college_refined.teacher\")).get(\"n\", 0);\nif (Number(n) < 1) throw new Error(`no teachers: ${n}`);\nn",
  ]));
  const tested = sh("npm test (bootstrap, notebooks, grading)", "npm", ["test"], course);
  assert.match(tested, /\[bootstrap\] python \.venv: ok \(\d/);
  assert.match(tested, /\[bootstrap\] kernel-ext: ok \(\d/);
  assert.match(tested, /\[bootstrap\] college warehouse: ok \(\d/);
  assert.doesNotMatch(tested, /\[bootstrap\] (npm ci|tsc|link)/);
  assert.match(tested, /running 6 notebook\(s\) in notebooks\//);
  assert.match(tested, /running 1 notebook\(s\) in notebooks\/week2\/lab\//);
  assert.match(tested, /9 submissions of notebooks\/assignments\/a1-college-cleanup\/ got the grades expected\.json states/);
  assert.match(tested, /all 8 notebook\(s\) ran/);
  assert.doesNotMatch(tested, /TS2742|cannot be named/);

  // The environment is the course's own.
  const venv = path.join(course, ".venv");
  const kernel = JSON.parse(fs.readFileSync(path.join(venv, "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8")) as { argv: string[] };
  assert.equal(kernel.argv[1], path.join(course, "node_modules", "tslab", "bin", "tslab"));
  const extensions = sh("labextension list", path.join(venv, "bin", "jupyter"), ["labextension", "list"], course).replace(/\x1b\[[\d;]*m/g, "");
  assert.match(extensions, /beamlab-jupyterlab v[\d.]+ enabled OK/);
  assert.ok(extensions.includes(path.join(venv, "share", "jupyter", "labextensions")), extensions);
  assert.ok(!extensions.includes(ROOT), extensions);
  // npm test left the course's notebooks as they were (executed copies went elsewhere).
  const hello = JSON.parse(fs.readFileSync(path.join(course, "notebooks", "01-hello-world.ipynb"), "utf8")) as { cells: { outputs?: unknown[] }[] };
  assert.equal(hello.cells.reduce((n, c) => n + (c.outputs?.length ?? 0), 0), 0);

  // 5. npm start: JupyterLab from the course's .venv, and the extension renders a table.
  fs.writeFileSync(path.join(course, "notebooks", "week2", "table.ipynb"), tslabNotebookJson([
    'import * as beam from "beamlab";\nconst p = new beam.Pipeline({ name: "e2e" });\nconst rows = p.apply("Create", beam.Create([{ sid: "s1", name: "<b>Ann</b>" }, { sid: "s2", name: "Bo" }]));\nawait beam.show(rows);',
  ]));
  const port = (labPort = await freePort());
  const labStarted = Date.now();
  lab = spawn("npm", ["start", "--", "--port", String(port), "--ServerApp.port_retries=0", "--LabApp.expose_app_in_browser=True"], { cwd: course, env: teacherEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  lab.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  lab.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/lab\?token=[\w-]+)$/m.exec(output);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      } else if (lab?.exitCode !== null || Date.now() - labStarted > 180_000) {
        clearInterval(timer);
        reject(new Error(`npm start gave no URL:\n${output}`));
      }
    }, 250);
  });
  assert.match(output, /\[bootstrap\] done in [\d.]+s \(all cached\)/);
  timings.push(`npm start ${((Date.now() - labStarted) / 1000).toFixed(0)} s`);

  browser = await launchBrowser();
  const dialogs: string[] = [];
  const page = await watchedPage(browser, dialogs, 1200);
  await page.goto(url.replace("/lab?", "/lab/tree/week2/table.ipynb?"), { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel, undefined, { timeout: 120_000 });
  await page.evaluate(`(async () => { await window.jupyterapp.commands.execute("notebook:run-all-cells"); })()`);
  const table = page.locator(".jp-Notebook .jp-CodeCell .bl-Table").first();
  await table.waitFor({ state: "visible", timeout: 180_000 });
  const cells = await table.locator('.bl-Table-body [role="gridcell"]').allTextContents();
  assert.ok(cells.includes("<b>Ann</b>") && cells.includes("Bo"), `table cells: ${JSON.stringify(cells)}`);
  assert.equal(await table.locator("b").count(), 0, "a data value became markup");
  assert.deepEqual(dialogs, []);
  await screenshot(page, "e2e-course-table-light");
  await page.evaluate(`(async () => { await window.jupyterapp.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" }); })()`);
  await page.waitForFunction(() => (globalThis as any).document.body.dataset.jpThemeLight === "false", undefined, { timeout: 30_000 });
  await screenshot(page, "e2e-course-table-dark");
  await stopLab();

  timings.push(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  t.diagnostic(timings.join(", "));
});
