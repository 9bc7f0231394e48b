/**
 * Synthetic "college" data set: the four staging tables of `datasets/college/staging`
 * (teacher, student, class, teaches) at any size, with the same kinds of mess in the
 * same proportions, deterministic for a seed. Node built-ins only.
 *
 * ## Proportions measured from datasets/college/staging (and reproduced here)
 *
 * teacher.csv — 13 rows `tid,instructor,dept`:
 *   name forms      First Last 2/13 ("Fares Fraij", "Shirley Cohen")
 *                   Prof. First Last 2/13 ("Prof. Sarah Abraham")
 *                   "Last, First" 4/13 ("Mitra, Shyamal" — quoted, it has a comma)
 *                   "LAST, FIRST" 2/13 ("MITRA, SHYAMAL")
 *                   FIRST LAST 2/13 ("PHILIP CANNATA")
 *                   first last 1/13 ("bill bulko")
 *   missing tid     1/13 (",Prof. Glenn Downing,CS")
 *   duplicate rows  2/13 (mitra and cannata appear twice, spelled differently;
 *                   11 distinct teachers in 13 rows)
 *                   (a duplicate always uses a form its teacher has not used yet)
 *   dept            CS 6/13, Computer Science 3/13, Math 2/13, Mathematics 2/13
 *                   (CS-side 9/13: "CS" 2/3 of those; Math-side 4/13: half each)
 * student.csv — 12 rows `sid,fname,lname,dob,status`:
 *   dob             YYYY-MM-DD 3/12, MM/DD/YYYY 6/12, Mon-DD-YYYY 3/12
 *   status          CUR 7/12, PRO 5/12
 *   roles           5/12 have classes, 2/12 appear in class.csv only with an empty row,
 *                   5/12 do not appear in class.csv at all
 * class.csv — 13 rows `sid,cno,cname,credits,grade`:
 *   no class        2/13 rows `sid,,,,` (aprilz, sudeepa4)
 *   duplicate       1/13 rows repeat the row before with credits 0 and an empty grade
 *   enrolments      10/13 rows; of those (and copied by their duplicate):
 *                   cno suffix " - Fall18"          2/10 (term drawn from Fall18, Spring18,
 *                                                        Fall19, Spring19, Summer19)
 *                   cname prefix "CS331E - "        2/10
 *                   cname prefix "CS327E – " (U+2013) 1/10
 *                   plain                           5/10
 *                   empty grade (in progress)       5/10
 *   credits         3 (0 on duplicates)
 * teaches.csv — 13 rows `tid,cno`: one row per teacher row, same tid (empty where the
 *   teacher row has none), a bare course number of the teacher's department.
 * Files use CRLF line endings (as the staging files do) unless `eol: "\n"`.
 *
 * ## Sizes
 *
 * `rows` is the number of class (enrolment) rows. The other tables scale with it
 * (see `collegeSizes`), each overridable:
 *   students = max(12, round(rows * 12/13))   (staging ratio 12 students : 13 class rows,
 *                                              so every empty-row student appears once and
 *                                              enrolled students have about 2 classes)
 *   teachers = max(13, ceil(rows / 50))       teacher rows (= teaches rows)
 *   courses  = max(10, round(teachers * 10/13)) (staging: 10 courses for 13 teacher rows);
 *              courses 0..9 are the real catalog (CS327E Elements of Databases, ...).
 *
 * Everything streams: rows come from generators, files are written in ~1 MB chunks, so
 * 5,000,000 rows never sit in memory.
 */
import * as fs from "node:fs";
import * as path from "node:path";

// ---------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: a tiny 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash (seed, stream, index) to a 32-bit seed: random access to entity i. */
function hash3(seed: number, stream: number, index: number): number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32((h ^ Math.imul(stream, 0xcc9e2d51)) >>> 0);
  h = fmix32((h + Math.imul(index >>> 0, 0x1b873593) + (Math.floor(index / 4294967296) | 0)) >>> 0);
  return h;
}

const STREAM = { student: 1, role: 2, teacher: 3, teacherRows: 4, teachesRows: 5, course: 6, classRows: 7 } as const;

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

/** A sampler for a weight table (keys drawn in proportion to their weights). */
function weighted<T extends string>(weights: Readonly<Record<T, number>>): (rng: Rng) => T {
  const keys = Object.keys(weights) as T[];
  const cum: number[] = [];
  let total = 0;
  for (const k of keys) cum.push((total += weights[k]));
  return (rng) => {
    const u = rng() * total;
    for (let i = 0; i < cum.length - 1; i++) if (u < cum[i]) return keys[i];
    return keys[keys.length - 1];
  };
}

// ---------------------------------------------------------------------------------------
// Proportions (counts out of the staging tables; see the header comment)
// ---------------------------------------------------------------------------------------

