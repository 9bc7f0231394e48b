/**
 * Lineage benchmark (not a test): the course's class pipeline (read, split into takes and
 * classes, group by cno, keep the first) on generated rows, run on the interactive runner
 * with and without lineage; prints the time ratio and the heap each way holds afterwards.
 * Also times one `beam.lineage` query, and a fused element-wise chain (Map, Filter, FlatMap,
 * a DoFn) with lineage off: lineage off must cost nothing, so that figure must match a build
 * from before lineage. `--only chain` runs just that part, which any build can run:
 *
 *   node dist/test/bench/lineage.js [--rows N] [--chain N] [--only chain]
 *
 * Re-runs itself with --expose-gc when needed (heap figures are taken after a full GC).
 * Exits 0 whether targets are met or not.
 */
import { spawnSync } from "node:child_process";
import * as beam from "../../lib";
import { resolveRunner } from "../../lib/runners/registry";
import { SplitClassFn, type ClassRecord, type StagingClass } from "../course/pipelines";
import { fmt, intFlag, loadCollege, median, printSummary, ratio, rmDir, type Row } from "./common";

const ROWS = intFlag("rows", 100_000);
const CHAIN = intFlag("chain", 1_000_000);
const RUNS = 9;
const TIME_TARGET = 1.5;
const ONLY_CHAIN = process.argv.slice(2).join(" ").includes("--only chain");

const gc = (globalThis as { gc?: () => void }).gc;

/** The class pipeline of notebook 05 on in-memory rows (Create for ReadFromSQL, no sinks). */
function classPipeline(records: readonly StagingClass[], lineage: beam.LineageOption) {
  const p = new beam.Pipeline({ runner: "interactive", lineage });
  const rows = p.apply("Read class", beam.Create(records));
  const split = rows.apply("Split takes and classes", beam.ParDo(new SplitClassFn()).withOutputs("takes", "classes"));
  const grouped = split.classes.apply("Group by cno", beam.GroupByKey<string, ClassRecord>());
  const classes = grouped.apply("Keep first", beam.Map(([, rs]: [string, ClassRecord[]]) => rs[0]));
  return { p, rows, takes: split.takes, classes };
}

async function timeRun(records: readonly StagingClass[], lineage: beam.LineageOption): Promise<number> {
  const { p } = classPipeline(records, lineage);
  const t0 = performance.now();
  await p.run();
  return performance.now() - t0;
}

