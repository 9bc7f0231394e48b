import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as beam from "../../lib";
import { directPlan, runPlan } from "../../lib/runners/direct";
import { liftedPairings } from "../../lib/runners/lifting";
import { PipelineError } from "../../lib/errors";
import { sink, sorted } from "./helpers";

/** A pipeline counting `elements` per element, with its count's output kept. */
function counting(elements: unknown[], bundleSize = 3) {
  const p = new beam.Pipeline({ bundleSize });
  const counts = p.apply("Create", beam.Create(elements)).apply("Count", beam.combiners.Count.PerElement());
  return { p, out: sink(counts, "Counts") };
}

/** A key as text that tells apart what Beam's keys tell apart (NaN from null; -0 is 0). */
const keyText = (k: unknown) => (k !== null && typeof k === "object" ? `json:${JSON.stringify(k)}` : `${typeof k}:${String(k)}`);

/** The counts as comparable text, whatever order the groups came in. */
const text = (pairs: [unknown, number][]) => sorted(pairs.map(([k, n]) => `${keyText(k)}=${n}`));

/** The plan's lifted steps, when nothing looks at the pairs and when something does. */
function liftedLabels(p: beam.Pipeline, observed: (id: string) => boolean): string[] {
  const { fused } = directPlan(p, null);
  return fused.stages.flatMap((s) => [...liftedPairings(s, observed).keys()].map((step) => step.label));
}

test("Count.PerElement's PairWithOne is lifted into CountPerKey, and not when the pairs are looked at", () => {
  const { p } = counting(["a", "b", "a"]);
  assert.deepEqual(liftedLabels(p, () => false), ["Count/PairWithOne"]);
  assert.deepEqual(liftedLabels(p, () => true), []);
  // A pairing the user wrote is an ordinary Map: its function could do anything else too.
  const q = new beam.Pipeline();
  q.apply("Create", beam.Create(["a"]))
    .apply("Pair", beam.Map((e: string) => [e, 1] as [string, number]))
    .apply("Count", beam.combiners.Count.PerKey());
  assert.deepEqual(liftedLabels(q, () => false), []);
});

test("lifted and unlifted Count.PerElement count alike and report the pairs' count (property)", async () => {
  const key = fc.oneof(
    fc.constantFrom("a", "b", "", "__proto__"),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(null, true, false, -0, NaN),
    fc.record({ k: fc.constantFrom("x", "y") }),
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom("p", "q")),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(key, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), async (elements, bundleSize) => {
      const lifted = counting(elements, bundleSize);
      const { result } = await runPlan(lifted.p, null);
      // Observing every batch (as step-through does) runs the pairs as written.
      const plain = counting(elements, bundleSize);
      const { result: plainResult } = await runPlan(plain.p, null, { onBatch: () => undefined });
      assert.deepEqual(text(lifted.out), text(plain.out));
      const naive = new Map<string, number>();
      for (const e of elements) naive.set(keyText(e), (naive.get(keyText(e)) ?? 0) + 1);
      assert.deepEqual(text(lifted.out), sorted([...naive].map(([k, n]) => `${k}=${n}`)));
      assert.equal(result.metrics()["Count/PairWithOne"].elementsOut, elements.length);
      assert.equal(result.metrics()["Count/PairWithOne"].elementsOut, plainResult.metrics()["Count/PairWithOne"].elementsOut);
      assert.equal(result.metrics()["Count/CountPerKey"].elementsIn, elements.length);
    }),
    { numRuns: 150 },
  );
});

test("a lifted count's key that cannot be grouped fails as the unlifted one does, naming CountPerKey and the pair", async () => {
  const failure = async (observe: boolean): Promise<PipelineError> => {
    const { p } = counting(["a", () => 1]);
    const e = await runPlan(p, null, observe ? { onBatch: () => undefined } : {}).then(
      () => assert.fail("the count of a function should fail"),
      (err: unknown) => err,
    );
    assert.ok(e instanceof PipelineError);
    return e;
  };
  const lifted = await failure(false);
  const plain = await failure(true);
  assert.equal(lifted.label, "Count/CountPerKey");
  assert.match(lifted.message, /A key cannot be a function/);
  assert.match(lifted.message, /element: \[\[function anonymous\],1\]/);
  assert.equal(lifted.message, plain.message);
});
