/**
 * The kernel side of a table's filter and sort, through `queryOf` (what
 * `__beamlab.query(json)` calls), over a 300,000-element PCollection.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import type { QueryReply, QueryRequest, ReplyPayload } from "../../lib/display/protocol";
import { queryOf, viewOf } from "../../lib/interactive/query";

interface Rec {
  id: number;
  dept: string;
  credits: number | null;
  name: string;
}

const N = 300_000;
const depts = ["CS", "Math", "Physics"];
const records: Rec[] = Array.from({ length: N }, (_, id) => ({
  id,
  dept: depts[id % 3],
  credits: id % 10 === 0 ? null : id % 7,
  name: id === N - 1 ? "the very last one" : `student ${id}`,
}));

const p = new beam.Pipeline({ runner: "interactive", name: "big" });
const created = p.apply("Create", beam.Create(records));
let bump = 0;
let students = created.apply("Bump", beam.Map((r: Rec) => ({ ...r, id: r.id + bump })));

function req(over: Partial<QueryRequest>): QueryRequest {
  return { pipeline: p.id, pcollection: students.id, offset: 0, limit: 100, filter: "", sort: null, ...over };
}

async function ok(over: Partial<QueryRequest>): Promise<QueryReply> {
  const r: ReplyPayload = await queryOf(req(over));
  assert.ok(r.ok, `query failed: ${r.ok ? "" : r.error}`);
  assert.equal(r.kind, "query");
  return r as QueryReply;
}

test("a filter finds a row far beyond any embedded sample, with the match count", async () => {
  const r = await ok({ filter: "id = 299999" });
  assert.equal(r.matched, 1);
  assert.equal(r.total, N);
  assert.deepEqual(r.indices, [N - 1]);
  assert.equal(r.page.total, 1);
  assert.deepEqual(r.page.rows, [{ id: N - 1, dept: "Physics", credits: 0, name: "the very last one" }]);
  assert.deepEqual(r.page.columns.map((c) => c.name), ["id", "dept", "credits", "name"]);
  const text = await ok({ filter: "very last" });
  assert.deepEqual(text.indices, [N - 1]);
});

test("comparisons and and: counts over the whole PCollection", async () => {
  const r = await ok({ filter: "dept = Math and credits >= 5" });
  const expected = records.filter((x) => x.dept === "Math" && x.credits !== null && x.credits >= 5).length;
  assert.equal(r.matched, expected);
  assert.ok(r.page.rows.every((row) => row.dept === "Math" && (row.credits as number) >= 5));
  const nulls = await ok({ filter: "credits is null" });
  assert.equal(nulls.matched, N / 10);
});

test("sorting descending puts the largest value first and missing values last; paging walks the view", async () => {
  const r = await ok({ sort: { column: "id", descending: true }, limit: 3 });
  assert.deepEqual(r.page.rows.map((row) => row.id), [N - 1, N - 2, N - 3]);
  assert.equal(r.matched, N);
  const credits = await ok({ sort: { column: "credits", descending: true }, filter: "dept = CS", limit: 2 });
  assert.deepEqual(credits.page.rows.map((row) => row.credits), [6, 6]);
  // Ties keep the PCollection's order.
  assert.ok(credits.indices[0] < credits.indices[1]);
  const matched = credits.matched;
  const last = await ok({ sort: { column: "credits", descending: true }, filter: "dept = CS", offset: matched - 2, limit: 10 });
  assert.equal(last.page.offset, matched - 2);
  assert.deepEqual(last.page.rows.map((row) => row.credits), [null, null], "missing values last, even descending");
  assert.equal(last.indices.length, 2);
});

test("a view is cached: paging through matches does not filter again", async () => {
  const elements = (await beam.collect(students)).numRows();
  assert.equal(elements, N);
  const t0 = performance.now();
  await ok({ filter: "name:student 1 and credits > 2" });
  const first = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 1; i <= 20; i++) await ok({ filter: "name:student 1 and credits > 2", offset: i * 100 });
  const twenty = (performance.now() - t1) / 20;
  assert.ok(twenty < first, `a cached page (${twenty.toFixed(1)} ms) is not cheaper than the first (${first.toFixed(1)} ms)`);
});

test("a re-run cell (the transform replaced) never serves a stale view", async () => {
  const before = await ok({ filter: "id = 299999" });
  assert.equal(before.matched, 1);
  bump = 1_000_000;
  students = created.apply("Bump", beam.Map((r: Rec) => ({ ...r, id: r.id + bump })));
  const stale = await ok({ filter: "id = 299999" });
  assert.equal(stale.matched, 0, "the old view was served");
  const fresh = await ok({ filter: "id = 1299999" });
  assert.deepEqual(fresh.indices, [N - 1]);
  bump = 0;
});

test("errors come back in the reply, never thrown: bad filter, unknown column, unknown PCollection", async () => {
  const bad = await queryOf(req({ filter: "grade > 3" }));
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : "", /does not parse: unknown column "grade"; the columns are id, dept, credits, name/);
  const sort = await queryOf(req({ sort: { column: "nope", descending: false } }));
  assert.match(!sort.ok ? sort.error : "", /Cannot sort by nope/);
  const gone = await queryOf(req({ pcollection: "pc-nope" }));
  assert.equal(gone.ok, false);
  assert.equal(gone.kind, "query");
});

test("viewOf works on [key, value] pairs and bare elements", () => {
  const kv: [string, number[]][] = [["a", [1, 2]], ["b", [3]], ["c", []]];
  assert.deepEqual(viewOf(kv, "value:3", null).indices, [1]);
  assert.deepEqual(viewOf(kv, "", { column: "key", descending: true }).indices, [2, 1, 0]);
  const bare = [5, 1, null, 3];
  assert.deepEqual(viewOf(bare, "element > 1", { column: "element", descending: false }).indices, [3, 0]);
});
