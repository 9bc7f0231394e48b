// The Spark runner on real Spark (pyspark's, installed into .venv-spark on first use):
// `local[2]`, and a standalone cluster (one master, two workers on 127.0.0.1) started by the
// test and stopped after it. The course's pipelines and the engine's test pipelines give the
// same multisets as the direct runner; a DoFn that throws on an executor fails the run with
// its label and element and commits nothing; a DoFn that cannot move is refused before Spark
// starts; a worker killed mid-run is survived (Spark retries) without a duplicated shard.
import test, { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { loadCollege } from "../../datasets/load";
import { tmpDir } from "./helpers";
import { readShards } from "./shards";
import { checkLogsAndMetrics, coursePipelines, enginePipeline, sameAsDirect, type Build } from "./equivalence";
import { FailOn, LengthFn } from "./dofns";
import { sparkLinks } from "../../lib/runners/spark/spark-runner";

/** The applications the standalone master knows (running and completed), newest last. */
async function appIds(ui: string): Promise<string[]> {
  const state = (await (await fetch(`${ui}/json/`)).json()) as { activeapps?: { id: string }[]; completedapps?: { id: string }[] };
  return [...(state.completedapps ?? []), ...(state.activeapps ?? [])].map((a) => a.id).sort();
}

function lastApp(ui: string, ids: string[]): string {
  assert.ok(ids.length > 0, `the master at ${ui} lists the run's application`);
  return ids[ids.length - 1];
}

const ROOT = path.resolve(__dirname, "..", "..", "..");
const timings: string[] = [];
let cluster: beam.spark.StandaloneCluster | null = null;

before(async () => {
  const t0 = Date.now();
  beam.spark.installSpark();
  const t1 = Date.now();
  cluster = await beam.spark.startStandalone({ workers: 2, cores: 1 });
  timings.push(`pyspark install ${((t1 - t0) / 1000).toFixed(1)}s (0 when cached), cluster start ${((Date.now() - t1) / 1000).toFixed(1)}s`);
});

after(async () => {
  const pids = cluster?.workerPids ?? [];
  await cluster?.stop();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), "the Spark worker has exited");
  console.log(`# spark: ${timings.join("; ")}`);
});

const onSpark = (master: () => string) => (name: string, build: Build) =>
  sameAsDirect(name, build, { runner: "spark", options: { sparkMaster: master() }, onRun: (n, ms) => timings.push(`${n}@${master()} ${(ms / 1000).toFixed(1)}s`) });

