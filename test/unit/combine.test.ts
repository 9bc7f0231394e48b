import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { runFails, sink, sorted } from "./helpers";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A CombineFn computing [sum, count] → mean, counting its calls. */
class MeanFn implements beam.CombineFn<number, [number, number], number> {
  calls = { create: 0, add: 0, merge: 0, extract: 0 };
  createAccumulator(): [number, number] {
    this.calls.create++;
    return [0, 0];
  }
  addInput(acc: [number, number], v: number): [number, number] {
    this.calls.add++;
    return [acc[0] + v, acc[1] + 1];
  }
  mergeAccumulators(accs: Iterable<[number, number]>): [number, number] {
    this.calls.merge++;
    let s = 0;
    let c = 0;
    for (const [a, b] of accs) {
      s += a;
      c += b;
    }
    return [s, c];
  }
  extractOutput([s, c]: [number, number]): number {
    this.calls.extract++;
    return c ? s / c : 0;
  }
}

const pairs: [string, number][] = [["a", 1], ["b", 10], ["a", 2], ["a", 3], ["b", 20], ["c", 7]];

test("CombinePerKey with a function over the values", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(p.apply("Create", beam.Create(pairs)).apply("Sum", beam.CombinePerKey(sum)));
  await p.run();
  assert.deepEqual(sorted(out), [["a", 6], ["b", 30], ["c", 7]]);
});

test("CombinePerKey with a CombineFn", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const fn = new MeanFn();
  const out = sink(p.apply("Create", beam.Create(pairs)).apply("Mean", beam.CombinePerKey(fn)));
  await p.run();
  assert.deepEqual(sorted(out), [["a", 2], ["b", 15], ["c", 7]]);
  assert.equal(fn.calls.add, pairs.length);
  assert.equal(fn.calls.extract, 3);
});

test("CombinePerKey with structured keys compares them by value", async () => {
  const p = new beam.Pipeline();
  const out = sink(
    p.apply("Create", beam.Create<[unknown, number]>([[{ a: 1, b: 2 }, 1], [{ b: 2, a: 1 }, 2], [[1, "x"], 3], [[1, "x"], 4], [1, 5], ["1", 6]]))
      .apply("Sum", beam.CombinePerKey(sum)),
  );
  await p.run();
  assert.equal(out.length, 4);
  assert.deepEqual(sorted(out.map(([, v]) => v)), [3, 5, 6, 7]);
});

test("CombinePerKey gives the same result when an inner PCollection is observed (unlifted path)", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const combined = p.apply("Create", beam.Create(pairs)).apply("Sum", beam.CombinePerKey(sum));
  const grouped = p.node("Sum/GroupByKey")!.outputs.get("main")!;
  const t = await beam.collect(grouped);
  assert.equal(t.numRows(), 3);
  const out = await beam.collect(combined);
  assert.deepEqual(sorted(out.objects()), sorted([{ key: "a", value: 6 }, { key: "b", value: 30 }, { key: "c", value: 7 }]));
});

test("CombinePerKey of an empty input is empty", async () => {
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create<[string, number]>([])).apply("Sum", beam.CombinePerKey(sum)));
  await p.run();
  assert.deepEqual(out, []);
});

test("a throwing combine function fails the run naming the transform", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create(pairs)).apply(
    "Explode",
    beam.CombinePerKey((xs: number[]) => {
      if (xs.includes(7)) throw new Error("seven!");
      return xs.length;
    }),
  );
  const err = await runFails(p);
  assert.match(err.message, /Explode/);
  assert.match(err.message, /seven!/);
});

test("CombineGlobally with a function and with a CombineFn", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4]));
  const total = sink(nums.apply("Sum", beam.CombineGlobally(sum)));
  const mean = sink(nums.apply("Mean", beam.CombineGlobally(new MeanFn())));
  await p.run();
  assert.deepEqual(total, [10]);
  assert.deepEqual(mean, [2.5]);
});

test("CombineGlobally of an empty input gives the combiner's default", async () => {
  const p = new beam.Pipeline();
  const empty = p.apply("Create", beam.Create<number>([]));
  const total = sink(empty.apply("Sum", beam.CombineGlobally(sum)));
  const max = sink(empty.apply("Max", beam.CombineGlobally((xs: number[]) => (xs.length ? Math.max(...xs) : null))));
  const mean = sink(empty.apply("Mean", beam.CombineGlobally(new MeanFn())));
  const count = sink(empty.apply("Count", beam.combiners.Count.Globally()));
  const list = sink(empty.apply("ToList", beam.combiners.ToList()));
  await p.run();
  assert.deepEqual(total, [0]);
  assert.deepEqual(max, [null]);
  assert.deepEqual(mean, [0]);
  assert.deepEqual(count, [0]);
  assert.deepEqual(list, [[]]);
});

