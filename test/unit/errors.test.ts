import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { runFails, sink, tmpDir, writeFile } from "./helpers";

class ThrowOnThree extends beam.DoFn<{ id: number }, number> {
  process(row: { id: number }) {
    if (row.id === 3) throw new RangeError("three is not allowed");
    return [row.id];
  }
}

test("a throwing DoFn makes run() reject with a PipelineError naming label, element, cause and a hint", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([{ id: 1 }, { id: 3 }, { id: 4 }])).apply("Check ids", beam.ParDo(new ThrowOnThree()));
  const err = await runFails(p);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "PipelineError");
  assert.match(err.message, /in transform "Check ids"/);
  assert.match(err.message, /element: \{"id":3\}/);
  assert.match(err.message, /cause: RangeError: three is not allowed/);
  assert.match(err.message, /what to do: /);
  assert.equal(err.label, "Check ids");
  assert.equal(err.element, '{"id":3}');
  assert.ok(err.hint);
  assert.ok(err.cause instanceof RangeError);
  assert.equal((err as any).result.state, "FAILED");
  assert.equal((err as any).result.error, err);
});

test("the error points at the user's line", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply(
    "Boom",
    beam.Map((_n: number) => {
      throw new Error("boom");
    }),
  );
  const err = await runFails(p);
  assert.ok(err.userFrame, "expected a user frame");
  assert.match(err.userFrame!, /errors\.test\.(js|ts):\d+:\d+$/);
  assert.match(err.message, /  at: .*errors\.test/);
  // The printed form hides library internals.
  assert.equal(err.stack, `PipelineError: ${err.message}`);
});

test("a huge element is truncated in the message", async () => {
  const big = { text: "x".repeat(100_000), id: 1 };
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([big])).apply(
    "Fail",
    beam.Map((_r: typeof big) => {
      throw new Error("nope");
    }),
  );
  const err = await runFails(p);
  assert.ok(err.message.length < 2_000, `message is ${err.message.length} chars`);
  assert.ok(err.element!.length <= 200);
  assert.ok(err.element!.endsWith("…"));
  assert.match(err.message, /element: \{"text":"xxxx/);
});

test("elements that are not JSON-friendly still render (bigint, undefined, circular, Map)", async () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const cases: [unknown, RegExp][] = [
    [10n, /element: 10n/],
    [undefined, /element: undefined/],
    [circular, /\[circular\]/],
    [new Map([["k", 1]]), /element: \{"k":1\}/],
    ["text", /element: "text"/],
  ];
  for (const [el, re] of cases) {
    const p = new beam.Pipeline();
    p.apply("Create", beam.Create([el])).apply(
      "Fail",
      beam.Map((_x: unknown) => {
        throw new Error("x");
      }),
    );
    const err = await runFails(p);
    assert.match(err.message, re);
  }
});

test("a thrown non-Error value is shown as the cause", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply(
    "Throw string",
    beam.Map((_n: number) => {
      throw "just a string";
    }),
  );
  const err = await runFails(p);
  assert.match(err.message, /cause: "just a string"/);
  assert.match(err.message, /"Throw string"/);
});

test("a rejected async process fails the run the same way", async () => {
  class AsyncFail extends beam.DoFn<number, number> {
    async process(n: number) {
      await new Promise((r) => setTimeout(r, 1));
      if (n === 2) throw new Error("async failure");
      return [n];
    }
  }
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1, 2])).apply("Async fail", beam.ParDo(new AsyncFail()));
  const err = await runFails(p);
  assert.match(err.message, /"Async fail"/);
  assert.match(err.message, /element: 2/);
  assert.match(err.message, /async failure/);
  assert.equal((err as any).result.state, "FAILED");
});

test("errors after a GroupByKey and in a side-input step name their transform", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create<[string, number]>([["a", 1]]))
    .apply("Group", beam.GroupByKey())
    .apply(
      "After group",
      beam.Map(([k]: [string, number[]]) => {
        throw new Error(`bad ${k}`);
      }),
    );
  const err = await runFails(p);
  assert.match(err.message, /"After group"/);
  assert.match(err.message, /element: \["a",\[1\]\]/);

  const q = new beam.Pipeline();
  const nums = q.apply("Nums", beam.Create([1]));
  nums.apply(
    "With side",
    beam.Map((_n: number, _xs: number[]) => {
      throw new Error("side fail");
    }, beam.pvalue.AsList(nums)),
  );
  const err2 = await runFails(q);
  assert.match(err2.message, /"With side"/);
  assert.match(err2.message, /side fail/);
});