export type NameForm = "firstLast" | "prof" | "lastFirst" | "capsLastFirst" | "capsFirstLast" | "lower";
export type DobForm = "iso" | "slash" | "mon";

export const STAGING_PROPORTIONS = {
  teacher: {
    rows: 13,
    nameForms: { firstLast: 2, prof: 2, lastFirst: 4, capsLastFirst: 2, capsFirstLast: 2, lower: 1 } as Record<NameForm, number>,
    missingTid: 1,
    duplicate: 2,
    dept: { CS: 6, "Computer Science": 3, Math: 2, Mathematics: 2 } as Record<string, number>,
  },
  student: {
    rows: 12,
    dob: { iso: 3, slash: 6, mon: 3 } as Record<DobForm, number>,
    status: { CUR: 7, PRO: 5 } as Record<string, number>,
    roles: { enrolled: 5, emptyRow: 2, absent: 5 },
  },
  class: {
    rows: 13,
    noClass: 2,
    duplicateZeroCredits: 1,
    enrolments: 10,
    /** out of the 10 enrolments */
    ofEnrolments: { cnoSuffix: 2, cnamePrefixHyphen: 2, cnamePrefixEnDash: 1, plain: 5, emptyGrade: 5 },
  },
} as const;

const P = STAGING_PROPORTIONS;
const SAMPLE_DOB = weighted(P.student.dob);
const SAMPLE_STATUS = weighted(P.student.status);
/**
 * A duplicate row takes a name form its teacher has not used yet, which under-represents the
 * common forms among duplicates. First rows therefore draw from adjusted weights q, solved
 * (fixed point, at load) so that the marginal over all rows equals the staging counts:
 * (1-d) q_f + d * sum_{g != f} q_g q_f / (1 - q_g) = p_f, d = P(duplicate row).
 */
const ADJUSTED_NAME_FORMS: Record<NameForm, number> = (() => {
  const keys = Object.keys(P.teacher.nameForms) as NameForm[];
  const total = keys.reduce((t, k) => t + P.teacher.nameForms[k], 0);
  const p = keys.map((k) => P.teacher.nameForms[k] / total);
  const d = P.teacher.duplicate / P.teacher.rows;
  let q = p.slice();
  for (let it = 0; it < 100; it++) {
    const m = q.map((qf, f) => (1 - d) * qf + d * q.reduce((acc, qg, g) => (g === f ? acc : acc + (qg * qf) / (1 - qg)), 0));
    q = q.map((x, i) => (x * p[i]) / m[i]);
    const t = q.reduce((a, b) => a + b, 0);
    q = q.map((x) => x / t);
  }
  return Object.fromEntries(keys.map((k, i) => [k, q[i]])) as Record<NameForm, number>;
})();
const SAMPLE_FORM = weighted(ADJUSTED_NAME_FORMS);
/** P(duplicate | new enrolment): 1 duplicate per 10 enrolments. */
const P_DUP_AFTER_ENROLMENT = P.class.duplicateZeroCredits / P.class.enrolments;
/**
 * P(an empty row | a row that is not a duplicate): with q = this and d = P_DUP_AFTER_ENROLMENT,
 * empty share = q / (q + (1-q)(1+d)) = 2/13 gives q = 1/6.
 */
const P_EMPTY_EVENT = (() => {
  const e = P.class.noClass / P.class.rows;
  const d = P_DUP_AFTER_ENROLMENT;
  return (e * (1 + d)) / (1 + e * d);
})();
const P_TEACHER_DUP = P.teacher.duplicate / P.teacher.rows;
/** missing tid only on first rows of a teacher: 1/13 overall = (1/13)/(11/13) of those */
const P_TEACHER_MISSING = P.teacher.missingTid / (P.teacher.rows - P.teacher.duplicate);
const P_TEACHER_CS = (P.teacher.dept.CS + P.teacher.dept["Computer Science"]) / P.teacher.rows;
const P_CS_SPELLED_CS = P.teacher.dept.CS / (P.teacher.dept.CS + P.teacher.dept["Computer Science"]);
const P_MATH_SPELLED_MATH = P.teacher.dept.Math / (P.teacher.dept.Math + P.teacher.dept.Mathematics);

// ---------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------

