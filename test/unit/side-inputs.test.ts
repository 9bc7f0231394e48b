import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { runFails, sink, sorted } from "./helpers";

const { AsList, AsIter, AsDict, AsSingleton } = beam.pvalue;

test("AsList hands the whole PCollection to every call of Map", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const others = p.apply("Others", beam.Create(["x", "y"]));
  const out = sink(nums.apply("Pair", beam.Map((n: number, os: string[]) => `${n}:${[...os].sort().join("")}`, AsList(others))));
  await p.run();
  assert.deepEqual(out, ["1:xy", "2:xy", "3:xy"]);
});

test("AsIter is iterable", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1, 2]));
  const others = p.apply("Others", beam.Create([10, 20]));
  const out = sink(nums.apply("Plus", beam.Map((n: number, os: Iterable<number>) => [...os].reduce((a, b) => a + b, n), AsIter(others))));
  await p.run();
  assert.deepEqual(out, [31, 32]);
});

test("AsList of an empty PCollection is an empty array", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1]));
  const none = p.apply("None", beam.Create<string>([]));
  const out = sink(nums.apply("Len", beam.Map((_n: number, xs: string[]) => xs.length, AsList(none))));
  await p.run();
  assert.deepEqual(out, [0]);
});

test("AsDict hands a Map of [key, value] pairs", async () => {
  const p = new beam.Pipeline();
  const rows = p.apply("Rows", beam.Create([{ name: "Ann", dept: "CS" }, { name: "Bob", dept: "MA" }, { name: "Cy", dept: "XX" }]));
  const depts = p.apply("Depts", beam.Create<[string, string]>([["CS", "Computer Science"], ["MA", "Mathematics"]]));
  const out = sink(
    rows.apply(
      "Dept name",
      beam.Map((r: { name: string; dept: string }, names: Map<string, string>) => {
        assert.ok(names instanceof Map);
        return `${r.name}: ${names.get(r.dept) ?? "?"}`;
      }, AsDict(depts)),
    ),
  );
  await p.run();
  assert.deepEqual(out, ["Ann: Computer Science", "Bob: Mathematics", "Cy: ?"]);
});

test("AsDict of non-pairs fails naming the element", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1]));
  const bad = p.apply("Bad", beam.Create<unknown>(["notapair"]));
  nums.apply("Lookup", beam.Map((n: number, _m: Map<unknown, unknown>) => n, AsDict(bad as beam.PCollection<[unknown, unknown]>)));
  const err = await runFails(p);
  assert.match(err.message, /AsDict/);
  assert.match(err.message, /"notapair"/);
  assert.match(err.message, /"Lookup"/);
});

test("AsSingleton hands the one element", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const factor = p.apply("Factor", beam.Create([10]));
  const out = sink(nums.apply("Scale", beam.Map((n: number, f: number) => n * f, AsSingleton(factor))));
  await p.run();
  assert.deepEqual(out, [10, 20, 30]);
});

test("AsSingleton of an empty PCollection uses the default", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1, 2]));
  const none = p.apply("None", beam.Create<number>([]));
  const out = sink(nums.apply("Scale", beam.Map((n: number, f: number) => n * f, AsSingleton(none, 3))));
  await p.run();
  assert.deepEqual(out, [3, 6]);
});

test("AsSingleton with a default of null/undefined (falsy defaults count)", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1]));
  const none = p.apply("None", beam.Create<number | null>([]));
  const outNull = sink(nums.apply("Null", beam.Map((n: number, f: number | null) => [n, f], AsSingleton(none, null))));
  const outZero = sink(nums.apply("Zero", beam.Map((n: number, f: number | null) => [n, f], AsSingleton(none, 0))));
  await p.run();
  assert.deepEqual(outNull, [[1, null]]);
  assert.deepEqual(outZero, [[1, 0]]);
});

test("AsSingleton of an empty PCollection without default fails with a hint to give one", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1]));
  const none = p.apply("None", beam.Create<number>([]));
  nums.apply("Scale", beam.Map((n: number, f: number) => n * f, AsSingleton(none)));
  const err = await runFails(p);
  assert.match(err.message, /exactly one element, found 0/);
  assert.match(err.message, /"Scale"/);
  assert.match(err.message, /default/);
});

test("AsSingleton of more than one element fails", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1]));
  const two = p.apply("Two", beam.Create([1, 2]));
  nums.apply("Scale", beam.Map((n: number, f: number) => n * f, AsSingleton(two, 5)));
  const err = await runFails(p);
  assert.match(err.message, /exactly one element, found 2/);
  assert.match(err.message, /"Scale"/);
  assert.match(err.message, /CombineGlobally/);
});

