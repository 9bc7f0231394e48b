import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { elementsOf } from "../../lib/collect";
import { runFails, sink, sorted, tmpDir } from "./helpers";

function parse(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n)) throw new TypeError(`"${s}" is not a whole number`);
  return n;
}

test("Map(...).withExceptionHandling(): good elements flow on, each failure becomes one bad element with the input, error and label", async () => {
  const p = new beam.Pipeline();
  const { good, bad } = p.apply("Create", beam.Create(["1", "x", "3", "4.5"])).apply("Parse", beam.Map(parse).withExceptionHandling());
  const doubled = sink(good.apply("Double", beam.Map((n: number) => n * 2)));
  const failed = sink(bad);
  const result = await p.run();
  assert.equal(result.state, "DONE");
  assert.deepEqual(sorted(doubled), [2, 6]);
  assert.deepEqual(
    sorted(failed.map((b) => [b.element, b.label, b.error.name, b.error.message])),
    sorted([
      ["x", "Parse", "TypeError", 'TypeError: "x" is not a whole number'],
      ["4.5", "Parse", "TypeError", 'TypeError: "4.5" is not a whole number'],
    ]),
  );
  // The student's line, not beamlab's.
  for (const b of failed) assert.match(b.error.at ?? "", /exception-handling\.test\.(js|ts):\d+/);
});

test("a generator that fails half-way emits nothing for that element; async DoFns and FlatMap are handled too", async () => {
  class Explode extends beam.DoFn<number, number> {
    *process(n: number) {
      yield n;
      if (n === 2) throw new Error("two is bad");
      yield n * 100;
    }
  }
  class Slow extends beam.DoFn<number, number> {
    async process(n: number) {
      await new Promise((r) => setTimeout(r, 1));
      if (n === 3) throw new RangeError("three");
      return [n];
    }
  }
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const exploded = nums.apply("Explode", beam.ParDo(new Explode()).withExceptionHandling());
  const slow = nums.apply("Slow", beam.ParDo(new Slow()).withExceptionHandling());
  const fanned = nums.apply(
    "Fan",
    beam
      .FlatMap(async function* (n: number) {
        yield n;
        if (n === 1) throw new Error("async generator failed");
      })
      .withExceptionHandling(),
  );
  const out = { e: sink(exploded.good), eb: sink(exploded.bad), s: sink(slow.good), sb: sink(slow.bad), f: sink(fanned.good), fb: sink(fanned.bad) };
  await p.run();
  assert.deepEqual(sorted(out.e), [1, 100, 3, 300], "none of 2's outputs, though it yielded one before failing");
  assert.deepEqual(out.eb.map((b) => b.element), [2]);
  assert.deepEqual(sorted(out.s), [1, 2]);
  assert.deepEqual(out.sb.map((b) => [b.element, b.error.name]), [[3, "RangeError"]]);
  assert.deepEqual(sorted(out.f), [2, 3]);
  assert.deepEqual(out.fb.map((b) => b.error.message), ["Error: async generator failed"]);
});

test("a thrown non-Error and a hostile error are described without throwing", async () => {
  const hostile = new Proxy(new Error("x"), {
    get(_t, prop) {
      throw new Error(`no ${String(prop)}`);
    },
  });
  const p = new beam.Pipeline();
  const { bad } = p.apply("Create", beam.Create([1, 2, 3])).apply(
    "Throw",
    beam
      .Map((n: number) => {
        if (n === 1) throw "a string";
        if (n === 2) throw hostile;
        throw null;
      })
      .withExceptionHandling(),
  );
  const failed = sink(bad);
  await p.run();
  const byElement = new Map(failed.map((b) => [b.element, b.error]));
  assert.deepEqual(byElement.get(1), { name: "string", message: '"a string"', at: null });
  assert.equal(byElement.get(3)?.name, "null");
  assert.equal(typeof byElement.get(2)?.message, "string");
});

test("failures outside process() still fail the run, naming the label", async () => {
  class BadSetup extends beam.DoFn<number, number> {
    setup() {
      throw new Error("no connection");
    }
    process(n: number) {
      return [n];
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply("Connect", beam.ParDo(new BadSetup()).withExceptionHandling());
  const err = await runFails(p);
  assert.equal(err.label, "Connect");
  assert.match(err.message + String(err.cause), /no connection/);
});

test("dead letters: bad rows are written to a table while good rows reach theirs", async () => {
  const dir = tmpDir();
  const warehouse = path.join(dir, "wh.duckdb");
  const p = new beam.Pipeline({ warehouse });
  const { good, bad } = p.apply("Create", beam.Create(["1", "oops", "2"])).apply("Parse", beam.Map(parse).withExceptionHandling());
  good.apply("To rows", beam.Map((n: number) => ({ n }))).apply("Write good", beam.io.WriteToTable({ table: "dl.good_rows", schema: "n:INTEGER" }));
  bad
    .apply("Describe", beam.Map((b: beam.BadElement<string>) => ({ input: b.element, step: b.label, error: b.error.message })))
    .apply("Write bad", beam.io.WriteToTable({ table: "dl.bad_rows", schema: "input:STRING,step:STRING,error:STRING" }));
  await p.run();
  const wh = beam.warehouse.open(warehouse);
  assert.deepEqual((await wh.query("SELECT n FROM dl.good_rows ORDER BY n")).objects(), [{ n: 1 }, { n: 2 }]);
  assert.deepEqual((await wh.query("SELECT * FROM dl.bad_rows")).objects(), [{ input: "oops", step: "Parse", error: 'TypeError: "oops" is not a whole number' }]);
  assert.ok(fs.existsSync(warehouse));
});

test("the interactive runner caches both outputs and traces lineage through them", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const { good, bad } = p.apply("Create", beam.Create(["7", "seven"])).apply("Parse", beam.Map(parse).withExceptionHandling());
  assert.deepEqual([...(await elementsOf(good))], [7]);
  assert.deepEqual([...(await elementsOf(bad))].map((b) => b.element), ["seven"]);
  const t = await beam.lineage(bad, 0, { show: false });
  assert.deepEqual(t.upstream["Create"], ["seven"]);
});