test("CombineGlobally result can be null/undefined/an array and is still one element", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2]));
  const asNull = sink(nums.apply("Null", beam.CombineGlobally(() => null)));
  const asArray = sink(nums.apply("Array", beam.CombineGlobally((xs: number[]) => xs.map((x) => x * 2))));
  await p.run();
  assert.deepEqual(asNull, [null]);
  assert.deepEqual(asArray, [[2, 4]]);
});

test("Count.Globally, Count.PerKey, Count.PerElement", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const words = p.apply("Create", beam.Create(["a", "b", "a", "c", "a", "b"]));
  const total = sink(words.apply("Total", beam.combiners.Count.Globally()));
  const perElement = sink(words.apply("Per element", beam.combiners.Count.PerElement()));
  const perKey = sink(p.apply("Pairs", beam.Create(pairs)).apply("Per key", beam.combiners.Count.PerKey()));
  const structured = sink(
    p.apply("Records", beam.Create<unknown>([{ x: 1, y: 2 }, { y: 2, x: 1 }, 1, "1"])).apply("Per record", beam.combiners.Count.PerElement()),
  );
  await p.run();
  assert.deepEqual(total, [6]);
  assert.deepEqual(sorted(perElement), [["a", 3], ["b", 2], ["c", 1]]);
  assert.deepEqual(sorted(perKey), [["a", 3], ["b", 2], ["c", 1]]);
  assert.deepEqual(sorted(structured.map(([, n]) => n)), [1, 1, 2]);
});

test("Mean.PerKey and Mean.Globally", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const perKey = sink(p.apply("Create", beam.Create(pairs)).apply("Mean", beam.combiners.Mean.PerKey()));
  const global = sink(p.apply("Nums", beam.Create([1, 2, 3, 4])).apply("Mean all", beam.combiners.Mean.Globally()));
  const empty = sink(p.apply("None", beam.Create<number>([])).apply("Mean none", beam.combiners.Mean.Globally()));
  await p.run();
  assert.deepEqual(sorted(perKey), [["a", 2], ["b", 15], ["c", 7]]);
  assert.deepEqual(global, [2.5]);
  assert.equal(empty.length, 1);
  assert.ok(Number.isNaN(empty[0]));
});

test("Top.Of, Top.Largest, Top.Smallest, with key and reverse", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([5, 1, 9, 3, 7, 2, 8]));
  const top3 = sink(nums.apply("Top 3", beam.combiners.Top.Of(3)));
  const largest = sink(nums.apply("Largest", beam.combiners.Top.Largest(2)));
  const smallest = sink(nums.apply("Smallest", beam.combiners.Top.Smallest(2)));
  const reversed = sink(nums.apply("Reversed", beam.combiners.Top.Of(2, { reverse: true })));
  const recs = p.apply("Records", beam.Create([{ n: "a", s: 3 }, { n: "b", s: 9 }, { n: "c", s: 1 }]));
  const byKey = sink(recs.apply("By score", beam.combiners.Top.Of(2, { key: (r: { n: string; s: number }) => r.s })));
  const more = sink(nums.apply("More than there are", beam.combiners.Top.Of(100)));
  await p.run();
  assert.deepEqual(top3, [[9, 8, 7]]);
  assert.deepEqual(largest, [[9, 8]]);
  assert.deepEqual(smallest, [[1, 2]]);
  assert.deepEqual(reversed, [[1, 2]]);
  assert.deepEqual(byKey, [[{ n: "b", s: 9 }, { n: "a", s: 3 }]]);
  assert.deepEqual(more, [[9, 8, 7, 5, 3, 2, 1]]);
});

test("Top.Of keeps the right elements over many values (trimming)", async () => {
  const p = new beam.Pipeline({ bundleSize: 7 });
  const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const out = sink(p.apply("Create", beam.Create(values)).apply("Top 5", beam.combiners.Top.Of(5)));
  await p.run();
  assert.deepEqual(out, [[999, 998, 997, 996, 995]]);
});

test("Top.PerKey", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(p.apply("Create", beam.Create(pairs)).apply("Top 2", beam.combiners.Top.PerKey(2)));
  await p.run();
  assert.deepEqual(sorted(out), [["a", [3, 2]], ["b", [20, 10]], ["c", [7]]]);
});

test("ToList gathers all elements into one array", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(p.apply("Create", beam.Create([3, 1, 2])).apply("List", beam.combiners.ToList()));
  await p.run();
  assert.equal(out.length, 1);
  assert.deepEqual([...out[0]].sort(), [1, 2, 3]);
});

test("CombinePerKey of non-pairs fails with a hint", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create<unknown>([1, 2])).apply("Sum", beam.CombinePerKey(sum) as never);
  const err = await runFails(p);
  assert.match(err.message, /\[key, value\]/);
  assert.match(err.message, /Sum/);
});

test("default labels of combines name the function", () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1]));
  nums.apply(beam.CombineGlobally(sum));
  assert.ok(p.node("CombineGlobally(sum)"));
  p.apply("Pairs", beam.Create(pairs)).apply(beam.CombinePerKey(new MeanFn()));
  assert.ok(p.node("CombinePerKey(MeanFn)"));
});
