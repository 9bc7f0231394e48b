/**
 * The course's hello-world steps and its three college pipelines (teacher, student, class)
 * as typed functions that build transforms on a given Pipeline, so that tests, notebook
 * authors and benchmarks share one definition. Nothing here runs a pipeline: build, then
 * `await p.run()` (or `beam.collect(...)` an intermediate PCollection).
 *
 * The cleaning is the course's, literally, including what it misses (notebook 06 shows the
 * gaps against `college_reference.*`):
 *
 * - teacher: `instructor` with a comma is `Last, First`: split at the first comma, both
 *   parts trimmed. Otherwise it is `First Last`: split at the first space, so
 *   `Prof. Sarah Abraham` becomes fname `Prof.`, lname `Sarah Abraham`. Capitalisation
 *   (`MITRA, SHYAMAL`, `bill bulko`), the `Prof.` title, the missing `tid`, the duplicate
 *   teachers and the department spellings are all kept as they are.
 * - student: `dob` in `YYYY-MM-DD` stays; `MM/DD/YYYY` and `Mon-DD-YYYY` (month names
 *   Jan..Dec → 01..12) become `YYYY-MM-DD`. Anything else is left unchanged, so the DATE
 *   column of WriteToTable rejects it naming the row.
 * - class: one ParDo with two tagged outputs. `takes`: `{sid, cno, grade}` for every row
 *   with a student and a course number (the two rows with an empty `cno` are students
 *   without an enrolment), `grade` omitted when empty; duplicates (jerryh's CS327E with
 *   credits 0) are kept. `classes`: `[cno, {cno, cname, credits}]` for every row with a
 *   course number, grouped by the raw `cno` (suffixes such as `CS326E - Fall18` are not
 *   stripped, so they are course numbers of their own), keeping the first record of each
 *   group (the first read; cname prefixes such as `CS331E - ...` are kept).
 */
import * as beam from "../../lib";
import { DoFn, GroupByKey, TaggedOutput, type PCollection, type Pipeline, type TaggedOutputValue } from "../../lib";

// ------------------------------------------------------------------ common

/** Options shared by the builders below. */
export interface LabelOptions {
  /** Prepended to every label (e.g. `"teacher: "`), to build several copies in one pipeline. */
  prefix?: string;
}

/** Where a college pipeline writes. */
export interface CollegeOutputOptions extends LabelOptions {
  /** WriteToText prefix; the file is `<textPrefix>-00000-of-00001`. */
  textPrefix: string;
  /** Warehouse file for the read and the write; default the pipeline's `warehouse` option. */
  warehouse?: string;
}

/** Where the class pipeline writes its two outputs. */
export interface ClassOutputOptions extends LabelOptions {
  /** WriteToText prefix of the takes rows. */
  takesTextPrefix: string;
  /** WriteToText prefix of the class rows. */
  classTextPrefix: string;
  warehouse?: string;
}

const label = (opts: LabelOptions | undefined, name: string) => `${opts?.prefix ?? ""}${name}`;

// ------------------------------------------------------------------ hello world

/** Hello world 1: the numbers multiplied. */
export const HELLO_NUMBERS: readonly number[] = [1, 2, 3, 4, 5];
/** Hello world 2–4: the sentences split and counted. */
export const HELLO_SENTENCES: readonly string[] = ["the quick brown fox", "jumps over the lazy dog", "the dog sleeps"];

/** Hello world 1's DoFn: multiplies each number by `factor` (10). */
export class MultiplyFn extends DoFn<number, number> {
  constructor(readonly factor = 10) {
    super();
  }
  process(element: number): number[] {
    return [element * this.factor];
  }
}

/** Hello world 1: `Create` the numbers, `ParDo(MultiplyFn)` them by 10. Labels `Create numbers`, `Multiply`. */
export function helloMultiply(p: Pipeline, values: readonly number[] = HELLO_NUMBERS, opts?: LabelOptions): { numbers: PCollection<number>; multiplied: PCollection<number> } {
  const numbers = p.apply(label(opts, "Create numbers"), beam.Create(values));
  const multiplied = numbers.apply(label(opts, "Multiply"), beam.ParDo(new MultiplyFn(10)));
  return { numbers, multiplied };
}

/** Hello world 2: `Create` the sentences, `Map` each to its list of words, `FlatMap` into words. Labels `Create sentences`, `Split`, `Flatten words`. */
export function helloSplitWords(
  p: Pipeline,
  sentences: readonly string[] = HELLO_SENTENCES,
  opts?: LabelOptions,
): { sentences: PCollection<string>; wordLists: PCollection<string[]>; words: PCollection<string> } {
  const lines = p.apply(label(opts, "Create sentences"), beam.Create(sentences));
  const wordLists = lines.apply(label(opts, "Split"), beam.Map((s: string): string[] => s.split(" ").filter((w) => w !== "")));
  const words = wordLists.apply(label(opts, "Flatten words"), beam.FlatMap((ws: string[]) => ws));
  return { sentences: lines, wordLists, words };
}

