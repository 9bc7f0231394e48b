// End-to-end checks of the developer tooling: bootstrap is cached and fast on
// a second run, the tslab kernelspec is registered in .venv, and `beamlab run`
// executes notebooks with the real kernel and names the failing cell.
import test from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { tslabNotebookJson } from "../notebook";
import { freePort } from "../../lib/runners/free-port";

// Compiled to dist/test/e2e/bootstrap.test.js.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const JUPYTER = path.join(ROOT, ".venv", "bin", "jupyter");
const BEAMLAB = path.join(ROOT, "bin", "beamlab.js");
const skipVenv = process.env.BEAMLAB_SKIP_VENV && process.env.BEAMLAB_SKIP_VENV !== "0"
  ? "BEAMLAB_SKIP_VENV is set"
  : !fs.existsSync(JUPYTER)
    ? ".venv is missing (run npm run bootstrap)"
    : false;

function run(cmd: string, args: string[], cwd = ROOT) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000, env: process.env });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}`, error: r.error };
}


test("bootstrap: a second run is all cached and fast", { timeout: 300_000 }, () => {
  const bootstrap = path.join(ROOT, "scripts", "bootstrap.mjs");
  const first = run(process.execPath, [bootstrap]); // brings everything up to date
  assert.equal(first.status, 0, `first bootstrap failed:\n${first.out}`);

  const started = Date.now();
  const second = run(process.execPath, [bootstrap]);
  const elapsed = Date.now() - started;
  assert.equal(second.status, 0, `second bootstrap failed:\n${second.out}`);
  assert.ok(elapsed < 10_000, `second bootstrap took ${elapsed} ms:\n${second.out}`);

  const steps = second.out
    .split("\n")
    .filter((l) => /^\[bootstrap\] [^:]+: /.test(l) && !/^\[bootstrap\] (done|lock)\b/.test(l));
  assert.ok(steps.length >= 4, `expected one line per step:\n${second.out}`);
  for (const l of steps) {
    assert.match(l, /: (ok \(cached\)|skipped \(.*\))$/, `step was not cached: ${l}`);
  }
  assert.match(second.out, /\[bootstrap\] done in .*\(all cached\)/);
  assertCalm(first.out);
  assertCalm(second.out);
});

/** One short line per step and a last "done" line: nothing else, nothing alarming. */
function assertCalm(out: string): void {
  const lines = out.trimEnd().split("\n");
  for (const l of lines) {
    assert.match(l, /^\[bootstrap\] ([\w ./-]+: (ok|skipped)( \([^)]*\))?|done in [\d.]+s( \(all cached\))?|lock: waiting for bootstrap pid \d+)$/, `not a calm step line: ${JSON.stringify(l)}\n${out}`);
    assert.ok(l.length <= 80, `a long line: ${l}`);
  }
  assert.doesNotMatch(out, /refused|warn|error/i);
  assert.match(lines.at(-1)!, /^\[bootstrap\] done in /);
}

test("bootstrap: a step's details show with --verbose only; the project's JupyterLab asks nothing about news", { skip: skipVenv, timeout: 300_000 }, () => {
  const bootstrap = path.join(ROOT, "scripts", "bootstrap.mjs");
  const stamp = path.join(ROOT, ".bootstrap", "lab-settings.json");
  const overrides = path.join(ROOT, ".venv", "share", "jupyter", "lab", "settings", "overrides.json");
  const wrote = /^ {4}wrote \.venv\/share\/jupyter\/lab\/settings\/overrides\.json: no news notifications, no update checks$/m;

  fs.rmSync(stamp, { force: true });
  const quiet = run(process.execPath, [bootstrap]);
  assert.equal(quiet.status, 0, quiet.out);
  assert.match(quiet.out, /^\[bootstrap\] jupyterlab settings: ok \([\d.]+s\)$/m);
  assert.doesNotMatch(quiet.out, wrote);
  assertCalm(quiet.out);

  // A setting changed by hand is put back, and --verbose says what the step did.
  const settings = JSON.parse(fs.readFileSync(overrides, "utf8"));
  settings["@jupyterlab/apputils-extension:notification"].fetchNews = "true";
  settings["some-other:plugin"] = { kept: true };
  fs.writeFileSync(overrides, JSON.stringify(settings));
  const verbose = run(process.execPath, [bootstrap, "--verbose"]);
  assert.equal(verbose.status, 0, verbose.out);
  assert.match(verbose.out, wrote);
  const after = JSON.parse(fs.readFileSync(overrides, "utf8"));
  assert.deepEqual(after["@jupyterlab/apputils-extension:notification"], { fetchNews: "false", checkForUpdates: false });
  assert.deepEqual(after["some-other:plugin"], { kept: true }, "other overrides are kept");
  delete after["some-other:plugin"];
  fs.writeFileSync(overrides, JSON.stringify(after, null, 2) + "\n");
  // Leave the checkout as it was: all cached again.
  const again = run(process.execPath, [bootstrap]);
  assert.equal(again.status, 0, again.out);
  assert.match(run(process.execPath, [bootstrap]).out, /jupyterlab settings: ok \(cached\)/);
});


test("beamlab lab prints a few lines and ends with the URL alone; Ctrl+C stops it", { skip: skipVenv, timeout: 120_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-lab-"));
  const port = await freePort();
  // Our own settings, runtime and config dirs: the user's JupyterLab settings neither help nor hurt.
  const env = { ...process.env, CI: "1", JUPYTERLAB_SETTINGS_DIR: path.join(tmp, "settings"), JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"), JUPYTER_CONFIG_DIR: path.join(tmp, "config") };
  const child = spawn(process.execPath, [BEAMLAB, "lab", "--port", String(port)], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((ok) => child.on("exit", (code) => ok(code)));
  try {
    const deadline = Date.now() + 90_000;
    while (!/\/lab\?token=\w+\n/.test(out)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `no URL from beamlab lab:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const lines = out.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, -1), [
      "[beamlab] starting JupyterLab on notebooks/ (its log: .bootstrap/jupyterlab.log)",
      "[beamlab] ready (Ctrl+C stops it); open this URL in your browser:",
    ]);
    const url = lines.at(-1)!;
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${port}/lab\\?token=[0-9a-f]+$`), "the URL, alone on the last line");
    assert.equal(err, "", "nothing on stderr");
    // JupyterLab's log is in the file the first line names.
    assert.match(fs.readFileSync(path.join(ROOT, ".bootstrap", "jupyterlab.log"), "utf8"), /Jupyter Server .* is running at/);
    // The server behind the URL applies the news setting from the .venv's overrides.
    const token = new URL(url).searchParams.get("token")!;
    const res = await fetch(`http://127.0.0.1:${port}/lab/api/settings/@jupyterlab/apputils-extension:notification`, { headers: { Authorization: `token ${token}` } });
    assert.equal(res.status, 200);
    // Overrides become the schema's defaults (the user's own settings, none here, would still win).
    const setting = (await res.json()) as { settings: Record<string, unknown>; schema: { properties: Record<string, { default?: unknown }> } };
    assert.deepEqual(setting.settings, {});
    assert.equal(setting.schema.properties.fetchNews.default, "false");
    assert.equal(setting.schema.properties.checkForUpdates.default, false);

    child.kill("SIGINT");
    assert.equal(await exited, 0);
    assert.match(out, /\[beamlab\] stopping JupyterLab\n$/);
    const stillUp = await fetch(`http://127.0.0.1:${port}/api/status`).then(() => true, () => false);
    assert.equal(stillUp, false, "JupyterLab stopped with the command");
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("jupyter kernelspec list shows the tslab kernel", { skip: skipVenv }, () => {
  const r = run(JUPYTER, ["kernelspec", "list", "--json"]);
  assert.equal(r.status, 0, r.out);
  const specs = JSON.parse(r.out).kernelspecs;
  assert.ok(specs.tslab, `no tslab kernelspec in:\n${r.out}`);
  assert.equal(specs.tslab.spec.language, "typescript");
  const argv: string[] = specs.tslab.spec.argv;
  assert.ok(path.isAbsolute(argv[0]) && fs.existsSync(argv[0]), `kernel argv[0] not an existing absolute path: ${argv[0]}`);
  assert.ok(argv.includes("kernel"), `kernel argv does not start 'tslab kernel': ${argv.join(" ")}`);
});

