import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { runFails, sink, sorted } from "./helpers";

test("GroupByKey groups values by key, keeping every value", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(
    p.apply("Create", beam.Create<[string, number]>([["cat", 1], ["dog", 5], ["cat", 9], ["cat", 1]])).apply("Group", beam.GroupByKey()),
  );
  await p.run();
  const byKey = new Map(out.map(([k, vs]) => [k, [...vs].sort()]));
  assert.equal(out.length, 2);
  assert.deepEqual(byKey.get("cat"), [1, 1, 9]);
  assert.deepEqual(byKey.get("dog"), [5]);
});

test("GroupByKey compares array keys by value", async () => {
  const p = new beam.Pipeline();
  const out = sink(
    p.apply("Create", beam.Create<[[string, number], string]>([[["a", 1], "x"], [["a", 1], "y"], [["a", 2], "z"], [["1", 1] as never, "w"]]))
      .apply("Group", beam.GroupByKey()),
  );
  await p.run();
  assert.equal(out.length, 3);
  const a1 = out.find(([k]) => k[0] === "a" && k[1] === 1)!;
  assert.deepEqual([...a1[1]].sort(), ["x", "y"]);
});

test("GroupByKey treats records with the same fields in another order as one key", async () => {
  const p = new beam.Pipeline();
  const out = sink(
    p.apply("Create", beam.Create<[Record<string, unknown>, number]>([[{ a: 1, b: "x" }, 1], [{ b: "x", a: 1 }, 2], [{ a: 1, b: "y" }, 3], [{ a: 1 }, 4]]))
      .apply("Group", beam.GroupByKey()),
  );
  await p.run();
  assert.equal(out.length, 3);
  const ax = out.find(([k]) => k.a === 1 && k.b === "x")!;
  assert.deepEqual([...ax[1]].sort(), [1, 2]);
});

test("GroupByKey keeps number 1 and string '1' apart (and null/undefined/booleans too)", async () => {
  const p = new beam.Pipeline();
  const out = sink(
    p.apply("Create", beam.Create<[unknown, string]>([[1, "n"], ["1", "s"], [1, "n2"], [true, "t"], ["true", "ts"], [null, "null"], [[1], "arr"], [["1"], "arrs"]]))
      .apply("Group", beam.GroupByKey()),
  );
  await p.run();
  assert.equal(out.length, 7);
  const get = (k: unknown) => out.filter(([x]) => JSON.stringify(x) === JSON.stringify(k) && typeof x === typeof k).map(([, v]) => v);
  assert.deepEqual(get(1), [["n", "n2"]]);
  assert.deepEqual(get("1"), [["s"]]);
  assert.deepEqual(get(true), [["t"]]);
  assert.deepEqual(get("true"), [["ts"]]);
  assert.deepEqual(get([1]), [["arr"]]);
  assert.deepEqual(get(["1"]), [["arrs"]]);
});

test("GroupByKey of nested record keys and Date keys by value", async () => {
  const p = new beam.Pipeline();
  const d = (s: string) => new Date(s);
  const out = sink(
    p.apply(
      "Create",
      beam.Create<[unknown, number]>([
        [{ o: { x: 1, y: [1, 2] } }, 1],
        [{ o: { y: [1, 2], x: 1 } }, 2],
        [d("2024-01-01T00:00:00Z"), 3],
        [d("2024-01-01T00:00:00Z"), 4],
      ]),
    ).apply("Group", beam.GroupByKey()),
  );
  await p.run();
  assert.deepEqual(sorted(out.map(([, v]) => [...v].sort())), [[1, 2], [3, 4]]);
});

test("GroupByKey of an empty PCollection is empty", async () => {
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create<[string, number]>([])).apply("Group", beam.GroupByKey()));
  await p.run();
  assert.deepEqual(out, []);
});

test("GroupByKey of non-pairs fails naming the element with a hint", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create<unknown>([["a", 1], "oops"])).apply("Group", beam.GroupByKey() as never);
  const err = await runFails(p);
  assert.match(err.message, /"Group"/);
  assert.match(err.message, /\[key, value\]/);
  assert.match(err.message, /"oops"/);
  assert.match(err.message, /what to do/);
});

