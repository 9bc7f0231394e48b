// End to end: the course's hello-world steps and its teacher, student and class pipelines
// (test/course/pipelines.ts) on the DirectRunner, reading from and writing to a temporary
// warehouse loaded by datasets/load.ts, and to text files in a temporary directory.
import test, { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import { loadCollege } from "../../datasets/load";
import {
  CLASS_LABELS,
  HELLO_NUMBERS,
  STUDENT_LABELS,
  TEACHER_LABELS,
  classPipeline,
  formatDob,
  helloCountWords,
  helloGroupWords,
  helloMultiply,
  helloSplitWords,
  splitInstructor,
  studentPipeline,
  teacherPipeline,
  type ClassRecord,
  type RefinedStudent,
  type RefinedTeacher,
  type Takes,
} from "../course/pipelines";

// Compiled to dist/test/e2e/course.test.js: the repo root is ../../..
const ROOT = path.resolve(__dirname, "..", "..", "..");

let tmp = "";
let wh = "";

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-course-"));
  wh = path.join(tmp, "warehouse.duckdb");
  await loadCollege(wh, path.join(ROOT, "datasets", "college"));
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await beam.warehouse.open(wh).run(sql)).rows;
}

async function columnTypes(table: string): Promise<Record<string, string>> {
  const [dataset, name] = table.split(".");
  const r = await rows(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${dataset}' AND table_name = '${name}' ORDER BY ordinal_position`,
  );
  return Object.fromEntries(r.map((c) => [String(c.column_name), String(c.data_type)]));
}

/** The lines of a text output, checking Beam's shard name and that no temporary file is left. */
function shardLines(prefix: string): string[] {
  const file = `${prefix}-00000-of-00001`;
  assert.ok(fs.existsSync(file), `${file} exists`);
  const dir = path.dirname(prefix);
  const base = path.basename(prefix);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes(base)).sort(), [path.basename(file)], "one shard, no leftovers");
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
}

type Counts = Record<string, [number, number]>;
/** `[elementsIn, elementsOut]` per label, as in result.metrics(). */
function assertMetrics(result: beam.PipelineResult, expected: Counts): void {
  const m = result.metrics();
  for (const [labelName, [inn, out]] of Object.entries(expected)) {
    assert.ok(m[labelName], `metrics for ${labelName} (have ${Object.keys(m).join(", ")})`);
    assert.deepEqual([m[labelName].elementsIn, m[labelName].elementsOut], [inn, out], `metrics of ${labelName}`);
  }
}

/** A `[key, value]` PCollection's elements, via beam.collect (columns `key` and `value`). */
async function collectKv<K, V>(pc: beam.PCollection<[K, V]>): Promise<[K, V][]> {
  return ((await beam.collect(pc)).objects() as { key: K; value: V }[]).map((o) => [o.key, o.value]);
}

const byJson = <T>(xs: readonly T[]): T[] => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

// ------------------------------------------------------------------ load

describe("datasets/load.ts", () => {
  test("loads staging and reference tables with their row counts and types", async () => {
    const counts = await loadCollege(wh); // default college dir, loaded again: WRITE_TRUNCATE keeps it idempotent
    assert.deepEqual(counts, {
      "college_staging.teacher": 13,
      "college_staging.student": 12,
      "college_staging.class": 13,
      "college_staging.teaches": 13,
      "college_reference.teacher": 10,
      "college_reference.student": 12,
      "college_reference.class": 10,
      "college_reference.takes": 10,
      "college_reference.teaches": 12,
    });
    assert.deepEqual(await columnTypes("college_staging.class"), { sid: "VARCHAR", cno: "VARCHAR", cname: "VARCHAR", credits: "BIGINT", grade: "VARCHAR" });
    assert.deepEqual(await columnTypes("college_staging.teacher"), { tid: "VARCHAR", instructor: "VARCHAR", dept: "VARCHAR" });
    assert.equal((await columnTypes("college_reference.student")).dob, "DATE");
    // Empty fields are NULL; the two students without a class have NULL credits.
    assert.deepEqual(await rows("SELECT sid FROM college_staging.class WHERE cno IS NULL AND credits IS NULL ORDER BY sid"), [{ sid: "aprilz" }, { sid: "sudeepa4" }]);
    assert.deepEqual(await rows("SELECT count(*) AS n FROM college_staging.teacher WHERE tid IS NULL"), [{ n: 1 }]);
    // The reference keeps the course's trailing-space course numbers.
    assert.deepEqual(
      (await rows("SELECT cno FROM college_reference.class WHERE cno LIKE '% ' ORDER BY cno")).map((r) => r.cno),
      ["CS347 ", "CS373 ", "M328K ", "M358K ", "M362K "],
    );
  });

  test("the CLI loads $BEAMLAB_WAREHOUSE and prints the counts", () => {
    const file = path.join(tmp, "cli.duckdb");
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "datasets", "load.js")], {
      encoding: "utf8",
      env: { ...process.env, BEAMLAB_WAREHOUSE: file },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /college_staging\.teacher\s+13 rows/);
    assert.match(r.stdout, /college_reference\.teaches\s+12 rows/);
    assert.ok(fs.existsSync(file));
  });
});