test("the error of a step inside a composite names the full label", async () => {
  const Outer = beam.ptransform("Outer", (pc: beam.PCollection<number>) =>
    pc.apply(
      "Inner",
      beam.Map((_n: number) => {
        throw new Error("inner");
      }),
    ),
  );
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1])).apply("Wrap", Outer);
  const err = await runFails(p);
  assert.match(err.message, /"Wrap\/Inner"/);
});

test("mutating an element from Create fails with an immutability hint", async () => {
  const rows = [{ name: "Ann", score: 1 }];
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create(rows)).apply(
    "Mutate",
    beam.Map((r: { name: string; score: number }) => {
      r.score = 2;
      return r;
    }),
  );
  const err = await runFails(p);
  assert.match(err.message, /"Mutate"/);
  assert.match(err.message, /immutable/);
  assert.match(err.message, /\.\.\.element/);
});

test("a pipeline built again over the same array freezes an element put into it since the last run", async () => {
  const rows: { name: string; score: number }[] = [{ name: "Ann", score: 1 }, { name: "Bo", score: 2 }];
  const mutateBo = (p: beam.Pipeline) =>
    p.apply("Create", beam.Create(rows)).apply(
      "Mutate",
      beam.Map((r: { name: string; score: number }) => {
        if (r.name === "Bo") r.score = 3;
        return r.score;
      }),
    );
  const first = new beam.Pipeline();
  mutateBo(first);
  assert.match((await runFails(first)).message, /immutable/);
  assert.ok(Object.isFrozen(rows[0]) && Object.isFrozen(rows[1]));

  // The same rows again share Create's copy (nothing to freeze); a new element makes a new copy, frozen as it is read.
  rows[1] = { name: "Bo", score: 2 };
  rows.push({ name: "Cy", score: 4 });
  const second = new beam.Pipeline();
  mutateBo(second);
  assert.match((await runFails(second)).message, /immutable/);
  assert.ok(Object.isFrozen(rows[1]) && Object.isFrozen(rows[2]));
  assert.equal(rows[1].score, 2);
});

test("adding a field to or pushing into an element from Create also fails with the hint", async () => {
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([{ a: 1 }])).apply(
    "Add field",
    beam.Map((r: Record<string, unknown>) => {
      r.b = 2;
      return r;
    }),
  );
  assert.match((await runFails(p)).message, /immutable/);

  const q = new beam.Pipeline();
  q.apply("Create", beam.Create([[1, 2]])).apply(
    "Push",
    beam.Map((xs: number[]) => {
      xs.push(3);
      return xs;
    }),
  );
  assert.match((await runFails(q)).message, /immutable/);

  const r = new beam.Pipeline();
  r.apply("Create", beam.Create([{ inner: { deep: 1 } }])).apply(
    "Deep",
    beam.Map((x: { inner: { deep: number } }) => {
      x.inner.deep = 2;
      return x;
    }),
  );
  assert.match((await runFails(r)).message, /immutable/);
});

test("a failing pipeline writes nothing with WriteToText: no files, no temp files", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline({ bundleSize: 2 });
  const nums = p.apply("Create", beam.Create([1, 2, 3, 4, 5, 6]));
  nums.apply("Write early", beam.io.WriteToText(path.join(dir, "early")));
  nums
    .apply(
      "Fail on 5",
      beam.Map((n: number) => {
        if (n === 5) throw new Error("five");
        return n;
      }),
    )
    .apply("Write late", beam.io.WriteToText(path.join(dir, "late"), { numShards: 2 }));
  const err = await runFails(p);
  assert.equal((err as any).result.state, "FAILED");
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("a failure after a WriteToText has closed its files still leaves nothing", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  nums.apply("Write", beam.io.WriteToText(path.join(dir, "out"), { shardNameTemplate: "" }));
  // A barrier that runs after the write has seen everything.
  nums
    .apply("Total", beam.CombineGlobally((xs: number[]) => xs.length))
    .apply(
      "Fail at the end",
      beam.Map((_n: number) => {
        throw new Error("late failure");
      }),
    );
  await runFails(p);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test("a failing pipeline leaves an existing output file untouched", async () => {
  const dir = tmpDir();
  const file = writeFile(dir, "out.txt", "old content\n");
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1]))
    .apply(
      "Fail",
      beam.Map((_n: number) => {
        throw new Error("x");
      }),
    )
    .apply("Write", beam.io.WriteToText(file, { shardNameTemplate: "" }));
  await runFails(p);
  assert.equal(fs.readFileSync(file, "utf8"), "old content\n");
  assert.deepEqual(fs.readdirSync(dir), ["out.txt"]);
});

