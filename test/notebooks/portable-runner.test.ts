// The portable runner in a real tslab kernel: the notebook starts Prism, and a DoFn that
// closes over another cell's variable (which no worker process could see) runs on the Beam
// job service anyway, because the loopback worker is the kernel itself. The notebook stops
// Prism in its last cell.
import test from "node:test";
import assert from "node:assert/strict";
import { runNotebook, textOf } from "./helpers";

test("in a real tslab kernel: cell-defined DoFns, closing over notebook variables, run on Prism", { timeout: 600_000 }, () => {
  const { run, outputs } = runNotebook("portable-runner", [
    'import * as beam from "beamlab";\nconst factor = 3;\nconst prism = await beam.portable.startPrism();',
    [
      "class Scale extends beam.DoFn<number, number> {",
      "  process(n: number) { beam.metrics.counter(\"scaled\").inc(); return [n * factor]; }",
      "}",
      'const p = new beam.Pipeline({ runner: "portable", jobEndpoint: prism.endpoint });',
      'const nums = p.apply("Nums", beam.Create([1, 2, 3, 4, 5, 6]));',
      'const scaled = nums.apply("Scale", beam.ParDo(new Scale()));',
      'const parity = scaled.apply("Pair", beam.Map((n: number) => [n % 2, n * factor] as [number, number])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));',
      "const seen: [number, number][] = [];",
      'parity.apply("Keep", beam.Map((kv: [number, number]) => { seen.push(kv); return kv; }));',
      "const r = await p.run();",
      'console.log("state", r.state, "scaled", r.metrics()["Scale"].counters?.scaled, "sums", JSON.stringify(seen.sort()));',
    ].join("\n"),
    "await prism.stop();\nconsole.log(\"stopped\");",
  ]);
  assert.equal(run.status, 0, run.stderr);
  // 3..18 times 3: odd 9+27+45 = 81, even 18+36+54 = 108.
  assert.match(textOf(outputs[1]), /state DONE scaled 6 sums \[\[0,108\],\[1,81\]\]/);
  assert.match(textOf(outputs[2]), /stopped/);
});
