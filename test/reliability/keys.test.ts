/**
 * Keys compared by value (lib/keys.ts): keys that differ are never merged, keys equal by
 * value always are, and what is not data is refused with a message naming it. Checked
 * through GroupByKey, CombinePerKey, CoGroupByKey, Distinct and the row diff, and as a
 * property over random data with fast-check.
 */
import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as beam from "../../lib";
import { encodeKey, KeyedMap, MAX_KEY_DEPTH } from "../../lib/keys";
import { runFails, sink } from "../unit/helpers";

/** A record with an own `__proto__` field (a literal `{ __proto__: x }` would set the prototype instead). */
function protoRecord(value: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.defineProperty({ ...rest }, "__proto__", { value, enumerable: true, writable: true, configurable: true });
}

/** Groups `[key, value]` pairs made by a Map (so that Create sees only numbers), returns the groups. */
async function groups(pairs: () => [unknown, number][]): Promise<[unknown, number[]][]> {
  const made = pairs();
  const p = new beam.Pipeline();
  const out = sink(
    p
      .apply("Create", beam.Create(made.map((_, i) => i)))
      .apply("Pair", beam.Map((i: number) => made[i] as [unknown, number]))
      .apply("Group", beam.GroupByKey()),
  );
  await p.run();
  return out.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)]);
}

/** Runs a GroupByKey over keys that are not data and returns its error. */
async function refusedKey(key: unknown): Promise<beam.PipelineError> {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply("Pair", beam.Map(() => [key, 1] as [unknown, number])).apply("Group", beam.GroupByKey());
  return runFails(p);
}

const HINT = /what to do: a key must be data: strings, numbers, bigints, booleans, null, dates, and arrays, plain records, Maps or Sets of them/;

test("two different functions are refused as keys (they used to be one key), naming the function", async () => {
  function first() {
    return 1;
  }
  function second() {
    return 2;
  }
  const err = await refusedKey(first);
  assert.match(err.message, /^A key cannot be a function: first in transform "Group"/);
  assert.match(err.message, /element: .*first/);
  assert.match(err.message, HINT);
  assert.throws(() => encodeKey(second), /A key cannot be a function: second/);
  // The process is fine: the next run groups as usual.
  assert.deepEqual(await groups(() => [["a", 1], ["a", 2]]), [["a", [1, 2]]]);
});

test("symbols are refused as keys, also inside arrays (where they used to equal null)", async () => {
  const err = await refusedKey(["k", Symbol("one")]);
  assert.match(err.message, /A key cannot be a symbol: Symbol\(one\) \(at key\[1\]\)/);
  assert.match(err.message, HINT);
  assert.throws(() => encodeKey(Symbol("top")), /A key cannot be a symbol: Symbol\(top\)/);
  assert.notEqual(encodeKey([null]), encodeKey([undefined]));
});

test("records with an own __proto__ field are keys like any other field", async () => {
  const out = await groups(() => [
    [protoRecord("a"), 1],
    [protoRecord("b"), 2],
    [{}, 3],
    [protoRecord("a", { x: 1 }), 4],
    [protoRecord("a"), 5],
  ]);
  assert.equal(out.length, 4, "__proto__: a, __proto__: b, {} and {__proto__: a, x: 1} are four keys");
  const a = out.find(([k]) => Object.keys(k as object).length === 1 && (k as Record<string, unknown>)["__proto__"] === "a")!;
  assert.deepEqual(a[1], [1, 5]);
  assert.notEqual(encodeKey(protoRecord("a")), encodeKey(protoRecord("b")));
  assert.notEqual(encodeKey(protoRecord({ x: 1 })), encodeKey({ x: 1 }));
  assert.equal(encodeKey(JSON.parse('{"__proto__": 1, "b": 2}')), encodeKey(protoRecord(1, { b: 2 })));
});

test("equal by value is one key: -0 and 0, NaN and NaN, Dates by time, records in any field order, Maps and Sets in any order", async () => {
  const out = await groups(() => [
    [-0, 1],
    [0, 2],
    [NaN, 3],
    [NaN, 4],
    [[-0, NaN], 5],
    [[0, NaN], 6],
    [new Date(5), 7],
    [new Date(5), 8],
    [{ a: 1, b: { c: 2, d: 3 } }, 9],
    [{ b: { d: 3, c: 2 }, a: 1 }, 10],
    [Object.assign(Object.create(null) as object, { a: 1, b: { c: 2, d: 3 } }), 11],
    [new Map<unknown, unknown>([["x", 1], [["y"], 2]]), 12],
    [new Map<unknown, unknown>([[["y"], 2], ["x", 1]]), 13],
    [new Set([1, "1"]), 14],
    [new Set(["1", 1]), 15],
  ]);
  assert.deepEqual(
    out.map(([, vs]) => vs).sort((x, y) => x[0] - y[0]),
    [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10, 11], [12, 13], [14, 15]],
  );
});

