import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { runFails, sink, sorted } from "./helpers";

class Recorder extends beam.DoFn<number, number> {
  readonly calls: string[] = [];
  setup() {
    this.calls.push("setup");
  }
  startBundle() {
    this.calls.push("startBundle");
  }
  process(n: number) {
    this.calls.push(`process ${n}`);
    return [n * 10];
  }
  finishBundle() {
    this.calls.push("finishBundle");
  }
  teardown() {
    this.calls.push("teardown");
  }
}

test("DoFn lifecycle: setup once, bundles around process, teardown once", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const fn = new Recorder();
  const out = sink(p.apply("Create", beam.Create([1, 2, 3, 4, 5])).apply("Record", beam.ParDo(fn)));
  await p.run();
  assert.deepEqual(out, [10, 20, 30, 40, 50]);
  assert.deepEqual(fn.calls, [
    "setup",
    "startBundle", "process 1", "process 2", "finishBundle",
    "startBundle", "process 3", "process 4", "finishBundle",
    "startBundle", "process 5", "finishBundle",
    "teardown",
  ]);
});

test("DoFn lifecycle with one bundle and with no elements", async () => {
  const p = new beam.Pipeline();
  const fn = new Recorder();
  p.apply("Create", beam.Create([1, 2, 3])).apply("Record", beam.ParDo(fn));
  await p.run();
  assert.deepEqual(fn.calls, ["setup", "startBundle", "process 1", "process 2", "process 3", "finishBundle", "teardown"]);

  const q = new beam.Pipeline();
  const empty = new Recorder();
  q.apply("Create", beam.Create<number>([])).apply("Record", beam.ParDo(empty));
  await q.run();
  assert.equal(empty.calls[0], "setup");
  assert.equal(empty.calls[empty.calls.length - 1], "teardown");
  assert.ok(!empty.calls.some((c) => c.startsWith("process")));
  assert.equal(empty.calls.filter((c) => c === "setup").length, 1);
  assert.equal(empty.calls.filter((c) => c === "teardown").length, 1);
});

test("every startBundle is matched by a finishBundle after a GroupByKey (several bundles)", async () => {
  const p = new beam.Pipeline({ bundleSize: 2 });
  const fn = new Recorder();
  p.apply("Create", beam.Create(["a", "b", "c", "d", "e"].map((k, i) => [k, i] as [string, number])))
    .apply("Group", beam.GroupByKey())
    .apply("Len", beam.Map(([, vs]: [string, number[]]) => vs.length))
    .apply("Record", beam.ParDo(fn));
  await p.run();
  const starts = fn.calls.filter((c) => c === "startBundle").length;
  const finishes = fn.calls.filter((c) => c === "finishBundle").length;
  assert.equal(starts, finishes);
  assert.ok(starts >= 3, `expected several bundles, got ${starts}`);
  assert.equal(fn.calls.filter((c) => c.startsWith("process")).length, 5);
  // Bundles do not nest.
  let open = false;
  for (const c of fn.calls) {
    if (c === "startBundle") {
      assert.ok(!open);
      open = true;
    } else if (c === "finishBundle") {
      assert.ok(open);
      open = false;
    } else if (c.startsWith("process")) assert.ok(open);
  }
});