/** Hello world 3: `[word, 1]` per word, then GroupByKey. Labels `Pair with 1`, `Group`. */
export function helloGroupWords(words: PCollection<string>, opts?: LabelOptions): { pairs: PCollection<[string, number]>; grouped: PCollection<[string, number[]]> } {
  const pairs = words.apply(label(opts, "Pair with 1"), beam.Map((w: string): [string, number] => [w, 1]));
  const grouped = pairs.apply(label(opts, "Group"), GroupByKey<string, number>());
  return { pairs, grouped };
}

/** Hello world 4: the sum of each group, `[word, count]`. Label `Count`. */
export function helloCountWords(grouped: PCollection<[string, number[]]>, opts?: LabelOptions): PCollection<[string, number]> {
  return grouped.apply(label(opts, "Count"), beam.Map(([w, ones]: [string, number[]]): [string, number] => [w, ones.reduce((a, b) => a + b, 0)]));
}

/** All four hello-world steps in one pipeline. */
export function helloWorld(p: Pipeline, opts?: LabelOptions & { numbers?: readonly number[]; sentences?: readonly string[] }) {
  const one = helloMultiply(p, opts?.numbers, opts);
  const two = helloSplitWords(p, opts?.sentences, opts);
  const three = helloGroupWords(two.words, opts);
  const counts = helloCountWords(three.grouped, opts);
  return { ...one, ...two, ...three, counts };
}

// ------------------------------------------------------------------ teacher

/** A row of `college_staging.teacher`. */
export interface StagingTeacher {
  tid: string | null;
  instructor: string | null;
  dept: string | null;
}

/** A row of `college_refined.teacher`. */
export interface RefinedTeacher {
  tid: string | null;
  fname: string | null;
  lname: string | null;
  dept: string | null;
}

export const TEACHER_QUERY = "SELECT tid, instructor, dept FROM college_staging.teacher";
export const REFINED_TEACHER_TABLE = "college_refined.teacher";
export const REFINED_TEACHER_SCHEMA = "tid:STRING,fname:STRING,lname:STRING,dept:STRING";
export const TEACHER_LABELS = { read: "Read teacher", clean: "Split instructor", text: "Write teacher text", table: "Write teacher table" } as const;

/**
 * The course's name split: with a comma `Last, First` (split at the first comma, both
 * parts trimmed), else `First Last` (split at the first space; no space → lname null).
 * Does not fix capitalisation or titles: `Prof. Sarah Abraham` → `Prof.` / `Sarah Abraham`.
 */
export function splitInstructor(instructor: string | null): { fname: string | null; lname: string | null } {
  if (instructor === null) return { fname: null, lname: null };
  const name = instructor.trim();
  const comma = name.indexOf(",");
  if (comma >= 0) return { fname: name.slice(comma + 1).trim(), lname: name.slice(0, comma).trim() };
  const space = name.indexOf(" ");
  if (space < 0) return { fname: name, lname: null };
  return { fname: name.slice(0, space), lname: name.slice(space + 1).trim() };
}

/** The teacher pipeline's DoFn: `{tid, instructor, dept}` → `{tid, fname, lname, dept}`. */
export class SplitInstructorFn extends DoFn<StagingTeacher, RefinedTeacher> {
  process(row: StagingTeacher): RefinedTeacher[] {
    const { fname, lname } = splitInstructor(row.instructor);
    return [{ tid: row.tid, fname, lname, dept: row.dept }];
  }
}

/** The teacher pipeline: read, split the instructor's name, write text and `college_refined.teacher` (WRITE_TRUNCATE). */
export function teacherPipeline(p: Pipeline, opts: CollegeOutputOptions) {
  const rows = p.apply(label(opts, TEACHER_LABELS.read), beam.io.ReadFromSQL<StagingTeacher>({ query: TEACHER_QUERY, warehouse: opts.warehouse }));
  const teachers = rows.apply(label(opts, TEACHER_LABELS.clean), beam.ParDo(new SplitInstructorFn()));
  const textFiles = teachers.apply(label(opts, TEACHER_LABELS.text), beam.io.WriteToText(opts.textPrefix));
  const tables = teachers.apply(
    label(opts, TEACHER_LABELS.table),
    beam.io.WriteToTable({ table: REFINED_TEACHER_TABLE, schema: REFINED_TEACHER_SCHEMA, writeDisposition: "WRITE_TRUNCATE", warehouse: opts.warehouse }),
  );
  return { rows, teachers, textFiles, tables };
}

