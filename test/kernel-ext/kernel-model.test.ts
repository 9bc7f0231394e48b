import { test } from "node:test";
import assert from "node:assert/strict";
import { Signal } from "@lumino/signaling";
import { GRAPH_MIME, inspectCode, type GraphPayload } from "../../lib/display/protocol";
import { KernelModel } from "../../kernel-ext/src/model/kernel-model";
import { FakeSession } from "./fakes";

// Scaled up: CI runs these beside other test files on two busy cores.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms * 4));

const graph: GraphPayload = {
  version: 1,
  pipeline: { id: "p1", name: "wc" },
  nodes: [
    { id: "t1", kind: "transform", label: "Read", fullLabel: "Read" },
    { id: "c1", kind: "pcollection", label: "lines", fullLabel: "Read", count: 3, varName: "lines" },
  ],
  edges: [{ from: "t1", to: "c1", kind: "output" }],
};

test("graph payloads on IOPub update known pipelines without any kernel request", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  s.kernel.answer = () => ({ version: 1, ok: true, kind: "inspect", pipelines: [{ pipeline: { id: "p1", name: "wc" }, subtitle: "wordcount", runner: "interactive", pcollections: [] }] });
  m.active = true;
  await sleep(30); // the first show asks once, since nothing is known yet
  assert.equal(s.kernel.requests.length, 1);
  let changes = 0;
  m.changed.connect(() => changes++);
  s.runCell("cell-1", [{ [GRAPH_MIME]: graph, "image/svg+xml": "<svg/>" }]);
  await sleep(30);
  assert.equal(s.kernel.requests.length, 1, "a cell that showed a graph needs no inspect");
  assert.deepEqual(m.pipelines[0].pcollections, [{ id: "c1", label: "Read", varName: "lines", count: 3, note: null }]);
  assert.equal(m.pipelines[0].subtitle, "wordcount", "what only the kernel says is kept");
  assert.ok(changes > 0);
  // A graph of a pipeline the model has never heard of: one look to learn the rest.
  s.runCell("cell-2", [{ [GRAPH_MIME]: { ...graph, pipeline: { id: "p5", name: "other" } } }]);
  await sleep(30);
  assert.equal(s.kernel.requests.length, 2);
  m.dispose();
});

test("a cell without a graph triggers one debounced inspect; reply replaces the state", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 10 });
  s.kernel.answer = () => ({
    version: 1,
    ok: true,
    kind: "inspect",
    pipelines: [{ pipeline: { id: "p9", name: "other" }, runner: "direct", pcollections: [{ id: "x", label: "X", varName: "xs", count: 7 }] }],
  });
  m.active = true;
  await sleep(40);
  s.kernel.requests.length = 0;
  s.runCell("a", [{ "text/plain": "1" }]);
  s.runCell("b", [{ "text/plain": "2" }]);
  await sleep(60);
  assert.deepEqual(s.kernel.requests, [inspectCode()], "two quick cells, one request");
  assert.equal(m.pipelines[0].pipeline.name, "other");
  m.dispose();
});

test("never asks while the kernel is busy or the panel is hidden", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  s.runCell("a", []);
  await sleep(30);
  assert.equal(s.kernel.requests.length, 0, "hidden panel: no request");
  s.kernel.status = "busy";
  m.active = true;
  await sleep(30);
  assert.equal(s.kernel.requests.length, 0, "busy kernel: no request");
  s.kernel.status = "idle";
  s.iopubMessage.emit({ header: { msg_type: "status" }, parent_header: { msg_id: "other" }, content: { execution_state: "idle" } });
  await sleep(30);
  assert.equal(s.kernel.requests.length, 1, "asks once the kernel is idle");
  m.dispose();
});

test("requestPage returns the page, reports kernel errors, and needs a kernel", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  const page = { version: 1 as const, pipeline: { id: "p1", name: "wc" }, label: "L", pcollection: "c1", columns: [{ name: "v", type: "integer" as const, nullable: false }], shape: "element" as const, rows: [{ v: 5 }], offset: 200, total: 1000, pageCode: null };
  s.kernel.answer = (code) => (code.includes('\\"offset\\":200') ? { version: 1, ok: true, kind: "page", page } : { version: 1, ok: false, kind: "page", error: "no such PCollection" });
  const got = await m.requestPage({ pipeline: "p1", pcollection: "c1", offset: 200, limit: 200 });
  assert.equal(got.offset, 200);
  await assert.rejects(m.requestPage({ pipeline: "p1", pcollection: "zz", offset: 0, limit: 10 }), /no such PCollection/);
  s.session.kernel = null;
  await assert.rejects(m.requestPage({ pipeline: "p1", pcollection: "c1", offset: 0, limit: 10 }), /No live kernel/);
  m.dispose();
});

test("a kernel change forgets the pipelines", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  m.ingestBundle({ [GRAPH_MIME]: graph });
  assert.equal(m.pipelines.length, 1);
  s.kernelChanged.emit(undefined);
  assert.equal(m.pipelines.length, 0);
  m.ingestBundle({ [GRAPH_MIME]: { ...graph, version: 99 } });
  assert.equal(m.pipelines.length, 0, "unknown versions are ignored");
  m.dispose();
});

