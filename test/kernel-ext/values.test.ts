import { test } from "node:test";
import assert from "node:assert/strict";
import { compareValues, copyText, decodeValue, flattenTree, isExpandable, isTagged } from "../../kernel-ext/src/model/values";

test("plain JSON values decode to themselves", () => {
  assert.deepEqual(decodeValue("a<b>"), { kind: "string", text: "a<b>" });
  assert.equal(decodeValue(3.5).text, "3.5");
  assert.equal(decodeValue(true).kind, "boolean");
  assert.equal(decodeValue(null).kind, "null");
});

test("tagged values decode to distinct kinds", () => {
  assert.equal(decodeValue({ $beamlab: "undefined" }).kind, "undefined");
  assert.equal(decodeValue({ $beamlab: "nan" }).text, "NaN");
  assert.equal(decodeValue({ $beamlab: "inf" }).num, Infinity);
  assert.equal(decodeValue({ $beamlab: "-inf" }).text, "-Infinity");
  const big = decodeValue({ $beamlab: "bigint", v: "123456789012345678901234567890" });
  assert.equal(big.kind, "bigint");
  assert.equal(big.text, "123456789012345678901234567890n");
  const d = decodeValue({ $beamlab: "date", v: "2024-01-02T03:04:05.000Z" });
  assert.equal(d.kind, "date");
  assert.equal(d.num, Date.parse("2024-01-02T03:04:05.000Z"));
  assert.equal(decodeValue({ $beamlab: "bytes", v: "3 bytes" }).kind, "bytes");
});

test("a wrapped user record with a $beamlab key is a record, not a tag", () => {
  const r = decodeValue({ $beamlab: "record", v: { $beamlab: "mine", x: 1 } });
  assert.equal(r.kind, "record");
  assert.deepEqual(r.entries?.map(([k]) => k), ["$beamlab", "x"]);
  assert.equal(isTagged({ $beamlab: "unknown-tag" }), false);
  assert.equal(decodeValue({ $beamlab: "unknown-tag" } as never).kind, "record");
});

test("nested values are expandable and flatten to indented lines", () => {
  const v = decodeValue({ a: 1, b: [1, 2, { c: "x" }] });
  assert.equal(v.kind, "record");
  assert.ok(isExpandable(v));
  assert.equal(v.text, "{a: 1, b: [3]}");
  const { lines } = flattenTree(v);
  assert.deepEqual(
    lines.map((l) => `${l.depth}:${l.key}`),
    ["0:a", "0:b", "1:0", "1:1", "1:2", "2:c"],
  );
  const many = flattenTree(decodeValue(Array.from({ length: 100 }, (_, i) => i)), 10);
  assert.equal(many.lines.length, 10);
  assert.equal(many.truncated, 90);
  assert.equal(JSON.parse(copyText(v)).b[2].c, "x");
});

test("compareValues: numbers numerically, bigints exactly, missing last", () => {
  const vals = [decodeValue(10), decodeValue(null), decodeValue(2), decodeValue({ $beamlab: "nan" }), decodeValue(-1)];
  assert.deepEqual(vals.sort(compareValues).map((d) => d.text), ["-1", "2", "10", "null", "NaN"]);
  const a = decodeValue({ $beamlab: "bigint", v: "9007199254740993" });
  const b = decodeValue({ $beamlab: "bigint", v: "9007199254740992" });
  assert.equal(compareValues(a, b), 1);
  assert.equal(compareValues(decodeValue("b"), decodeValue("a")), 1);
});