// ------------------------------------------------------------------ student

/** A row of `college_staging.student`. */
export interface StagingStudent {
  sid: string | null;
  fname: string | null;
  lname: string | null;
  dob: string | null;
  status: string | null;
}

/** A row of `college_refined.student`: `dob` is a DATE (`YYYY-MM-DD`). */
export interface RefinedStudent {
  sid: string | null;
  fname: string | null;
  lname: string | null;
  dob: string | null;
  status: string | null;
}

export const STUDENT_QUERY = "SELECT sid, fname, lname, dob, status FROM college_staging.student";
export const REFINED_STUDENT_TABLE = "college_refined.student";
export const REFINED_STUDENT_SCHEMA = "sid:STRING,fname:STRING,lname:STRING,dob:DATE,status:STRING";
export const STUDENT_LABELS = { read: "Read student", clean: "Format dob", text: "Write student text", table: "Write student table" } as const;

const MONTHS: Record<string, string> = {
  Jan: "01", Feb: "02", Mar: "03", Apr: "04", May: "05", Jun: "06",
  Jul: "07", Aug: "08", Sep: "09", Oct: "10", Nov: "11", Dec: "12",
};

/**
 * `YYYY-MM-DD` from `YYYY-MM-DD` (unchanged), `MM/DD/YYYY` or `Mon-DD-YYYY`; anything else
 * (and null) is returned unchanged.
 */
export function formatDob(dob: string | null): string | null {
  if (dob === null) return null;
  const s = dob.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (us) return `${us[3]}-${us[1].padStart(2, "0")}-${us[2].padStart(2, "0")}`;
  const named = /^([A-Za-z]{3})-(\d{1,2})-(\d{4})$/.exec(s);
  const month = named && MONTHS[named[1][0].toUpperCase() + named[1].slice(1).toLowerCase()];
  if (named && month) return `${named[3]}-${month}-${named[2].padStart(2, "0")}`;
  return dob;
}

/** The student pipeline's DoFn: rewrites `dob` to `YYYY-MM-DD`. */
export class FormatDobFn extends DoFn<StagingStudent, RefinedStudent> {
  process(row: StagingStudent): RefinedStudent[] {
    return [{ sid: row.sid, fname: row.fname, lname: row.lname, dob: formatDob(row.dob), status: row.status }];
  }
}

/** The student pipeline: read, format `dob`, write text and `college_refined.student` with `dob:DATE` (WRITE_TRUNCATE). */
export function studentPipeline(p: Pipeline, opts: CollegeOutputOptions) {
  const rows = p.apply(label(opts, STUDENT_LABELS.read), beam.io.ReadFromSQL<StagingStudent>({ query: STUDENT_QUERY, warehouse: opts.warehouse }));
  const students = rows.apply(label(opts, STUDENT_LABELS.clean), beam.ParDo(new FormatDobFn()));
  const textFiles = students.apply(label(opts, STUDENT_LABELS.text), beam.io.WriteToText(opts.textPrefix));
  const tables = students.apply(
    label(opts, STUDENT_LABELS.table),
    beam.io.WriteToTable({ table: REFINED_STUDENT_TABLE, schema: REFINED_STUDENT_SCHEMA, writeDisposition: "WRITE_TRUNCATE", warehouse: opts.warehouse }),
  );
  return { rows, students, textFiles, tables };
}

// ------------------------------------------------------------------ class

/** A row of `college_staging.class` (one enrolment; the class repeated on every row). */
export interface StagingClass {
  sid: string | null;
  cno: string | null;
  cname: string | null;
  credits: number | null;
  grade: string | null;
}

/** A row of `college_refined.takes`; `grade` is absent when the staging grade is empty. */
export interface Takes {
  sid: string;
  cno: string;
  grade?: string;
}

/** A row of `college_refined.class`. */
export interface ClassRecord {
  cno: string;
  cname: string | null;
  credits: number | null;
}

export const CLASS_QUERY = "SELECT sid, cno, cname, credits, grade FROM college_staging.class";
export const REFINED_CLASS_TABLE = "college_refined.class";
export const REFINED_CLASS_SCHEMA = "cno:STRING,cname:STRING,credits:INTEGER";
export const REFINED_TAKES_TABLE = "college_refined.takes";
export const REFINED_TAKES_SCHEMA = "sid:STRING,cno:STRING,grade:STRING";
export const CLASS_LABELS = {
  read: "Read class",
  split: "Split takes and classes",
  group: "Group by cno",
  first: "Keep first",
  takesText: "Write takes text",
  takesTable: "Write takes table",
  classText: "Write class text",
  classTable: "Write class table",
} as const;