// ------------------------------------------------------------------ hello world

describe("hello world", () => {
  test("1: multiply 1..5 by 10 with a DoFn", async () => {
    const p = new beam.Pipeline({ name: "hello 1" });
    const { multiplied } = helloMultiply(p);
    const result = await p.run();
    assert.equal(result.state, "DONE");
    assertMetrics(result, { "Create numbers": [0, 5], Multiply: [5, 5] });
    const values = (await beam.collect(multiplied)).array("element") as number[];
    assert.deepEqual([...values].sort((a, b) => a - b), [10, 20, 30, 40, 50]);
    assert.deepEqual(HELLO_NUMBERS, [1, 2, 3, 4, 5]);
  });

  test("2–4: split into word lists, flatten, pair with 1, group, count", async () => {
    const p = new beam.Pipeline({ name: "hello 2-4" });
    const { wordLists, words } = helloSplitWords(p);
    const { pairs, grouped } = helloGroupWords(words);
    const counts = helloCountWords(grouped);
    const result = await p.run();
    assert.equal(result.state, "DONE");
    assertMetrics(result, {
      "Create sentences": [0, 3],
      Split: [3, 3],
      "Flatten words": [3, 12],
      "Pair with 1": [12, 12],
      Group: [12, 9],
      Count: [9, 9],
    });
    assert.deepEqual(
      byJson((await beam.collect(wordLists)).array("element") as string[][]),
      byJson([["the", "quick", "brown", "fox"], ["jumps", "over", "the", "lazy", "dog"], ["the", "dog", "sleeps"]]),
    );
    assert.equal((await beam.collect(words)).numRows(), 12);
    assert.deepEqual((await collectKv(pairs))[0], ["the", 1]);
    const groups = Object.fromEntries(await collectKv(grouped));
    assert.deepEqual(groups.the, [1, 1, 1]);
    assert.deepEqual(groups.dog, [1, 1]);
    const wc = Object.fromEntries(await collectKv(counts));
    assert.deepEqual(wc, { the: 3, quick: 1, brown: 1, fox: 1, jumps: 1, over: 1, lazy: 1, dog: 2, sleeps: 1 });
  });
});

// ------------------------------------------------------------------ teacher

describe("teacher pipeline", () => {
  test("splitInstructor follows the course literally", () => {
    assert.deepEqual(splitInstructor("Mitra, Shyamal"), { fname: "Shyamal", lname: "Mitra" });
    assert.deepEqual(splitInstructor("Fares Fraij"), { fname: "Fares", lname: "Fraij" });
    assert.deepEqual(splitInstructor("Prof. Sarah Abraham"), { fname: "Prof.", lname: "Sarah Abraham" });
    assert.deepEqual(splitInstructor("MUELLER, PETER"), { fname: "PETER", lname: "MUELLER" });
    assert.deepEqual(splitInstructor("Plato"), { fname: "Plato", lname: null });
    assert.deepEqual(splitInstructor(null), { fname: null, lname: null });
  });

  test("reads college_staging.teacher, writes text and college_refined.teacher", async () => {
    const textPrefix = path.join(tmp, "teacher", "teacher.txt");
    const p = new beam.Pipeline({ name: "teacher", warehouse: wh });
    teacherPipeline(p, { textPrefix });
    const result = await p.run();
    assert.equal(result.state, "DONE");
    assertMetrics(result, {
      [TEACHER_LABELS.read]: [0, 13],
      [TEACHER_LABELS.clean]: [13, 13],
      [TEACHER_LABELS.text]: [13, 1],
      [TEACHER_LABELS.table]: [13, 1],
    });

    const t = (tid: string | null, fname: string, lname: string, dept: string): RefinedTeacher => ({ tid, fname, lname, dept });
    const expected: RefinedTeacher[] = [
      t("fares", "Fares", "Fraij", "CS"),
      t("abraham", "Prof.", "Sarah Abraham", "CS"),
      t("mitra", "Shyamal", "Mitra", "CS"),
      t("mitra", "SHYAMAL", "MITRA", "Computer Science"),
      t("cannata", "PHILIP", "CANNATA", "CS"),
      t("scohen", "Shirley", "Cohen", "Computer Science"),
      t("bulko", "bill", "bulko", "Computer Science"),
      t("cannata", "Philip", "Cannata", "CS"),
      t(null, "Prof.", "Glenn Downing", "CS"),
      t("tran", "Ngoc", "Tran", "Mathematics"),
      t("mueller", "PETER", "MUELLER", "Math"),
      t("neeman", "JOE", "NEEMAN", "Mathematics"),
      t("koch", "Hans", "Koch", "Math"),
    ];
    const table = await rows("SELECT tid, fname, lname, dept FROM college_refined.teacher");
    assert.equal(table.length, 13);
    assert.deepEqual(byJson(table), byJson(expected));
    assert.deepEqual(await columnTypes("college_refined.teacher"), { tid: "VARCHAR", fname: "VARCHAR", lname: "VARCHAR", dept: "VARCHAR" });

    const lines = shardLines(textPrefix);
    assert.equal(lines.length, 13);
    assert.deepEqual(byJson(lines.map((l) => JSON.parse(l))), byJson(expected));

    // WRITE_TRUNCATE: a second run replaces the table instead of failing or appending.
    const p2 = new beam.Pipeline({ name: "teacher again", warehouse: wh });
    teacherPipeline(p2, { textPrefix });
    await p2.run();
    assert.deepEqual(await rows("SELECT count(*) AS n FROM college_refined.teacher"), [{ n: 13 }]);
  });
});

