// End-to-end checks of the developer tooling: bootstrap is cached and fast on
// a second run, the tslab kernelspec is registered in .venv, and `beamlab run`
// executes notebooks with the real kernel and names the failing cell.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

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

function notebook(cells: Array<["code" | "markdown", string]>) {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: cells.map(([type, source], i) => ({
      cell_type: type,
      id: `cell-${i}`,
      metadata: {},
      source,
      ...(type === "code" ? { outputs: [], execution_count: null } : {}),
    })),
  });
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
      notebook([
        ["markdown", "# fine"],
        ["code", "const x: number = 1 + 1;\nconsole.log(x);"],
      ]),
    );
    fs.writeFileSync(
      path.join(dir, "bad.ipynb"),
      notebook([
        ["code", "const y: number = 40 + 2;"],
        ["markdown", "the next cell throws"],
        ["code", "throw new Error('boom in cell three');"],
        ["code", "console.log(y);"],
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
