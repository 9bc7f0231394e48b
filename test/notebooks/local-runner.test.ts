// The local runner in a real tslab kernel: a DoFn class and a Map defined in cells move to
// workers (their compiled source reads `exports.beam` and an imported module); a DoFn that
// closes over another cell's variable fails validation naming the variable and the fix.
import test from "node:test";
import assert from "node:assert/strict";
import { runNotebook, textOf } from "./helpers";

test("in a real tslab kernel: cell-defined DoFns run on 2 workers; one closing over a notebook variable is refused by name", { timeout: 120_000 }, () => {
  const { run, outputs } = runNotebook("local-runner", [
    'import * as beam from "beamlab";\nimport * as path from "node:path";\nconst factor = 3;',
    [
      "class Scale extends beam.DoFn<number, string> {",
      "  constructor(readonly k: number) { super(); }",
      "  process(n: number) { beam.metrics.counter(\"scaled\").inc(); return [path.join(\"n\", String(n * this.k))]; }",
      "}",
      'const p = new beam.Pipeline({ runner: "local", workers: 2 });',
      'const nums = p.apply("Nums", beam.Create([1, 2, 3, 4, 5, 6]));',
      'const scaled = nums.apply("Scale", beam.ParDo(new Scale(factor)));',
      'const counted = scaled.apply("Pair", beam.Map((s: string) => [s.length, s] as [number, string])).apply("Count", beam.combiners.Count.PerKey());',
      "const r = await p.run();",
      'console.log("state", r.state, "scaled", r.metrics()["Scale"].counters?.scaled, "workers", r.workers().length);',
    ].join("\n"),
    [
      "class Bad extends beam.DoFn<number, number> { process(n: number) { return [n * factor]; } }",
      'const q = new beam.Pipeline({ runner: "local", workers: 2 });',
      'q.apply("Nums", beam.Create([1, 2])).apply("Uses factor", beam.ParDo(new Bad()));',
      "try { await q.run(); } catch (e) { console.log(String((e as Error).message)); }",
    ].join("\n"),
  ]);
  assert.equal(run.status, 0, run.stderr);
  const ok = textOf(outputs[1]);
  assert.match(ok, /state DONE scaled 6 workers 2/);
  const refused = textOf(outputs[2]);
  assert.match(refused, /uses the notebook variable "factor", which a worker cannot see in transform "Uses factor"/);
  assert.match(refused, /pass it to the constructor and keep it in a field \(new MyFn\(factor\), then this\.factor\)/);
});
