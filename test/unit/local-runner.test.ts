// The local runner against the direct runner: the course's pipelines and engine pipelines
// give the same multisets; a worker that throws fails the run with the label and element,
// stops every worker and writes nothing; sinks write one shard per worker; logs and
// metrics arrive per step and worker.
import test, { before, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { loadCollege } from "../../datasets/load";
import { tmpDir } from "./helpers";
import { readShards } from "./shards";
import { coursePipelines, enginePipeline, sameAsDirect, type Build } from "./equivalence";
import { FailOn, LengthFn } from "./dofns";

const ROOT = path.resolve(__dirname, "..", "..", "..");

const sameOnBoth = (name: string, build: Build) => sameAsDirect(name, build, { runner: "local", options: { workers: 2 } });

describe("local = direct on the course pipelines", () => {
  let wh = "";
  before(async () => {
    wh = path.join(tmpDir("beamlab-local-wh-"), "warehouse.duckdb");
    await loadCollege(wh, path.join(ROOT, "datasets", "college"));
  });

  for (const { name, build, check } of coursePipelines(() => wh)) {
    test(`${name} pipeline`, async () => check(await sameOnBoth(name, build)));
  }
});

describe("local = direct on engine pipelines", () => {
  test("combines (lifted), CombineGlobally on empty input, Distinct, Top, Mean, CoGroupByKey, Partition, Flatten, side inputs", async () => {
    await sameOnBoth("engine", enginePipeline);
  });

  test("text in by byte range (a file of over a megabyte) and a DoFn class with a constructor argument", async () => {
    const dir = tmpDir("beamlab-local-text-");
    const file = path.join(dir, "lines.txt");
    fs.writeFileSync(file, Array.from({ length: 60_000 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`).join("\n") + "\n");
    const r = await sameOnBoth("text", (p) => {
      const lines = p.apply("Read", beam.io.ReadFromText(file));
      return { lengths: lines.apply("Length", beam.ParDo(new LengthFn(2))) };
    });
    assert.equal(r.lengths.length, 60_000);
  });

  test("CSV in by byte range, with quoted newlines that must not be cut", async () => {
    const dir = tmpDir("beamlab-local-csv-");
    const file = path.join(dir, "rows.csv");
    const rows = Array.from({ length: 40_000 }, (_, i) => (i % 97 === 0 ? `${i},"two\nlines, ${"y".repeat(i % 30)}"` : `${i},plain ${"z".repeat(i % 30)}`));
    fs.writeFileSync(file, `id,text\n${rows.join("\n")}\n`);
    const r = await sameOnBoth("csv", (p) => ({ rows: p.apply("Read", beam.io.ReadFromCsv(file, { schema: "id:INTEGER,text:STRING" })) }));
    assert.equal(r.rows.length, 40_000);
  });
});

describe("failures, shards, logs and metrics", () => {
  test("a worker that throws: the run fails with the label and element, every worker stops, nothing is written", async () => {
    const dir = tmpDir("beamlab-local-fail-");
    const p = new beam.Pipeline({ runner: "local", workers: 2 });
    const nums = p.apply("Nums", beam.Create(Array.from({ length: 200_000 }, (_, i) => i)));
    nums.apply("Fail", beam.ParDo(new FailOn(3))).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    // The other worker's part is slow; it must be stopped, not run to its end.
    nums.apply("Slow", beam.Map((n: number) => {
      const until = Date.now() + (n % 1000 === 0 ? 1 : 0);
      while (Date.now() < until);
      return n;
    })).apply("Write slow", beam.io.WriteToText(path.join(dir, "slow")));
    const t0 = Date.now();
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError, String(err));
    assert.equal(err.label, "Fail");
    assert.equal(err.element, "3");
    assert.match(err.message, /cannot handle 3/);
    assert.deepEqual(err.logs.map((l) => [l.step, l.text]), [["Fail", "about to fail on 3"]]);
    assert.match(err.message, /logged before it failed/);
    assert.ok(Date.now() - t0 < 20_000, "the run stopped early");
    assert.deepEqual(fs.readdirSync(dir), [], "nothing written, no temporary file left");
  });

  test("sinks write one shard per worker by default, numShards when given", async () => {
    const dir = tmpDir("beamlab-local-shards-");
    const p = new beam.Pipeline({ runner: "local", workers: 2 });
    const nums = p.apply("Nums", beam.Create(Array.from({ length: 100 }, (_, i) => i)));
    nums.apply("Per worker", beam.io.WriteToText(path.join(dir, "a")));
    nums.apply("Three", beam.io.WriteToText(path.join(dir, "b"), { numShards: 3 }));
    await p.run();
    assert.deepEqual(fs.readdirSync(dir).sort(), ["a-00000-of-00002", "a-00001-of-00002", "b-00000-of-00003", "b-00001-of-00003", "b-00002-of-00003"]);
    const all = (prefix: string) => fs.readdirSync(dir).filter((n) => n.startsWith(prefix)).flatMap((n) => fs.readFileSync(path.join(dir, n), "utf8").trim().split("\n")).map(Number).sort((a, b) => a - b);
    assert.deepEqual(all("a-"), Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(all("b-"), Array.from({ length: 100 }, (_, i) => i));
    for (const n of fs.readdirSync(dir).filter((n) => n.startsWith("a-"))) assert.ok(fs.readFileSync(path.join(dir, n), "utf8").length > 0, `${n} has lines`);
  });

  test("logs are captured per step and worker; counters and distributions are summed across workers", async () => {
    const p = new beam.Pipeline({ runner: "local", workers: 2 });
    p.apply("Nums", beam.Create(Array.from({ length: 40 }, (_, i) => i))).apply(
      "Look",
      beam.Map((n: number) => {
        if (n % 10 === 0) console.warn("tens", n);
        beam.log("saw", n);
        beam.metrics.counter("seen").inc();
        beam.metrics.distribution("value").update(n);
        return n;
      }),
    );
    const r = await p.run();
    const lines = r.logs().lines;
    assert.equal(lines.filter((l) => l.level === "info").length, 40);
    assert.deepEqual(lines.filter((l) => l.level === "warn").map((l) => l.text).sort(), ["tens 0", "tens 10", "tens 20", "tens 30"]);
    assert.ok(lines.every((l) => l.step === "Look" && typeof l.time === "number"));
    assert.deepEqual([...new Set(lines.map((l) => l.worker))].sort(), [0, 1], "both workers logged");
    const m = r.metrics()["Look"];
    assert.equal(m.counters?.seen, 40);
    assert.deepEqual(m.distributions?.value, { count: 40, sum: 780, min: 0, max: 39, mean: 19.5 });
    assert.equal(r.workers().length, 2);
    assert.ok(r.workers().every((w) => w.elementsOut > 0 && w.busyMillis >= 0));
    assert.deepEqual(r.stages().map((s) => s.kind), ["coordinator", "workers"]);
  });

  test("the direct runner captures logs and metrics too, and caps the lines it keeps", async () => {
    const p = new beam.Pipeline({ runner: "direct" });
    p.apply("Nums", beam.Create(Array.from({ length: 10_050 }, (_, i) => i))).apply(
      "Quiet",
      beam.Map((n: number) => {
        if (n < 3) console.error("first", n);
        else beam.log(n);
        beam.metrics.counter("n").inc(2);
        return n;
      }),
    );
    const r = await p.run();
    const logs = r.logs();
    assert.equal(logs.lines.length, 10_000);
    assert.equal(logs.dropped, 50);
    assert.ok(logs.lines.every((l) => l.step === "Quiet" && l.worker === null));
    assert.equal(r.metrics()["Quiet"].counters?.n, 20_100);
  });

  test("a DoFn that closes over a variable fails validation before any work, naming it and the fix", async () => {
    const factor = 3;
    const dir = tmpDir("beamlab-local-refuse-");
    const p = new beam.Pipeline({ runner: "local", workers: 2 });
    p.apply("Nums", beam.Create([1, 2])).apply("Times", beam.Map((n: number) => n * factor)).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError);
    assert.equal(err.label, "Times");
    assert.match(err.message, /uses the variable "factor"/);
    assert.match(err.hint ?? "", /constructor argument|side input|import it from a module/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test("the interactive runner with workers: N runs p.run() on the local runner", async () => {
    const dir = tmpDir("beamlab-local-interactive-");
    const p = new beam.Pipeline({ runner: "interactive", workers: 2 });
    p.apply("Nums", beam.Create([1, 2, 3, 4])).apply("Double", beam.Map((n: number) => n * 2)).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    const r = await p.run();
    assert.equal(r.workers().length, 2);
    assert.deepEqual(readShards(path.join(dir, "out")), ["2", "4", "6", "8"]);
  });

  test("workers must be a whole number of at least 1", () => {
    assert.throws(() => new beam.Pipeline({ runner: "local", workers: 0 }), /Pipeline option workers must be a whole number/);
  });
});
