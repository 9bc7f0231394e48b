import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import {
  CATALOG,
  COLLEGE_TABLES,
  HEADERS,
  STAGING_PROPORTIONS as P,
  classRows,
  collegeSizes,
  csvLine,
  generateCollege,
  mulberry32,
  studentAt,
  studentRole,
  studentRows,
  teacherRows,
  teachesRows,
  writeCollege,
  writeCollegeSync,
  writeTextLines,
} from "../../datasets/generate";

// compiled to dist/test/datasets/: the repo root is ../../.. (fall back to the cwd)
function repoRoot(): string {
  for (const c of [path.resolve(__dirname, "../../.."), process.cwd()]) {
    if (fs.existsSync(path.join(c, "datasets", "college", "staging", "teacher.csv"))) return c;
  }
  throw new Error(`datasets/college not found from ${__dirname} or ${process.cwd()}`);
}

const N = 20_000;
const SEED = 7;

function tmpDir(t: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `beamlab-gen-${t}-`));
}

function records(csv: string): string[][] {
  return parse(csv, { relax_column_count: false, bom: false }) as string[][];
}

/** Within max(abs, 4 standard errors) of the expected proportion. */
function near(label: string, count: number, total: number, expected: number, abs = 0.015): void {
  const actual = count / total;
  const tol = Math.max(abs, 4 * Math.sqrt((expected * (1 - expected)) / total));
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${label}: ${count}/${total} = ${actual.toFixed(4)}, expected ${expected.toFixed(4)} ± ${tol.toFixed(4)}`,
  );
}

const gen = generateCollege({ rows: N, seed: SEED });
const sizes = collegeSizes(N);
const parsed = Object.fromEntries(COLLEGE_TABLES.map((t) => [t, records(gen[t])])) as Record<(typeof COLLEGE_TABLES)[number], string[][]>;

test("mulberry32 is deterministic and uniform-ish", () => {
  const a = mulberry32(1);
  const b = mulberry32(1);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
  assert.notEqual(mulberry32(1)(), mulberry32(2)());
});

test("sizes scale with rows and respect the minimums", () => {
  assert.deepEqual(collegeSizes(13), { classRows: 13, students: 12, teachers: 13, courses: 10 });
  assert.deepEqual(collegeSizes(0), { classRows: 0, students: 12, teachers: 13, courses: 10 });
  assert.deepEqual(collegeSizes(1_000_000), { classRows: 1_000_000, students: 923_077, teachers: 20_000, courses: 15_385 });
  assert.deepEqual(collegeSizes(100, { students: 3, teachers: 500, courses: 7 }), { classRows: 100, students: 12, teachers: 500, courses: 10 });
  assert.throws(() => collegeSizes(-1), RangeError);
  assert.throws(() => collegeSizes(1.5), RangeError);
});

test("row counts and headers", () => {
  assert.deepEqual(parsed.class[0], HEADERS.class);
  assert.deepEqual(parsed.student[0], HEADERS.student);
  assert.deepEqual(parsed.teacher[0], HEADERS.teacher);
  assert.deepEqual(parsed.teaches[0], HEADERS.teaches);
  assert.equal(parsed.class.length - 1, N);
  assert.equal(parsed.student.length - 1, sizes.students);
  assert.equal(parsed.teacher.length - 1, sizes.teachers);
  assert.equal(parsed.teaches.length - 1, sizes.teachers);
  for (const t of COLLEGE_TABLES) for (const r of parsed[t]) assert.equal(r.length, HEADERS[t].length);
  assert.equal([...classRows(0, 1)].length, 0);
  assert.equal([...classRows(1, 1)].length, 1);
  assert.equal([...teacherRows(3, 1)].length, 3);
  assert.equal([...studentRows(5, 1)].length, 5);
});

test("deterministic: same seed gives identical bytes, another seed differs", async () => {
  const d1 = tmpDir("a");
  const d2 = tmpDir("b");
  const d3 = tmpDir("c");
  const d4 = tmpDir("d");
  try {
    const r1 = writeCollegeSync(d1, { rows: 5000, seed: 99 });
    writeCollegeSync(d2, { rows: 5000, seed: 99, chunkSize: 1024 }); // chunking does not matter
    await writeCollege(d3, { rows: 5000, seed: 99 }); // neither does the async writer
    writeCollegeSync(d4, { rows: 5000, seed: 100 });
    const again = generateCollege({ rows: 5000, seed: 99 });
    for (const f of r1.files) {
      const a = fs.readFileSync(f.path);
      assert.equal(a.length, f.bytes);
      assert.equal(records(a.toString("utf8")).length - 1, f.rows);
      assert.ok(a.equals(fs.readFileSync(path.join(d2, `${f.table}.csv`))), `${f.table}: chunked`);
      assert.ok(a.equals(fs.readFileSync(path.join(d3, `${f.table}.csv`))), `${f.table}: async`);
      assert.equal(a.toString("utf8"), again[f.table], `${f.table}: generateCollege`);
      assert.ok(!a.equals(fs.readFileSync(path.join(d4, `${f.table}.csv`))), `${f.table}: other seed`);
    }
    assert.deepEqual(r1.files.map((f) => f.table), ["teacher", "student", "class", "teaches"]);
    const only = writeCollegeSync(tmpDir("e"), { rows: 10, seed: 1, tables: ["class", "student"] });
    assert.deepEqual(fs.readdirSync(only.dir).sort(), ["class.csv", "student.csv"]);
    fs.rmSync(only.dir, { recursive: true });
    assert.throws(() => writeCollegeSync(d1, { rows: 1, tables: ["nope" as never] }));
  } finally {
    for (const d of [d1, d2, d3, d4]) fs.rmSync(d, { recursive: true, force: true });
  }
});

test("CSV is valid: quoting round-trips, CRLF by default, LF on request", () => {
  const rows = [...teacherRows(sizes.teachers, SEED)];
  assert.deepEqual(parsed.teacher.slice(1), rows);
  assert.deepEqual(parsed.student.slice(1), [...studentRows(sizes.students, SEED)]);
  assert.deepEqual(parsed.class.slice(1), [...classRows(N, SEED)]);
  assert.ok(rows.some((r) => r[1].includes(",")), "some instructor has a comma");
  assert.match(gen.teacher, /"[^"]*, [^"]*"/);
  assert.ok(gen.class.endsWith("\r\n"));
  assert.equal(gen.class.split("\r\n").length - 1, N + 1);
  const lf = generateCollege({ rows: 50, seed: SEED, eol: "\n" });
  assert.ok(!lf.class.includes("\r"));
  assert.equal(lf.class, generateCollege({ rows: 50, seed: SEED }).class.replace(/\r\n/g, "\n"));
  assert.equal(csvLine(['a"b', "c,d", "e\nf", "g"]), '"a""b","c,d","e\nf",g');
  assert.deepEqual(records(csvLine(['a"b', "c,d", "e\r\nf", ""]) + "\r\n"), [['a"b', "c,d", "e\r\nf", ""]]);
});

test("teacher mess in the staging proportions", () => {
  const T = 26_000;
  const rows = [...teacherRows(T, SEED)];
  const forms = { firstLast: 0, prof: 0, lastFirst: 0, capsLastFirst: 0, capsFirstLast: 0, lower: 0 };
  for (const [, name] of rows) {
    if (/^Prof\. [A-Z][a-z]+ [A-Z][a-z]+$/.test(name)) forms.prof++;
    else if (/^[A-Z][a-z]+, [A-Z][a-z]+$/.test(name)) forms.lastFirst++;
    else if (/^[A-Z]+, [A-Z]+$/.test(name)) forms.capsLastFirst++;
    else if (/^[A-Z]+ [A-Z]+$/.test(name)) forms.capsFirstLast++;
    else if (/^[a-z]+ [a-z]+$/.test(name)) forms.lower++;
    else if (/^[A-Z][a-z]+ [A-Z][a-z]+$/.test(name)) forms.firstLast++;
    else assert.fail(`unexpected instructor ${JSON.stringify(name)}`);
  }
  for (const [k, v] of Object.entries(forms)) near(`form ${k}`, v, T, P.teacher.nameForms[k as keyof typeof forms] / 13);

  const depts: Record<string, number> = {};
  for (const r of rows) depts[r[2]] = (depts[r[2]] ?? 0) + 1;
  assert.deepEqual(Object.keys(depts).sort(), ["CS", "Computer Science", "Math", "Mathematics"]);
  for (const [k, v] of Object.entries(depts)) near(`dept ${k}`, v, T, P.teacher.dept[k] / 13);

  const missing = rows.filter((r) => r[0] === "").length;
  near("missing tid", missing, T, P.teacher.missingTid / 13);

  // duplicates: a tid seen again, always spelled differently, always the same person
  const byTid = new Map<string, string[][]>();
  for (const r of rows) if (r[0] !== "") byTid.set(r[0], [...(byTid.get(r[0]) ?? []), r]);
  const dups = rows.length - missing - byTid.size;
  near("duplicate rows", dups, T, P.teacher.duplicate / 13);
  const person = (s: string) => {
    const n = s.replace(/^Prof\. /, "").toLowerCase();
    const [a, b] = n.includes(", ") ? n.split(", ").reverse() : n.split(" ");
    return `${a} ${b}`;
  };
  const side = (d: string) => (d.startsWith("C") ? "CS" : "M");
  for (const [tid, rs] of byTid) {
    if (rs.length < 2) continue;
    assert.equal(new Set(rs.map((r) => r[1])).size, rs.length, `${tid} spelled differently each time`);
    assert.equal(new Set(rs.map((r) => person(r[1]))).size, 1, `${tid} is one person`);
    assert.equal(new Set(rs.map((r) => side(r[2]))).size, 1, `${tid} is in one department`);
  }
});

test("teaches: one row per teacher row, a course of the teacher's department", () => {
  const T = 5000;
  const courses = 3000;
  const teachers = [...teacherRows(T, SEED)];
  const teaches = [...teachesRows(T, SEED, courses)];
  assert.equal(teaches.length, T);
  for (let i = 0; i < T; i++) {
    assert.equal(teaches[i][0], teachers[i][0]);
    const cs = teachers[i][2] === "CS" || teachers[i][2] === "Computer Science";
    assert.match(teaches[i][1], cs ? /^CS\d+[A-Z]?$/ : /^M\d+[A-Z]?$/);
  }
  assert.equal(teaches.filter((r) => r[0] === "").length, teachers.filter((r) => r[0] === "").length);
  // the generated teaches table matches the row generator with the default sizes
  assert.deepEqual(parsed.teaches.slice(1), [...teachesRows(sizes.teachers, SEED, sizes.courses)]);
});

test("student mess in the staging proportions", () => {
  const rows = parsed.student.slice(1);
  const S = rows.length;
  let iso = 0;
  let slash = 0;
  let mon = 0;
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  for (const [sid, fname, lname, dob, status] of rows) {
    assert.match(sid, /^[a-z]+\d+$/);
    assert.match(fname, /^[A-Z][a-z]+$/);
    assert.match(lname, /^[A-Z][a-z]+$/);
    assert.ok(status === "CUR" || status === "PRO", status);
    let y: number, m: number, d: number;
    let g: RegExpMatchArray | null;
    if ((g = dob.match(/^(\d{4})-(\d\d)-(\d\d)$/))) [y, m, d] = [+g[1], +g[2], +g[3]], iso++;
    else if ((g = dob.match(/^(\d\d)\/(\d\d)\/(\d{4})$/))) [y, m, d] = [+g[3], +g[1], +g[2]], slash++;
    else if ((g = dob.match(/^([A-Z][a-z]{2})-(\d\d)-(\d{4})$/))) [y, m, d] = [+g[3], months.indexOf(g[1]) + 1, +g[2]], mon++;
    else assert.fail(`bad dob ${dob}`);
    const dt = new Date(Date.UTC(y, m - 1, d));
    assert.ok(m >= 1 && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d, `valid date ${dob}`);
    assert.ok(y >= 1990 && y <= 2010);
  }
  assert.equal(new Set(rows.map((r) => r[0])).size, S, "sids are unique");
  near("dob YYYY-MM-DD", iso, S, P.student.dob.iso / 12);
  near("dob MM/DD/YYYY", slash, S, P.student.dob.slash / 12);
  near("dob Mon-DD-YYYY", mon, S, P.student.dob.mon / 12);
  near("status CUR", rows.filter((r) => r[4] === "CUR").length, S, P.student.status.CUR / 12);
  const s = studentAt(SEED, 3);
  assert.deepEqual(rows[3], [s.sid, s.fname, s.lname, s.dob, s.status]);
});

test("class mess in the staging proportions", () => {
  const rows = parsed.class.slice(1);
  const students = new Map(parsed.student.slice(1).map((r, i) => [r[0], i]));
  const realCnos = new Set(CATALOG.map((c) => c.cno));
  let empty = 0;
  let dup = 0;
  let suffix = 0;
  let hyphen = 0;
  let endash = 0;
  let enrol = 0;
  let emptyGrade = 0;
  const enrolledSids = new Set<string>();
  const emptySids = new Set<string>();
  const byCno = new Map<string, string>();
  for (let k = 0; k < rows.length; k++) {
    const [sid, cno, cname, credits, grade] = rows[k];
    const i = students.get(sid);
    assert.ok(i !== undefined, `class sid ${sid} is a student`);
    if (cno === "") {
      assert.deepEqual([cname, credits, grade], ["", "", ""]);
      assert.equal(studentRole(SEED, i), "emptyRow");
      emptySids.add(sid);
      empty++;
      continue;
    }
    assert.equal(studentRole(SEED, i), "enrolled");
    enrolledSids.add(sid);
    if (credits === "0") {
      dup++;
      assert.deepEqual(rows[k - 1].slice(0, 3), [sid, cno, cname], "a duplicate repeats the row before");
      assert.equal(grade, "");
      continue;
    }
    assert.equal(credits, "3");
    enrol++;
    if (grade === "") emptyGrade++;
    else assert.match(grade, /^([A-D][+-]?|F)$/);
    const m = cno.match(/^((?:CS|M)\d+[A-Z]?)(?: - (Fall|Spring|Summer)\d\d)?$/);
    assert.ok(m, `cno ${cno}`);
    const bare = m[1];
    if (m[2]) suffix++;
    let name = cname;
    if (cname.startsWith(`${bare} - `)) hyphen++, (name = cname.slice(bare.length + 3));
    else if (cname.startsWith(`${bare} \u2013 `)) endash++, (name = cname.slice(bare.length + 3));
    assert.ok(!(m[2] && name !== cname), "a row has a cno suffix or a cname prefix, not both");
    const seen = byCno.get(bare);
    if (seen !== undefined) assert.equal(seen, name, `${bare} has one name`);
    byCno.set(bare, name);
  }
  const total = rows.length;
  near("no-class rows", empty, total, P.class.noClass / 13);
  near("duplicate rows with credits 0", dup, total, P.class.duplicateZeroCredits / 13);
  near("enrolments", enrol, total, P.class.enrolments / 13);
  const o = P.class.ofEnrolments;
  near("cno suffix", suffix, enrol, o.cnoSuffix / 10);
  near("cname prefix -", hyphen, enrol, o.cnamePrefixHyphen / 10);
  near("cname prefix \u2013", endash, enrol, o.cnamePrefixEnDash / 10);
  near("empty grade", emptyGrade, enrol, o.emptyGrade / 10);
  // students with no class: in class.csv only with empty rows, each such student once here
  for (const s of emptySids) assert.ok(!enrolledSids.has(s));
  let pool = 0;
  for (let i = 0; i < sizes.students; i++) if (studentRole(SEED, i) === "emptyRow") pool++;
  near("empty-row students", pool, sizes.students, P.student.roles.emptyRow / 12, 0.002);
  assert.equal(emptySids.size, Math.min(empty, pool), "no empty-row student repeats before all have appeared");
  assert.ok([...byCno.keys()].some((c) => realCnos.has(c)), "the real catalog shows up");
  assert.equal(byCno.get("CS327E"), "Elements of Databases");
});

test("writeTextLines: n class-like lines, deterministic", () => {
  const d = tmpDir("lines");
  try {
    const a = writeTextLines(path.join(d, "a.txt"), 10_000, 5);
    const b = writeTextLines(path.join(d, "sub", "b.txt"), 10_000, 5);
    const c = writeTextLines(path.join(d, "c.txt"), 10_000, 6);
    assert.equal(a.lines, 10_000);
    const ta = fs.readFileSync(a.path, "utf8");
    assert.equal(ta, fs.readFileSync(b.path, "utf8"));
    assert.notEqual(ta, fs.readFileSync(c.path, "utf8"));
    assert.equal(Buffer.byteLength(ta), a.bytes);
    const lines = ta.split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 10_000);
    assert.ok(!ta.includes("\r"));
    assert.deepEqual(records(ta), [...classRows(10_000, 5)]);
    assert.ok(lines.some((l) => l.endsWith(",,,,")));
    assert.equal(writeTextLines(path.join(d, "z.txt"), 0, 5).bytes, 0);
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test("datasets/college holds the course's staging and normalized tables", () => {
  const dir = path.join(repoRoot(), "datasets", "college");
  assert.ok(fs.existsSync(path.join(dir, "README.md")));
  const expected: Record<string, [string[], number]> = {
    "staging/teacher.csv": [["tid", "instructor", "dept"], 13],
    "staging/student.csv": [["sid", "fname", "lname", "dob", "status"], 12],
    "staging/class.csv": [["sid", "cno", "cname", "credits", "grade"], 13],
    "staging/teaches.csv": [["tid", "cno"], 13],
    "normalized/teacher.csv": [["tid", "instructor", "dept"], 10],
    "normalized/student.csv": [["sid", "fname", "lname", "dob", "status"], 12],
    "normalized/class.csv": [["cno", "cname", "credits"], 10],
    "normalized/takes.csv": [["sid", "cno", "grade"], 10],
    "normalized/teaches.csv": [["tid", "cno"], 12],
  };
  for (const [f, [header, n]] of Object.entries(expected)) {
    const text = fs.readFileSync(path.join(dir, f), "utf8");
    const recs = records(text);
    assert.deepEqual(recs[0], header, f);
    assert.equal(recs.length - 1, n, `${f} rows`);
    if (f.startsWith("staging/")) assert.ok(text.includes("\r\n"), `${f} keeps its CRLF line endings`);
  }
  const teacher = records(fs.readFileSync(path.join(dir, "staging/teacher.csv"), "utf8"));
  assert.ok(teacher.some((r) => r[1] === "Mitra, Shyamal"));
  assert.equal(teacher.filter((r) => r[0] === "").length, 1);
  const cls = records(fs.readFileSync(path.join(dir, "staging/class.csv"), "utf8"));
  assert.ok(cls.some((r) => r[2] === "CS327E \u2013 Elements of Databases"));
  assert.equal(cls.filter((r) => r[1] === "").length, 2);
  assert.equal(cls.filter((r) => r[3] === "0").length, 1);
});