// ------------------------------------------------------------------ student

describe("student pipeline", () => {
  test("formatDob handles the three formats", () => {
    assert.equal(formatDob("May-10-1999"), "1999-05-10");
    assert.equal(formatDob("08/22/2000"), "2000-08-22");
    assert.equal(formatDob("2001-03-03"), "2001-03-03");
    assert.equal(formatDob("Oct-01-2001"), "2001-10-01");
    assert.equal(formatDob("1/2/2000"), "2000-01-02");
    assert.equal(formatDob("someday"), "someday");
    assert.equal(formatDob(null), null);
  });

  test("reads college_staging.student, writes dob as a DATE", async () => {
    const textPrefix = path.join(tmp, "student", "student.txt");
    const p = new beam.Pipeline({ name: "student", warehouse: wh });
    studentPipeline(p, { textPrefix });
    const result = await p.run();
    assert.equal(result.state, "DONE");
    assertMetrics(result, {
      [STUDENT_LABELS.read]: [0, 12],
      [STUDENT_LABELS.clean]: [12, 12],
      [STUDENT_LABELS.text]: [12, 1],
      [STUDENT_LABELS.table]: [12, 1],
    });

    const dobs: Record<string, string> = {
      kev18: "1999-05-10", // May-10-1999
      natea: "2000-04-04", // Apr-04-2000
      sudeepa4: "2001-10-01", // Oct-01-2001
      kgomez9: "2001-03-03", // unchanged
      jerryh: "1999-01-03",
      jc: "2000-04-22",
      dchen: "2000-08-22", // 08/22/2000
      ryan22: "2000-07-11", // 07/11/2000
      paulg: "2000-09-17",
      aprilz: "2000-01-10",
      nitinm: "1999-07-31",
      bzen26: "1998-04-22",
    };
    const table = await rows("SELECT sid, CAST(dob AS VARCHAR) AS dob, typeof(dob) AS t FROM college_refined.student");
    assert.equal(table.length, 12);
    assert.deepEqual(Object.fromEntries(table.map((r) => [r.sid, r.dob])), dobs);
    assert.ok(table.every((r) => r.t === "DATE"), "typeof(dob) is DATE");
    assert.deepEqual(await columnTypes("college_refined.student"), { sid: "VARCHAR", fname: "VARCHAR", lname: "VARCHAR", dob: "DATE", status: "VARCHAR" });
    assert.deepEqual(await rows("SELECT sid, fname, lname, status FROM college_refined.student WHERE sid = 'kev18'"), [{ sid: "kev18", fname: "Kevin", lname: "Lin", status: "CUR" }]);

    // Where the course's own reference disagrees with a literal reading of the raw dates.
    const gaps = await rows(
      "SELECT r.sid FROM college_refined.student r JOIN college_reference.student c USING (sid) WHERE r.dob <> c.dob ORDER BY r.sid",
    );
    assert.deepEqual(gaps.map((g) => g.sid), ["natea", "ryan22", "sudeepa4"]);

    const lines = shardLines(textPrefix).map((l) => JSON.parse(l) as RefinedStudent);
    assert.equal(lines.length, 12);
    assert.deepEqual(Object.fromEntries(lines.map((s) => [s.sid, s.dob])), dobs);
  });
});

// ------------------------------------------------------------------ class

