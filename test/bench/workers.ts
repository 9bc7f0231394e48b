/**
 * Local-runner benchmark (not a test): the course's class pipeline over generated rows
 * (ReadFromCsv → ParDo with takes/classes outputs → GroupByKey by cno → keep first; both
 * outputs written as text) on the direct runner and on the local runner with 1 and 2
 * workers, in this process, the same data for all.
 *
 *   node dist/test/bench/workers.js [--rows N] [--runs N]
 *
 * Prints each runner's median wall time (warm-up once) and CPU time, the speedups, the
 * machine's load average before and after (the machine is shared), and a PASS/MISS summary.
 * Exits 0 either way.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import { writeCollegeSync } from "../../datasets/generate";
import { classPipeline, fmt, intFlag, printSummary, ratio, rmDir, tempDir, timeMedian, type Row } from "./common";

const ROWS = intFlag("rows", 1_000_000);
const RUNS = intFlag("runs", 3);
const SPEEDUP_TARGET = 1.6;

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");

/**
 * `fn` that also records the CPU time (all threads of the process) of each call: on a shared
 * machine the wall time of 2 workers says little when the cores are busy, but the CPU time
 * shows whether the work was split or done twice.
 */
function withCpu<R>(fn: () => Promise<R>): { run: () => Promise<R>; cpu: number[] } {
  const cpu: number[] = [];
  return {
    cpu,
    run: async () => {
      const c0 = process.cpuUsage();
      const r = await fn();
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      return r;
    },
  };
}

async function main(): Promise<void> {
  const dir = tempDir("workers");
  try {
    const gen = writeCollegeSync(dir, { rows: ROWS, eol: "\n", tables: ["class"] });
    const file = gen.files[0].path;
    console.log(`workers benchmark: class pipeline over ${gen.files[0].rows.toLocaleString()} rows (${(gen.files[0].bytes / 2 ** 20).toFixed(1)} MiB CSV), ${os.availableParallelism()} cores, node ${process.version}`);
    console.log(`  load average before: ${load()}`);
    const out = path.join(dir, "out");
    const directCpu = withCpu(() => classPipeline(file, out, { runner: "direct" }));
    const direct = await timeMedian(directCpu.run, RUNS);
    console.log(`  direct:            ${fmt(direct.ms)} (runs ${direct.all.map((m) => m.toFixed(0)).join("/")} ms; output ${direct.result}; CPU of the last run ${fmt(directCpu.cpu[directCpu.cpu.length - 1])})`);
    const oneCpu = withCpu(() => classPipeline(file, out, { runner: "local", workers: 1 }));
    const one = await timeMedian(oneCpu.run, RUNS);
    console.log(`  local, 1 worker:   ${fmt(one.ms)} (runs ${one.all.map((m) => m.toFixed(0)).join("/")} ms; output ${one.result}; CPU of the last run ${fmt(oneCpu.cpu[oneCpu.cpu.length - 1])})`);
    const twoCpu = withCpu(() => classPipeline(file, out, { runner: "local", workers: 2 }));
    const two = await timeMedian(twoCpu.run, RUNS);
    console.log(`  local, 2 workers:  ${fmt(two.ms)} (runs ${two.all.map((m) => m.toFixed(0)).join("/")} ms; output ${two.result}; CPU of the last run ${fmt(twoCpu.cpu[twoCpu.cpu.length - 1])})`);
    console.log(`  load average after: ${load()}`);
    for (const r of [one, two]) if (r.result !== direct.result) throw new Error(`the local runner's output ${r.result} differs from the direct runner's ${direct.result}`);
    const speedup = ratio(one.ms, two.ms);
    const overDirect = ratio(direct.ms, two.ms);
    console.log(`  speedup 2 workers over 1: ${speedup.toFixed(2)}×; 2 workers over direct: ${overDirect.toFixed(2)}×`);
    const cpuRatio = ratio(twoCpu.cpu[twoCpu.cpu.length - 1], oneCpu.cpu[oneCpu.cpu.length - 1]);
    console.log(`  CPU time of 2 workers / 1 worker: ${cpuRatio.toFixed(2)}× (near 1: the work is split, not repeated; the wall-time speedup needs 2 free cores)`);
    const summary: Row[] = [
      { name: "local 2 workers / 1 worker", value: `${speedup.toFixed(2)}×`, target: `≥ ${SPEEDUP_TARGET}×`, pass: speedup >= SPEEDUP_TARGET },
      { name: "local 2 workers / direct", value: `${overDirect.toFixed(2)}×`, target: "> 1×", pass: overDirect > 1 },
    ];
    printSummary("summary (workers)", summary);
  } finally {
    rmDir(dir);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