const STUDENT_FIRST = [
  "Kevin", "Nathan", "Sudeepa", "Katie", "Jerry", "James", "David", "Ryan", "Paul", "April", "Nitin", "Biswa",
  "Maria", "Sofia", "Liam", "Olivia", "Noah", "Emma", "Ava", "Mia", "Ethan", "Lucas", "Amelia", "Harper",
  "Aiden", "Chloe", "Priya", "Arjun", "Wei", "Mei", "Hiroshi", "Yuki", "Fatima", "Omar", "Lena", "Jonas",
  "Elena", "Mateo", "Camila", "Diego", "Grace", "Henry", "Isabel", "Jack", "Kira", "Leo", "Nora", "Oscar",
  "Rosa", "Sam", "Tara", "Victor", "Zoe", "Anil", "Bianca", "Carlos", "Dana", "Farah", "Gita", "Ivan",
];
const STUDENT_LAST = [
  "Lin", "Anderson", "Roy", "Gomez", "Hargrove", "Cowe", "Chen", "Watson", "Gore", "Lopez", "Mogal", "Zen",
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Wilson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
  "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
  "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
  "Patel", "Kumar", "Singh", "Wang", "Zhang", "Kim", "Park",
];
const TEACHER_FIRST = [
  "Fares", "Sarah", "Shyamal", "Philip", "Shirley", "Bill", "Glenn", "Ngoc", "Peter", "Joe", "Hans",
  "Alison", "Brent", "Calvin", "Donna", "Edward", "Greta", "Helen", "Irene", "Karl", "Laura", "Monica",
  "Neil", "Ruth", "Simon", "Ursula", "Walter", "Yvonne",
];
const TEACHER_LAST = [
  "Fraij", "Abraham", "Mitra", "Cannata", "Cohen", "Bulko", "Downing", "Tran", "Mueller", "Neeman", "Koch",
  "Baxter", "Carver", "Dalton", "Ellison", "Fischer", "Gardner", "Hoffman", "Ingram", "Jensen", "Keller",
  "Lambert", "Morales", "Novak", "Ortega", "Porter", "Quinn", "Reyes",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const TERMS = ["Fall18", "Spring19", "Fall19", "Spring18", "Summer19"];
const GRADES = { A: 20, "A-": 18, "B+": 15, B: 14, "B-": 10, "C+": 8, C: 7, "C-": 3, D: 3, F: 2 };
const SAMPLE_GRADE = weighted(GRADES);
const CS_TOPICS = [
  "Databases", "Web Programming", "Networking", "Software Design", "Software Engineering", "Operating Systems",
  "Compilers", "Algorithms", "Data Structures", "Computer Graphics", "Machine Learning", "Data Management",
  "Computer Architecture", "Distributed Systems", "Computer Security", "Programming Languages", "Data Mining",
];
const MATH_TOPICS = [
  "Number Theory", "Probability", "Applied Statistics", "Linear Algebra", "Real Analysis", "Differential Equations",
  "Combinatorics", "Topology", "Abstract Algebra", "Numerical Analysis", "Discrete Mathematics", "Game Theory",
];
const COURSE_PREFIXES = ["Elements of", "Intro to", "Advanced", "Topics in", "Foundations of", ""];
const COURSE_LEVELS = ["", "", "", " I", " II"];

/** The ten real courses (normalized/class.csv, trailing pad removed). */
export const CATALOG: readonly Course[] = [
  { cno: "CS326E", cname: "Elements of Networking", credits: 3, dept: "CS" },
  { cno: "M328K", cname: "Intro to Number Theory", credits: 3, dept: "M" },
  { cno: "M362K", cname: "Probability I", credits: 3, dept: "M" },
  { cno: "CS347", cname: "Data Management", credits: 3, dept: "CS" },
  { cno: "CS329E", cname: "Elements of Web Programming", credits: 3, dept: "CS" },
  { cno: "CS373", cname: "Software Engineering", credits: 3, dept: "CS" },
  { cno: "CS313E", cname: "Elements of Software Design", credits: 3, dept: "CS" },
  { cno: "CS331E", cname: "Elements of Software Engineering", credits: 3, dept: "CS" },
  { cno: "M358K", cname: "Applied Statistics", credits: 3, dept: "M" },
  { cno: "CS327E", cname: "Elements of Databases", credits: 3, dept: "CS" },
];

// ---------------------------------------------------------------------------------------
// Sizes and options
// ---------------------------------------------------------------------------------------

export type CollegeTable = "teacher" | "student" | "class" | "teaches";
export const COLLEGE_TABLES: readonly CollegeTable[] = ["teacher", "student", "class", "teaches"];
export const HEADERS: Readonly<Record<CollegeTable, readonly string[]>> = {
  teacher: ["tid", "instructor", "dept"],
  student: ["sid", "fname", "lname", "dob", "status"],
  class: ["sid", "cno", "cname", "credits", "grade"],
  teaches: ["tid", "cno"],
};

export interface CollegeSizes {
  /** class.csv data rows (enrolments, duplicates and empty rows) */
  classRows: number;
  /** student.csv data rows (min 12) */
  students: number;
  /** teacher.csv and teaches.csv data rows (min 13) */
  teachers: number;
  /** distinct courses (min 10; the first 10 are the real catalog) */
  courses: number;
}

export interface CollegeOptions {
  /** number of class (enrolment) rows */
  rows: number;
  /** PRNG seed (uint32); default 42 */
  seed?: number;
  students?: number;
  teachers?: number;
  courses?: number;
  /** line ending; default "\r\n" like the staging files */
  eol?: "\n" | "\r\n";
}

export interface WriteCollegeOptions extends CollegeOptions {
  /** which tables to write; default all four */
  tables?: readonly CollegeTable[];
  /** bytes per write (at most); default 1 MiB */
  chunkSize?: number;
}

export interface WrittenFile {
  table: CollegeTable;
  path: string;
  /** data rows, header excluded */
  rows: number;
  bytes: number;
}

export interface WriteCollegeResult {
  dir: string;
  seed: number;
  sizes: CollegeSizes;
  files: WrittenFile[];
  ms: number;
}

export interface WriteTextLinesOptions {
  /** default "\n" */
  eol?: "\n" | "\r\n";
  chunkSize?: number;
}

export interface WriteTextLinesResult {
  path: string;
  lines: number;
  bytes: number;
  ms: number;
}

export const DEFAULT_SEED = 42;

function checkCount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}

