import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { sink } from "./helpers";

test("a duplicate label in the same pipeline errors naming the label", () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2]));
  nums.apply("Double", beam.Map((n: number) => n * 2));
  assert.throws(
    () => nums.apply("Double", beam.Map((n: number) => n * 3)),
    (e: unknown) => e instanceof beam.PipelineError && /already exists/.test(e.message) && e.message.includes('"Double"') && /what to do/.test(e.message),
  );
  // The pipeline is still usable and the first Double still there.
  assert.ok(p.node("Double"));
});

test("a duplicate label on a different input also errors", () => {
  const p = new beam.Pipeline();
  const a = p.apply("A", beam.Create([1]));
  const b = p.apply("B", beam.Create([2]));
  a.apply("Step", beam.Map((n: number) => n));
  assert.throws(() => b.apply("Step", beam.Map((n: number) => n)), /already exists.*Step|Step.*already exists/s);
});

test("a duplicate root label errors", () => {
  const p = new beam.Pipeline();
  p.apply("Read", beam.Create([1]));
  assert.throws(() => p.apply("Read", beam.Create([2])), /already exists/);
});

test("applying without a label uses the default name, twice is a duplicate", () => {
  const p = new beam.Pipeline();
  const nums = p.apply(beam.Create([1]));
  assert.ok(p.node("Create"));
  nums.apply(beam.Map(function double(n: number) {
    return n * 2;
  }));
  assert.ok(p.node("ParDo(Map(double))"));
  assert.throws(() => p.apply(beam.Create([2])), /"Create" already exists/);
});

test("the same label in two pipelines is fine", () => {
  const p1 = new beam.Pipeline();
  const p2 = new beam.Pipeline();
  p1.apply("Create", beam.Create([1]));
  p2.apply("Create", beam.Create([1]));
});

test("the same inner label in two composites is fine (Outer/Inner labels)", async () => {
  const Double = beam.ptransform("Double", (pc: beam.PCollection<number>) => pc.apply("Inner", beam.Map((n: number) => n * 2)));
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2]));
  const a = sink(nums.apply("First", Double));
  const b = sink(nums.apply("Second", Double));
  await p.run();
  assert.deepEqual(a, [2, 4]);
  assert.deepEqual(b, [2, 4]);
  assert.ok(p.node("First/Inner"));
  assert.ok(p.node("Second/Inner"));
  assert.equal(p.node("First/Inner")!.parent, p.node("First"));
});

test("a duplicate label inside one composite errors with the full label", () => {
  const Twice = beam.ptransform("Twice", (pc: beam.PCollection<number>) =>
    pc.apply("Step", beam.Map((n: number) => n)).apply("Step", beam.Map((n: number) => n)),
  );
  const p = new beam.Pipeline();
  assert.throws(() => p.apply("Create", beam.Create([1])).apply("Outer", Twice), (e: unknown) => e instanceof beam.PipelineError && e.message.includes('"Outer/Step"') && /already exists/.test(e.message));
  // The failed composite does not hold on to its label.
  assert.equal(p.node("Outer"), undefined);
  assert.equal(p.node("Outer/Step"), undefined);
});

test("nested composites have Outer/Middle/Inner labels", async () => {
  const Inner = beam.ptransform("Inner", (pc: beam.PCollection<number>) => pc.apply("Add", beam.Map((n: number) => n + 1)));
  const Middle = beam.ptransform("Middle", (pc: beam.PCollection<number>) => pc.apply("Inner", Inner).apply("Mul", beam.Map((n: number) => n * 10)));
  const p = new beam.Pipeline();
  const out = sink(p.apply("Create", beam.Create([1, 2])).apply("Outer", Middle));
  await p.run();
  assert.deepEqual(out, [20, 30]);
  for (const l of ["Outer", "Outer/Inner", "Outer/Inner/Add", "Outer/Mul"]) assert.ok(p.node(l), l);
  assert.equal(p.node("Outer/Inner/Add")!.label, "Add");
});

test("result.metrics() per label: elementsIn, elementsOut, millis, including composites", async () => {
  const Split = beam.ptransform("Split", (lines: beam.PCollection<string>) =>
    lines.apply("Words", beam.FlatMap((l: string) => l.split(" "))).apply("Non-empty", beam.Filter((w: string) => w.length > 0)),
  );
  const p = new beam.Pipeline({ bundleSize: 2 });
  const lines = p.apply("Create", beam.Create(["a b", "c  d", "e"]));
  const words = lines.apply("Split", Split);
  words.apply("Count", beam.combiners.Count.Globally());
  const result = await p.run();
  const m = result.metrics();
  assert.deepEqual(
    { in: m["Create"].elementsIn, out: m["Create"].elementsOut },
    { in: 0, out: 3 },
  );
  assert.equal(m["Split/Words"].elementsIn, 3);
  assert.equal(m["Split/Words"].elementsOut, 6);
  assert.equal(m["Split/Non-empty"].elementsIn, 6);
  assert.equal(m["Split/Non-empty"].elementsOut, 5);
  assert.equal(m["Split"].elementsIn, 3);
  assert.equal(m["Split"].elementsOut, 5);
  assert.equal(m["Count"].elementsIn, 5);
  assert.equal(m["Count"].elementsOut, 1);
  for (const [label, s] of Object.entries(m)) {
    assert.equal(s.label, label);
    assert.equal(typeof s.millis, "number");
    assert.ok(s.millis >= 0 && Number.isFinite(s.millis), label);
  }
  assert.ok(m["Split"].millis >= m["Split/Words"].millis);
});

test("metrics of multi-output ParDo, GroupByKey, CombinePerKey and Flatten", async () => {
  class Split extends beam.DoFn<number, number> {
    *process(n: number) {
      yield n % 2 ? n : beam.TaggedOutput("even", n);
    }
  }
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4, 5]));
  const { main, even } = nums.apply("Split", beam.ParDo(new Split()).withOutputs("even"));
  const all = beam.Flatten.of([main, even], "Merge");
  all.apply("Pair", beam.Map((n: number) => [n % 3, n] as [number, number])).apply("Group", beam.GroupByKey());
  p.apply("Pairs", beam.Create<[string, number]>([["a", 1], ["a", 2], ["b", 3]])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.length));
  const m = (await p.run()).metrics();
  assert.equal(m["Split"].elementsIn, 5);
  assert.equal(m["Split"].elementsOut, 5);
  assert.equal(m["Merge"].elementsIn, 5);
  assert.equal(m["Merge"].elementsOut, 5);
  assert.equal(m["Group"].elementsIn, 5);
  assert.equal(m["Group"].elementsOut, 3);
  assert.equal(m["Sum"].elementsIn, 3);
  assert.equal(m["Sum"].elementsOut, 2);
});

test("metrics of an empty pipeline and of steps that saw nothing", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create<number>([])).apply("Double", beam.Map((n: number) => n * 2));
  const m = (await p.run()).metrics();
  assert.equal(m["Double"].elementsIn, 0);
  assert.equal(m["Double"].elementsOut, 0);
  const empty = (await new beam.Pipeline().run()).metrics();
  assert.deepEqual(empty, {});
});

test("metrics() returns copies", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1]));
  const r = await p.run();
  r.metrics()["Create"].elementsOut = 99;
  assert.equal(r.metrics()["Create"].elementsOut, 1);
});
