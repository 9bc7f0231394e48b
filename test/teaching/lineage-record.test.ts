// The storage of lineage (lib/teaching/lineage-record.ts, group-trace.ts): what it keeps for
// one-to-one, dropping, fanning-out and grouping steps, and how it stops at the limit.
import test from "node:test";
import assert from "node:assert/strict";
import { GroupTrace } from "../../lib/teaching/group-trace";
import { PCollectionLineage } from "../../lib/teaching/lineage-record";

const rec = (limit = 1000, inputs = ["a"]) => new PCollectionLineage("out", inputs, false, limit, true);
const all = (r: PCollectionLineage) => Array.from({ length: r.size }, (_, j) => r.sourcesOf(j));

test("one to one stores nothing; the first deviation keeps every index", () => {
  const r = rec();
  r.addRange(0, 0, 3);
  r.addEach(0, 3);
  assert.equal(r.size, 4);
  assert.equal(r.bytes, 0);
  assert.deepEqual(all(r), [[[0, 0]], [[0, 1]], [[0, 2]], [[0, 3]]]);
  r.addEach(0, 7, 2); // a fan-out of element 7 (elements 4..6 dropped)
  r.addEach(0, -1); // from no element (finishBundle)
  assert.deepEqual(all(r).slice(3), [[[0, 3]], [[0, 7]], [[0, 7]], []]);
  assert.deepEqual(r.outputsFrom(0, (i) => i === 7), [4, 5]);
  assert.ok(r.bytes > 0);
});

test("slots appear only when a source is not in slot 0 (a Flatten's second input)", () => {
  const r = rec(1000, ["a", "b"]);
  r.addRange(0, 0, 2);
  r.addRange(1, 0, 2);
  r.addRange(0, 2, 1);
  assert.deepEqual(all(r), [[[0, 0]], [[0, 1]], [[1, 0]], [[1, 1]], [[0, 2]]]);
  assert.deepEqual(r.outputsFrom(1, (i) => i === 1), [3]);
});

test("groups: each output's sources, after one-to-one and single outputs before them", () => {
  const r = rec();
  r.addRange(0, 0, 2);
  r.addEach(0, 5);
  r.addEach(0, -1);
  r.addGroups(Int32Array.from([0, 2, 3]), Int32Array.from([8, 9, 4]));
  r.addFromRanges([[1, 0, 2]]);
  assert.deepEqual(all(r), [[[0, 0]], [[0, 1]], [[0, 5]], [], [[0, 8], [0, 9]], [[0, 4]], [[1, 0], [1, 1]]]);
  assert.deepEqual(r.outputsFrom(0, (i) => i === 9), [4]);
});

test("the group trace sorts inputs into their groups in the order the groups are emitted", () => {
  const r = new PCollectionLineage("g", ["a"], false, 1000);
  const t = new GroupTrace(r);
  const g0 = t.newGroup();
  const g1 = t.newGroup();
  for (const g of [g0, g1, g0, g1, g1]) t.input(g);
  t.commit([g1, g0]);
  assert.deepEqual(all(r), [[[0, 1], [0, 3], [0, 4]], [[0, 0], [0, 2]]]);
});

test("over the limit: nothing kept, the counts go on, and `off` says how far over", () => {
  const r = rec(3);
  r.addEach(0, 1);
  r.addEach(0, 0, 3);
  assert.deepEqual(r.off, { reason: "over-limit", elements: 4, sources: 4, limit: 3 });
  assert.equal(r.bytes, 0);
  assert.equal(r.forEachSource(0, () => assert.fail("no sources when off")), false);
  assert.equal(r.elementWise, false);
  const g = new PCollectionLineage("g", ["a"], false, 3);
  const t = new GroupTrace(g);
  const k = t.newGroup();
  for (let i = 0; i < 5; i++) t.input(k);
  t.commit([k]);
  assert.deepEqual(g.off, { reason: "over-limit", elements: 1, sources: 5, limit: 3 });
});