/** Table sizes for `rows` class rows (see the header comment); overrides clamp to the minimums. */
export function collegeSizes(rows: number, overrides: Partial<Omit<CollegeSizes, "classRows">> = {}): CollegeSizes {
  checkCount("rows", rows);
  const students = Math.max(12, checkCount("students", overrides.students ?? Math.round((rows * 12) / 13)));
  const teachers = Math.max(13, checkCount("teachers", overrides.teachers ?? Math.ceil(rows / 50)));
  const courses = Math.max(10, checkCount("courses", overrides.courses ?? Math.round((teachers * 10) / 13)));
  return { classRows: rows, students, teachers, courses };
}

// ---------------------------------------------------------------------------------------
// Entities (random access by index)
// ---------------------------------------------------------------------------------------

export interface Course {
  cno: string;
  cname: string;
  credits: number;
  dept: "CS" | "M";
}

/** Course k (0-based). 0..9: the real catalog; then synthetic, unique course numbers. */
export function courseAt(seed: number, k: number): Course {
  if (k < CATALOG.length) return CATALOG[k];
  const rng = mulberry32(hash3(seed, STREAM.course, k));
  const cs = rng() < 0.7;
  const n = 400 + (k - CATALOG.length); // > every real number, unique per k
  const letter = cs ? pick(rng, ["E", "", "C", "H"]) : pick(rng, ["K", "", "C"]);
  const prefix = pick(rng, COURSE_PREFIXES);
  const topic = pick(rng, cs ? CS_TOPICS : MATH_TOPICS);
  const level = pick(rng, COURSE_LEVELS);
  return {
    cno: (cs ? "CS" : "M") + n + letter,
    cname: (prefix ? prefix + " " : "") + topic + level,
    credits: 3,
    dept: cs ? "CS" : "M",
  };
}

export type StudentRole = "enrolled" | "emptyRow" | "absent";
const ROLE_PATTERN: StudentRole[] = [
  ...Array<StudentRole>(P.student.roles.enrolled).fill("enrolled"),
  ...Array<StudentRole>(P.student.roles.emptyRow).fill("emptyRow"),
  ...Array<StudentRole>(P.student.roles.absent).fill("absent"),
];

/**
 * Roles come in blocks of 12 students: each block holds 5 enrolled, 2 empty-row and 5 absent
 * students, in a seeded order (an affine permutation p -> (a*p + b) mod 12, a a unit mod 12).
 */
const ROLE_UNITS = [1, 5, 7, 11];
function roleAt(seed: number, i: number): StudentRole {
  const n = ROLE_PATTERN.length;
  const h = hash3(seed, STREAM.role, Math.floor(i / n));
  const a = ROLE_UNITS[h & 3];
  const b = (h >>> 2) % n;
  return ROLE_PATTERN[(a * (i % n) + b) % n];
}

export function studentRole(seed: number, i: number): StudentRole {
  return roleAt(seed >>> 0, i);
}

export interface Student {
  sid: string;
  fname: string;
  lname: string;
  /** as written to the CSV (one of three formats) */
  dob: string;
  /** the same date as YYYY-MM-DD */
  dobIso: string;
  dobForm: DobForm;
  status: "CUR" | "PRO";
}

