/**
 * Shared helpers of the benchmarks (not tests): argument parsing, timing, synthetic data.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { parse } from "csv-parse/sync";
import { writeCollegeSync, type CollegeTable } from "../../datasets/generate";
import * as beam from "../../lib";
import { classFromCsv, type StagingClass, type StagingStudent, type StagingTeacher } from "../course/pipelines";

/** `--name N` from argv (underscores and commas allowed), else the default. */
export function intFlag(name: string, dflt: number, argv: string[] = process.argv.slice(2)): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(String(argv[i + 1]).replace(/[_,]/g, ""));
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`--${name} needs a non-negative integer, got ${argv[i + 1]}`);
  return n;
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `beamlab-bench-${tag}-`));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * A full garbage collection. Each timed run starts from a collected heap, so the garbage one run
 * leaves (a million records it kept) is not collected in the middle of whichever run comes next:
 * at 1M rows that moved single runs by up to ±50 %.
 */
export const collectGarbage: () => void = (() => {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
})();

/** Runs fn once to warm up, then `runs` times; the median wall time in ms and the last result. */
export async function timeMedian<R>(fn: () => R | Promise<R>, runs = 3): Promise<{ ms: number; result: R; all: number[] }> {
  let result = await fn();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    const t0 = performance.now();
    result = await fn();
    all.push(performance.now() - t0);
  }
  return { ms: median(all), result, all };
}

/**
 * Times `a` and `b` alternately (each warmed up once, then `runs` runs each, a then b), so a
 * shared machine's changing load falls on both alike; the median of each and the last results.
 */
export async function timePair<A, B>(
  a: () => A | Promise<A>,
  b: () => B | Promise<B>,
  runs = 5,
): Promise<{ a: { ms: number; result: A; all: number[] }; b: { ms: number; result: B; all: number[] } }> {
  let ra = await a();
  let rb = await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    collectGarbage();
    let t0 = performance.now();
    ra = await a();
    ta.push(performance.now() - t0);
    collectGarbage();
    t0 = performance.now();
    rb = await b();
    tb.push(performance.now() - t0);
  }
  return { a: { ms: median(ta), result: ra, all: ta }, b: { ms: median(tb), result: rb, all: tb } };
}

const nullIfEmpty = (s: string | undefined): string | null => (s === undefined || s === "" ? null : s);

export interface College {
  teacher: StagingTeacher[];
  student: StagingStudent[];
  class: StagingClass[];
  /** Where the tables were written (the caller removes it). */
  dir: string;
  /** The CSV file of each table written. */
  files: Record<CollegeTable, string>;
}

/** Writes the synthetic college tables for `rows` class rows to a temp dir and reads them as staging records. */
export function loadCollege(rows: number, tables: CollegeTable[] = ["teacher", "student", "class"]): College {
  const dir = tempDir("college");
  // Every table at the full size: the targets speak of each transform over `rows` rows.
  const res = writeCollegeSync(dir, { rows, eol: "\n", tables, teachers: rows, students: rows });
  const read = (t: CollegeTable): Record<string, string>[] => {
    const f = res.files.find((x) => x.table === t);
    return f ? (parse(fs.readFileSync(f.path, "utf8"), { columns: true }) as Record<string, string>[]) : [];
  };
  const teacher = read("teacher").map((r) => ({ tid: nullIfEmpty(r.tid), instructor: nullIfEmpty(r.instructor), dept: nullIfEmpty(r.dept) }));
  const student = read("student").map((r) => ({ sid: nullIfEmpty(r.sid), fname: nullIfEmpty(r.fname), lname: nullIfEmpty(r.lname), dob: nullIfEmpty(r.dob), status: nullIfEmpty(r.status) }));
  const klass = read("class").map((r) => {
    const c = nullIfEmpty(r.credits);
    const n = c === null ? null : Number(c);
    return { sid: nullIfEmpty(r.sid), cno: nullIfEmpty(r.cno), cname: nullIfEmpty(r.cname), credits: n === null || Number.isNaN(n) ? null : n, grade: nullIfEmpty(r.grade) };
  });
  const files = Object.fromEntries(res.files.map((f) => [f.table, f.path])) as Record<CollegeTable, string>;
  return { teacher, student, class: klass, dir, files };
}

export function rmDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
export const ratio = (a: number, b: number) => (b > 0 ? a / b : Infinity);
export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export interface Row {
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

export function printSummary(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  const v = Math.max(...rows.map((r) => r.value.length), 8);
  const t = Math.max(...rows.map((r) => r.target.length), 6);
  console.log(`${pad("benchmark", w)}  ${pad("value", v)}  ${pad("target", t)}  result`);
  for (const r of rows) console.log(`${pad(r.name, w)}  ${pad(r.value, v)}  ${pad(r.target, t)}  ${r.pass ? "PASS" : "MISS"}`);
}

/** Runs the class pipeline; returns the line counts of both outputs (all shards). */
export async function classPipeline(file: string, out: string, options: beam.PipelineOptions): Promise<string> {
  fs.rmSync(out, { recursive: true, force: true });
  const p = new beam.Pipeline(options);
  classFromCsv(p, file, out);
  await p.run();
  const lines = (prefix: string) =>
    fs.readdirSync(out).filter((n) => n.startsWith(prefix)).reduce((a, n) => a + fs.readFileSync(path.join(out, n), "utf8").split("\n").filter((l) => l).length, 0);
  return `${lines("takes")}/${lines("class")}`;
}