test("different by value stays apart: 1n and 1, '1' and 1, Dates of another time, [] and {}, undefined and a missing field", async () => {
  const keys: unknown[] = [1, 1n, "1", [1], [1n], ["1"], new Date(1), new Date(2), [], {}, { a: undefined }, {}, new Map(), new Set(), [undefined], [null], [[]], [{}], "", null, undefined, false, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, 1e21, "d1"];
  const distinct = keys.filter((k, i) => !(i === 11)); // the second {} equals the first
  const out = await groups(() => keys.map((k, i) => [k, i]));
  assert.equal(out.length, distinct.length);
  const encoded = new Set(distinct.map((k) => encodeKey(k)));
  assert.equal(encoded.size, distinct.length, "every key has its own encoding");
});

test("class instances, cycles, symbol-keyed records, unreadable fields and very deep keys are refused, naming where", async () => {
  class Point {
    constructor(readonly x: number, readonly y: number) {}
  }
  const cyclic: Record<string, unknown> = { id: 1 };
  cyclic.self = cyclic;
  let deep: unknown[] = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const cases: [unknown, RegExp][] = [
    [{ at: new Point(1, 2) }, /A key cannot be an instance of Point \(at key\.at\)/],
    [[/re/], /A key cannot be an instance of RegExp \(at key\[0\]\)/],
    [Buffer.from("x"), /A key cannot be an instance of Buffer/],
    [cyclic, /A key cannot be a cycle \(a value that contains itself\) \(at key\.self\)/],
    [{ [Symbol("s")]: 1 }, /A key cannot be a record with symbol-keyed fields/],
    [Object.defineProperty({}, "boom", { enumerable: true, get: () => { throw new Error("getter failed"); } }), /A key could not be read to compare it[\s\S]*cause: Error: getter failed/],
    [deep, new RegExp(`A key cannot be nested more than ${MAX_KEY_DEPTH} levels deep`)],
    [new Map([["k", () => 1]]), /A key cannot be a function: \(anonymous\) \(at key <map entry>\)/],
  ];
  for (const [key, message] of cases) {
    const err = await refusedKey(key);
    assert.match(err.message, message);
    assert.match(err.message, HINT);
    assert.ok(err.message.length < 2000, "the message stays short (the element is truncated)");
  }
  // A shared (not cyclic) sub-value is fine.
  const shared = { a: 1 };
  assert.equal(encodeKey([shared, shared]), encodeKey([{ a: 1 }, { a: 1 }]));
});

test("CombinePerKey, CoGroupByKey and Distinct use the same keys", async () => {
  const p = new beam.Pipeline();
  const n = p.apply("Create", beam.Create([0, 1, 2, 3]));
  const pairs = n.apply("Pair", beam.Map((i: number): [unknown, number] => [i % 2 ? protoRecord("x") : protoRecord("y"), i]));
  const sums = sink(pairs.apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0))));
  const joined = sink(beam.CoGroupByKey.of({ left: pairs, right: pairs }, "Join"));
  const distinct = sink(n.apply("Records", beam.Map((i: number) => protoRecord(i % 2, { [`f${i % 2}`]: 0 }))).apply("Distinct", beam.Distinct()));
  await p.run();
  assert.deepEqual(sums.map(([, s]) => s).sort(), [2, 4]);
  assert.equal(joined.length, 2);
  assert.equal(distinct.length, 2);

  const bad = new beam.Pipeline();
  bad.apply("Create", beam.Create([1, 2])).apply("Pair", beam.Map((i: number): [unknown, number] => [i === 1 ? Symbol("a") : Symbol("b"), i])).apply("Count", beam.combiners.Count.PerKey());
  assert.match((await runFails(bad)).message, /A key cannot be a symbol: Symbol\(a\)/);
});

test("the row diff keeps __proto__ fields and tells different functions apart", () => {
  const { diffRows, sameValue } = beam.testing;
  assert.equal(diffRows([protoRecord(1)], [protoRecord(2)]).equal, false);
  assert.equal(diffRows([protoRecord(1, { a: 1 })], [protoRecord(1, { a: 1 })]).equal, true);
  assert.equal(diffRows([protoRecord(1)], [{}]).equal, false);
  const f = () => 1;
  const g = () => 1;
  assert.equal(sameValue(f, g), false);
  assert.equal(sameValue(f, f), true);
  assert.equal(sameValue({ fn: f }, { fn: f }), true);
  assert.equal(sameValue(Symbol("s"), Symbol("s")), false);
  assert.equal(sameValue(Symbol.for("s"), Symbol.for("s")), true);
});

// ---------------------------------------------------------------- properties