const pad2 = (n: number) => (n < 10 ? "0" + n : String(n));

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Draws the name and sid of student i (the first draws of its stream). */
function studentName(rng: Rng, i: number): { sid: string; fname: string; lname: string } {
  const fname = pick(rng, STUDENT_FIRST);
  const lname = pick(rng, STUDENT_LAST);
  const f = fname.toLowerCase();
  const l = lname.toLowerCase();
  // staging: kev18, natea, sudeepa4, kgomez9, jerryh, jc, dchen, ryan22, paulg, bzen26
  let stem: string;
  switch (Math.floor(rng() * 6)) {
    case 0: stem = f.slice(0, 3); break;
    case 1: stem = f.slice(0, 4) + l[0]; break;
    case 2: stem = f; break;
    case 3: stem = f[0] + l; break;
    case 4: stem = f + l[0]; break;
    default: stem = f[0] + l[0];
  }
  return { sid: stem + i, fname, lname };
}

/** The sid of student i (cheaper than studentAt(seed, i).sid). */
export function studentSid(seed: number, i: number): string {
  return studentName(mulberry32(hash3(seed, STREAM.student, i)), i).sid;
}

/** Student i (0-based). sids are a letters-only stem plus i, so they are unique. */
export function studentAt(seed: number, i: number): Student {
  const rng = mulberry32(hash3(seed, STREAM.student, i));
  const { sid, fname, lname } = studentName(rng, i);
  const year = 1996 + Math.floor(rng() * 8);
  const month = 1 + Math.floor(rng() * 12);
  const dim = month === 2 && year % 4 === 0 ? 29 : DAYS_IN_MONTH[month - 1]; // 1996..2003: % 4 suffices
  const day = 1 + Math.floor(rng() * dim);
  const dobForm = SAMPLE_DOB(rng);
  const mm = pad2(month);
  const dd = pad2(day);
  const dob =
    dobForm === "iso" ? `${year}-${mm}-${dd}` : dobForm === "slash" ? `${mm}/${dd}/${year}` : `${MONTHS[month - 1]}-${dd}-${year}`;
  const status = SAMPLE_STATUS(rng) as "CUR" | "PRO";
  return { sid, fname, lname, dob, dobIso: `${year}-${mm}-${dd}`, dobForm, status };
}

export interface Teacher {
  tid: string;
  first: string;
  last: string;
  dept: "CS" | "M";
}

/** Distinct teacher d (0-based). tids are a letters-only stem plus d, so they are unique. */
export function teacherAt(seed: number, d: number): Teacher {
  const rng = mulberry32(hash3(seed, STREAM.teacher, d));
  const first = pick(rng, TEACHER_FIRST);
  const last = pick(rng, TEACHER_LAST);
  // staging: mitra (last), fares (first), scohen (initial + last)
  const l = last.toLowerCase();
  const stem = pick(rng, [l, l, l, first.toLowerCase(), first[0].toLowerCase() + l]);
  return { tid: stem + d, first, last, dept: rng() < P_TEACHER_CS ? "CS" : "M" };
}

export function formatInstructor(t: { first: string; last: string }, form: NameForm): string {
  switch (form) {
    case "firstLast":
      return `${t.first} ${t.last}`;
    case "prof":
      return `Prof. ${t.first} ${t.last}`;
    case "lastFirst":
      return `${t.last}, ${t.first}`;
    case "capsLastFirst":
      return `${t.last}, ${t.first}`.toUpperCase();
    case "capsFirstLast":
      return `${t.first} ${t.last}`.toUpperCase();
    case "lower":
      return `${t.first} ${t.last}`.toLowerCase();
  }
}

const NAME_FORMS = Object.keys(P.teacher.nameForms) as NameForm[];

// ---------------------------------------------------------------------------------------
// Row generators (string[] per row, header not included)
// ---------------------------------------------------------------------------------------

/**
 * Teacher rows and their teaches rows, in one pass (teaches row r belongs to teacher row r).
 * Teacher rows do not depend on `courses`.
 */
function* teacherProcess(n: number, seed: number, courses: number): Generator<[string[], string[]]> {
  checkCount("n", n);
  const rng = mulberry32(hash3(seed, STREAM.teacherRows, 0));
  const crng = mulberry32(hash3(seed, STREAM.teachesRows, 0));
  // recent teachers (with a tid) that can be repeated: index and the name forms used so far
  const ring: { d: number; used: number }[] = [];
  const courseCache: Course[] = [];
  const course = (k: number) => courseCache[k] ?? (courseCache[k] = courseAt(seed, k));
  let d = 0;
  for (let r = 0; r < n; r++) {
    let t: Teacher;
    let tid: string;
    let form: NameForm;
    const dupCandidates = ring.filter((e) => e.used !== (1 << NAME_FORMS.length) - 1);
    if (rng() < P_TEACHER_DUP && dupCandidates.length > 0) {
      const e = dupCandidates[Math.floor(rng() * dupCandidates.length)];
      t = teacherAt(seed, e.d);
      tid = t.tid;
      do form = SAMPLE_FORM(rng);
      while (e.used & (1 << NAME_FORMS.indexOf(form)));
      e.used |= 1 << NAME_FORMS.indexOf(form);
    } else {
      t = teacherAt(seed, d);
      form = SAMPLE_FORM(rng);
      tid = rng() < P_TEACHER_MISSING ? "" : t.tid;
      if (tid !== "") {
        ring.push({ d, used: 1 << NAME_FORMS.indexOf(form) });
        if (ring.length > 4) ring.shift();
      }
      d++;
    }
    const dept =
      t.dept === "CS"
        ? rng() < P_CS_SPELLED_CS ? "CS" : "Computer Science"
        : rng() < P_MATH_SPELLED_MATH ? "Math" : "Mathematics";
    let c: Course;
    do c = course(Math.floor(crng() * courses));
    while (c.dept !== t.dept);
    yield [[tid, formatInstructor(t, form), dept], [tid, c.cno]];
  }
}

