/**
 * KernelModel.requestQuery: the extension's filter/sort request goes out as the
 * never-throwing `__beamlab.query(json)` code and its reply (or error) comes back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { QueryRequest } from "../../lib/display/protocol";
import { KernelModel } from "../../kernel-ext/src/model/kernel-model";
import { FakeKernel, FakeSession } from "./fakes";

function session(kernel: FakeKernel) {
  const s = new FakeSession();
  s.session.kernel = kernel;
  return s;
}

const req: QueryRequest = { pipeline: "p1", pcollection: "pc1", offset: 0, limit: 200, filter: "id = 299999", sort: { column: "id", descending: true } };

test("requestQuery sends the query code and returns the view page", async () => {
  const kernel = new FakeKernel(() => ({
    version: 1,
    ok: true,
    kind: "query",
    page: { version: 1, pipeline: { id: "p1", name: "p" }, label: "L", pcollection: "pc1", columns: [{ name: "id", type: "integer", nullable: false }], shape: "record", rows: [{ id: 299999 }], offset: 0, total: 1, pageCode: null },
    indices: [299999],
    matched: 1,
    total: 300000,
  }));
  const m = new KernelModel(session(kernel));
  const reply = await m.requestQuery(req);
  assert.equal(kernel.requests.length, 1);
  assert.match(kernel.requests[0], /^await Reflect\.get\(globalThis, "__beamlab"\)\?\.query\(/);
  const arg = /\?\.query\((.*)\)$/.exec(kernel.requests[0])?.[1] ?? "";
  assert.deepEqual(JSON.parse(JSON.parse(arg)), req);
  assert.deepEqual(reply.indices, [299999]);
  assert.equal(reply.matched, 1);
  assert.deepEqual(reply.page.rows, [{ id: 299999 }]);
  m.dispose();
});

test("requestQuery rejects with the kernel's error text", async () => {
  const kernel = new FakeKernel(() => ({ version: 1, ok: false, kind: "query", error: 'The filter does not parse: unknown column "grade"' }));
  const m = new KernelModel(session(kernel));
  await assert.rejects(m.requestQuery(req), /unknown column "grade"/);
  m.dispose();
});
