import { test } from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { graphPayload as payloadOf } from "../../lib/display/graph";
import type { GraphPayload } from "../../lib/display/protocol";
import { CLUSTER_HEADER, layoutGraph, nodeDetail, visibleGraph, type GraphLayout } from "../../kernel-ext/src/model/graph-layout";
import { asGraphPayload } from "../../kernel-ext/src/model/payloads";

/** A payload written before edges went to inner steps: edges name the composite. */
const oldStyle: GraphPayload = {
  version: 1,
  pipeline: { id: "p1", name: "wc" },
  nodes: [
    { id: "t1", kind: "transform", label: "Read", fullLabel: "Read", primitive: "Read" },
    { id: "c1", kind: "pcollection", label: "lines", fullLabel: "Read", count: 3, varName: "lines" },
    { id: "comp", kind: "transform", label: "Count", fullLabel: "Count", primitive: "Composite" },
    { id: "t2", kind: "transform", label: "GroupByKey", fullLabel: "Count/GroupByKey", primitive: "GroupByKey", parent: "comp" },
    { id: "c2", kind: "pcollection", label: "Count", fullLabel: "Count", count: 9 },
  ],
  edges: [
    { from: "t1", to: "c1", kind: "output", count: 3 },
    { from: "c1", to: "comp", kind: "main", count: 3 },
    { from: "comp", to: "c2", kind: "output", count: 9 },
    { from: "ghost", to: "c2", kind: "main" },
  ],
};

/** 01-hello-world's pipeline, with CombinePerKey (a composite of GroupByKey and Combine) and a nested composite. */
function hello(): GraphPayload {
  const p = new beam.Pipeline({ runner: "direct", name: "hello" });
  const words = p.apply("Create", beam.Create(["a", "b", "a"]));
  const pairs = words.apply("Pair with 1", beam.Map((w: string): [string, number] => [w, 1]));
  pairs.apply("Group", beam.GroupByKey<string, number>());
  pairs.apply("Count per key", beam.CombinePerKey((ones: number[]) => ones.reduce((a, b) => a + b, 0)));
  words.apply(
    "Count words",
    beam.ptransform("CountWords", (ws: beam.PCollection<string>) =>
      ws.apply("Pair", beam.Map((w: string): [string, number] => [w, 1])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0))),
    ),
  );
  return payloadOf(p);
}

function idOf(g: GraphPayload, fullLabel: string): string {
  const n = g.nodes.find((x) => x.kind === "transform" && x.fullLabel === fullLabel);
  assert.ok(n, fullLabel);
  return n.id;
}

/** Every drawn node is on a drawn edge or inside a drawn box; every box contains its nodes; no edge ends at a box. */
function assertNoOrphans(lay: GraphLayout, g: GraphPayload): void {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const drawn = new Map(lay.nodes.map((n) => [n.node.id, n]));
  for (const p of lay.nodes) {
    if (p.cluster) continue;
    const onEdge = lay.edges.some((e) => e.edge.from === p.node.id || e.edge.to === p.node.id);
    const parent = p.node.parent ? drawn.get(p.node.parent) : undefined;
    assert.ok(onEdge || parent?.cluster, `orphan node ${p.node.fullLabel}`);
    // A node whose composite is closed must not be drawn at all.
    for (let a = p.node.parent ? byId.get(p.node.parent) : undefined; a; a = a.parent ? byId.get(a.parent) : undefined) {
      assert.ok(drawn.get(a.id)?.cluster, `${p.node.fullLabel} drawn although ${a.fullLabel} is closed`);
    }
    if (parent?.cluster) {
      assert.ok(Math.abs(p.x - parent.x) + p.width / 2 <= parent.width / 2 + 0.5, `${p.node.fullLabel} sticks out of its box`);
      assert.ok(Math.abs(p.y - parent.y) + p.height / 2 <= parent.height / 2 + 0.5, `${p.node.fullLabel} sticks out of its box`);
      assert.ok(p.y - p.height / 2 >= parent.y - parent.height / 2 + CLUSTER_HEADER - 0.5, `${p.node.fullLabel} covers its box's header`);
    }
  }
  for (const e of lay.edges) {
    assert.ok(!drawn.get(e.edge.from)?.cluster && !drawn.get(e.edge.to)?.cluster, "an edge ends at a box");
    assert.ok(drawn.has(e.edge.from) && drawn.has(e.edge.to), "an edge ends at a hidden node");
    assert.ok(e.points.length >= 2);
  }
  for (const n of lay.nodes) assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y) && n.width > 0 && n.height > 0, n.node.id);
}

