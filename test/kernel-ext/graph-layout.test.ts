import { test } from "node:test";
import assert from "node:assert/strict";
import type { GraphPayload } from "../../lib/display/protocol";
import { layoutGraph, nodeDetail } from "../../kernel-ext/src/model/graph-layout";
import { asGraphPayload } from "../../kernel-ext/src/model/payloads";

const graph: GraphPayload = {
  version: 1,
  pipeline: { id: "p1", name: "wc" },
  nodes: [
    { id: "t1", kind: "transform", label: "Read", fullLabel: "Read", primitive: "Read" },
    { id: "c1", kind: "pcollection", label: "lines", fullLabel: "Read", count: 3, varName: "lines" },
    { id: "t2", kind: "transform", label: "Split", fullLabel: "Count/Split", primitive: "ParDo", parent: "comp" },
    { id: "c2", kind: "pcollection", label: "words", fullLabel: "Count/Split", count: 9, parent: "comp" },
    { id: "comp", kind: "transform", label: "Count", fullLabel: "Count", primitive: "Composite" },
  ],
  edges: [
    { from: "t1", to: "c1", kind: "output", count: 3 },
    { from: "c1", to: "t2", kind: "main", count: 3 },
    { from: "t2", to: "c2", kind: "output", count: 9 },
    { from: "ghost", to: "c2", kind: "main" },
  ],
};

test("every node gets a finite position and size; edges get points", () => {
  const lay = layoutGraph(graph);
  assert.equal(lay.nodes.length, 5);
  for (const n of lay.nodes) {
    assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), n.node.id);
    assert.ok(n.width > 0 && n.height > 0, n.node.id);
  }
  assert.equal(lay.edges.length, 3, "edges to unknown nodes are dropped");
  for (const e of lay.edges) assert.ok(e.points.length >= 2);
  assert.ok(lay.width > 0 && lay.height > 0);
  const byId = new Map(lay.nodes.map((n) => [n.node.id, n]));
  assert.ok(byId.get("t1")!.y < byId.get("c1")!.y, "top to bottom");
  assert.ok(byId.get("comp")!.cluster, "untouched composite with children is a cluster");
  assert.equal(nodeDetail(graph.nodes[1]), "lines · 3 elements");
});

test("payload guards check the version", () => {
  assert.ok(asGraphPayload(graph));
  assert.equal(asGraphPayload({ ...graph, version: 2 }), null);
  assert.equal(asGraphPayload(JSON.stringify(graph))?.pipeline.id, "p1");
  assert.equal(asGraphPayload("not json"), null);
});
