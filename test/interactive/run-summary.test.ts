import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { counted } from "../unit/helpers";
import { cancelAll } from "../../lib/runners/interactive";
import { resolveRunner } from "../../lib/runners/registry";
import { runPlan } from "../../lib/runners/direct";
import type { PartialOutcome, ProgressSnapshot } from "../../lib/runners/executor";
import { progressBundle, progressPayload } from "../../lib/display/progress";


test("metrics of an interactive run include the steps served from the cache, marked cached", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const plus = counted((n: number) => n + 1);
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const more = nums.apply("Plus", plus.t);
  more.apply("Times", beam.Map((n: number) => n * 2));
  await beam.collect(more);
  const m = (await p.run()).metrics();
  assert.deepEqual(Object.keys(m), ["Create", "Plus", "Times"]);
  assert.deepEqual(m["Create"], { label: "Create", elementsIn: 0, elementsOut: 3, millis: 0, cached: true });
  assert.deepEqual(m["Plus"], { label: "Plus", elementsIn: 3, elementsOut: 3, millis: 0, cached: true });
  assert.equal(m["Times"].cached, undefined, "computed in this run");
  assert.equal(m["Times"].elementsOut, 3);
  assert.equal(plus.c.calls, 3);
  const again = (await p.run()).metrics();
  assert.ok(Object.values(again).every((s) => s.cached === true), "a second run computes nothing");
  const direct = new beam.Pipeline({ runner: "direct" });
  direct.apply("Create", beam.Create([1])).apply("Plus", beam.Map((n: number) => n + 1));
  assert.ok(Object.values((await direct.run()).metrics()).every((s) => s.cached === undefined), "the direct runner has no cache");
});

/** Create → Fast → Group (a barrier) → Slow: Fast has finished when Slow runs. */
function barrierPipeline(onSlow: (calls: number) => void) {
  const p = new beam.Pipeline({ runner: "interactive", bundleSize: 10 });
  const fast = counted((n: number): [number, number] => [n % 50, n]);
  let slowCalls = 0;
  const nums = p.apply("Create", beam.Create(Array.from({ length: 2000 }, (_, i) => i)));
  const keyed = nums.apply("Fast", fast.t);
  const grouped = keyed.apply("Group", beam.GroupByKey());
  const slow = grouped.apply(
    "Slow",
    beam.Map(([k, vs]: [number, number[]]) => {
      onSlow(++slowCalls);
      return k + vs.length;
    }),
  );
  return { p, nums, keyed, grouped, slow, fast };
}

test("an interrupt keeps the caches of the steps that finished before it", async () => {
  const { p, nums, keyed, grouped, slow, fast } = barrierPipeline((n) => n === 5 && cancelAll());
  await assert.rejects(beam.collect(slow), /cancelled/);
  const runner = resolveRunner(p) as beam.InteractiveRunner;
  assert.equal(runner.isCached(nums), true);
  assert.equal(runner.isCached(keyed), true, "Fast finished before the interrupt");
  assert.equal(runner.isCached(grouped), false);
  assert.equal(runner.isCached(slow), false);
  const state = runner.runState();
  assert.equal(state.counts.get(keyed.id), 2000);
  assert.equal(state.counts.has(slow.id), false, "no partial count is kept for a cancelled step");
  assert.equal(state.failed, null, "an interrupt is not a failure");
  assert.equal(fast.c.calls, 2000);
  await beam.collect(slow);
  assert.equal(fast.c.calls, 2000, "the finished step is not recomputed");
});

test("a failed run keeps the finished steps' caches too", async () => {
  const { p, keyed, slow, fast } = barrierPipeline((n) => {
    if (n === 3) throw new Error("boom");
  });
  await assert.rejects(beam.collect(slow), /boom/);
  const runner = resolveRunner(p) as beam.InteractiveRunner;
  assert.equal(runner.isCached(keyed), true);
  assert.equal(runner.runState().failed?.label, "Slow");
  assert.equal(fast.c.calls, 2000);
});

test("the summary of an interrupted run shows which steps finished and which were cancelled", async () => {
  const { p } = barrierPipeline((n) => n === 5 && controller.abort());
  const controller = new AbortController();
  let partial: PartialOutcome | null = null;
  await assert.rejects(runPlan(p, null, { signal: controller.signal, onIncomplete: (x) => (partial = x) }), /cancelled/);
  assert.ok(partial);
  const payload = progressPayload(p, (partial as PartialOutcome).snapshot, "CANCELLED", { name: "p" });
  assert.deepEqual(payload.steps.map((s) => [s.label, s.status, s.done]), [["Create", "done", true], ["Fast", "done", true], ["Group", "cancelled", false], ["Slow", "cancelled", false]]);
  const bundle = progressBundle(payload);
  assert.match(bundle["text/plain"] as string, /^p: interrupted after \d+\.\d s; 2 steps finished \(kept in the cache\), 2 cancelled\n  Create: 0 in, 2000 out, \d+ ms\n/);
  assert.match(bundle["text/plain"] as string, /Slow: \d+ in, \d+ out, \d+ ms \(cancelled\)/);
  assert.match(bundle["text/html"] as string, /<tr class="beamlab-step-cancelled"><td>Group<\/td>/);
});

test("a summary marks cached steps and shows no time for them", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create <b>", beam.Create([1, 2]));
  const plus = nums.apply("Plus", beam.Map((n: number) => n + 1));
  let last: ProgressSnapshot | null = null;
  await runPlan(p, [plus], { replay: new Map([[nums.id, [1, 2]]]), onProgress: (s) => (last = s) });
  const payload = progressPayload(p, last!, "DONE", { cached: new Map([[nums.id, 2]]) });
  assert.deepEqual(payload.steps.map((s) => [s.label, s.status, s.elementsIn, s.elementsOut]), [["Create <b>", "cached", 0, 2], ["Plus", "done", 2, 2]]);
  const bundle = progressBundle(payload);
  assert.match(bundle["text/plain"] as string, /done in \d+\.\d s; 1 step computed, 1 from the cache\n  Create <b>: 0 in, 2 out, cached\n  Plus: 2 in, 2 out, \d+ ms$/);
  assert.ok((bundle["text/html"] as string).includes("Create &lt;b&gt;"), "labels are escaped");
});