test("a side input derived from the main input: divide each by the global sum", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4]));
  const total = nums.apply("Sum", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const out = sink(nums.apply("Share", beam.Map((n: number, s: number) => n / s, AsSingleton(total))));
  await p.run();
  assert.deepEqual(out, [0.1, 0.2, 0.3, 0.4]);
});

test("a side input of an empty main input (the sum is 0, nothing to divide)", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create<number>([]));
  const total = nums.apply("Sum", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const totals = sink(total, "Totals");
  const out = sink(nums.apply("Share", beam.Map((n: number, s: number) => n / s, AsSingleton(total))));
  await p.run();
  assert.deepEqual(totals, [0]);
  assert.deepEqual(out, []);
});

test("ParDo gets side inputs as extra arguments of process", async () => {
  class Label extends beam.DoFn<number, string> {
    setupCalls = 0;
    setup() {
      this.setupCalls++;
    }
    *process(n: number, names: Map<number, string>, max: number, all: number[]) {
      yield `${names.get(n) ?? "?"}/${max}/${all.length}`;
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const names = p.apply("Names", beam.Create<[number, string]>([[1, "one"], [2, "two"]]));
  const max = nums.apply("Max", beam.CombineGlobally((xs: number[]) => Math.max(...xs)));
  const fn = new Label();
  const out = sink(nums.apply("Label", beam.ParDo(fn, AsDict(names), AsSingleton(max), AsList(nums))));
  await p.run();
  assert.deepEqual(out, ["one/3/3", "two/3/3", "?/3/3"]);
  assert.equal(fn.setupCalls, 1);
});

test("ParDo with side inputs and tagged outputs", async () => {
  class Split extends beam.DoFn<number, number> {
    *process(n: number, threshold: number) {
      if (n >= threshold) yield beam.TaggedOutput("big", n);
      else yield n;
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Nums", beam.Create([1, 5, 2, 8, 3]));
  const threshold = p.apply("Threshold", beam.Create([4]));
  const { main, big } = nums.apply("Split", beam.ParDo(new Split(), AsSingleton(threshold)).withOutputs("big"));
  const [m, b] = [sink(main), sink(big)];
  await p.run();
  assert.deepEqual(m, [1, 2, 3]);
  assert.deepEqual(b, [5, 8]);
});

test("ParDo with side inputs runs lifecycle methods around every bundle", async () => {
  class Life extends beam.DoFn<number, number> {
    calls: string[] = [];
    setup() {
      this.calls.push("setup");
    }
    startBundle() {
      this.calls.push("start");
    }
    process(n: number, k: number) {
      this.calls.push(`p${n}`);
      return [n * k];
    }
    finishBundle() {
      this.calls.push("finish");
    }
    teardown() {
      this.calls.push("teardown");
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const k = p.apply("K", beam.Create([2]));
  const fn = new Life();
  const out = sink(nums.apply("Life", beam.ParDo(fn, AsSingleton(k))));
  await p.run();
  assert.deepEqual(out, [2, 4, 6]);
  assert.equal(fn.calls[0], "setup");
  assert.equal(fn.calls[fn.calls.length - 1], "teardown");
  assert.equal(fn.calls.filter((c) => c === "start").length, fn.calls.filter((c) => c === "finish").length);
  assert.deepEqual(fn.calls.filter((c) => c.startsWith("p")), ["p1", "p2", "p3"]);
});

test("Filter and FlatMap with side inputs", async () => {
  const p = new beam.Pipeline();
  const words = p.apply("Words", beam.Create(["the", "cat", "a", "dog"]));
  const stop = p.apply("Stop", beam.Create(["the", "a"]));
  const kept = sink(words.apply("Drop stop words", beam.Filter((w: string, s: string[]) => !s.includes(w), AsList(stop))));
  const rep = p.apply("Rep", beam.Create([2]));
  const repeated = sink(words.apply("Repeat", beam.FlatMap((w: string, n: number) => Array(n).fill(w), AsSingleton(rep))));
  await p.run();
  assert.deepEqual(kept, ["cat", "dog"]);
  assert.deepEqual(repeated, ["the", "the", "cat", "cat", "a", "a", "dog", "dog"]);
});

test("side input chains: a side input computed from another side-input step", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Nums", beam.Create([1, 2, 3, 4, 5]));
  const mean = nums.apply("Mean", beam.combiners.Mean.Globally());
  const centred = nums.apply("Centre", beam.Map((n: number, m: number) => n - m, AsSingleton(mean)));
  const spread = centred.apply("Max abs", beam.CombineGlobally((xs: number[]) => Math.max(...xs.map(Math.abs))));
  const scaled = sink(centred.apply("Scale", beam.Map((n: number, s: number) => n / s, AsSingleton(spread))));
  await p.run();
  assert.deepEqual(sorted(scaled), sorted([-1, -0.5, 0, 0.5, 1]));
});
