// The peers benchmark's engines compute the same thing: at 10k rows, each case of
// test/bench/peers (teacher, student, class, words) on every engine — beamlab's direct,
// interactive (first and cached show) and local runners, the hand-written loop, arquero,
// Spark local[2], DuckDB, the apache-beam npm SDK, Beam Python's FnApiRunner, Prism and Interactive Beam —
// writes outputs equal, as sorted multisets, to the loop's. Not timed: `npm run
// bench:peers` times them. Beam Python comes from .venv-bench, made by the bootstrap's
// --bench step (which also builds Prism; it runs in the serial group so that no other
// test builds Prism at the same time).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CASES, type CaseOutput } from "../bench/peers/cases";
import { inputsFor } from "../bench/peers/data";
import { ALL_ENGINES } from "../bench/peers/engines";
import { ROOT, runCase } from "../bench/peers/run-case";

const ROWS = 10_000;
let input = "";
let work = "";

before(() => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "bootstrap.mjs"), "--bench"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `bootstrap --bench:\n${r.stdout}\n${r.stderr}`);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-peers-test-"));
  input = inputsFor(ROWS, work);
});

for (const c of CASES) {
  test(`${c} at ${ROWS.toLocaleString("en-US")} rows: every engine writes what the loop writes`, async () => {
    const outputs = new Map<string, CaseOutput>();
    for (const e of ALL_ENGINES) {
      const r = await runCase(e, c, ROWS, input, path.join(work, `out-${e}-${c}`), { runs: 1, budgetMs: 0, limitMs: 120_000, keep: (o) => outputs.set(e, o) });
      assert.equal(r.error, null, `${e} ${c} failed: ${r.error}`);
      assert.equal(r.timedOut, null, `${e} ${c} finished within the limit`);
    }
    const loop = outputs.get("loop")!;
    for (const lines of Object.values(loop)) assert.ok(lines.length > 0, `${c}: the loop writes something`);
    for (const [e, o] of outputs) {
      for (const [name, lines] of Object.entries(loop)) {
        const got = o[name];
        assert.equal(got.length, lines.length, `${e} ${c}.${name}: as many lines as the loop`);
        assert.deepEqual(got, lines, `${e} ${c}.${name} equals the loop's`);
      }
    }
    assert.equal(outputs.size, ALL_ENGINES.length);
  });
}
