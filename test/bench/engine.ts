/**
 * Engine benchmark (not a test): the direct runner against hand-written loops doing the same
 * work in the same process, plus GroupByKey and the peak memory of a large text run.
 *
 *   node dist/test/bench/engine.js [--rows N] [--lines N]
 *
 * Prints ratios (runner time / loop time; warm-up once, then median of 3) and a summary with
 * PASS/MISS against each target. Exits 0 either way.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { writeTextLines } from "../../datasets/generate";
import {
  FormatDobFn,
  SplitClassFn,
  SplitInstructorFn,
  formatDob,
  splitInstructor,
  type ClassRecord,
  type RefinedStudent,
  type RefinedTeacher,
  type StagingClass,
  type StagingStudent,
  type StagingTeacher,
  type Takes,
} from "../course/pipelines";
import { fmt, intFlag, loadCollege, printSummary, ratio, rmDir, tempDir, timeMedian, type Row } from "./common";

const ROWS = intFlag("rows", 1_000_000);
const LINES = intFlag("lines", 5_000_000);
const RUNNER_TARGET = 2;
const MEMORY_TARGET_MIB = 1024;

/** A sink that remembers the one element of a Count.Globally. */
function countInto(pc: beam.PCollection<any>, label: string, box: { n: number }): void {
  pc.apply(`${label} count`, beam.combiners.Count.Globally()).apply(
    `${label} sink`,
    beam.Map((n: number) => {
      box.n = n;
      return n;
    }),
  );
}

// ------------------------------------------------------------------ teacher

async function teacherRunner(rows: StagingTeacher[]): Promise<number> {
  const box = { n: -1 };
  const p = new beam.Pipeline({ runner: "direct" });
  const teachers = p.apply("Create", beam.Create(rows)).apply("Split instructor", beam.ParDo(new SplitInstructorFn()));
  countInto(teachers, "teachers", box);
  await p.run();
  return box.n;
}

function teacherLoop(rows: StagingTeacher[]): number {
  const out: RefinedTeacher[] = [];
  for (const row of rows) {
    const { fname, lname } = splitInstructor(row.instructor);
    out.push({ tid: row.tid, fname, lname, dept: row.dept });
  }
  return out.length;
}

// ------------------------------------------------------------------ student

async function studentRunner(rows: StagingStudent[]): Promise<number> {
  const box = { n: -1 };
  const p = new beam.Pipeline({ runner: "direct" });
  const students = p.apply("Create", beam.Create(rows)).apply("Format dob", beam.ParDo(new FormatDobFn()));
  countInto(students, "students", box);
  await p.run();
  return box.n;
}

function studentLoop(rows: StagingStudent[]): number {
  const out: RefinedStudent[] = [];
  for (const row of rows) out.push({ sid: row.sid, fname: row.fname, lname: row.lname, dob: formatDob(row.dob), status: row.status });
  return out.length;
}

// ------------------------------------------------------------------ class

async function classRunner(rows: StagingClass[]): Promise<string> {
  const takesBox = { n: -1 };
  const classBox = { n: -1 };
  const p = new beam.Pipeline({ runner: "direct" });
  const split = p.apply("Create", beam.Create(rows)).apply("Split takes and classes", beam.ParDo(new SplitClassFn()).withOutputs("takes", "classes"));
  const takes: beam.PCollection<Takes> = split.takes;
  const keyed: beam.PCollection<[string, ClassRecord]> = split.classes;
  const classes = keyed
    .apply("Group by cno", beam.GroupByKey<string, ClassRecord>())
    .apply("Keep first", beam.Map(([, records]: [string, ClassRecord[]]): ClassRecord => records[0]));
  countInto(takes, "takes", takesBox);
  countInto(classes, "classes", classBox);
  await p.run();
  return `${takesBox.n}/${classBox.n}`;
}

function classLoop(rows: StagingClass[]): string {
  const takes: Takes[] = [];
  const groups = new Map<string, ClassRecord[]>();
  for (const row of rows) {
    if (row.cno === null || row.cno === "") continue;
    if (row.sid !== null && row.sid !== "") {
      const t: Takes = { sid: row.sid, cno: row.cno };
      if (row.grade !== null && row.grade !== "") t.grade = row.grade;
      takes.push(t);
    }
    const rec: ClassRecord = { cno: row.cno, cname: row.cname, credits: row.credits };
    const g = groups.get(row.cno);
    if (g) g.push(rec);
    else groups.set(row.cno, [rec]);
  }
  const classes: ClassRecord[] = [];
  for (const records of groups.values()) classes.push(records[0]);
  return `${takes.length}/${classes.length}`;
}

// ------------------------------------------------------------------ GroupByKey

