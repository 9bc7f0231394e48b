/**
 * The player's navigation (PlayerModel) over a real step-through payload with a composite,
 * the payload guards, and KernelModel.requestLineage: the click's request goes out as the
 * never-throwing `__beamlab.lineage(json)` code, and the kernel's answer (computed by the
 * real kernel side, lineageOf) or its error comes back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { lineageOf } from "../../lib/teaching/lineage-request";
import type { LineageRequest, StepThroughPayload } from "../../lib/teaching/protocol";
import { KernelModel } from "../../kernel-ext/src/model/kernel-model";
import { asPairsPayload, asReplyPayload, asStepThroughPayload } from "../../kernel-ext/src/model/payloads";
import { PlayerModel } from "../../kernel-ext/src/model/player-model";
import { FakeKernel, FakeSession } from "./fakes";

async function joinPipeline(): Promise<{ p: beam.Pipeline; st: StepThroughPayload; b: beam.PCollection<[string, number]> }> {
  const p = new beam.Pipeline({ runner: "interactive" });
  const a = p.apply("A", beam.Create<[string, number]>([["x", 1], ["y", 2]]));
  const b = p.apply("B", beam.Create<[string, number]>([["x", 10]]));
  const joined = beam.CoGroupByKey.of({ a, b }, "Join");
  joined.apply("Sizes", beam.Map(([k, v]: [string, { a: number[]; b: number[] }]) => ({ k, n: v.a.length + v.b.length })));
  const st = JSON.parse(JSON.stringify(await beam.stepThrough(p, { show: false }))) as StepThroughPayload;
  return { p, st, b };
}

test("next steps over a composite, into / out go in and back, next after its last step goes on after it", async () => {
  const { st } = await joinPipeline();
  const m = new PlayerModel(st);
  const label = () => m.current.fullLabel;
  assert.equal(label(), "A");
  assert.equal(m.target("prev"), null);
  assert.equal(m.target("first"), null);
  assert.equal(m.target("into"), null, "A is not a composite");
  m.go("next");
  m.go("next");
  assert.equal(label(), "Join");
  m.go("next");
  assert.equal(label(), "Sizes", "next steps over the composite");
  m.go("prev");
  assert.ok(m.go("into"));
  assert.equal(m.current.parent, st.steps.find((s) => s.fullLabel === "Join")!.id);
  assert.deepEqual(m.path.map((s) => s.fullLabel), ["Join"]);
  const inner = st.steps.find((s) => s.fullLabel === "Join")!.children;
  for (let i = 1; i < inner.length; i++) m.go("next");
  assert.equal(m.current.id, inner[inner.length - 1]);
  m.go("next");
  assert.equal(label(), "Sizes", "after the last inner step: the step after the composite");
  m.go("prev");
  m.go("into");
  assert.ok(m.go("out"));
  assert.equal(label(), "Join");
  assert.ok(m.go("last"));
  assert.equal(label(), "Sizes");
  assert.equal(m.target("next"), null);
  assert.equal(m.position, st.steps.length - 1);
});

test("the payload guards accept beamlab's payloads and refuse others", async () => {
  const { st } = await joinPipeline();
  assert.ok(asStepThroughPayload(st));
  assert.ok(asStepThroughPayload(JSON.stringify(st)));
  assert.equal(asStepThroughPayload({ ...st, version: 2 }), null);
  assert.equal(asStepThroughPayload({ ...st, steps: [] }), null);
  const sizes = st.steps.find((s) => s.fullLabel === "Sizes")!;
  assert.ok(asPairsPayload(sizes.pairs[0]));
  assert.equal(asPairsPayload({ version: 1, rows: [{}], counts: {} }), null);
  assert.equal(asReplyPayload({ version: 1, ok: true, kind: "lineage", lineage: { pcollection: 3 } }), null);
});

test("requestLineage sends the lineage code and returns what the kernel side traced", async () => {
  const { p, st, b } = await joinPipeline();
  const sizes = st.steps.find((s) => s.fullLabel === "Sizes")!;
  const kernel = new FakeKernel((code) => {
    const arg = /\?\.lineage\((.*)\)$/.exec(code)?.[1] ?? "";
    return lineageOf(JSON.parse(JSON.parse(arg)) as LineageRequest);
  });
  const s = new FakeSession();
  s.session.kernel = kernel;
  const m = new KernelModel(s);
  const req = { pipeline: p.id, pcollection: sizes.outputs[0].id, index: 0 };
  const reply = await m.requestLineage(req);
  assert.match(kernel.requests[0], /^await Reflect\.get\(globalThis, "__beamlab"\)\?\.lineage\(/);
  assert.equal(reply.pcollection, sizes.outputs[0].id);
  const fromB = reply.linked.find((l) => l.pcollection === b.id);
  assert.deepEqual(fromB?.indexes, [0], "key x came from B's only element");
  await assert.rejects(m.requestLineage({ ...req, index: 50 }), /no element #50/);
  m.dispose();
});