const defaultCourses = (teacherRows: number) => Math.max(10, Math.round((Math.max(13, teacherRows) * 10) / 13));

/** n teacher rows `tid,instructor,dept`. */
export function* teacherRows(n: number, seed: number = DEFAULT_SEED): Generator<string[]> {
  for (const [t] of teacherProcess(n, seed, 10)) yield t;
}

/** n teaches rows `tid,cno`, row r matching teacherRows(n, seed) row r. */
export function* teachesRows(n: number, seed: number = DEFAULT_SEED, courses: number = defaultCourses(n)): Generator<string[]> {
  for (const [, t] of teacherProcess(n, seed, Math.max(10, courses))) yield t;
}

/** n student rows `sid,fname,lname,dob,status`. */
export function* studentRows(n: number, seed: number = DEFAULT_SEED): Generator<string[]> {
  checkCount("n", n);
  for (let i = 0; i < n; i++) {
    const s = studentAt(seed, i);
    yield [s.sid, s.fname, s.lname, s.dob, s.status];
  }
}

/**
 * n class rows `sid,cno,cname,credits,grade`, referring to students 0..students-1 and
 * courses 0..courses-1 (defaults from collegeSizes(n)).
 */
export function* classRows(
  n: number,
  seed: number = DEFAULT_SEED,
  opts: { students?: number; courses?: number } = {},
): Generator<string[]> {
  const sizes = collegeSizes(n, opts);
  const S = sizes.students;
  const C = sizes.courses;
  const rng = mulberry32(hash3(seed, STREAM.classRows, 0));
  const courseCache: Course[] = [];
  const course = (k: number) => courseCache[k] ?? (courseCache[k] = courseAt(seed, k));
  let emptyCursor = 0;
  let pending: string[] | null = null;
  const sidOf = (i: number) => studentSid(seed, i);
  for (let produced = 0; produced < n; produced++) {
    if (pending) {
      yield pending;
      pending = null;
      continue;
    }
    if (rng() < P_EMPTY_EVENT) {
      // next student whose role is "emptyRow" (each once, wrapping around if there are more rows)
      let i = emptyCursor;
      for (let k = 0; k < S && roleAt(seed, i) !== "emptyRow"; k++) i = (i + 1) % S;
      emptyCursor = (i + 1) % S;
      yield [sidOf(i), "", "", "", ""];
      continue;
    }
    let i: number;
    do i = Math.floor(rng() * S);
    while (roleAt(seed, i) !== "enrolled");
    const c = course(Math.floor(rng() * C));
    let cno = c.cno;
    let cname = c.cname;
    const v = rng() * P.class.enrolments;
    const o = P.class.ofEnrolments;
    if (v < o.cnoSuffix) cno = `${cno} - ${pick(rng, TERMS)}`;
    else if (v < o.cnoSuffix + o.cnamePrefixHyphen) cname = `${c.cno} - ${cname}`;
    else if (v < o.cnoSuffix + o.cnamePrefixHyphen + o.cnamePrefixEnDash) cname = `${c.cno} \u2013 ${cname}`;
    const grade = rng() * P.class.enrolments < o.emptyGrade ? "" : SAMPLE_GRADE(rng);
    const sid = sidOf(i);
    if (rng() < P_DUP_AFTER_ENROLMENT) pending = [sid, cno, cname, "0", ""];
    yield [sid, cno, cname, String(c.credits), grade];
  }
}

/** The rows of one table for the given sizes. */
export function tableRows(table: CollegeTable, sizes: CollegeSizes, seed: number = DEFAULT_SEED): Generator<string[]> {
  switch (table) {
    case "teacher":
      return teacherRows(sizes.teachers, seed);
    case "teaches":
      return teachesRows(sizes.teachers, seed, sizes.courses);
    case "student":
      return studentRows(sizes.students, seed);
    case "class":
      return classRows(sizes.classRows, seed, { students: sizes.students, courses: sizes.courses });
  }
}

