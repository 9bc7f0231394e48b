/**
 * The hidden data of the sample assignment `notebooks/assignments/a1-college-cleanup`: a small
 * college data set drawn by the generator (`generate.ts`, fixed seed), with extra mess of the
 * kinds the assignment's questions ask students to handle but the course data barely shows:
 *
 * - student.dob: stray whitespace, month names in upper or lower case (`MAY-10-1999`), one-digit
 *   months and days (`5/7/1999`, `May-7-1999`), NULL, empty and blank values, impossible dates
 *   (`02/30/2001`, `13/05/2000`, `2001-02-29`);
 * - teacher: stray and doubled whitespace in `instructor`, titles `prof.`, `PROF`, `Dr.`, `Dr`,
 *   departments in any case with spaces (`cs`, ` MATH`), tids that are empty, blank or padded;
 * - class: course numbers in lower case (`cs326e - fall18`) or padded, empty and blank course
 *   numbers on "no class" rows, grades in lower case or padded (`b+`, ` A-`), blank grades,
 *   course-name prefixes in any case and spacing (`cs331e-Elements ...`), padded names, missing
 *   credits, and retakes: the same student in the same course twice, both graded, the better
 *   grade last, and once the graded row after an ungraded one.
 *
 * Deterministic: the same seed writes the same bytes. Writes `<out>/{student,teacher,class,teaches}.csv`
 * (CRLF, like the staging files) and `<out>/load.json` (the tables and schemas of the course warehouse).
 *
 *   npm run build && node dist/datasets/make-hidden.js [--out DIR] [--seed S]
 *
 * Default DIR: notebooks/assignments/a1-college-cleanup/hidden; default seed 9.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { classRows, collegeSizes, csvField, mulberry32, studentRows, teacherRows, teachesRows, type Rng } from "./generate";

/** A CSV value: null is written as an unquoted empty field (loaded as NULL), "" as a quoted "" (an empty string). */
type Cell = string | null;

export const HIDDEN_SEED = 9;
/** Class rows; the other tables follow from it (see collegeSizes), teachers set to 40. */
export const HIDDEN_ROWS = 260;
export const HIDDEN_TEACHERS = 40;

export const HIDDEN_SCHEMAS: Record<string, string> = {
  teacher: "tid:STRING,instructor:STRING,dept:STRING",
  student: "sid:STRING,fname:STRING,lname:STRING,dob:STRING,status:STRING",
  class: "sid:STRING,cno:STRING,cname:STRING,credits:INTEGER,grade:STRING",
  teaches: "tid:STRING,cno:STRING",
};

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function csvValue(v: Cell): string {
  if (v === null) return "";
  if (v === "" || /^\s|\s$/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return csvField(v);
}

function csvText(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvValue).join(",") + "\r\n").join("");
}

/** Fisher–Yates with the seeded rng. */
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Takes `n` indexes of `rows` that satisfy `ok` and are not taken yet, in a seeded order, and
 * marks them taken. Throws when there are not enough (a different seed or size would be needed).
 */
