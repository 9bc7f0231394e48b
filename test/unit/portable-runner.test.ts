// The portable runner on a real Beam job service: Beam's Prism runner, started on
// 127.0.0.1 by the test (built into .cache/go on first use) and stopped after it. The
// course's pipelines and the engine's test pipelines give the same multisets as the direct
// runner; a DoFn that throws fails the job with its label and element and writes nothing;
// what cannot work fails before anything is submitted.
import test, { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import { loadCollege } from "../../datasets/load";
import { tmpDir } from "./helpers";
import { readShards } from "./shards";
import { checkLogsAndMetrics, coursePipelines, enginePipeline, sameAsDirect, type Build } from "./equivalence";
import { workerPoolAddress } from "../../lib/runners/portable/endpoint";
import { FailOn, LengthFn } from "./dofns";

const ROOT = path.resolve(__dirname, "..", "..", "..");

let prism: beam.portable.PrismServer;
const timings: string[] = [];

before(async () => {
  const t0 = Date.now();
  beam.portable.installPrism();
  const t1 = Date.now();
  prism = await beam.portable.startPrism();
  timings.push(`prism build ${((t1 - t0) / 1000).toFixed(1)}s (0 when cached), start ${((Date.now() - t1) / 1000).toFixed(1)}s`);
});

after(async () => {
  await prism?.stop();
  assert.throws(() => process.kill(prism.pid, 0), "Prism has exited");
  console.log(`# portable: ${timings.join("; ")}`);
});

const sameOnBoth = (name: string, build: Build) => sameAsDirect(name, build, { runner: "portable", options: { jobEndpoint: prism.endpoint }, sameCounts: true, onRun: (name, ms) => timings.push(`${name} ${(ms / 1000).toFixed(1)}s`) });

describe("portable (Prism) = direct on the course pipelines", () => {
  let wh = "";
  before(async () => {
    wh = path.join(tmpDir("beamlab-portable-wh-"), "warehouse.duckdb");
    await loadCollege(wh, path.join(ROOT, "datasets", "college"));
  });

  for (const { name, build, check } of coursePipelines(() => wh)) {
    test(`${name} pipeline`, async () => check(await sameOnBoth(name, build)));
  }
});

describe("portable (Prism) = direct on engine pipelines", () => {
  test("combines, CombineGlobally on empty input, Distinct, Top, Mean, CoGroupByKey, Partition, Flatten, side inputs", async () => {
    await sameOnBoth("engine", enginePipeline);
  });

  test("text in (a file of 20,000 lines) and a DoFn class with a constructor argument", async () => {
    const dir = tmpDir("beamlab-portable-text-");
    const file = path.join(dir, "lines.txt");
    fs.writeFileSync(file, Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`).join("\n") + "\n");
    const r = await sameOnBoth("text", (p) => {
      const lines = p.apply("Read", beam.io.ReadFromText(file));
      return { lengths: lines.apply("Length", beam.ParDo(new LengthFn(2))) };
    });
    assert.equal(r.lengths.length, 20_000);
  });

  test("CSV in, with quoted newlines", async () => {
    const dir = tmpDir("beamlab-portable-csv-");
    const file = path.join(dir, "rows.csv");
    const rows = Array.from({ length: 5_000 }, (_, i) => (i % 97 === 0 ? `${i},"two\nlines, ${"y".repeat(i % 30)}"` : `${i},plain ${"z".repeat(i % 30)}`));
    fs.writeFileSync(file, `id,text\n${rows.join("\n")}\n`);
    const r = await sameOnBoth("csv", (p) => ({ rows: p.apply("Read", beam.io.ReadFromCsv(file, { schema: "id:INTEGER,text:STRING" })) }));
    assert.equal(r.rows.length, 5_000);
  });

  test("logs and metrics of the DoFns come back to the kernel's result", async () => {
    await checkLogsAndMetrics({ runner: "portable", jobEndpoint: prism.endpoint });
  });
});

describe("failures on the job service, and what fails before submission", () => {
  test("a DoFn that throws: the job fails with the label and the element, nothing is written", async () => {
    const dir = tmpDir("beamlab-portable-fail-");
    const p = new beam.Pipeline({ runner: "portable", jobEndpoint: prism.endpoint });
    const nums = p.apply("Nums", beam.Create(Array.from({ length: 2_000 }, (_, i) => i)));
    nums.apply("Fail", beam.ParDo(new FailOn(3))).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
    nums.apply("Fine", beam.Map((n: number) => n + 1)).apply("Write fine", beam.io.WriteToText(path.join(dir, "fine")));
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError, String(err));
    assert.equal(err.label, "Fail");
    assert.equal(err.element, "3");
    assert.match(err.message, /cannot handle 3/);
    assert.equal((err as beam.PipelineError & { result?: beam.PipelineResult }).result?.state, "FAILED");
    assert.deepEqual(fs.readdirSync(dir), [], "no sink was written, not even the one whose steps succeeded");
  });

  test("no job service at the endpoint: a clear error before anything is translated", async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const p = new beam.Pipeline({ runner: "portable", jobEndpoint: `127.0.0.1:${closed}` });
    p.apply("Nums", beam.Create([1]));
    await assert.rejects(p.run(), (e: unknown) => e instanceof beam.PipelineError && /No Beam job service answers at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/.test(e.message) && /startPrism/.test(e.hint ?? ""));
  });

  test("the job endpoint is required and must be host:port", async () => {
    const p = new beam.Pipeline({ runner: "portable" });
    p.apply("Nums", beam.Create([1]));
    await assert.rejects(p.run(), /The portable runner needs the job service's address/);
    assert.throws(() => new beam.Pipeline({ runner: "portable", jobEndpoint: "localhost" }), /Pipeline option jobEndpoint must be "host:port"/);
  });

  test("the loopback worker pool listens on 127.0.0.1 for a job service here, on every interface for one elsewhere", () => {
    assert.deepEqual(workerPoolAddress("127.0.0.1:8073"), { bind: "127.0.0.1", advertise: "127.0.0.1" });
    assert.deepEqual(workerPoolAddress("localhost:8099"), { bind: "127.0.0.1", advertise: "127.0.0.1" });
    assert.equal(workerPoolAddress("flink-jobserver.cluster:8099").bind, "0.0.0.0");
    assert.equal(workerPoolAddress("flink-jobserver.cluster:8099").advertise, process.env.BEAMLAB_WORKER_HOST ?? os.hostname());
  });

  test("a pipeline that fails validation is refused before submission", async () => {
    const p = new beam.Pipeline({ runner: "portable", jobEndpoint: prism.endpoint });
    const nums = p.apply("Nums", beam.Create([1, 2])) as unknown as beam.PCollection<[number, number]>;
    nums.apply("Group", beam.GroupByKey());
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError, String(err));
    assert.equal(err.label, "Group");
  });

  test("an element that is not a pair, found on the job service, names the GroupByKey and the element", async () => {
    const p = new beam.Pipeline({ runner: "portable", jobEndpoint: prism.endpoint });
    const odd = p.apply("Nums", beam.Create([1, 2, 3])).apply("Pairs", beam.Map((n: number) => (n === 2 ? "two" : [n, n]) as unknown as [number, number]));
    odd.apply("Group", beam.GroupByKey());
    const err = await p.run().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof beam.PipelineError, String(err));
    assert.equal(err.label, "Group");
    assert.equal(err.element, '"two"');
    assert.match(err.message, /GroupByKey needs \[key, value\] pairs/);
  });
});
