/**
 * Spark benchmark (not a test): the course's class pipeline over generated rows on the
 * direct runner, the local runner with 2 workers, Spark local[2] and a Spark standalone
 * cluster on this machine (one master, two 1-core workers), one run each. Spark's start-up
 * (the JVM, the SparkContext, the executors' Python and Node processes) is measured apart,
 * by a one-element pipeline run just before, and subtracted.
 *
 *   node dist/test/bench/cluster.js [--rows N]      (default 1,000,000; e.g. --rows 5000000)
 */
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import { writeCollegeSync } from "../../datasets/generate";
import { classPipeline, fmt, intFlag, ratio, rmDir, tempDir } from "./common";

const ROWS = intFlag("rows", 1_000_000);

async function timed<R>(fn: () => Promise<R>): Promise<{ ms: number; result: R }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

/** A Spark run of one element: what every Spark run pays before its first row. */
async function startup(master: string): Promise<number> {
  const p = new beam.Pipeline({ runner: "spark", sparkMaster: master });
  p.apply("One", beam.Create([1])).apply("Same", beam.Map((x: number) => x));
  return (await timed(() => p.run())).ms;
}

async function main(): Promise<void> {
  const dir = tempDir("cluster");
  const t0 = performance.now();
  const cluster = await beam.spark.startStandalone({ workers: 2, cores: 1 });
  const clusterStart = performance.now() - t0;
  try {
    const gen = writeCollegeSync(dir, { rows: ROWS, eol: "\n", tables: ["class"] });
    const file = gen.files[0].path;
    const out = path.join(dir, "out");
    console.log(`cluster benchmark: class pipeline over ${gen.files[0].rows.toLocaleString()} rows (${(gen.files[0].bytes / 2 ** 20).toFixed(1)} MiB CSV), ${os.availableParallelism()} cores, node ${process.version}, pyspark ${beam.spark.PYSPARK_VERSION}`);
    console.log(`  standalone cluster start (master + 2 workers): ${fmt(clusterStart)}`);
    const direct = await timed(() => classPipeline(file, out, { runner: "direct" }));
    console.log(`  direct:              ${fmt(direct.ms)} (output ${direct.result})`);
    const local = await timed(() => classPipeline(file, out, { runner: "local", workers: 2 }));
    console.log(`  local, 2 workers:    ${fmt(local.ms)} (output ${local.result}); ${ratio(direct.ms, local.ms).toFixed(2)}× direct`);
    for (const [name, master] of [["spark local[2]", "local[2]"], ["spark standalone", cluster.master]] as const) {
      const up = await startup(master);
      const r = await timed(() => classPipeline(file, out, { runner: "spark", sparkMaster: master }));
      if (r.result !== direct.result) throw new Error(`${name}'s output ${r.result} differs from the direct runner's ${direct.result}`);
      const work = r.ms - up;
      console.log(`  ${name}:${" ".repeat(Math.max(1, 20 - name.length))}${fmt(r.ms)} (start-up ${fmt(up)}, the rest ${fmt(work)}; output ${r.result}); the rest is ${ratio(work, direct.ms).toFixed(2)}× direct`);
    }
  } finally {
    await cluster.stop();
    rmDir(dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