test("beamlab run executes notebooks with tslab and names the failing cell", { skip: skipVenv, timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-run-"));
  try {
    fs.writeFileSync(
      path.join(dir, "good.ipynb"),
      tslabNotebookJson([
        ["markdown", "# fine"],
        "const x: number = 1 + 1;\nconsole.log(x);",
      ]),
    );
    fs.writeFileSync(
      path.join(dir, "bad.ipynb"),
      tslabNotebookJson([
        "const y: number = 40 + 2;",
        ["markdown", "the next cell throws"],
        "throw new Error('boom in cell three');",
        "console.log(y);",
      ]),
    );
    const outDir = path.join(dir, "out");

    const good = run(process.execPath, [BEAMLAB, "run", "--out", outDir, "good.ipynb"], dir);
    assert.equal(good.status, 0, `beamlab run good.ipynb failed:\n${good.out}`);
    const executed = JSON.parse(fs.readFileSync(path.join(outDir, "good.ipynb"), "utf8"));
    const text = JSON.stringify(executed.cells[1].outputs);
    assert.match(text, /"2\\n"/, `expected output 2, got ${text}`);
    // --out leaves the source notebook untouched
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "good.ipynb"), "utf8")).cells[1].outputs, []);

    const bad = run(process.execPath, [BEAMLAB, "run", "--out", outDir, "bad.ipynb"], dir);
    assert.equal(bad.status, 1, `beamlab run bad.ipynb should fail:\n${bad.out}`);
    assert.match(bad.out, /notebook bad\.ipynb, cell 3: Error: boom in cell three/);
    assert.doesNotMatch(bad.out, /cell [124]:/, `only cell 3 should be reported:\n${bad.out}`);
    // the cell after the failing one still ran
    const badOut = JSON.parse(fs.readFileSync(path.join(outDir, "bad.ipynb"), "utf8"));
    assert.match(JSON.stringify(badOut.cells[3].outputs), /42/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