describe("class pipeline", () => {
  test("splits takes and classes, one class per cno, credits INTEGER", async () => {
    const takesTextPrefix = path.join(tmp, "class", "takes.txt");
    const classTextPrefix = path.join(tmp, "class", "class.txt");
    const p = new beam.Pipeline({ name: "class", warehouse: wh });
    const out = classPipeline(p, { takesTextPrefix, classTextPrefix });
    const result = await p.run();
    assert.equal(result.state, "DONE");
    assertMetrics(result, {
      [CLASS_LABELS.read]: [0, 13],
      [CLASS_LABELS.split]: [13, 22], // 11 takes + 11 keyed classes
      [CLASS_LABELS.group]: [11, 6],
      [CLASS_LABELS.first]: [6, 6],
      [CLASS_LABELS.takesText]: [11, 1],
      [CLASS_LABELS.takesTable]: [11, 1],
      [CLASS_LABELS.classText]: [6, 1],
      [CLASS_LABELS.classTable]: [6, 1],
    });

    // takes: every row with a student and a course number; the grade omitted when empty.
    const k = (sid: string, cno: string, grade?: string): Takes => (grade === undefined ? { sid, cno } : { sid, cno, grade });
    const expectedTakes: Takes[] = [
      k("kev18", "CS329E"),
      k("paulg", "CS329E", "A"),
      k("paulg", "CS326E - Fall18", "A-"),
      k("paulg", "CS313E"),
      k("bzen26", "CS313E - Fall18", "B+"),
      k("jerryh", "CS327E", "B"),
      k("jerryh", "CS327E"), // the duplicate row with credits 0 is still an enrolment row
      k("jerryh", "CS329E", "A-"),
      k("jc", "CS327E"),
      k("jc", "CS331E"),
      k("jc", "CS313E"),
    ];
    const takesLines = shardLines(takesTextPrefix).map((l) => JSON.parse(l) as Takes);
    assert.deepEqual(byJson(takesLines), byJson(expectedTakes));
    assert.equal(takesLines.filter((t) => !("grade" in t)).length, 6, "grade omitted, not null, when empty");
    const takesTable = await rows("SELECT sid, cno, grade FROM college_refined.takes");
    assert.equal(takesTable.length, 11);
    assert.deepEqual(byJson(takesTable), byJson(expectedTakes.map((t) => ({ sid: t.sid, cno: t.cno, grade: t.grade ?? null }))));
    assert.deepEqual(await rows("SELECT count(*) AS n FROM college_refined.takes WHERE sid IN ('aprilz', 'sudeepa4')"), [{ n: 0 }]);
    assert.deepEqual(await columnTypes("college_refined.takes"), { sid: "VARCHAR", cno: "VARCHAR", grade: "VARCHAR" });

    // class: grouped by the raw cno (suffixes not stripped), the first record of each group kept.
    const c = (cno: string, cname: string, credits: number): ClassRecord => ({ cno, cname, credits });
    const expectedClasses: ClassRecord[] = [
      c("CS329E", "Elements of Web Programming", 3),
      c("CS326E - Fall18", "Elements of Networking", 3),
      c("CS313E", "Elements of Software Design", 3), // not jc's "CS313E - Elements of Software Design"
      c("CS313E - Fall18", "Elements of Software Design", 3),
      c("CS327E", "Elements of Databases", 3), // not the credits-0 duplicate nor the en-dash name
      c("CS331E", "CS331E - Elements of Software Engineering", 3),
    ];
    const classTable = await rows("SELECT cno, cname, credits, typeof(credits) AS t FROM college_refined.class");
    assert.equal(classTable.length, 6);
    assert.deepEqual(byJson(classTable.map(({ t, ...r }) => r)), byJson(expectedClasses));
    assert.ok(classTable.every((r) => r.t === "BIGINT" && typeof r.credits === "number"), "credits is an INTEGER (BIGINT)");
    assert.deepEqual(await rows("SELECT cno FROM college_refined.class GROUP BY cno HAVING count(*) > 1"), [], "one record per cno");
    assert.deepEqual(await columnTypes("college_refined.class"), { cno: "VARCHAR", cname: "VARCHAR", credits: "BIGINT" });
    assert.deepEqual(byJson(shardLines(classTextPrefix).map((l) => JSON.parse(l) as ClassRecord)), byJson(expectedClasses));

    // Intermediate collections are available to collect, e.g. the group sizes.
    const groups = Object.fromEntries((await collectKv(out.grouped)).map(([cno, records]) => [cno, records.length]));
    assert.deepEqual(groups, { CS329E: 3, "CS326E - Fall18": 1, CS313E: 2, "CS313E - Fall18": 1, CS327E: 3, CS331E: 1 });
  });
});