test("teardown runs once also when process fails; no further bundles after the failure", async () => {
  class Failing extends Recorder {
    process(n: number) {
      this.calls.push(`process ${n}`);
      if (n === 3) throw new Error("boom");
      return [n];
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const fn = new Failing();
  p.apply("Create", beam.Create([1, 2, 3, 4, 5])).apply("Fail", beam.ParDo(fn));
  const err = await runFails(p);
  assert.match(err.message, /boom/);
  assert.equal(fn.calls.filter((c) => c === "setup").length, 1);
  assert.equal(fn.calls.filter((c) => c === "teardown").length, 1);
  assert.equal(fn.calls[fn.calls.length - 1], "teardown");
  assert.ok(!fn.calls.includes("process 4"));
  assert.ok(!fn.calls.includes("process 5"));
});

test("teardown of every DoFn runs when another step fails", async () => {
  const p = new beam.Pipeline();
  const fn = new Recorder();
  p.apply("Create", beam.Create([1, 2]))
    .apply("Record", beam.ParDo(fn))
    .apply("Fail later", beam.Map((n: number) => {
      if (n === 20) throw new Error("late");
      return n;
    }));
  await runFails(p);
  assert.equal(fn.calls.filter((c) => c === "teardown").length, 1);
});

test("a failing setup fails the run naming the method, and teardown still runs", async () => {
  class BadSetup extends Recorder {
    setup() {
      this.calls.push("setup");
      throw new Error("no connection");
    }
  }
  const p = new beam.Pipeline();
  const fn = new BadSetup();
  p.apply("Create", beam.Create([1])).apply("Bad setup", beam.ParDo(fn));
  const err = await runFails(p);
  assert.match(err.message, /"Bad setup"/);
  assert.match(err.message, /setup\(\)/);
  assert.match(err.message, /no connection/);
  assert.ok(!fn.calls.some((c) => c.startsWith("process")));
  assert.equal(fn.calls.filter((c) => c === "teardown").length, 1);
});

test("a failing finishBundle fails the run naming finishBundle", async () => {
  class BadFinish extends Recorder {
    finishBundle() {
      throw new Error("flush failed");
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply("Bad finish", beam.ParDo(new BadFinish()));
  const err = await runFails(p);
  assert.match(err.message, /"Bad finish"/);
  assert.match(err.message, /finishBundle/);
  assert.match(err.message, /flush failed/);
});

test("async lifecycle methods and async process are awaited in order", async () => {
  const tick = () => new Promise((r) => setTimeout(r, 1));
  class AsyncFn extends beam.DoFn<number, number> {
    calls: string[] = [];
    async setup() {
      await tick();
      this.calls.push("setup");
    }
    async startBundle() {
      await tick();
      this.calls.push("start");
    }
    async process(n: number) {
      await tick();
      this.calls.push(`p${n}`);
      return [n + 1];
    }
    async finishBundle() {
      await tick();
      this.calls.push("finish");
    }
    async teardown() {
      await tick();
      this.calls.push("teardown");
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const fn = new AsyncFn();
  const out = sink(p.apply("Create", beam.Create([1, 2, 3])).apply("Async", beam.ParDo(fn)));
  await p.run();
  assert.deepEqual(out, [2, 3, 4]);
  assert.deepEqual(fn.calls, ["setup", "start", "p1", "p2", "finish", "start", "p3", "finish", "teardown"]);
});

test("process may be a generator, return an iterable, or return nothing", async () => {
  class Gen extends beam.DoFn<number, number> {
    *process(n: number) {
      for (let i = 0; i < n; i++) yield n;
    }
  }
  class Nothing extends beam.DoFn<number, number> {
    seen = 0;
    process(_n: number) {
      this.seen++;
    }
  }
  class NullResult extends beam.DoFn<number, number> {
    process(_n: number) {
      return null;
    }
  }
  class AsyncGen extends beam.DoFn<number, string> {
    async *process(n: number) {
      yield `a${n}`;
      await new Promise((r) => setTimeout(r, 1));
      yield `b${n}`;
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const gen = sink(nums.apply("Gen", beam.ParDo(new Gen())));
  const nothing = new Nothing();
  const none = sink(nums.apply("Nothing", beam.ParDo(nothing)));
  const nulls = sink(nums.apply("Null", beam.ParDo(new NullResult())));
  const agen = sink(nums.apply("Async gen", beam.ParDo(new AsyncGen())));
  await p.run();
  assert.deepEqual(gen, [1, 2, 2, 3, 3, 3]);
  assert.deepEqual(none, []);
  assert.equal(nothing.seen, 3);
  assert.deepEqual(nulls, []);
  assert.deepEqual(agen, ["a1", "b1", "a2", "b2", "a3", "b3"]);
});

test("process returning a single value (not an iterable) is an error with a hint", async () => {
  class Scalar extends beam.DoFn<number, number> {
    process(n: number) {
      return n as unknown as number[];
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([7])).apply("Scalar", beam.ParDo(new Scalar()));
  const err = await runFails(p);
  assert.match(err.message, /"Scalar"/);
  assert.match(err.message, /not an array/);
  assert.match(err.message, /element: 7/);
  assert.match(err.message, /what to do/);
});

test("finishBundle may emit elements (e.g. a per-bundle buffer)", async () => {
  class Batcher extends beam.DoFn<number, number[]> {
    private buf: number[] = [];
    startBundle() {
      this.buf = [];
    }
    process(n: number) {
      this.buf.push(n);
    }
    finishBundle() {
      return this.buf.length ? [this.buf] : [];
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(p.apply("Create", beam.Create([1, 2, 3, 4, 5])).apply("Batch", beam.ParDo(new Batcher())));
  const total = sink(
    p.apply("Create 2", beam.Create([1, 2, 3, 4, 5]))
      .apply("Batch 2", beam.ParDo(new Batcher()))
      .apply("Sizes", beam.Map((b: number[]) => b.length))
      .apply("Sum", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0))),
  );
  await p.run();
  assert.deepEqual(out, [[1, 2], [3, 4], [5]]);
  assert.deepEqual(total, [5]);
});

test("finishBundle as a generator, with tagged outputs", async () => {
  class Summary extends beam.DoFn<number, number> {
    private n = 0;
    process(x: number) {
      this.n++;
      return [x];
    }
    *finishBundle() {
      yield beam.TaggedOutput("counts", this.n);
      this.n = 0;
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const { main, counts } = p.apply("Create", beam.Create([1, 2, 3])).apply("Summary", beam.ParDo(new Summary()).withOutputs("counts"));
  const m = sink(main);
  const c = sink(counts);
  await p.run();
  assert.deepEqual(m, [1, 2, 3]);
  assert.deepEqual(c, [2, 1]);
});

test("tagged outputs: withOutputs gives main plus one PCollection per tag", async () => {
  class Split extends beam.DoFn<number, number> {
    *process(n: number) {
      if (n % 2 === 0) yield beam.TaggedOutput("even", n);
      else if (n % 3 === 0) yield beam.TaggedOutput("three", `t${n}`);
      else yield n;
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const outs = p.apply("Create", beam.Create([1, 2, 3, 4, 5, 6, 7, 9])).apply("Split", beam.ParDo(new Split()).withOutputs("even", "three"));
  assert.deepEqual(Object.keys(outs).sort(), ["even", "main", "three"]);
  const main = sink(outs.main);
  const even = sink(outs.even);
  const three = sink(outs.three);
  await p.run();
  assert.deepEqual(main, [1, 5, 7]);
  assert.deepEqual(even, [2, 4, 6]);
  assert.deepEqual(three, ["t3", "t9"]);
  assert.equal(outs.even.label, "Split.even");
  assert.equal(outs.main.label, "Split");
});

test("tagged outputs returned in an array from process", async () => {
  class Both extends beam.DoFn<number, number> {
    process(n: number) {
      return [n, beam.TaggedOutput("a", n * 2), beam.TaggedOutput("b", n * 3)];
    }
  }
  const p = new beam.Pipeline();
  const { main, a, b } = p.apply("Create", beam.Create([1, 2])).apply("Both", beam.ParDo(new Both()).withOutputs("a", "b"));
  const [m, x, y] = [sink(main), sink(a), sink(b)];
  await p.run();
  assert.deepEqual(m, [1, 2]);
  assert.deepEqual(x, [2, 4]);
  assert.deepEqual(y, [3, 6]);
});

test("a declared tag nobody emits to is an empty PCollection", async () => {
  class OnlyMain extends beam.DoFn<number, number> {
    process(n: number) {
      return [n];
    }
  }
  const p = new beam.Pipeline();
  const { main, unused } = p.apply("Create", beam.Create([1])).apply("Only main", beam.ParDo(new OnlyMain()).withOutputs("unused"));
  const [m, u] = [sink(main), sink(unused)];
  await p.run();
  assert.deepEqual(m, [1]);
  assert.deepEqual(u, []);
});

test("emitting to an undeclared tag fails naming the tag", async () => {
  class Stray extends beam.DoFn<number, number> {
    process(n: number) {
      return [beam.TaggedOutput(n === 2 ? "oops" : "a", n)];
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1, 2])).apply("Stray", beam.ParDo(new Stray()).withOutputs("a"));
  const err = await runFails(p);
  assert.match(err.message, /"oops"/);
  assert.match(err.message, /"Stray"/);
  assert.match(err.message, /withOutputs\("a", "oops"\)/);
  assert.match(err.message, /element: 2/);
});

test("emitting a tagged output from a ParDo without withOutputs fails naming the tag", async () => {
  class Tagged extends beam.DoFn<number, number> {
    process(n: number) {
      return [beam.TaggedOutput("side", n)];
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply("Tagged", beam.ParDo(new Tagged()));
  const err = await runFails(p);
  assert.match(err.message, /"side"/);
  assert.match(err.message, /withOutputs/);
});

test("withOutputs rejects no tags, duplicate tags and 'main'", () => {
  class Id extends beam.DoFn<number, number> {
    process(n: number) {
      return [n];
    }
  }
  assert.throws(() => beam.ParDo(new Id()).withOutputs(), beam.PipelineError);
  assert.throws(() => beam.ParDo(new Id()).withOutputs("a", "a"), /"a"/);
  assert.throws(() => beam.ParDo(new Id()).withOutputs("main"), /"main"/);
});

test("ParDo rejects a plain function with a hint to use Map", () => {
  assert.throws(
    () => beam.ParDo(((x: number) => [x]) as unknown as beam.DoFn<number, number>),
    (e: unknown) => e instanceof beam.PipelineError && /DoFn instance/.test(e.message) && /beam\.Map/.test(e.message),
  );
});

test("a DoFn instance keeps state across elements of a run", async () => {
  class Numbering extends beam.DoFn<string, string> {
    private i = 0;
    setup() {
      this.i = 0;
    }
    process(s: string) {
      return [`${this.i++}:${s}`];
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(p.apply("Create", beam.Create(["a", "b", "c"])).apply("Number", beam.ParDo(new Numbering())));
  await p.run();
  assert.deepEqual(out, ["0:a", "1:b", "2:c"]);
});

test("ParDo default label is ParDo(ClassName)", () => {
  class MyFn extends beam.DoFn<number, number> {
    process(n: number) {
      return [n];
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply(beam.ParDo(new MyFn()));
  assert.ok(p.node("ParDo(MyFn)"));
});

test("ParDo in a chain after a GroupByKey sees grouped values", async () => {
  class SumValues extends beam.DoFn<[string, number[]], [string, number]> {
    process([k, vs]: [string, number[]]) {
      return [[k, vs.reduce((a, b) => a + b, 0)] as [string, number]];
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const out = sink(
    p.apply("Create", beam.Create<[string, number]>([["a", 1], ["b", 2], ["a", 3], ["c", 4], ["b", 5]]))
      .apply("Group", beam.GroupByKey())
      .apply("Sum", beam.ParDo(new SumValues())),
  );
  await p.run();
  assert.deepEqual(sorted(out), [["a", 4], ["b", 7], ["c", 4]]);
});

test("a ParDo whose elements turn slow after many quick ones still lets a cancel in within a few of them", async () => {
  const { runPlan } = await import("../../lib/runners/direct");
  // Quick elements make the loop look at the clock less often (down to once per 32 elements):
  // it must still look within 32 of the slow ones, and then every 8th again.
  const quick = 20_000;
  const slowMs = 20;
  const p = new beam.Pipeline({ bundleSize: 30_000 });
  p.apply("Create", beam.Create(Array.from({ length: quick + 500 }, (_, i) => i))).apply(
    "Turns slow",
    beam.Map((i: number) => {
      if (i >= quick) {
        const until = performance.now() + slowMs;
        while (performance.now() < until);
      }
      return i;
    }),
  );
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 400);
  await assert.rejects(runPlan(p, null, { signal: controller.signal }), /cancelled/);
  const took = performance.now() - started;
  // The 500 slow elements take 10 s; the cancel is seen within 32 × 20 ms + 100 ms of it (more under load).
  assert.ok(took < 400 + 2500, `cancelled after ${took.toFixed(0)} ms`);
});