function kvPairs(n: number, keys: number): [string, number][] {
  const out: [string, number][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [`k${(i * 7919) % keys}`, i];
  return out;
}

async function gbkRunner(pairs: [string, number][]): Promise<number> {
  const box = { n: -1 };
  const p = new beam.Pipeline({ runner: "direct" });
  const grouped = p.apply("Create", beam.Create(pairs)).apply("Group", beam.GroupByKey<string, number>());
  countInto(grouped, "groups", box);
  await p.run();
  return box.n;
}

function gbkLoop(pairs: [string, number][]): number {
  const groups = new Map<string, number[]>();
  for (const [k, v] of pairs) {
    const g = groups.get(k);
    if (g) g.push(v);
    else groups.set(k, [v]);
  }
  const out: [string, number[]][] = [];
  for (const e of groups) out.push(e);
  return out.length;
}

// ------------------------------------------------------------------ memory

function memoryRun(lines: number): { mib: number; how: string; ms: number; outBytes: number } {
  const dir = tempDir("text");
  try {
    const input = path.join(dir, "lines.txt");
    const gen = writeTextLines(input, lines);
    console.log(`  wrote ${gen.lines.toLocaleString()} lines (${(gen.bytes / 2 ** 20).toFixed(1)} MiB) in ${fmt(gen.ms)}`);
    const out = path.join(dir, "out");
    const child = path.join(__dirname, "text-child.js");
    const hasTime = fs.existsSync("/usr/bin/time");
    const cmd = hasTime ? "/usr/bin/time" : process.execPath;
    const args = hasTime ? ["-v", process.execPath, child, input, out] : [child, input, out];
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
    if (r.status !== 0) throw new Error(`text child failed (${r.status}): ${r.stderr}`);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!) as { maxRSSKiB: number; ms: number };
    let kib = report.maxRSSKiB;
    let how = "child process.resourceUsage().maxRSS";
    const m = hasTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr) : null;
    if (m) {
      kib = Number(m[1]);
      how = `/usr/bin/time -v (child's own maxRSS: ${(report.maxRSSKiB / 1024).toFixed(0)} MiB)`;
    }
    const outBytes = fs.readdirSync(dir).filter((f) => f.startsWith("out")).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    return { mib: kib / 1024, how, ms: report.ms, outBytes };
  } finally {
    rmDir(dir);
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  console.log(`engine benchmark: --rows ${ROWS.toLocaleString()} --lines ${LINES.toLocaleString()} (node ${process.version})`);
  const t0 = performance.now();
  const college = loadCollege(ROWS);
  rmDir(college.dir);
  console.log(
    `  data: ${college.teacher.length.toLocaleString()} teachers, ${college.student.length.toLocaleString()} students, ${college.class.length.toLocaleString()} class rows (generated and read in ${fmt(performance.now() - t0)})`,
  );
  const summary: Row[] = [];

  const compare = async (name: string, runner: () => Promise<unknown>, loop: () => unknown) => {
    const r = await timeMedian(runner);
    const l = await timeMedian(loop);
    if (String(r.result) !== String(l.result)) throw new Error(`${name}: runner output ${r.result} differs from loop output ${l.result}`);
    const x = ratio(r.ms, l.ms);
    console.log(`${name}: runner ${fmt(r.ms)} vs loop ${fmt(l.ms)} → ratio ${x.toFixed(2)}× (output ${r.result}; runs ${r.all.map((m) => m.toFixed(0)).join("/")} vs ${l.all.map((m) => m.toFixed(0)).join("/")} ms)`);
    summary.push({ name: `${name} runner/loop`, value: `${x.toFixed(2)}×`, target: `≤ ${RUNNER_TARGET}×`, pass: x <= RUNNER_TARGET });
  };

  await compare(`teacher (${college.teacher.length.toLocaleString()} rows)`, () => teacherRunner(college.teacher), () => teacherLoop(college.teacher));
  await compare(`student (${college.student.length.toLocaleString()} rows)`, () => studentRunner(college.student), () => studentLoop(college.student));
  await compare(`class (${college.class.length.toLocaleString()} rows)`, () => classRunner(college.class), () => classLoop(college.class));

  const pairs = kvPairs(ROWS, 10_000);
  await compare(`GroupByKey (${pairs.length.toLocaleString()} pairs, 10k keys)`, () => gbkRunner(pairs), () => gbkLoop(pairs));

  console.log(`text memory (${LINES.toLocaleString()} lines, ReadFromText → Map → WriteToText, child process):`);
  const mem = memoryRun(LINES);
  console.log(`  peak RSS ${mem.mib.toFixed(0)} MiB via ${mem.how}; child run ${fmt(mem.ms)}; wrote ${(mem.outBytes / 2 ** 20).toFixed(1)} MiB`);
  summary.push({ name: `text ${LINES.toLocaleString()} lines peak RSS`, value: `${mem.mib.toFixed(0)} MiB`, target: `< ${MEMORY_TARGET_MIB} MiB`, pass: mem.mib < MEMORY_TARGET_MIB });

  printSummary("summary (engine)", summary);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