/** What SplitClassFn emits: tagged `takes` and `classes` only, no main output. */
export type SplitClassOutput = TaggedOutputValue<"takes", Takes> | TaggedOutputValue<"classes", [string, ClassRecord]>;

/** The class pipeline's DoFn: `takes` per enrolment (student and cno), `classes` keyed by cno. */
export class SplitClassFn extends DoFn<StagingClass, never> {
  *process(row: StagingClass): Generator<SplitClassOutput> {
    if (row.cno === null || row.cno === "") return;
    if (row.sid !== null && row.sid !== "") {
      const takes: Takes = { sid: row.sid, cno: row.cno };
      if (row.grade !== null && row.grade !== "") takes.grade = row.grade;
      yield TaggedOutput("takes", takes);
    }
    yield TaggedOutput("classes", [row.cno, { cno: row.cno, cname: row.cname, credits: row.credits }] as [string, ClassRecord]);
  }
}

/**
 * The class pipeline: read; split into `takes` and `classes`; group classes by cno and keep
 * the first record; write both as text and to `college_refined.takes` / `college_refined.class`
 * (WRITE_TRUNCATE).
 */
export function classPipeline(p: Pipeline, opts: ClassOutputOptions) {
  const rows = p.apply(label(opts, CLASS_LABELS.read), beam.io.ReadFromSQL<StagingClass>({ query: CLASS_QUERY, warehouse: opts.warehouse }));
  const split = rows.apply(label(opts, CLASS_LABELS.split), beam.ParDo(new SplitClassFn()).withOutputs("takes", "classes"));
  const takes: PCollection<Takes> = split.takes;
  const keyed: PCollection<[string, ClassRecord]> = split.classes;
  const grouped = keyed.apply(label(opts, CLASS_LABELS.group), GroupByKey<string, ClassRecord>());
  const classes = grouped.apply(label(opts, CLASS_LABELS.first), beam.Map(([, records]: [string, ClassRecord[]]): ClassRecord => records[0]));
  const takesText = takes.apply(label(opts, CLASS_LABELS.takesText), beam.io.WriteToText(opts.takesTextPrefix));
  const takesTable = takes.apply(
    label(opts, CLASS_LABELS.takesTable),
    beam.io.WriteToTable({ table: REFINED_TAKES_TABLE, schema: REFINED_TAKES_SCHEMA, writeDisposition: "WRITE_TRUNCATE", warehouse: opts.warehouse }),
  );
  const classText = classes.apply(label(opts, CLASS_LABELS.classText), beam.io.WriteToText(opts.classTextPrefix));
  const classTable = classes.apply(
    label(opts, CLASS_LABELS.classTable),
    beam.io.WriteToTable({ table: REFINED_CLASS_TABLE, schema: REFINED_CLASS_SCHEMA, writeDisposition: "WRITE_TRUNCATE", warehouse: opts.warehouse }),
  );
  return { rows, takes, keyed, grouped, classes, takesText, takesTable, classText, classTable };
}

/** The columns of the generated class CSV (datasets/generate.ts). */
export const CLASS_CSV_SCHEMA = "sid:STRING,cno:STRING,cname:STRING,credits:INTEGER,grade:STRING";

/**
 * The class pipeline over a generated class CSV instead of the warehouse (benchmarks and
 * load tests): read, split, group by cno, keep the first; both outputs as text under `out`
 * (`takes-*` and `class-*`).
 */
export function classFromCsv(p: Pipeline, file: string, out: string): void {
  const rows = p.apply(CLASS_LABELS.read, beam.io.ReadFromCsv(file, { schema: CLASS_CSV_SCHEMA }));
  const split = rows.apply(CLASS_LABELS.split, beam.ParDo(new SplitClassFn()).withOutputs("takes", "classes"));
  const takes: PCollection<Takes> = split.takes;
  const keyed: PCollection<[string, ClassRecord]> = split.classes;
  const classes = keyed
    .apply(CLASS_LABELS.group, GroupByKey<string, ClassRecord>())
    .apply(CLASS_LABELS.first, beam.Map(([, records]: [string, ClassRecord[]]): ClassRecord => records[0]));
  takes.apply(CLASS_LABELS.takesText, beam.io.WriteToText(`${out}/takes`));
  classes.apply(CLASS_LABELS.classText, beam.io.WriteToText(`${out}/class`));
}
