import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { runFails, sink, sorted } from "./helpers";

test("Create emits every value once, in order for a single bundle", async () => {
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create([3, 1, 2])));
  await p.run();
  assert.deepEqual(out, [3, 1, 2]);
});

test("Create accepts any iterable, including a Set and a generator", async () => {
  const p = new beam.Pipeline();
  const a = sink(p.apply("From set", beam.Create(new Set(["x", "y"]))));
  const b = sink(
    p.apply(
      "From generator",
      beam.Create(
        (function* () {
          yield 1;
          yield 2;
        })(),
      ),
    ),
  );
  await p.run();
  assert.deepEqual(a, ["x", "y"]);
  assert.deepEqual(b, [1, 2]);
});

test("Create of nothing gives an empty PCollection", async () => {
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create<number>([])).apply("Double", beam.Map((n: number) => n * 2)));
  await p.run();
  assert.deepEqual(out, []);
});

test("Create rejects a string and a non-iterable with a hint", () => {
  assert.throws(() => beam.Create("abc" as unknown as string[]), (e: unknown) => e instanceof beam.PipelineError && /string/.test(e.message) && /what to do/.test(e.message));
  assert.throws(() => beam.Create(42 as unknown as number[]), beam.PipelineError);
  assert.throws(() => beam.Create(null as unknown as number[]), beam.PipelineError);
});

test("Map gives one output per element", async () => {
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create([1, 2, 3, 4, 5])).apply("Times ten", beam.Map((n: number) => n * 10)));
  await p.run();
  assert.deepEqual(out, [10, 20, 30, 40, 50]);
});

test("Map may return null/undefined/arrays, each as one element", async () => {
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create([1, 2, 3])).apply("Odd", beam.Map((n: number) => (n === 1 ? null : n === 2 ? undefined : [n, n]))));
  await p.run();
  assert.deepEqual(out, [null, undefined, [3, 3]]);
});

test("Map with an async function", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(
    p.apply("Create", beam.Create([1, 2, 3])).apply(
      "Async",
      beam.Map(async (n: number) => {
        await new Promise((r) => setTimeout(r, 1));
        return n + 1;
      }),
    ),
  );
  await p.run();
  assert.deepEqual(out, [2, 3, 4]);
});

test("FlatMap with arrays, empty arrays and generators", async () => {
  const p = new beam.Pipeline();
  const lines = p.apply("Create", beam.Create(["a b", "", "c"]));
  const words = sink(lines.apply("Split", beam.FlatMap((l: string) => l.split(" ").filter((w) => w))));
  const gen = sink(
    lines.apply(
      "Chars",
      beam.FlatMap(function* (l: string) {
        for (const ch of l) yield ch;
      }),
    ),
  );
  const nested = sink(p.apply("Nested", beam.Create([[1, 2], [3]])).apply("Flatten arrays", beam.FlatMap((xs: number[]) => xs)));
  await p.run();
  assert.deepEqual(words, ["a", "b", "c"]);
  assert.deepEqual(gen, ["a", " ", "b", "c"]);
  assert.deepEqual(nested, [1, 2, 3]);
});

test("FlatMap with an async generator and a Set", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([2, 3]));
  const asyncOut = sink(
    nums.apply(
      "Async gen",
      beam.FlatMap(async function* (n: number) {
        for (let i = 0; i < n; i++) yield n;
      }),
    ),
  );
  const setOut = sink(nums.apply("Set", beam.FlatMap((n: number) => new Set([n, n, n + 100]))));
  await p.run();
  assert.deepEqual(asyncOut, [2, 2, 3, 3, 3]);
  assert.deepEqual(setOut, [2, 102, 3, 103]);
});

test("FlatMap returning a string is an error, not a list of characters", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create(["ab"])).apply("Bad", beam.FlatMap((s: string) => s as unknown as string[]));
  const err = await runFails(p);
  assert.match(err.message, /"Bad"/);
  assert.match(err.message, /string/);
});

test("Filter keeps elements for which the predicate is truthy", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([0, 1, 2, 3, 4, 5, 6]));
  const even = sink(nums.apply("Even", beam.Filter((n: number) => n % 2 === 0)));
  const truthy = sink(nums.apply("Truthy", beam.Filter((n: number) => n)));
  const asyncOdd = sink(nums.apply("Async odd", beam.Filter(async (n: number) => n % 2 === 1)));
  await p.run();
  assert.deepEqual(even, [0, 2, 4, 6]);
  assert.deepEqual(truthy, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(asyncOdd, [1, 3, 5]);
});

test("Map/FlatMap/Filter reject a non-function", () => {
  assert.throws(() => beam.Map(5 as never), beam.PipelineError);
  assert.throws(() => beam.FlatMap("x" as never), beam.PipelineError);
  assert.throws(() => beam.Filter(null as never), beam.PipelineError);
});

test("a PCollection can feed several transforms (branching)", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4, 5]));
  const a = sink(nums.apply("Plus one", beam.Map((n: number) => n + 1)));
  const b = sink(nums.apply("Minus one", beam.Map((n: number) => n - 1)));
  await p.run();
  assert.deepEqual(a, [2, 3, 4, 5, 6]);
  assert.deepEqual(b, [0, 1, 2, 3, 4]);
});

