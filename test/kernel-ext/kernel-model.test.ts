import { test } from "node:test";
import assert from "node:assert/strict";
import { Signal } from "@lumino/signaling";
import { GRAPH_MIME, REPLY_MIME, inspectCode, type GraphPayload, type ReplyPayload } from "../../lib/display/protocol";
import { KernelModel, type FutureLike, type IopubMessageLike, type KernelLike } from "../../kernel-ext/src/model/kernel-model";

/** A fake tslab: records requests, answers them with a reply display_data. */
class FakeKernel implements KernelLike {
  status = "idle";
  requests: string[] = [];
  answer: (code: string) => ReplyPayload | null = () => ({ version: 1, ok: true, kind: "inspect", pipelines: [] });
  requestExecute(content: { code: string }): FutureLike {
    this.requests.push(content.code);
    const id = `ours-${this.requests.length}`;
    let resolve!: () => void;
    const done = new Promise<unknown>((r) => (resolve = () => r(undefined)));
    const future: FutureLike = { msg: { header: { msg_id: id } }, onIOPub: () => undefined, done };
    setTimeout(() => {
      const reply = this.answer(content.code);
      if (reply) future.onIOPub({ header: { msg_type: "display_data" }, parent_header: { msg_id: id }, content: { data: { [REPLY_MIME]: reply } } });
      resolve();
    }, 1);
    return future;
  }
}

class FakeSession {
  readonly iopubMessage = new Signal<this, IopubMessageLike>(this);
  readonly kernelChanged = new Signal<this, unknown>(this);
  session: { kernel: FakeKernel | null } = { kernel: new FakeKernel() };
  get kernel(): FakeKernel {
    return this.session.kernel!;
  }
  /** Emits the IOPub traffic of one user cell. */
  runCell(id: string, outputs: Array<Record<string, unknown>>): void {
    const msg = (msg_type: string, content: unknown): IopubMessageLike => ({ header: { msg_type }, parent_header: { msg_id: id }, content });
    this.kernel.status = "busy";
    this.iopubMessage.emit(msg("status", { execution_state: "busy" }));
    this.iopubMessage.emit(msg("execute_input", { code: "x" }));
    for (const data of outputs) this.iopubMessage.emit(msg("display_data", { data }));
    this.kernel.status = "idle";
    this.iopubMessage.emit(msg("status", { execution_state: "idle" }));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const graph: GraphPayload = {
  version: 1,
  pipeline: { id: "p1", name: "wc" },
  nodes: [
    { id: "t1", kind: "transform", label: "Read", fullLabel: "Read" },
    { id: "c1", kind: "pcollection", label: "lines", fullLabel: "Read", count: 3, varName: "lines" },
  ],
  edges: [{ from: "t1", to: "c1", kind: "output" }],
};

test("graph payloads on IOPub fill the model without any kernel request", async () => {
  const s = new FakeSession();
  const m = new KernelModel(s, { debounceMs: 5 });
  m.active = true;
  await sleep(30); // the first show asks once, since nothing is known yet
  assert.equal(s.kernel.requests.length, 1);
  let changes = 0;
  m.changed.connect(() => changes++);
  s.runCell("cell-1", [{ [GRAPH_MIME]: graph, "image/svg+xml": "<svg/>" }]);
  await sleep(30);
  assert.equal(s.kernel.requests.length, 1, "a cell that showed a graph needs no inspect");
  assert.deepEqual(m.pipelines[0].pcollections, [{ id: "c1", label: "Read", varName: "lines", count: 3 }]);
  assert.ok(changes > 0);
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