// ---------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field: quoted (with "" for ") when it holds a comma, quote, CR or LF. */
export function csvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: readonly string[]): string {
  let out = csvField(fields[0] ?? "");
  for (let i = 1; i < fields.length; i++) out += "," + csvField(fields[i]);
  return out;
}

/**
 * UTF-8 CSV in Buffers of at most about chunkSize bytes (each a fresh Buffer), counting data
 * rows into `counter.rows`. Lines are written straight into the Buffer: no long strings.
 */
export function* csvChunks(
  header: readonly string[] | null,
  rows: Iterable<readonly string[]>,
  eol: string = "\r\n",
  chunkSize: number = 1 << 20,
  counter: { rows: number } = { rows: 0 },
): Generator<Buffer> {
  const size = Math.max(1024, chunkSize | 0);
  let buf = Buffer.allocUnsafe(size);
  let off = 0;
  const put = function* (line: string): Generator<Buffer> {
    // a UTF-16 code unit is at most 3 UTF-8 bytes
    if (off + line.length * 3 > size) {
      if (off > 0) {
        yield buf.subarray(0, off);
        buf = Buffer.allocUnsafe(size);
        off = 0;
      }
      if (line.length * 3 > size) {
        yield Buffer.from(line, "utf8");
        return;
      }
    }
    off += buf.write(line, off, "utf8");
  };
  if (header) yield* put(csvLine(header) + eol);
  for (const row of rows) {
    const line = csvLine(row) + eol;
    counter.rows++;
    if (off + line.length * 3 <= size) off += buf.write(line, off, "utf8");
    else yield* put(line);
  }
  if (off > 0) yield buf.subarray(0, off);
}

