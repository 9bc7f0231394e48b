// Runner equivalence, fuzzed: random pipelines over hostile data give the same multisets on
// the direct, interactive (with partial caching and a re-applied label) and local runners.
// A bounded run; `npm run fuzz` runs a long one.
import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as beam from "../../lib";
import { fuzzRunners } from "./fuzz/equivalence";
import { build, program, programText, type Program } from "./fuzz/program";
import { runOn } from "./fuzz/runs";

/** Cases in `npm test`; FUZZ_RUNS raises it. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

test(`direct = interactive = local on ${RUNS} random pipelines`, { timeout: 600_000 }, async () => {
  const report = await fuzzRunners({ runs: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261202) });
  console.log(`# reliability: fuzz ${JSON.stringify({ cases: report.cases, refusedAlike: report.refusedAlike, seed: report.seed, agreed: report.failure === null })}`);
  assert.equal(report.failure, null, report.failure ?? "");
  assert.equal(report.cases, RUNS);
});

test("the generator covers every kind of step, and every program builds", () => {
  const seen = new Set<string>();
  for (const prog of fc.sample(program(), { numRuns: 300, seed: 7 })) {
    for (const s of prog.steps) seen.add(s.op);
    build(new beam.Pipeline({ runner: "direct" }), prog);
  }
  assert.deepEqual([...seen].sort(), ["coGroupByKey", "combineGlobally", "combinePerKey", "create", "distinct", "filter", "flatMap", "flatten", "groupByKey", "map", "parDo", "partition", "side", "tagged"]);
});

test("the comparison catches a runner that differs, and prints the program", async () => {
  // A hostile key the direct runner must group as one: -0 and 0, and one record in two field orders.
  const prog: Program = {
    steps: [
      { op: "create", values: [0, -0, { a: 1, b: NaN }, { b: NaN, a: 1 }, 2n ** 64n, new Date(0), "e\u0301"] },
      { op: "groupByKey", input: 0, key: "self" },
    ],
    cacheFirst: [],
    reapply: null,
  };
  const direct = await runOn(prog, "direct");
  assert.ok("outputs" in direct, JSON.stringify(direct));
  assert.equal(direct.outputs[1].length, 5, "0 and -0 are one key, and so is the record in both field orders");
  const changed = { ...prog, steps: [{ ...prog.steps[0], values: [0, 1] }, prog.steps[1]] } as Program;
  assert.notDeepEqual(await runOn(changed, "local"), direct);
  assert.match(programText(prog), /beam\.GroupByKey\(\)/);
  assert.match(programText(prog), /2\*\*64|18446744073709551616n/);
});
