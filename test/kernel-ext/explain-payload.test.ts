// The extension's guard for explain payloads: it accepts what beam.explain sends and
// refuses what it cannot draw (another version, missing parts), instead of throwing.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { EXPLAIN_MIME } from "../../lib/display/protocol";
import { stageGraph } from "../../lib/display/stage-graph";
import { asExplainPayload, asGraphPayload } from "../../kernel-ext/src/model/payloads";

function payload(): Record<string, unknown> {
  const p = new beam.Pipeline({ name: "words" });
  p.apply("Words", beam.Create(["a", "b", "a"])).apply("Count", beam.combiners.Count.PerElement());
  return beam.explain(p).bundle()[EXPLAIN_MIME] as Record<string, unknown>;
}

test("asExplainPayload accepts beam.explain's payload, also as a JSON string", () => {
  const raw = payload();
  assert.ok(asExplainPayload(raw));
  assert.ok(asExplainPayload(JSON.stringify(raw)));
});

test("asExplainPayload refuses another version and payloads missing what the tabs draw", () => {
  const raw = payload();
  assert.equal(asExplainPayload({ ...raw, version: 99 }), null);
  for (const key of ["graph", "submitted", "findings", "stages", "checks"]) {
    const { [key]: _gone, ...rest } = raw;
    assert.equal(asExplainPayload(rest), null, `without ${key}`);
  }
  assert.equal(asExplainPayload({ ...raw, findings: [{ severity: "fatal", message: "x" }] }), null);
  assert.equal(asExplainPayload({ ...raw, stages: [{ id: "S1" }] }), null);
  assert.equal(asExplainPayload("not json"), null);
});

test("the stage graph is a graph payload the graph renderer accepts: stages, and what passes between them", () => {
  const raw = asExplainPayload(payload())!;
  const g = stageGraph(raw.pipeline, raw.stages);
  assert.ok(asGraphPayload(g));
  assert.deepEqual(g.nodes.filter((n) => n.kind === "transform").map((n) => n.label), ["S1: Words", "S2: Count/CountPerKey"]);
  assert.deepEqual(g.nodes.filter((n) => n.kind === "pcollection").map((n) => [n.label, n.note]), [["shuffle: Count/CountPerKey", "partial accumulators, merged by key"]]);
  assert.deepEqual(g.edges.map((e) => [e.from, e.to, e.kind]), [["S1", "shuffle:Count/CountPerKey", "output"], ["shuffle:Count/CountPerKey", "S2", "main"]]);
});