test("a failing pipeline leaves a warehouse table unchanged", async () => {
  const dir = tmpDir();
  const db = path.join(dir, "wh.duckdb");
  const csv = writeFile(dir, "t.csv", "a,b\nx,1\ny,2\n");
  const wh = beam.warehouse.open(db);
  await wh.load("ds.t", csv, "a:STRING,b:INTEGER");
  const before = (await wh.query("SELECT * FROM ds.t ORDER BY a")).objects();

  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Create", beam.Create([{ a: "z", b: 3 }, { a: "w", b: 4 }]))
    .apply(
      "Fail on w",
      beam.Map((r: { a: string; b: number }) => {
        if (r.a === "w") throw new Error("w!");
        return r;
      }),
    )
    .apply("Write", beam.io.WriteToTable({ table: "ds.t", schema: "a:STRING,b:INTEGER", writeDisposition: "WRITE_TRUNCATE" }));
  const err = await runFails(p);
  assert.equal((err as any).result.state, "FAILED");
  assert.deepEqual((await wh.query("SELECT * FROM ds.t ORDER BY a")).objects(), before);
  assert.deepEqual(before, [{ a: "x", b: 1 }, { a: "y", b: 2 }]);
});

test("when one sink fails to commit, the other sinks of the run leave nothing behind", async () => {
  const dir = tmpDir();
  const db = path.join(dir, "wh.duckdb");
  const csv = writeFile(dir, "t.csv", "a\nx\n");
  await beam.warehouse.open(db).load("ds.t", csv, "a:STRING");
  const outDir = path.join(dir, "out");
  fs.mkdirSync(outDir);

  const p = new beam.Pipeline({ warehouse: db });
  const rows = p.apply("Create", beam.Create([{ a: "y" }]));
  rows.apply("Write text", beam.io.WriteToText(path.join(outDir, "rows")));
  // WRITE_EMPTY on a non-empty table fails at commit time.
  rows.apply("Write table", beam.io.WriteToTable({ table: "ds.t", schema: "a:STRING" }));
  rows.apply("Write text 2", beam.io.WriteToText(path.join(outDir, "rows2")));
  const err = await runFails(p);
  assert.match(err.message, /not empty/);
  assert.equal((err as any).result.state, "FAILED");
  assert.deepEqual(fs.readdirSync(outDir), []);
  assert.deepEqual((await beam.warehouse.open(db).query("SELECT * FROM ds.t")).objects(), [{ a: "x" }]);
});

test("PipelineError prints as its message under util.inspect", async () => {
  const util = await import("node:util");
  const e = new beam.PipelineError("Something", { label: "Step", hint: "do this" });
  assert.equal(util.inspect(e), `PipelineError: ${e.message}`);
  assert.match(e.message, /Something in transform "Step"/);
  assert.match(e.message, /what to do: do this/);
});

test("a DoFn whose setup fails after a WriteToText has opened its files leaves no temp files", async () => {
  const dir = tmpDir();
  class BadSetup extends beam.DoFn<number, number> {
    setup() {
      throw new Error("setup failed");
    }
    process(n: number) {
      return [n];
    }
  }
  const p = new beam.Pipeline();
  const nums = p.apply("Create", beam.Create([1, 2]));
  nums.apply("Write", beam.io.WriteToText(path.join(dir, "out")));
  nums.apply("Bad setup", beam.ParDo(new BadSetup()));
  const err = await runFails(p);
  assert.match(err.message, /setup failed/);
  assert.deepEqual(fs.readdirSync(dir), []);
});