/** JavaScript heap plus typed-array buffers (lineage keeps its indexes in those, outside the heap). */
function heapUsed(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Heap held by a computed pipeline (its caches, and lineage when on), after a full GC. */
async function heldBytes(records: readonly StagingClass[], lineage: beam.LineageOption): Promise<{ bytes: number; lineageBytes: number }> {
  const before = heapUsed();
  const built = classPipeline(records, lineage);
  await built.p.run();
  const bytes = heapUsed() - before;
  const runner = resolveRunner(built.p);
  const lineageBytes = runner instanceof beam.InteractiveRunner ? runner.lineage()?.bytes ?? 0 : 0;
  // Keep the pipeline alive until measured.
  void built.classes;
  return { bytes, lineageBytes };
}

/** A fused chain of element-wise steps (Map, Filter, FlatMap, a DoFn) over `n` numbers. */
async function chain(n: number, runner: "direct" | "interactive"): Promise<number> {
  class Half extends beam.DoFn<number, number> {
    process(x: number) {
      return [x / 2];
    }
  }
  const values = Array.from({ length: n }, (_, i) => i);
  const p = new beam.Pipeline({ runner, lineage: false });
  p.apply("Create", beam.Create(values))
    .apply("Times 3", beam.Map((x: number) => x * 3))
    .apply("Even", beam.Filter((x: number) => x % 2 === 0))
    .apply("Twice", beam.FlatMap((x: number) => [x, x + 1]))
    .apply("Half", beam.ParDo(new Half()));
  const t0 = performance.now();
  await p.run();
  return performance.now() - t0;
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  console.log(`lineage benchmark: --rows ${ROWS.toLocaleString()} --chain ${CHAIN.toLocaleString()} (node ${process.version})`);
  const summary: Row[] = [];
  if (!ONLY_CHAIN) await lineageFigures(summary);
  await chainFigures(summary);
  printSummary("summary (lineage)", summary);
}

/** Lineage on against off on the class pipeline: time, memory, one query. */
async function lineageFigures(summary: Row[]): Promise<void> {
  const college = loadCollege(ROWS, ["class"]);
  rmDir(college.dir);
  const records = college.class;
  console.log(`  data: ${records.length.toLocaleString()} class rows`);

  // -- time, lineage on vs off, alternating so neither side gets a warmer process
  await timeRun(records, false);
  await timeRun(records, true);
  const off: number[] = [];
  const on: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    off.push(await timeRun(records, false));
    on.push(await timeRun(records, true));
  }
  const x = ratio(median(on), median(off));
  const best = ratio(Math.min(...on), Math.min(...off));
  console.log(
    `class pipeline, interactive p.run(): lineage on ${fmt(median(on))} vs off ${fmt(median(off))} → ${x.toFixed(2)}× (fastest runs: ${best.toFixed(2)}×; runs ${on.map((m) => m.toFixed(0)).join("/")} vs ${off.map((m) => m.toFixed(0)).join("/")} ms)`,
  );
  summary.push({ name: "class pipeline, lineage on / off (time)", value: `${x.toFixed(2)}×`, target: `≤ ${TIME_TARGET}×`, pass: x <= TIME_TARGET });

  // -- memory held afterwards
  const heldOff = await heldBytes(records, false);
  const heldOn = await heldBytes(records, true);
  const extra = heldOn.bytes - heldOff.bytes;
  console.log(
    `heap held after the run: lineage off ${mib(heldOff.bytes)}, on ${mib(heldOn.bytes)} → +${mib(extra)} (+${((extra / heldOff.bytes) * 100).toFixed(0)}%; lineage's own index arrays ${mib(heldOn.lineageBytes)})`,
  );
  summary.push({ name: "class pipeline, lineage memory overhead", value: `+${mib(extra)} (+${((extra / heldOff.bytes) * 100).toFixed(0)}%)`, target: "printed", pass: true });

  // -- one query
  {
    const { takes, classes } = classPipeline(records, true);
    await beam.collect(takes);
    await beam.collect(classes);
    // The class with the most enrolment rows: the largest trace.
    const counts = new Map<string, number>();
    for (const r of records) if (r.cno) counts.set(r.cno, (counts.get(r.cno) ?? 0) + 1);
    const [cno] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
    const t0 = performance.now();
    const t = await beam.lineage(classes, (c) => c.cno === cno, { show: false });
    const q = performance.now() - t0;
    console.log(`beam.lineage(classes, (c) => c.cno === ${JSON.stringify(cno)}) on computed data: ${fmt(q)} (traced to ${t.upstream["Read class"]?.length ?? 0} enrolment rows)`);
    summary.push({ name: "beam.lineage of a class row", value: fmt(q), target: "printed", pass: true });
  }
}

/** The fused element-wise chain with lineage off (compare with a build from before lineage). */
async function chainFigures(summary: Row[]): Promise<void> {
  for (const runner of ["direct", "interactive"] as const) {
    await chain(CHAIN, runner);
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) ms.push(await chain(CHAIN, runner));
    console.log(`fused Map → Filter → FlatMap → ParDo over ${CHAIN.toLocaleString()} elements, ${runner} runner, lineage off: ${fmt(median(ms))} (runs ${ms.map((m) => m.toFixed(0)).join("/")} ms)`);
    summary.push({ name: `fused chain, ${runner}, lineage off`, value: fmt(median(ms)), target: "= before lineage", pass: true });
  }
}

if (!gc) {
  // Heap figures need a full GC between measurements.
  // No live progress lines in the middle of the figures.
  const env = { ...process.env, BEAMLAB_PROGRESS_AFTER_MS: process.env.BEAMLAB_PROGRESS_AFTER_MS ?? "1e9" };
  const r = spawnSync(process.execPath, ["--expose-gc", ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: "inherit", env });
  process.exit(r.status ?? 1);
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