test("composites are collapsed by default: one node, marked, edges rerouted, no loose inner steps", () => {
  const g = hello();
  const lay = layoutGraph(g);
  assertNoOrphans(lay, g);
  const labels = lay.nodes.map((n) => n.node.fullLabel);
  assert.ok(!labels.some((l) => l.includes("/")), `inner steps drawn: ${labels}`);
  const cpk = lay.nodes.find((n) => n.node.fullLabel === "Count per key" && n.node.kind === "transform")!;
  assert.equal(cpk.title, "▸ Count per key");
  assert.deepEqual(cpk.lines, ["2 steps"]);
  assert.ok(cpk.expandable && !cpk.cluster);
  const words = lay.nodes.find((n) => n.node.fullLabel === "Count words" && n.node.kind === "transform")!;
  assert.deepEqual(words.lines, ["3 steps"], "nested steps count as steps");
  // The edge into the composite comes from the pairs, the edge out goes to its output.
  const pairs = g.nodes.find((n) => n.kind === "pcollection" && n.fullLabel === "Pair with 1")!;
  assert.ok(lay.edges.some((e) => e.edge.from === pairs.id && e.edge.to === cpk.node.id));
  assert.ok(lay.edges.some((e) => e.edge.from === cpk.node.id && e.edge.kind === "output"));
  // A plain GroupByKey at top level is a step, not a composite.
  assert.equal(lay.nodes.find((n) => n.node.fullLabel === "Group")!.expandable, false);
});

test("an expanded composite is a box around its steps, inner PCollections and edges", () => {
  const g = hello();
  const cpk = idOf(g, "Count per key");
  const lay = layoutGraph(g, { expanded: new Set([cpk]) });
  assertNoOrphans(lay, g);
  const box = lay.nodes.find((n) => n.node.id === cpk)!;
  assert.ok(box.cluster && box.title.startsWith("▾"));
  const inner = lay.nodes.filter((n) => n.node.parent === cpk);
  assert.equal(inner.filter((n) => n.node.kind === "transform").length, 2);
  assert.equal(inner.filter((n) => n.node.kind === "pcollection").length, 1, "the PCollection between the steps");
  const gbk = idOf(g, "Count per key/GroupByKey");
  assert.ok(lay.edges.some((e) => e.edge.to === gbk), "the composite's input goes to its first step");
  // Nested: opening the outer composite shows the inner one closed; opening both shows all.
  const outer = idOf(g, "Count words");
  const once = layoutGraph(g, { expanded: new Set([outer]) });
  assertNoOrphans(once, g);
  const sum = once.nodes.find((n) => n.node.fullLabel === "Count words/Sum")!;
  assert.ok(sum.expandable && !sum.cluster);
  const both = layoutGraph(g, { expanded: new Set([outer, sum.node.id]) });
  assertNoOrphans(both, g);
  assert.ok(both.nodes.some((n) => n.node.fullLabel === "Count words/Sum/GroupByKey"));
  // Collapsed, the same graph is smaller.
  assert.ok(layoutGraph(g).height < both.height);
});

test("a failed or running step inside a closed composite shows on the composite", () => {
  const g = hello();
  const gbk = g.nodes.find((n) => n.fullLabel === "Count per key/GroupByKey")!;
  gbk.state = "failed";
  gbk.message = "boom";
  const cpk = layoutGraph(g).nodes.find((n) => n.node.fullLabel === "Count per key" && n.node.kind === "transform")!;
  assert.equal(cpk.state, "failed");
  assert.equal(cpk.message, "boom");
  assert.match(cpk.lines[0], /failed/);
});

test("old payloads whose edges name a composite keep it closed; edges to unknown nodes are dropped", () => {
  const vis = visibleGraph(oldStyle, new Set(["comp"]));
  assert.ok(!vis.nodes.some((n) => n.node.id === "t2"), "opened a composite edges point at");
  const lay = layoutGraph(oldStyle, { expanded: new Set(["comp"]) });
  assert.equal(lay.edges.length, 3, "edges to unknown nodes are dropped");
  assertNoOrphans(lay, oldStyle);
  assert.equal(nodeDetail(oldStyle.nodes[1]), "lines · 3 elements");
});

test("PCollection lines: not computed, cached, the note of an output nobody emits to", () => {
  assert.equal(nodeDetail({ id: "a", kind: "pcollection", label: "x", fullLabel: "x", state: "pending" }), "not computed");
  assert.equal(nodeDetail({ id: "a", kind: "pcollection", label: "x", fullLabel: "x", count: 1, state: "cached", varName: "v" }), "v · 1 element");
  const faded = layoutGraph({
    version: 1,
    pipeline: { id: "p", name: "p" },
    nodes: [
      { id: "t", kind: "transform", label: "Split", fullLabel: "Split", primitive: "ParDo" },
      { id: "m", kind: "pcollection", label: "Split", fullLabel: "Split", count: 0, note: "nothing emitted: the DoFn sends only tagged outputs" },
    ],
    edges: [{ from: "t", to: "m", kind: "output", count: 0 }],
  }).nodes.find((n) => n.node.id === "m")!;
  assert.deepEqual(faded.lines, ["nothing emitted", "the DoFn sends only tagged outputs"]);
});

test("payload guards check the version", () => {
  assert.ok(asGraphPayload(oldStyle));
  assert.equal(asGraphPayload({ ...oldStyle, version: 2 }), null);
  assert.equal(asGraphPayload(JSON.stringify(oldStyle))?.pipeline.id, "p1");
  assert.equal(asGraphPayload("not json"), null);
});