describe("spark local[2] = direct", () => {
  const same = onSpark(() => "local[2]");
  let wh = "";
  before(async () => {
    wh = path.join(tmpDir("beamlab-spark-wh-"), "warehouse.duckdb");
    await loadCollege(wh, path.join(ROOT, "datasets", "college"));
  });

  for (const { name, build, check } of coursePipelines(() => wh)) {
    test(`${name} pipeline`, async () => check(await same(name, build)));
  }

  test("engine pipelines: combines, empty CombineGlobally, Distinct, Top, Mean, CoGroupByKey, Partition, Flatten, side inputs, record keys", async () => {
    await same("engine", enginePipeline);
  });

  test("text in (20,000 lines, split by byte range), CSV in with quoted newlines, a DoFn class with a constructor argument", async () => {
    const dir = tmpDir("beamlab-spark-text-");
    const file = path.join(dir, "lines.txt");
    fs.writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`).join("\n") + "\n");
    const csv = path.join(dir, "rows.csv");
    const rows = Array.from({ length: 5_000 }, (_, i) => (i % 97 === 0 ? `${i},"two\nlines, ${"y".repeat(i % 30)}"` : `${i},plain ${"z".repeat(i % 30)}`));
    fs.writeFileSync(csv, `id,text\n${rows.join("\n")}\n`);
    const r = await same("text", (p) => ({
      lengths: p.apply("Read", beam.io.ReadFromText(file)).apply("Length", beam.ParDo(new LengthFn(2))),
      rows: p.apply("Read CSV", beam.io.ReadFromCsv(csv, { schema: "id:INTEGER,text:STRING" })),
    }));
    assert.equal(r.lengths.length, 20_000);
    assert.equal(r.rows.length, 5_000);
  });

  test("logs and metrics of the DoFns come back from the executors", async () => {
    const r = await checkLogsAndMetrics({ runner: "spark", sparkMaster: "local[2]" }, (t) => t.replace(/^\[executor \S+ · pid \d+\] /, ""));
    assert.ok(r.logs().lines.every((l) => /^\[executor driver · pid \d+\] /.test(l.text)), "each line names Spark's executor (the driver's, on local[N]) and the Node process");
    const workers = r.workers() as (beam.WorkerMetrics & { executor?: string; node?: string })[];
    assert.ok(workers.length > 0 && workers.every((w) => w.executor === "driver" && /^pid \d+$/.test(w.node ?? "")), JSON.stringify(workers));
    assert.ok(r.logs().lines.every((l) => workers.some((w) => w.worker === l.worker && l.text.includes(w.node!))), "a line's worker is its row in workers()");
    assert.ok(r.startupMillis() > 100 && r.startupMillis() < r.millis, `the SparkContext's start, apart: ${r.startupMillis()} of ${r.millis} ms`);
  });

  test("the job view's Spark links: the driver's UI while the run goes on, named (not linked) after it", () => {
    const spark = { ui: "http://localhost:4040", app: "local-1" };
    assert.deepEqual(sparkLinks(spark, "local[2]", true), [{ label: "Spark UI", href: "http://localhost:4040", live: true }]);
    assert.deepEqual(sparkLinks(spark, "local[2]", false), [{ label: "Spark UI", href: "http://localhost:4040", live: false, note: "closed with the run" }]);
    assert.deepEqual(sparkLinks({ ui: null, app: null }, "local[2]", true), []);
  });

  test("a DoFn that throws on an executor: the direct runner's error (label, element, cause), nothing committed", async () => {
    const dir = tmpDir("beamlab-spark-fail-");
    const p = new beam.Pipeline({ runner: "spark", sparkMaster: "local[2]" });
    const nums = p.apply("Nums", beam.Create(Array.from({ length: 2_000 }, (_, i) => i)));
    nums.apply("Fail", beam.ParDo(new FailOn(3))).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    nums.apply("Fine", beam.Map((n: number) => n + 1)).apply("Write fine", beam.io.WriteToText(path.join(dir, "fine")));
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError, String(err));
    assert.equal(err.label, "Fail");
    assert.equal(err.element, "3");
    assert.match(err.message, /cannot handle 3/);
    assert.doesNotMatch(err.message, /py4j|Traceback|org\.apache\.spark/, "no Spark stack trace reaches the student");
    assert.equal((err as beam.PipelineError & { result?: beam.PipelineResult }).result?.state, "FAILED");
    assert.deepEqual(fs.readdirSync(dir), [], "no sink was written or left staged, not even the one whose steps succeeded");
  });

  test("a DoFn that cannot move is refused before Spark starts, in the local runner's words", async () => {
    const factor = 3;
    const dir = tmpDir("beamlab-spark-refuse-");
    const p = new beam.Pipeline({ runner: "spark" });
    p.apply("Nums", beam.Create([1, 2])).apply("Times", beam.Map((n: number) => n * factor)).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    const t0 = Date.now();
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError);
    assert.equal(err.label, "Times");
    assert.match(err.message, /uses the variable "factor"/);
    assert.ok(Date.now() - t0 < 2_000, "refused without starting Spark");
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  test("sparkMaster must be local[N] or spark://host:port", () => {
    assert.throws(() => new beam.Pipeline({ runner: "spark", sparkMaster: "yarn" }), /Pipeline option sparkMaster must be local\[N\] or spark:\/\/host:port/);
  });
});