function writeChunksSync(file: string, chunks: Iterable<Uint8Array>): number {
  const fd = fs.openSync(file, "w");
  let bytes = 0;
  try {
    for (const b of chunks) {
      let off = 0;
      while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
      bytes += b.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

async function writeChunks(file: string, chunks: Iterable<Uint8Array>): Promise<number> {
  const fh = await fs.promises.open(file, "w");
  let bytes = 0;
  try {
    for (const b of chunks) {
      let off = 0;
      while (off < b.length) off += (await fh.write(b, off, b.length - off)).bytesWritten;
      bytes += b.length;
    }
  } finally {
    await fh.close();
  }
  return bytes;
}

function resolveOptions(opts: CollegeOptions) {
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const sizes = collegeSizes(opts.rows, { students: opts.students, teachers: opts.teachers, courses: opts.courses });
  const eol = opts.eol ?? "\r\n";
  return { seed, sizes, eol };
}

function tablesOf(opts: WriteCollegeOptions): CollegeTable[] {
  const tables = opts.tables ?? COLLEGE_TABLES;
  for (const t of tables) if (!COLLEGE_TABLES.includes(t)) throw new Error(`unknown table ${JSON.stringify(t)}`);
  return [...new Set(tables)];
}

// ---------------------------------------------------------------------------------------
// Public writers
// ---------------------------------------------------------------------------------------

/** The four tables as CSV strings (header + rows). In memory: for small sizes only. */
export function generateCollege(opts: CollegeOptions): Record<CollegeTable, string> {
  const { seed, sizes, eol } = resolveOptions(opts);
  const out = {} as Record<CollegeTable, string>;
  for (const t of COLLEGE_TABLES) out[t] = Buffer.concat([...csvChunks(HEADERS[t], tableRows(t, sizes, seed), eol)]).toString("utf8");
  return out;
}

/** Write `<dir>/<table>.csv` for each table, streaming in chunks (synchronous writes). */
export function writeCollegeSync(dir: string, opts: WriteCollegeOptions): WriteCollegeResult {
  const t0 = performance.now();
  const { seed, sizes, eol } = resolveOptions(opts);
  fs.mkdirSync(dir, { recursive: true });
  const files: WrittenFile[] = [];
  for (const table of tablesOf(opts)) {
    const file = path.join(dir, `${table}.csv`);
    const counter = { rows: 0 };
    const bytes = writeChunksSync(file, csvChunks(HEADERS[table], tableRows(table, sizes, seed), eol, opts.chunkSize, counter));
    files.push({ table, path: file, rows: counter.rows, bytes });
  }
  return { dir, seed, sizes, files, ms: performance.now() - t0 };
}

/** Same files as writeCollegeSync, written with awaited FileHandle writes (one chunk in flight). */
export async function writeCollege(dir: string, opts: WriteCollegeOptions): Promise<WriteCollegeResult> {
  const t0 = performance.now();
  const { seed, sizes, eol } = resolveOptions(opts);
  await fs.promises.mkdir(dir, { recursive: true });
  const files: WrittenFile[] = [];
  for (const table of tablesOf(opts)) {
    const file = path.join(dir, `${table}.csv`);
    const counter = { rows: 0 };
    const bytes = await writeChunks(file, csvChunks(HEADERS[table], tableRows(table, sizes, seed), eol, opts.chunkSize, counter));
    files.push({ table, path: file, rows: counter.rows, bytes });
  }
  return { dir, seed, sizes, files, ms: performance.now() - t0 };
}

/** n messy class-like text lines (CSV class rows, no header), e.g. for a ReadFromText benchmark. */
export function textLines(n: number, seed: number = DEFAULT_SEED): Generator<string[]> {
  return classRows(n, seed);
}

/** Write n text lines (each a CSV class row, no header) to `file`, streaming. */
export function writeTextLines(file: string, n: number, seed: number = DEFAULT_SEED, opts: WriteTextLinesOptions = {}): WriteTextLinesResult {
  const t0 = performance.now();
  checkCount("n", n);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const counter = { rows: 0 };
  const bytes = writeChunksSync(file, csvChunks(null, textLines(n, seed >>> 0), opts.eol ?? "\n", opts.chunkSize, counter));
  return { path: file, lines: counter.rows, bytes, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------

const USAGE = `usage: node dist/datasets/generate.js --out DIR [--rows N] [--seed S] [options]
       node dist/datasets/generate.js --lines N --out FILE [--seed S] [--eol lf|crlf]

Writes teacher.csv, student.csv, class.csv, teaches.csv (the college staging tables,
messy like datasets/college/staging) to DIR. With --lines, writes N class-like CSV
lines (no header) to FILE instead.

  --rows N        class rows (default 1000); other tables scale with it
  --seed S        uint32 seed (default ${DEFAULT_SEED})
  --out PATH      output directory (or file with --lines)
  --tables LIST   comma-separated subset of teacher,student,class,teaches
  --students N    student rows (default max(12, round(rows*12/13)))
  --teachers N    teacher/teaches rows (default max(13, ceil(rows/50)))
  --courses N     distinct courses (default max(10, round(teachers*10/13)))
  --eol lf|crlf   line ending (default crlf for tables, lf for --lines)
  --lines N       text-lines mode
  --quiet         no summary
`;

export function main(argv: string[] = process.argv.slice(2)): number {
  const args: Record<string, string> = {};
  const flags = new Set(["quiet", "help"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      process.stderr.write(`unexpected argument ${a}\n${USAGE}`);
      return 2;
    }
    const eq = a.indexOf("=");
    const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (eq >= 0) args[key] = a.slice(eq + 1);
    else if (flags.has(key)) args[key] = "true";
    else if (i + 1 < argv.length) args[key] = argv[++i];
    else {
      process.stderr.write(`missing value for ${a}\n${USAGE}`);
      return 2;
    }
  }
  const known = new Set(["rows", "seed", "out", "tables", "students", "teachers", "courses", "eol", "lines", "quiet", "help"]);
  for (const k of Object.keys(args)) {
    if (!known.has(k)) {
      process.stderr.write(`unknown option --${k}\n${USAGE}`);
      return 2;
    }
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const int = (k: string): number | undefined => {
    if (args[k] === undefined) return undefined;
    const s = args[k].replace(/_/g, "");
    const v = /^\d+(e\d+)?$/i.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(v)) throw new RangeError(`--${k} must be a non-negative integer, got ${args[k]}`);
    return v;
  };
  try {
    if (!args.out) {
      process.stderr.write(`--out is required\n${USAGE}`);
      return 2;
    }
    if (args.eol !== undefined && args.eol !== "lf" && args.eol !== "crlf") throw new Error(`--eol must be lf or crlf`);
    const eol = args.eol === undefined ? undefined : args.eol === "lf" ? "\n" : "\r\n";
    const seed = int("seed") ?? DEFAULT_SEED;
    const quiet = args.quiet === "true";
    const lines = int("lines");
    if (lines !== undefined) {
      const r = writeTextLines(args.out, lines, seed, { eol });
      if (!quiet) process.stdout.write(`${r.path}: ${r.lines} lines, ${r.bytes} bytes, ${(r.ms / 1000).toFixed(2)} s\n`);
      return 0;
    }
    const tables = args.tables?.split(",").map((s) => s.trim()).filter(Boolean) as CollegeTable[] | undefined;
    const r = writeCollegeSync(args.out, {
      rows: int("rows") ?? 1000,
      seed,
      students: int("students"),
      teachers: int("teachers"),
      courses: int("courses"),
      eol,
      tables,
    });
    if (!quiet) {
      for (const f of r.files) process.stdout.write(`${f.path}: ${f.rows} rows, ${f.bytes} bytes\n`);
      process.stdout.write(`seed ${r.seed}, ${r.sizes.courses} courses, ${(r.ms / 1000).toFixed(2)} s\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main();