function takeRows<T>(rng: Rng, rows: readonly T[], taken: Set<number>, n: number, ok: (row: T) => boolean, what: string): number[] {
  const candidates = shuffled(rng, rows.map((_, i) => i)).filter((i) => !taken.has(i) && ok(rows[i]));
  if (candidates.length < n) throw new Error(`make-hidden: only ${candidates.length} rows for ${what}, need ${n}`);
  const out = candidates.slice(0, n).sort((a, b) => a - b);
  for (const i of out) taken.add(i);
  return out;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

function messStudents(rng: Rng, rows: Cell[][]): void {
  const DOB = 3;
  const taken = new Set<number>();
  const dob = (r: Cell[]) => r[DOB] ?? "";
  const isSlash = (r: Cell[]) => /^\d{2}\/\d{2}\/\d{4}$/.test(dob(r));
  const isMon = (r: Cell[]) => /^[A-Z][a-z]{2}-\d{2}-\d{4}$/.test(dob(r));
  for (const [k, i] of takeRows(rng, rows, taken, 8, isMon, "month-name case").entries()) {
    rows[i][DOB] = k % 2 ? dob(rows[i]).toUpperCase() : dob(rows[i]).toLowerCase();
  }
  for (const i of takeRows(rng, rows, taken, 10, (r) => isSlash(r) && /(^0|\/0)/.test(dob(r)), "unpadded M/D/YYYY")) {
    rows[i][DOB] = dob(rows[i]).replace(/^0/, "").replace(/\/0/, "/");
  }
  for (const i of takeRows(rng, rows, taken, 3, (r) => isMon(r) && /-0\d-/.test(dob(r)), "unpadded Mon-D-YYYY")) {
    rows[i][DOB] = dob(rows[i]).replace(/-0(\d)-/, "-$1-");
  }
  for (const i of takeRows(rng, rows, taken, 10, (r) => dob(r) !== "", "padded dob")) {
    rows[i][DOB] = pick(rng, [" ", "  ", ""]) + dob(rows[i]) + pick(rng, [" ", "  ", "\t"]);
    if (rows[i][DOB] === dob(rows[i]).trim()) rows[i][DOB] = ` ${rows[i][DOB]}`;
  }
  for (const i of takeRows(rng, rows, taken, 4, () => true, "NULL dob")) rows[i][DOB] = null;
  const blanks = ["", "   ", " "];
  for (const [k, i] of takeRows(rng, rows, taken, 3, () => true, "blank dob").entries()) rows[i][DOB] = blanks[k];
  const impossible = (y: string) => [`02/30/${y}`, `13/05/${y}`, `2001-02-29`, `Feb-30-${y}`, `00/12/${y}`, `${y}-13-01`];
  for (const [k, i] of takeRows(rng, rows, taken, 6, (r) => /\d{4}/.test(dob(r)), "impossible dob").entries()) {
    rows[i][DOB] = impossible(/\d{4}/.exec(dob(rows[i]))![0])[k];
  }
}

function messTeachers(rng: Rng, rows: Cell[][]): void {
  const [TID, NAME, DEPT] = [0, 1, 2];
  const taken = new Set<number>();
  const name = (r: Cell[]) => r[NAME] ?? "";
  for (const [k, i] of takeRows(rng, rows, taken, 4, (r) => name(r).startsWith("Prof. "), "title variants").entries()) {
    rows[i][NAME] = ["prof. ", "PROF ", "Dr. ", "Dr "][k] + name(rows[i]).slice("Prof. ".length);
  }
  for (const i of takeRows(rng, rows, taken, 2, (r) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(name(r)), "Dr. First Last")) {
    rows[i][NAME] = `Dr. ${name(rows[i])}`;
  }
  const pads: Array<(s: string) => string> = [
    (s) => `  ${s}`,
    (s) => `${s} `,
    (s) => s.replace(", ", ",  "),
    (s) => s.replace(", ", ","),
    (s) => ` ${s.replace(" ", "   ")} `,
  ];
  for (const [k, i] of takeRows(rng, rows, taken, 5, (r) => !/^prof/i.test(name(r)), "padded instructor").entries()) {
    rows[i][NAME] = pads[k](name(rows[i]));
  }
  const depts: Record<string, string[]> = { CS: ["cs", "  CS"], "Computer Science": ["computer science", "COMPUTER SCIENCE "], Math: ["MATH", " math"], Mathematics: ["mathematics ", "MATHEMATICS"] };
  const dtaken = new Set<number>();
  for (const i of takeRows(rng, rows, dtaken, 6, () => true, "dept variants")) rows[i][DEPT] = pick(rng, depts[rows[i][DEPT] ?? "CS"] ?? ["cs"]);
  const ttaken = new Set<number>();
  const missing = takeRows(rng, rows, ttaken, 2, (r) => r[TID] === null, "empty and blank tid");
  rows[missing[0]][TID] = "";
  rows[missing[1]][TID] = "  ";
  for (const i of takeRows(rng, rows, ttaken, 3, (r) => r[TID] !== null, "padded tid")) rows[i][TID] = pick(rng, [" ", "  "]) + rows[i][TID] + pick(rng, ["", " "]);
}

const GRADES = ["A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D", "F"];

function messClasses(rng: Rng, rows: Cell[][]): Cell[][] {
  const [SID, CNO, CNAME, CREDITS, GRADE] = [0, 1, 2, 3, 4];
  const enrolled = (r: Cell[]) => (r[CNO] ?? "").trim() !== "";
  // Retakes first (they add rows): a better grade later, and a graded row after an ungraded one.
  const taken = new Set<number>();
  const out: Cell[][] = [];
  const [better1, better2] = takeRows(rng, rows, taken, 2, (r) => enrolled(r) && r[CREDITS] === "3" && ["C", "C+", "B-", "B"].includes(r[GRADE] ?? ""), "retake with a better grade");
  const [ungraded] = takeRows(rng, rows, taken, 1, (r) => enrolled(r) && r[CREDITS] === "3" && r[GRADE] === null && !r[CNO]!.includes(" - "), "graded retake");
  rows.forEach((r, i) => {
    out.push(r);
    const base = (r[CNO] ?? "").split(" - ")[0];
    if (i === better1 || i === better2) out.push([r[SID], `${base} - Spring19`, r[CNAME], "3", GRADES[GRADES.indexOf(r[GRADE]!) - 2]]);
    if (i === ungraded) out.push([r[SID], `${base} - Summer19`, r[CNAME], "3", "B+"]);
  });
  const t = new Set<number>();
  for (const i of takeRows(rng, out, t, 8, (r) => enrolled(r), "lower-case cno")) out[i][CNO] = out[i][CNO]!.toLowerCase();
  for (const i of takeRows(rng, out, t, 5, (r) => enrolled(r), "padded cno")) out[i][CNO] = pick(rng, [" ", "  ", ""]) + out[i][CNO] + pick(rng, [" ", "  "]);
  const empty = takeRows(rng, out, t, 3, (r) => !enrolled(r), "empty and blank cno");
  out[empty[0]][CNO] = "";
  out[empty[1]][CNO] = "  ";
  out[empty[2]][CNO] = " ";
  const g = new Set<number>();
  for (const i of takeRows(rng, out, g, 8, (r) => r[GRADE] !== null, "messy grade")) {
    const grade = out[i][GRADE]!;
    out[i][GRADE] = pick(rng, [grade.toLowerCase(), ` ${grade}`, `${grade} `, ` ${grade.toLowerCase()}`]);
  }
  const blankGrades = ["", "  ", " "];
  for (const [k, i] of takeRows(rng, out, g, 3, (r) => enrolled(r) && r[GRADE] === null, "blank grade").entries()) out[i][GRADE] = blankGrades[k];
  const n = new Set<number>();
  const prefixes: Array<(cno: string, name: string) => string> = [
    (c, s) => `${c.toLowerCase()} - ${s}`,
    (c, s) => `${c}-${s}`,
    (c, s) => `${c}  \u2013  ${s}`,
    (c, s) => `${c} \u2013${s}`,
  ];
  const plainName = (r: Cell[]) => enrolled(r) && r[CNAME] !== null && !/^[A-Z]+\d/.test(r[CNAME]!);
  for (const [k, i] of takeRows(rng, out, n, 4, plainName, "prefix variants").entries()) {
    out[i][CNAME] = prefixes[k](out[i][CNO]!.trim().split(" ")[0].toUpperCase(), out[i][CNAME]!);
  }
  for (const i of takeRows(rng, out, n, 3, plainName, "padded cname")) out[i][CNAME] = `${out[i][CNAME]}  `;
  // Missing credits, only on a course that has other rows with credits.
  const perCourse = new Map<string, number>();
  for (const r of out) if (enrolled(r) && r[CREDITS] === "3") {
    const c = r[CNO]!.trim().split(" ")[0].toUpperCase();
    perCourse.set(c, (perCourse.get(c) ?? 0) + 1);
  }
  const c = new Set<number>();
  for (const i of takeRows(rng, out, c, 2, (r) => enrolled(r) && r[CREDITS] === "3" && (perCourse.get(r[CNO]!.trim().split(" ")[0].toUpperCase()) ?? 0) >= 3, "missing credits")) {
    out[i][CREDITS] = null;
  }
  return out;
}

/** The hidden tables as CSV text, by table name. */
export function hiddenTables(seed: number = HIDDEN_SEED): Record<string, string> {
  const sizes = collegeSizes(HIDDEN_ROWS, { teachers: HIDDEN_TEACHERS });
  const nulls = (rows: Iterable<string[]>): Cell[][] => [...rows].map((r) => r.map((v) => (v === "" ? null : v)));
  const rng = mulberry32(seed ^ 0x5eed);
  const student = nulls(studentRows(sizes.students, seed));
  const teacher = nulls(teacherRows(sizes.teachers, seed));
  const teaches = nulls(teachesRows(sizes.teachers, seed, sizes.courses));
  const klass = nulls(classRows(sizes.classRows, seed, { students: sizes.students, courses: sizes.courses }));
  messStudents(rng, student);
  messTeachers(rng, teacher);
  const cls = messClasses(rng, klass);
  return {
    student: csvText(["sid", "fname", "lname", "dob", "status"], student),
    teacher: csvText(["tid", "instructor", "dept"], teacher),
    class: csvText(["sid", "cno", "cname", "credits", "grade"], cls),
    teaches: csvText(["tid", "cno"], teaches),
  };
}

/** Writes the CSV files and load.json into `dir`; returns the files written. */
export function writeHidden(dir: string, seed: number = HIDDEN_SEED): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const tables = hiddenTables(seed);
  const load: Record<string, { csv: string; schema: string }> = {};
  const written: string[] = [];
  for (const [table, text] of Object.entries(tables)) {
    const file = `${table}.csv`;
    fs.writeFileSync(path.join(dir, file), text);
    load[`college_staging.${table}`] = { csv: file, schema: HIDDEN_SCHEMAS[table] };
    written.push(path.join(dir, file));
  }
  fs.writeFileSync(path.join(dir, "load.json"), JSON.stringify(load, null, 2) + "\n");
  written.push(path.join(dir, "load.json"));
  return written;
}

export function main(argv: string[] = process.argv.slice(2)): number {
  let out = path.resolve(__dirname, "..", "..", "notebooks", "assignments", "a1-college-cleanup", "hidden");
  if (!fs.existsSync(path.join(__dirname, "..", "..", "notebooks"))) out = path.resolve(__dirname, "..", "notebooks", "assignments", "a1-college-cleanup", "hidden");
  let seed = HIDDEN_SEED;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = path.resolve(argv[++i] ?? "");
    else if (argv[i] === "--seed") seed = Number(argv[++i]);
    else {
      process.stderr.write(`usage: node dist/datasets/make-hidden.js [--out DIR] [--seed S]\n`);
      return 2;
    }
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    process.stderr.write(`make-hidden: --seed must be a non-negative integer\n`);
    return 2;
  }
  for (const f of writeHidden(out, seed)) process.stdout.write(`${f}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