test("Flatten.of merges PCollections", async () => {
  const p = new beam.Pipeline();
  const a = p.apply("A", beam.Create([1, 2]));
  const b = p.apply("B", beam.Create([3]));
  const c = p.apply("C", beam.Create<number>([]));
  const out = sink(beam.Flatten.of([a, b, c]));
  await p.run();
  assert.deepEqual(sorted(out), [1, 2, 3]);
});

test("Flatten.of of the same PCollection twice duplicates its elements", async () => {
  const p = new beam.Pipeline();
  const a = p.apply("A", beam.Create(["x", "y"]));
  const out = sink(beam.Flatten.of([a, a], "Twice"));
  await p.run();
  assert.deepEqual(sorted(out), ["x", "x", "y", "y"]);
});

test("Flatten.of with an empty array is an error", () => {
  assert.throws(() => beam.Flatten.of([]), (e: unknown) => e instanceof beam.PipelineError && /non-empty/.test(e.message));
});

test("Partition splits by index", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4, 5, 6, 7]));
  const parts = nums.apply("By mod 3", beam.Partition((n: number, k: number) => n % k, 3));
  assert.equal(parts.length, 3);
  const outs = parts.map((pc, i) => sink(pc, `Sink ${i}`));
  await p.run();
  assert.deepEqual(outs, [[3, 6], [1, 4, 7], [2, 5]]);
});

test("Partition with an index out of range fails naming the index, element and range", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([{ id: 1 }, { id: 9 }])).apply("Split", beam.Partition((r: { id: number }) => (r.id === 9 ? 2 : 0), 2));
  const err = await runFails(p);
  assert.match(err.message, /"Split"/);
  assert.match(err.message, /returned 2/);
  assert.match(err.message, /0 to 1/);
  assert.match(err.message, /"id":9/);
  assert.match(err.message, /what to do/);
});

test("Partition rejects a negative, fractional or NaN index", async () => {
  for (const [label, bad] of [["Neg", -1], ["Frac", 0.5], ["NaN", NaN]] as const) {
    const p = new beam.Pipeline();
    p.apply("Create", beam.Create([1])).apply(label, beam.Partition(() => bad, 2));
    const err = await runFails(p);
    assert.match(err.message, new RegExp(`"${label}"`));
  }
});

test("Partition needs a positive integer count", () => {
  assert.throws(() => beam.Partition(() => 0, 0), beam.PipelineError);
  assert.throws(() => beam.Partition(() => 0, 1.5), beam.PipelineError);
});

test("Distinct compares elements by value", async () => {
  const p = new beam.Pipeline({ bundleSize: 3 });
  const out = sink(
    p
      .apply("Create", beam.Create<unknown>([1, "1", 1, { a: 1, b: 2 }, { b: 2, a: 1 }, ["x", 1], ["x", 1], null, null, "1"]))
      .apply("Distinct", beam.Distinct()),
  );
  await p.run();
  assert.equal(out.length, 5);
  assert.deepEqual(sorted(out), sorted([1, "1", { a: 1, b: 2 }, ["x", 1], null]));
});

test("Keys, Values and KvSwap", async () => {
  const p = new beam.Pipeline();
  const kvs = p.apply("Create", beam.Create<[string, number]>([["a", 1], ["b", 2], ["a", 3]]));
  const keys = sink(kvs.apply("Keys", beam.Keys()));
  const values = sink(kvs.apply("Values", beam.Values()));
  const swapped = sink(kvs.apply("Swap", beam.KvSwap()));
  await p.run();
  assert.deepEqual(keys, ["a", "b", "a"]);
  assert.deepEqual(values, [1, 2, 3]);
  assert.deepEqual(swapped, [[1, "a"], [2, "b"], [3, "a"]]);
});

test("ptransform composes transforms under one label", async () => {
  const CountWords = beam.ptransform("CountWords", (lines: beam.PCollection<string>) =>
    lines.apply("Split", beam.FlatMap((l: string) => l.split(" "))).apply("Count", beam.combiners.Count.PerElement()),
  );
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create(["a b", "b c b"])).apply("Count words", CountWords));
  await p.run();
  assert.deepEqual(sorted(out), [["a", 1], ["b", 3], ["c", 1]]);
  assert.ok(p.node("Count words/Split"));
  assert.ok(p.node("Count words/Count"));
});

test("a pipeline can be run twice with the same result", async () => {
  const p = new beam.Pipeline();
  const seen: number[] = [];
  p.apply("Create", beam.Create([1, 2])).apply("Record", beam.Map((n: number) => seen.push(n)));
  await p.run();
  await p.run();
  assert.deepEqual(seen, [1, 2, 1, 2]);
});

test("a successful run reports DONE", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1]));
  const result = await p.run();
  assert.equal(result.state, "DONE");
  assert.equal(await result.waitUntilFinish(), "DONE");
  assert.equal(result.error, null);
});

test("applying an input from another pipeline is an error", () => {
  const p1 = new beam.Pipeline();
  const p2 = new beam.Pipeline();
  const a = p1.apply("A", beam.Create([1]));
  const b = p2.apply("B", beam.Create([2]));
  assert.throws(() => beam.Flatten.of([a, b]), (e: unknown) => e instanceof beam.PipelineError && /another pipeline/.test(e.message));
});

test("unknown runner name makes run() reject with the known runners", async () => {
  const p = new beam.Pipeline({ runner: "nope" });
  await assert.rejects(p.run(), (e: unknown) => e instanceof beam.PipelineError && /Unknown runner "nope"/.test(e.message) && /direct/.test(e.message));
});