test("GroupByKey of 200k elements over 1k keys", async () => {
  const N = 200_000;
  const K = 1_000;
  const values = Array.from({ length: N }, (_, i) => [`k${i % K}`, i] as [string, number]);
  const p = new beam.Pipeline();
  const out = sink(
    p.apply("Create", beam.Create(values))
      .apply("Group", beam.GroupByKey())
      .apply("Summarise", beam.Map(([k, vs]: [string, number[]]) => [k, vs.length, vs.reduce((a, b) => a + b, 0)] as const)),
  );
  const t0 = Date.now();
  await p.run();
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(out.length, K);
  const byKey = new Map(out.map(([k, n, s]) => [k, [n, s]]));
  for (const k of [0, 1, 500, 999]) {
    // Key k holds k, k+K, k+2K, ..., k+(N/K-1)K.
    const n = N / K;
    const expected = n * k + K * ((n * (n - 1)) / 2);
    assert.deepEqual(byKey.get(`k${k}`), [n, expected]);
  }
  assert.equal(out.reduce((a, [, n]) => a + n, 0), N);
});

test("CoGroupByKey joins by key; a key missing on one side gets an empty array", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const students = p.apply("Students", beam.Create<[string, string]>([["s1", "Ann"], ["s2", "Bob"], ["s3", "Cy"]]));
  const takes = p.apply("Takes", beam.Create<[string, string]>([["s1", "c1"], ["s1", "c2"], ["s2", "c1"], ["s9", "c3"]]));
  const joined = sink(beam.CoGroupByKey.of({ students, takes }));
  await p.run();
  const byKey = Object.fromEntries(joined.map(([k, v]) => [k, { students: [...v.students].sort(), takes: [...v.takes].sort() }]));
  assert.deepEqual(byKey, {
    s1: { students: ["Ann"], takes: ["c1", "c2"] },
    s2: { students: ["Bob"], takes: ["c1"] },
    s3: { students: ["Cy"], takes: [] },
    s9: { students: [], takes: ["c3"] },
  });
  assert.equal(joined.length, 4);
});

test("CoGroupByKey with structured keys and three inputs", async () => {
  const p = new beam.Pipeline();
  const a = p.apply("A", beam.Create<[unknown, number]>([[["x", 1], 1], [{ p: 1, q: 2 }, 2]]));
  const b = p.apply("B", beam.Create<[unknown, number]>([[["x", 1], 10], [{ q: 2, p: 1 }, 20]]));
  const c = p.apply("C", beam.Create<[unknown, number]>([]));
  const joined = sink(beam.CoGroupByKey.of({ a, b, c }, "Join3"));
  await p.run();
  assert.equal(joined.length, 2);
  for (const [, v] of joined) {
    assert.equal(v.a.length, 1);
    assert.equal(v.b.length, 1);
    assert.deepEqual(v.c, []);
    assert.equal(v.b[0], v.a[0] * 10);
  }
});

test("CoGroupByKey of empty inputs is empty", async () => {
  const p = new beam.Pipeline();
  const a = p.apply("A", beam.Create<[string, number]>([]));
  const b = p.apply("B", beam.Create<[string, number]>([]));
  const joined = sink(beam.CoGroupByKey.of({ a, b }));
  await p.run();
  assert.deepEqual(joined, []);
});

test("CoGroupByKey with a tag named like a JS builtin ('constructor', '__proto__'-free)", async () => {
  const p = new beam.Pipeline();
  const constructor = p.apply("Ctor", beam.Create<[string, number]>([["k", 1]]));
  const toString = p.apply("ToStr", beam.Create<[string, number]>([["k", 2]]));
  const joined = sink(beam.CoGroupByKey.of({ constructor, toString }));
  await p.run();
  assert.deepEqual(joined, [["k", { constructor: [1], toString: [2] }]]);
});