describe("spark standalone cluster (a master, two workers) = direct", () => {
  const same = onSpark(() => cluster!.master);
  let wh = "";
  before(async () => {
    wh = path.join(tmpDir("beamlab-spark-cwh-"), "warehouse.duckdb");
    await loadCollege(wh, path.join(ROOT, "datasets", "college"));
  });

  for (const { name, build, check } of coursePipelines(() => wh).filter((c) => c.name === "class")) {
    test(`${name} pipeline`, async () => check(await same(name, build)));
  }

  test("engine pipelines", async () => {
    await same("engine", enginePipeline);
  });

  test("per-executor figures: both of the cluster's executors by Spark's id, their elements adding up; the master's page of the application answers", async () => {
    const p = new beam.Pipeline({ runner: "spark", sparkMaster: cluster!.master });
    const n = 4_000;
    p.apply("Nums", beam.Create(Array.from({ length: n }, (_, i) => i))).apply(
      "Slow",
      beam.Map((x: number) => {
        // 1 ms an element: both partitions' tasks run at once, one on each 1-core executor.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        return x + 1;
      }),
    );
    const r = await p.run();
    const workers = r.workers() as (beam.WorkerMetrics & { executor?: string; node?: string })[];
    assert.deepEqual(new Set(workers.map((w) => w.executor)), new Set(["0", "1"]), JSON.stringify(workers));
    assert.equal(workers.reduce((a, w) => a + w.elementsOut, 0), r.metrics()["Slow"].elementsOut);
    // The run's application, as the master lists it: the job view's link to it works after the run.
    const app = lastApp(cluster!.ui, await appIds(cluster!.ui));
    const links = sparkLinks({ ui: "http://localhost:4040", app }, cluster!.master, false);
    assert.deepEqual(links.map((l) => [l.label, l.live]), [["Spark UI", false], ["Spark master: this application", true]]);
    const page = await fetch(links[1].href);
    assert.equal(page.status, 200, links[1].href);
    assert.ok((await page.text()).includes(app), "the page is the application's");
  });

  // Last: it leaves the cluster one worker.
  test("a worker killed mid-run: Spark retries its tasks elsewhere, the output is still right, no shard twice", async () => {
    const dir = tmpDir("beamlab-spark-kill-");
    const p = new beam.Pipeline({ runner: "spark", sparkMaster: cluster!.master });
    const n = 3_000;
    p.apply("Nums", beam.Create(Array.from({ length: n }, (_, i) => i)))
      .apply(
        "Slow",
        beam.Map((x: number) => {
          // 5 ms an element: the stage runs long enough for the worker to die in it.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          return x * 2;
        }),
      )
      .apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    let killedAt = Infinity;
    const killer = (async () => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const state = (await fetch(`${cluster!.ui}/json/`).then((r) => r.json(), () => null)) as { activeapps?: unknown[] } | null;
        if (state?.activeapps?.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // Executors start and take their first tasks a few seconds after the application registers.
      await new Promise((r) => setTimeout(r, 5_000));
      cluster!.killWorker(0);
      killedAt = Date.now();
    })();
    const t0 = Date.now();
    const r = await p.run();
    const doneAt = Date.now();
    await killer;
    timings.push(`killed-worker run ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    assert.ok(killedAt < doneAt, "the worker died while the run was running");
    assert.equal(r.state, "DONE");
    const lines = readShards(path.join(dir, "out"));
    assert.deepEqual([...lines].sort(), Array.from({ length: n }, (_, i) => String(i * 2)).sort());
    const files = fs.readdirSync(dir);
    assert.ok(files.every((f) => /^out-\d{5}-of-\d{5}$/.test(f)), `only committed shards, nothing staged left: ${files.join(", ")}`);
    assert.equal(new Set(files).size, files.length);
  });
});