test("a page from the kernel gets the variable name the graph gave its PCollection", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  s.runCell("cell-1", [{ [GRAPH_MIME]: graph }]);
  const page = { version: 1 as const, pipeline: { id: "p1", name: "wc" }, label: "lines (Read)", pcollection: "c1", columns: [], shape: "element" as const, rows: [], offset: 0, total: 0, pageCode: null };
  s.kernel.answer = () => ({ version: 1, ok: true, kind: "page", page: { ...page } });
  assert.equal((await m.requestPage({ pipeline: "p1", pcollection: "c1", offset: 0, limit: 10 })).varName, "lines");
  // Unknown PCollection: no name is made up.
  s.kernel.answer = () => ({ version: 1, ok: true, kind: "page", page: { ...page, pcollection: "c9" } });
  assert.equal((await m.requestPage({ pipeline: "p1", pcollection: "c9", offset: 0, limit: 10 })).varName, undefined);
  m.dispose();
});

test("a re-run cell's graph replaces the old pipeline of the same variable; inner PCollections are not listed", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  s.runCell("run-1", [{ [GRAPH_MIME]: graph }]);
  const rerun: GraphPayload = {
    ...graph,
    pipeline: { id: "p2", name: "wc" },
    nodes: [...graph.nodes, { id: "c9", kind: "pcollection", label: "inner", fullLabel: "Count/inner", parent: "t1" }],
  };
  s.runCell("run-2", [{ [GRAPH_MIME]: rerun }]);
  assert.deepEqual(m.pipelines.map((p) => p.pipeline.id), ["p2"], "one entry per variable");
  assert.deepEqual(m.pipelines[0].pcollections.map((c) => c.id), ["c1"]);
  m.dispose();
});

test("clear empties the list until cells run again; a kernel restart clears it too", async () => {
  const s = new FakeSession() as FakeSession & { statusChanged: Signal<unknown, string> };
  s.statusChanged = new Signal<unknown, string>(s);
  const m = new KernelModel(s, { debounceMs: 5 });
  s.runCell("a", [{ [GRAPH_MIME]: graph }]);
  assert.equal(m.pipelines.length, 1);
  m.clear();
  assert.equal(m.pipelines.length, 0);
  s.runCell("b", [{ [GRAPH_MIME]: graph }]);
  assert.equal(m.pipelines.length, 1, "a cell that uses the pipeline brings it back");
  s.statusChanged.emit("busy");
  assert.equal(m.pipelines.length, 1);
  s.statusChanged.emit("restarting");
  assert.equal(m.pipelines.length, 0, "restart: none of the old pipelines exist");
  m.dispose();
});

test("a live graph's late redraw, after its cell ended, updates a listed pipeline but never lists one anew", () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  s.runCell("a", [{ [GRAPH_MIME]: graph }]);
  const late = (count: number) =>
    s.iopubMessage.emit({
      header: { msg_type: "update_display_data" },
      parent_header: { msg_id: "a", msg_type: "execute_request" },
      content: { data: { [GRAPH_MIME]: { ...graph, nodes: graph.nodes.map((n) => (n.kind === "pcollection" ? { ...n, count } : n)) } } },
    });
  late(4);
  assert.equal(m.pipelines[0].pcollections[0].count, 4, "a listed pipeline follows its graph");
  m.clear();
  late(5);
  assert.equal(m.pipelines.length, 0, "the Clear holds until a cell runs");
  s.runCell("b", [{ [GRAPH_MIME]: graph }]);
  assert.equal(m.pipelines.length, 1);
  m.dispose();
});

test("clear drops the answer of an inspect already out, and an inspect still waiting to be sent", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  s.kernel.answer = () => ({ version: 1, ok: true, kind: "inspect", pipelines: [{ pipeline: { id: "p1", name: "wc" }, runner: "interactive", pcollections: [] }] });
  m.active = true;
  await sleep(30);
  assert.equal(m.pipelines.length, 1);
  // Out: the reply arrives after the Clear.
  s.kernel.delay = 100;
  s.runCell("a", [{ "text/plain": "1" }]);
  await sleep(10);
  assert.equal(s.kernel.requests.length, 2, "the inspect for a is out");
  m.clear();
  await sleep(60);
  assert.equal(m.pipelines.length, 0, "its answer predates the Clear");
  // Waiting: scheduled by a cell, not yet sent.
  s.kernel.delay = 1;
  s.runCell("b", [{ "text/plain": "2" }]);
  m.clear();
  await sleep(30);
  assert.equal(s.kernel.requests.length, 2, "the debounced inspect was dropped");
  assert.equal(m.pipelines.length, 0);
  // A cell that runs after the Clear brings the kernel's list back.
  s.runCell("c", [{ "text/plain": "3" }]);
  await sleep(30);
  assert.equal(m.pipelines.length, 1);
  m.dispose();
});

test("a cell that ends while an inspect is out gets its own look afterwards", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  m.active = true;
  await sleep(30);
  s.kernel.requests.length = 0;
  s.kernel.delay = 200;
  s.runCell("a", [{ "text/plain": "1" }]);
  await sleep(20); // the inspect for "a" is out now
  assert.equal(s.kernel.requests.length, 1);
  s.runCell("b", [{ "text/plain": "2" }]);
  await sleep(120);
  assert.equal(s.kernel.requests.length, 2, "b's results were asked for after the first reply");
  m.dispose();
});

test("completions in the editor are not cells: their idle asks nothing", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  m.active = true;
  await sleep(30);
  s.kernel.requests.length = 0;
  for (const state of ["busy", "idle"]) {
    s.iopubMessage.emit({ header: { msg_type: "status" }, parent_header: { msg_id: "c1", msg_type: "complete_request" }, content: { execution_state: state } });
  }
  await sleep(30);
  assert.equal(s.kernel.requests.length, 0);
  m.dispose();
});
