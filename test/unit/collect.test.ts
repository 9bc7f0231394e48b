import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { tmpDir } from "./helpers";

/** DoFn calls, by step, across the file. */
const calls: Record<string, number> = {};
function counted<I, O>(name: string, fn: (x: I) => O) {
  return beam.Map((x: I) => {
    calls[name] = (calls[name] ?? 0) + 1;
    return fn(x);
  });
}
function reset() {
  for (const k of Object.keys(calls)) delete calls[k];
}

test("collect: records become columns (union of fields, first-seen order)", async () => {
  const p = new beam.Pipeline();
  const pc = p.apply("Create", beam.Create<Record<string, unknown>>([{ name: "Ann", age: 30 }, { name: "Bob", dept: "CS" }]));
  const t = await beam.collect(pc);
  assert.deepEqual(t.columnNames(), ["name", "age", "dept"]);
  assert.equal(t.numRows(), 2);
  assert.deepEqual(t.array("name"), ["Ann", "Bob"]);
  assert.deepEqual(t.array("age"), [30, undefined]);
  assert.deepEqual(t.array("dept"), [undefined, "CS"]);
});

test("collect: [key, value] pairs become key/value columns", async () => {
  const p = new beam.Pipeline();
  const counts = p.apply("Create", beam.Create(["a", "b", "a"])).apply("Count", beam.combiners.Count.PerElement());
  const t = await beam.collect(counts);
  assert.deepEqual(t.columnNames(), ["key", "value"]);
  assert.deepEqual(
    [...t.objects()].sort((x: any, y: any) => (x.key < y.key ? -1 : 1)),
    [{ key: "a", value: 2 }, { key: "b", value: 1 }],
  );
});

test("collect: anything else is one 'element' column", async () => {
  const p = new beam.Pipeline();
  const t = await beam.collect(p.apply("Create", beam.Create([1, 2, 3])));
  assert.deepEqual(t.columnNames(), ["element"]);
  assert.deepEqual(t.array("element"), [1, 2, 3]);
  const mixed = await beam.collect(p.apply("Mixed", beam.Create<unknown>([["a", 1], ["b", 2, 3], "c"])));
  assert.deepEqual(mixed.columnNames(), ["element"]);
  assert.equal(mixed.numRows(), 3);
  const triples = await beam.collect(p.apply("Triples", beam.Create([[1, 2, 3]])));
  assert.deepEqual(triples.columnNames(), ["element"]);
  const recAndNum = await beam.collect(p.apply("Rec and num", beam.Create<unknown>([{ a: 1 }, 2])));
  assert.deepEqual(recAndNum.columnNames(), ["element"]);
  const dates = await beam.collect(p.apply("Dates", beam.Create([new Date(0)])));
  assert.deepEqual(dates.columnNames(), ["element"]);
});

test("collect of an empty PCollection is an empty table", async () => {
  const p = new beam.Pipeline();
  const t = await beam.collect(p.apply("Create", beam.Create<number>([])));
  assert.equal(t.numRows(), 0);
});

test("collect with {n} limits the rows", async () => {
  const p = new beam.Pipeline();
  const pc = p.apply("Create", beam.Create(Array.from({ length: 50 }, (_, i) => ({ i }))));
  const t = await beam.collect(pc, { n: 5 });
  assert.equal(t.numRows(), 5);
  assert.deepEqual(t.array("i"), [0, 1, 2, 3, 4]);
  assert.equal((await beam.collect(pc, { n: 0 })).numRows(), 0);
  assert.equal((await beam.collect(pc, { n: 500 })).numRows(), 50);
});

test("collect runs only what is needed: not a downstream DoFn, not a sibling branch", async () => {
  reset();
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const up = nums.apply("Up", counted("up", (n: number) => n + 1));
  up.apply("Down", counted("down", (n: number) => n * 2));
  nums.apply("Sibling", counted("sibling", (n: number) => n));
  const t = await beam.collect(up);
  assert.deepEqual(t.array("element"), [2, 3, 4]);
  assert.deepEqual(calls, { up: 3 });
});

test("collect does not run a downstream WriteToText, nor a failing unrelated branch", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2]));
  const doubled = nums.apply("Double", beam.Map((n: number) => n * 2));
  doubled.apply("Write", beam.io.WriteToText(path.join(dir, "out")));
  nums.apply(
    "Broken",
    beam.Map((_n: number) => {
      throw new Error("should not run");
    }),
  );
  const t = await beam.collect(doubled);
  assert.deepEqual(t.array("element"), [2, 4]);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("collect runs the side inputs a step needs", async () => {
  reset();
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4]));
  const total = nums.apply("Total", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const shares = nums.apply("Share", beam.Map((n: number, s: number) => n / s, beam.pvalue.AsSingleton(total)));
  shares.apply("After", counted("after", (x: number) => x));
  const t = await beam.collect(shares);
  assert.deepEqual(t.array("element"), [0.1, 0.2, 0.3, 0.4]);
  assert.equal(calls.after, undefined);
});

test("collect of a failing step rejects with the PipelineError", async () => {
  const p = new beam.Pipeline();
  const bad = p.apply("Create", beam.Create([1])).apply(
    "Bad",
    beam.Map((_n: number) => {
      throw new Error("bad");
    }),
  );
  await assert.rejects(beam.collect(bad), (e: unknown) => e instanceof beam.PipelineError && /"Bad"/.test(e.message));
});

test("collect of a tagged output and of a Partition", async () => {
  class Split extends beam.DoFn<number, number> {
    *process(n: number) {
      yield n % 2 ? n : beam.TaggedOutput("even", n);
    }
  }
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4]));
  const { main, even } = nums.apply("Split", beam.ParDo(new Split()).withOutputs("even"));
  assert.deepEqual((await beam.collect(even)).array("element"), [2, 4]);
  assert.deepEqual((await beam.collect(main)).array("element"), [1, 3]);
  const [small, large] = nums.apply("Part", beam.Partition((n: number) => (n > 2 ? 1 : 0), 2));
  assert.deepEqual((await beam.collect(large)).array("element"), [3, 4]);
  assert.deepEqual((await beam.collect(small)).array("element"), [1, 2]);
});

test("interactive runner: collect caches computed PCollections", async () => {
  reset();
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const up = nums.apply("Up", counted("up", (n: number) => n + 1));
  const down = up.apply("Down", counted("down", (n: number) => n * 2));
  assert.deepEqual((await beam.collect(up)).array("element"), [2, 3, 4]);
  assert.deepEqual(calls, { up: 3 });
  assert.deepEqual((await beam.collect(up, { n: 1 })).array("element"), [2]);
  assert.deepEqual(calls, { up: 3 });
  assert.deepEqual((await beam.collect(down)).array("element"), [4, 6, 8]);
  assert.deepEqual(calls, { up: 3, down: 3 });
});

test("interactive runner: re-applying a label replaces the transform and recomputes downstream", async () => {
  reset();
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const up = nums.apply("Up", counted("up", (n: number) => n + 1));
  const down = up.apply("Down", counted("down", (n: number) => n * 2));
  assert.deepEqual((await beam.collect(down)).array("element"), [4, 6, 8]);
  const up2 = nums.apply("Up", counted("up2", (n: number) => n + 100));
  assert.equal(up2, up);
  assert.deepEqual((await beam.collect(down)).array("element"), [202, 204, 206]);
  assert.equal(calls.up2, 3);
  // Applying the same label to another input is still a duplicate.
  const other = p.apply("Other", beam.Create([9]));
  assert.throws(() => other.apply("Up", beam.Map((n: number) => n)), /already exists/);
});