/** Equality as keys, written directly from the documented rules (the model the encoding must match). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== "object") return a === b;
  const kind = (v: object) => (v instanceof Date ? "date" : Array.isArray(v) ? "array" : v instanceof Map ? "map" : v instanceof Set ? "set" : "record");
  const x = a as object;
  const y = b as object;
  if (kind(x) !== kind(y)) return false;
  switch (kind(x)) {
    case "date":
      return Object.is((x as Date).getTime(), (y as Date).getTime());
    case "array":
      return (x as unknown[]).length === (y as unknown[]).length && (x as unknown[]).every((v, i) => same(v, (y as unknown[])[i]));
    case "map":
      return sameBag([...(x as Map<unknown, unknown>)], [...(y as Map<unknown, unknown>)]);
    case "set":
      return sameBag([...(x as Set<unknown>)], [...(y as Set<unknown>)]);
    default: {
      const kx = Object.keys(x).sort();
      const ky = Object.keys(y).sort();
      return kx.length === ky.length && kx.every((k, i) => k === ky[i] && same((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
    }
  }
}

/** Two lists equal as multisets under `same` (an equivalence, so greedy matching is exact). */
function sameBag(xs: unknown[], ys: unknown[]): boolean {
  if (xs.length !== ys.length) return false;
  const left = [...ys];
  return xs.every((x) => {
    const i = left.findIndex((y) => same(x, y));
    return i >= 0 && left.splice(i, 1).length === 1;
  });
}

/** A copy equal by value but built differently: fields reversed, -0 for 0, new Dates, Maps and Sets reversed, prototypes swapped. */
function rebuilt(v: unknown): unknown {
  if (typeof v === "number") return v === 0 ? (Object.is(v, 0) ? -0 : 0) : v;
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Date) return new Date(v.getTime());
  if (Array.isArray(v)) return v.map(rebuilt);
  if (v instanceof Map) return new Map([...v].reverse().map(([k, x]) => [rebuilt(k), rebuilt(x)]));
  if (v instanceof Set) return new Set([...v].reverse().map(rebuilt));
  const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? {} : Object.create(null);
  for (const k of Object.keys(v).reverse()) Object.defineProperty(out, k, { value: rebuilt((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

function record(entries: [string, unknown][], nullProto: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = nullProto ? Object.create(null) : {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

// A small domain of leaves, so that random pairs are often equal or nearly equal.
const leaf = fc.oneof(
  fc.constantFrom<unknown>(null, undefined, true, false, 0, -0, 1, -1, 0.1, NaN, Infinity, -Infinity, 2 ** 53, 0n, 1n, -1n, "", "1", "a", "__proto__", "d1", "b1", "N", "u", "\u0000", '"', ",", "é"),
  fc.double(),
  fc.bigInt(),
  fc.string({ maxLength: 4, unit: "binary" }),
  fc.oneof(fc.constant(new Date(NaN)), fc.integer({ min: -3, max: 3 }).map((t) => new Date(t))),
);
const { key } = fc.letrec<{ key: unknown; array: unknown[]; rec: Record<string, unknown>; map: Map<unknown, unknown>; set: Set<unknown> }>((tie) => ({
  key: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("rec"), tie("map"), tie("set")),
  array: fc.array(tie("key"), { maxLength: 3 }),
  rec: fc
    .tuple(fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "__proto__", "constructor", "", "1"), tie("key")), { maxLength: 3, selector: ([k]) => k }), fc.boolean())
    .map(([entries, nullProto]) => record(entries, nullProto)),
  map: fc.array(fc.tuple(tie("key"), tie("key")), { maxLength: 3 }).map((es) => new Map(es)),
  set: fc.array(tie("key"), { maxLength: 3 }).map((xs) => new Set(xs)),
}));

test("property: a key and a copy built differently but equal by value have one encoding", () => {
  fc.assert(
    fc.property(key, (k) => {
      const copy = rebuilt(k);
      assert.ok(same(k, copy));
      assert.equal(encodeKey(copy), encodeKey(k));
    }),
    { numRuns: 2000 },
  );
});

test("property: two keys have one encoding exactly when they are equal by value", () => {
  fc.assert(
    fc.property(key, key, (a, b) => {
      assert.equal(encodeKey(a) === encodeKey(b), same(a, b));
    }),
    { numRuns: 5000 },
  );
});

test("property: a KeyedMap has one entry per class of equal keys", () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(key, key.map(rebuilt)), { maxLength: 12 }), (keys) => {
      const m = new KeyedMap<unknown, { n: number }>();
      for (const k of keys) m.obtain(k, () => ({ n: 0 })).n++;
      const classes: unknown[] = [];
      for (const k of keys) if (!classes.some((c) => same(c, k))) classes.push(k);
      assert.equal(m.size, classes.length);
      for (const c of classes) assert.equal(m.get(c)?.n, keys.filter((k) => same(k, c)).length);
    }),
    { numRuns: 1000 },
  );
});
