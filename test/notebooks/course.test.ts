// The course notebooks (notebooks/*.ipynb), executed with the real tslab kernel through
// `beamlab run`, in order, against a fresh warehouse; then their saved outputs and the
// tables they wrote are checked.
//
// The notebooks are copied into <repo>/test-artifacts/notebooks-run/notebooks/ (inside the
// repository, so that `import * as beam from "beamlab"` resolves through
// node_modules/beamlab), next to a `datasets` link, so that their relative paths
// (`../datasets/college/...`, `out/...`) work as in notebooks/ without writing there.
import test, { after, before, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";

// Compiled to dist/test/notebooks/course.test.js: the repo root is ../../..
const ROOT = fs.existsSync(path.resolve(__dirname, "..", "..", "..", "package.json")) ? path.resolve(__dirname, "..", "..", "..") : path.resolve(__dirname, "..", "..");
const SOURCE = path.join(ROOT, "notebooks");
const RUN = path.join(ROOT, "test-artifacts", "notebooks-run");
const COPY = path.join(RUN, "notebooks");
const EXECUTED = path.join(RUN, "executed");

const NOTEBOOKS = ["01-hello-world", "02-ingest", "03-teacher", "04-student", "05-class", "06-check-the-result"];
const PCOLLECTION_MIME = "application/vnd.beamlab.pcollection.v1+json";
const GRAPH_MIME = "application/vnd.beamlab.graph.v1+json";
const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
/** A saved notebook stays small whatever it shows. */
const MAX_SAVED_BYTES = 250_000;

type Output = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> };
type Cell = { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null };
type Notebook = { cells: Cell[]; metadata: { kernelspec?: { name?: string } }; nbformat: number };

const joined = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : (t ?? ""));

interface Shown {
  label: string;
  total: number | null;
  rows: Record<string, unknown>[];
  text: string;
}

let tmp = "";
let warehouse = "";
let run: { status: number | null; output: string; seconds: number } | null = null;
const executed = new Map<string, Notebook>();

function readNotebook(file: string): Notebook {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
}

function nb(name: string): Notebook {
  const n = executed.get(name);
  assert.ok(n, `${name}.ipynb was executed (run: ${run?.output.slice(-2000)})`);
  return n;
}

/** The outputs of the first code cell whose source contains `snippet`. */
function outputsOf(name: string, snippet: string): Output[] {
  const cell = nb(name).cells.find((c) => c.cell_type === "code" && joined(c.source).includes(snippet));
  assert.ok(cell, `${name}: a code cell contains ${JSON.stringify(snippet)}`);
  return cell.outputs ?? [];
}

/** The text (stdout and text/plain) of the first code cell whose source contains `snippet`. */
function textOf(name: string, snippet: string): string {
  return outputsOf(name, snippet)
    .map((o) => (o.output_type === "stream" ? joined(o.text) : joined(o.data?.["text/plain"] as string | string[] | undefined)))
    .join("\n");
}

/** Every `beam.show` table output of a notebook. */
function shows(name: string): Shown[] {
  return nb(name).cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.data?.[PCOLLECTION_MIME]).map((o) => shown(o)));
}

function shown(o: Output): Shown {
  const p = o.data![PCOLLECTION_MIME] as { label: string; total: number | null; rows: Record<string, unknown>[] };
  return { label: p.label, total: p.total, rows: p.rows, text: joined(o.data!["text/plain"] as string | string[]) };
}

/** The one table shown by the first cell whose source contains `snippet`. */
function tableOf(name: string, snippet: string): Shown {
  const tables = outputsOf(name, snippet).filter((o) => o.data?.[PCOLLECTION_MIME]);
  assert.equal(tables.length, 1, `${name}: one table shown by the cell with ${JSON.stringify(snippet)}`);
  return shown(tables[0]);
}

/** The PCollection shown under a notebook variable name (the label starts with it). */
function pcoll(name: string, variable: string): Shown {
  const s = shows(name).find((x) => x.label.startsWith(`${variable} (`));
  assert.ok(s, `${name}: shows ${variable} (labels: ${shows(name).map((x) => x.label).join(", ")})`);
  return s;
}

/** The chart shown by the last code cell of a notebook: its vega-lite spec, data and static SVG. */
function lastChart(name: string): { spec: Record<string, unknown>; values: Record<string, unknown>[]; svg: string; text: string } {
  const cell = nb(name).cells.filter((c) => c.cell_type === "code").at(-1);
  assert.ok(cell, `${name} has code cells`);
  const o = (cell.outputs ?? []).find((x) => x.data?.[VEGALITE_MIME]);
  assert.ok(o, `${name}: the last code cell shows a chart (${VEGALITE_MIME}); its outputs: ${JSON.stringify((cell.outputs ?? []).map((x) => Object.keys(x.data ?? {})))}`);
  const spec = o.data![VEGALITE_MIME] as Record<string, unknown>;
  return {
    spec,
    values: (spec.data as { values: Record<string, unknown>[] }).values,
    svg: joined(o.data!["image/svg+xml"] as string | string[] | undefined),
    text: joined(o.data!["text/plain"] as string | string[] | undefined),
  };
}

/** A chart's data as `label -> number`. */
function byKey(values: Record<string, unknown>[], key: string, value: string): Record<string, unknown> {
  return Object.fromEntries(values.map((r) => [String(r[key]), r[value]]));
}

async function sql(query: string): Promise<Record<string, unknown>[]> {
  return (await beam.warehouse.open(warehouse).run(query)).rows;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-notebooks-"));
  warehouse = path.join(tmp, "warehouse.duckdb");
  fs.rmSync(RUN, { recursive: true, force: true });
  fs.mkdirSync(COPY, { recursive: true });
  for (const n of NOTEBOOKS) fs.copyFileSync(path.join(SOURCE, `${n}.ipynb`), path.join(COPY, `${n}.ipynb`));
  fs.symlinkSync(path.join(ROOT, "datasets"), path.join(RUN, "datasets"), "dir");

  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin", "beamlab.js"), "run", "--out", EXECUTED, "--timeout", "120", ...NOTEBOOKS.map((n) => path.join(COPY, `${n}.ipynb`))],
    { cwd: ROOT, encoding: "utf8", timeout: 170_000, env: { ...process.env, BEAMLAB_WAREHOUSE: warehouse } },
  );
  run = { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`, seconds: (Date.now() - started) / 1000 };
  for (const n of NOTEBOOKS) {
    const file = path.join(EXECUTED, `${n}.ipynb`);
    if (fs.existsSync(file)) executed.set(n, readNotebook(file));
  }
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("course notebooks", () => {
  test("the committed notebooks are tslab notebooks without outputs", () => {
    for (const n of NOTEBOOKS) {
      const src = readNotebook(path.join(SOURCE, `${n}.ipynb`));
      assert.equal(src.nbformat, 4, n);
      assert.equal(src.metadata.kernelspec?.name, "tslab", n);
      assert.equal(src.cells[0].cell_type, "markdown", `${n} starts with its introduction`);
      assert.match(joined(src.cells[0].source), /You will learn/, `${n} says what the student will learn`);
      for (const c of src.cells.filter((x) => x.cell_type === "code")) {
        assert.deepEqual(c.outputs, [], `${n}: committed without outputs`);
        assert.equal(c.execution_count, null, `${n}: committed without execution counts`);
        assert.doesNotMatch(joined(c.source), /from "\.\.\/test|test\/course/, `${n}: notebooks do not import from test/`);
      }
    }
  });

  test("all six run top to bottom with beamlab run", () => {
    assert.ok(run, "beamlab run was started");
    assert.equal(run.status, 0, `beamlab run exits 0:\n${run.output.slice(-4000)}`);
    for (const n of NOTEBOOKS) assert.match(run.output, new RegExp(`${n}\\.ipynb: ok`), `${n} ran ok`);
  });

  test("every executed notebook is small, has no errors and shows a PCollection or table", () => {
    for (const n of NOTEBOOKS) {
      const size = fs.statSync(path.join(EXECUTED, `${n}.ipynb`)).size;
      assert.ok(size < MAX_SAVED_BYTES, `${n}: saved size ${size} < ${MAX_SAVED_BYTES}`);
      const outputs = nb(n).cells.flatMap((c) => c.outputs ?? []);
      assert.deepEqual(outputs.filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr")), [], `${n}: no errors`);
      assert.ok(outputs.some((o) => o.data?.[PCOLLECTION_MIME]), `${n}: has a ${PCOLLECTION_MIME} output`);
      for (const o of outputs.filter((x) => x.data?.[PCOLLECTION_MIME])) {
        assert.ok(o.data!["text/html"] && o.data!["text/plain"], `${n}: shows carry text/html and text/plain too`);
      }
    }
  });

  test("every notebook ends with a chart of its result, introduced by a markdown line", () => {
    for (const n of NOTEBOOKS) {
      const src = readNotebook(path.join(SOURCE, `${n}.ipynb`)).cells;
      const last = src.length - 1;
      assert.equal(src[last].cell_type, "code", `${n} ends with a code cell`);
      assert.match(joined(src[last].source), /beam\.show\(beam\.chart\(/, `${n}: the last cell shows a chart`);
      assert.equal(src[last - 1].cell_type, "markdown", `${n}: a markdown cell says what the chart shows`);
      const chart = lastChart(n);
      assert.ok(chart.values.length > 0, `${n}: the chart has data`);
      assert.match(chart.svg, /^<svg[\s\S]*<\/svg>\s*$/, `${n}: a static SVG`);
      assert.match(chart.svg, /mark-rect|mark-line|mark-symbol|mark-area/, `${n}: the SVG has marks`);
      assert.ok(chart.text.length > 0, `${n}: a text/plain summary`);
    }
  });

  test("the charts show the expected values", () => {
    assert.deepEqual(byKey(lastChart("01-hello-world").values, "key", "value"), { the: 3, quick: 1, brown: 1, fox: 1, jumps: 1, over: 1, lazy: 1, dog: 2, sleeps: 1 });
    // 02 measures the mess: the forms of the birth dates and the instructor names, per column.
    const forms = lastChart("02-ingest").values.map((r) => `${r.column}: ${r.form} ${r.count}`).sort();
    assert.deepEqual(forms, [
      "student.dob: MM/DD/YYYY 6", "student.dob: Mon-DD-YYYY 3", "student.dob: YYYY-MM-DD 3",
      "teacher.instructor: FIRST LAST 2", "teacher.instructor: First Last 2", "teacher.instructor: LAST, FIRST 2",
      "teacher.instructor: Last, First 4", "teacher.instructor: Prof. First Last 2", "teacher.instructor: first last 1",
    ]);
    assert.match(lastChart("02-ingest").svg, /aria-label="How the raw tables write a date of birth and a name\. A bar chart of count by form, coloured by column/);
    // The course's cleaning leaves the department spellings apart.
    assert.deepEqual(byKey(lastChart("03-teacher").values, "dept", "count"), { CS: 6, "Computer Science": 3, Math: 2, Mathematics: 2 });
    assert.deepEqual(byKey(lastChart("04-student").values, "year", "count"), { 1998: 1, 1999: 3, 2000: 6, 2001: 2 });
    const enrolments: Record<string, number> = {};
    for (const r of lastChart("05-class").values) enrolments[String(r.cno)] = (enrolments[String(r.cno)] ?? 0) + Number(r.count);
    assert.deepEqual(enrolments, { CS313E: 2, "CS313E - Fall18": 1, "CS326E - Fall18": 1, CS327E: 3, CS329E: 3, CS331E: 1 });
    assert.deepEqual(
      lastChart("06-check-the-result").values.map((r) => [r.table, r.pass, r.rows]),
      [
        ["teacher", "1 · course", 19], ["teacher", "2 · second pass", 5],
        ["student", "1 · course", 6], ["student", "2 · second pass", 6],
        ["class", "1 · course", 10], ["class", "2 · second pass", 5],
        ["takes", "1 · course", 5], ["takes", "2 · second pass", 0],
      ],
    );
  });

  test("01: the four primitives, every step shown, and the graph", () => {
    const n = "01-hello-world";
    assert.deepEqual(pcoll(n, "multiplied").rows.map((r) => r.element), [10, 20, 30, 40, 50]);
    assert.equal(pcoll(n, "numbers").total, 5);
    assert.equal(pcoll(n, "sentences").total, 3);
    assert.equal(pcoll(n, "wordLists").total, 3);
    assert.match(pcoll(n, "words").text, /— 12 elements/);
    assert.match(pcoll(n, "pairs").text, /— 12 elements/);
    const grouped = pcoll(n, "grouped");
    assert.equal(grouped.total, 9);
    assert.deepEqual(grouped.rows.find((r) => r.key === "the")?.value, [1, 1, 1]);
    for (const v of ["counts", "combined"]) {
      const counts = Object.fromEntries(pcoll(n, v).rows.map((r) => [r.key, r.value]));
      assert.deepEqual(counts, { the: 3, quick: 1, brown: 1, fox: 1, jumps: 1, over: 1, lazy: 1, dog: 2, sleeps: 1 }, v);
    }
    const graph = outputsOf(n, "beam.showGraph(p)").find((o) => o.data?.[GRAPH_MIME]);
    assert.ok(graph, "showGraph output");
    assert.match(joined(graph.data!["text/plain"] as string[]), /Group \[GroupByKey\] <- pairs -> grouped \(9\)/);
  });

  test("02: loads the staging tables, counts and samples them with SQL", () => {
    const n = "02-ingest";
    assert.match(textOf(n, "const loaded"), /\{ teacher: 13, student: 12, class: 13, teaches: 13 \}/);
    assert.deepEqual(tableOf(n, "UNION ALL").rows, [
      { tbl: "teacher", n: 13 },
      { tbl: "student", n: 12 },
      { tbl: "class", n: 13 },
      { tbl: "teaches", n: 13 },
    ]);
    assert.equal(tableOf(n, "SELECT * FROM college_staging.teacher").total, 13);
    assert.match(tableOf(n, "SELECT * FROM college_staging.student").text, /ryan22 +\| Ryan +\| Watson +\| 07\/11\/2000/);
    assert.equal(tableOf(n, "LIMIT 5").total, 5);
    const tables = textOf(n, "await wh.tables()");
    for (const t of ["teacher", "student", "class", "teaches"]) assert.match(tables, new RegExp(`'college_staging\\.${t}'`));
  });

  test("03: the teacher pipeline splits names and writes the refined table", () => {
    const n = "03-teacher";
    assert.match(pcoll(n, "rows").text, /— 13 elements/);
    const teachers = pcoll(n, "teachers");
    assert.equal(teachers.total, 13);
    assert.ok(teachers.rows.some((r) => r.tid === "mitra" && r.fname === "Shyamal" && r.lname === "Mitra"), "Mitra, Shyamal split");
    assert.ok(teachers.rows.some((r) => r.fname === "Prof." && r.lname === "Sarah Abraham"), "the course's split keeps the title");
    assert.match(textOf(n, "await p.run()"), /DONE/);
    assert.match(tableOf(n, "beam.io.ReadFromText").text, /— 13 elements/);
    assert.equal(tableOf(n, "FROM college_refined.teacher").total, 13);
  });

  test("04: the student pipeline formats every date of birth", () => {
    const n = "04-student";
    assert.equal(pcoll(n, "rows").total, 12);
    const dobs = Object.fromEntries(pcoll(n, "students").rows.map((r) => [r.sid, r.dob]));
    assert.equal(dobs.kev18, "1999-05-10");
    assert.equal(dobs.dchen, "2000-08-22");
    assert.equal(dobs.ryan22, "2000-07-11");
    for (const d of Object.values(dobs)) assert.match(String(d), /^\d{4}-\d{2}-\d{2}$/);
    const refined = tableOf(n, "FROM college_refined.student");
    assert.equal(refined.total, 12);
    assert.match(refined.text, /kev18 +\| Kevin +\| Lin +\| 1999-05-10 \| 1999/);
    // The strict step's dead letters: the two ambiguous dates, with the step and the error, and the run went on.
    const bad = pcoll(n, "bad");
    assert.equal(bad.total, 2);
    assert.deepEqual(bad.rows.map((r) => (r.element as { sid: string }).sid ?? r.sid).sort(), ["aprilz", "ryan22"]);
    const dead = tableOf(n, "FROM college_refined.student_errors");
    assert.equal(dead.total, 2);
    assert.match(dead.text, /ryan22 +\| 07\/11\/2000 +\| Format dob strictly \| Error: 07\/11\/2000 is ambiguous/);
  });

  test("05: the class pipeline has two outputs, and groups before and after dedup", () => {
    const n = "05-class";
    assert.equal(pcoll(n, "rows").total, 13);
    assert.equal(pcoll(n, "takes").total, 11);
    assert.equal(pcoll(n, "keyed").total, 11);
    const grouped = pcoll(n, "grouped");
    assert.equal(grouped.total, 6);
    assert.equal((grouped.rows.find((r) => r.key === "CS327E")?.value as unknown[]).length, 3);
    const classes = pcoll(n, "classes");
    assert.equal(classes.total, 6);
    assert.deepEqual(classes.rows.find((r) => r.cno === "CS327E"), { cno: "CS327E", cname: "Elements of Databases", credits: 3 });
    assert.equal(tableOf(n, "FROM college_refined.class").total, 6);
    assert.equal(tableOf(n, "FROM college_refined.takes").total, 11);
  });

  test("06: finds the gaps, and the second pass leaves only what the data cannot settle", () => {
    const n = "06-check-the-result";
    assert.match(textOf(n, "const REFERENCE"), /loaded college_reference\.teacher: 10 rows/);
    // The course's cleaning, against the reference.
    const teacherGaps = tableOf(n, 'compare("teacher", "college_refined")');
    assert.equal(teacherGaps.total, 19);
    assert.match(teacherGaps.text, /SHYAMAL MITRA/);
    assert.match(teacherGaps.text, /Prof\. Sarah Abraham/);
    assert.match(teacherGaps.text, /bill bulko/);
    assert.deepEqual(tableOf(n, "HAVING count(*) > 1").rows.map((r) => r.tid), ["cannata", "mitra"]);
    assert.deepEqual(
      tableOf(n, "AS raw").rows.map((r) => [r.sid, r.raw, r.ours, r.reference]),
      [
        ["natea", "Apr-04-2000", "2000-04-04", "2000-04-08"],
        ["ryan22", "07/11/2000", "2000-07-11", "2000-11-07"],
        ["sudeepa4", "Oct-01-2001", "2001-10-01", "2000-10-01"],
      ],
    );
    assert.match(tableOf(n, 'compare("class", "college_refined")').text, /CS326E - Fall18/);
    assert.equal(tableOf(n, 'compare("takes", "college_refined")').total, 5);
    // The second pass.
    const teachers = pcoll(n, "teachers");
    assert.equal(teachers.total, 11);
    assert.ok(teachers.rows.some((r) => r.tid === "mitra" && r.fname === "Shyamal" && r.lname === "Mitra" && r.dept === "Computer Science"));
    assert.ok(teachers.rows.some((r) => r.tid === "abraham" && r.fname === "Sarah" && r.lname === "Abraham"), "the title is dropped");
    assert.ok(teachers.rows.some((r) => r.tid === "bulko" && r.fname === "Bill" && r.lname === "Bulko"), "lower case fixed");
    assert.doesNotMatch(teachers.text, /SHYAMAL|PETER|bill|Prof\./);
    assert.deepEqual(pcoll(n, "ambiguous").rows.map((r) => r.sid), ["ryan22", "aprilz"]);
    assert.equal(pcoll(n, "classes").total, 5);
    // What is left.
    assert.deepEqual(
      tableOf(n, 'compare("teacher", "college_fixed")').rows.map((r) => [r.only_in, r.tid, r.instructor]),
      [
        ["ours", "abraham", "Sarah Abraham"],
        ["reference", "cannata", "Phil Cannata"],
        ["ours", "cannata", "Philip Cannata"],
        ["reference", "downing", "Glenn Downing"],
        ["ours", null, "Glenn Downing"],
      ],
    );
    assert.deepEqual([...new Set(tableOf(n, 'compare("student", "college_fixed")').rows.map((r) => r.sid))], ["natea", "ryan22", "sudeepa4"]);
    assert.deepEqual(
      tableOf(n, 'compare("class", "college_fixed")').rows.map((r) => [r.only_in, r.cno]),
      [["reference", "CS347"], ["reference", "CS373"], ["reference", "M328K"], ["reference", "M358K"], ["reference", "M362K"]],
    );
    assert.equal(tableOf(n, 'compare("takes", "college_fixed")').total, 0);
  });

  test("the warehouse holds the staging, refined, reference and fixed tables", async () => {
    assert.equal(run?.status, 0, "the notebooks ran");
    const count = async (t: string) => Number((await sql(`SELECT count(*) AS n FROM ${t}`))[0].n);
    const expected: Record<string, number> = {
      "college_staging.teacher": 13,
      "college_staging.student": 12,
      "college_staging.class": 13,
      "college_staging.teaches": 13,
      "college_refined.teacher": 13,
      "college_refined.student": 12,
      "college_refined.class": 6,
      "college_refined.takes": 11,
      "college_reference.teacher": 10,
      "college_reference.student": 12,
      "college_reference.class": 10,
      "college_reference.takes": 10,
      "college_fixed.teacher": 11,
      "college_fixed.student": 12,
      "college_fixed.class": 5,
      "college_fixed.takes": 10,
    };
    const actual: Record<string, number> = {};
    for (const t of Object.keys(expected)) actual[t] = await count(t);
    assert.deepEqual(actual, expected);
    const types = await sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'college_refined' AND table_name = 'student' AND column_name = 'dob'");
    assert.equal(types[0]?.data_type, "DATE");
    assert.deepEqual(await sql("SELECT dob FROM college_refined.student WHERE sid = 'kev18'"), [{ dob: "1999-05-10" }]);
    assert.deepEqual(await sql("SELECT fname, lname FROM college_refined.teacher WHERE tid = 'mitra' ORDER BY fname"), [
      { fname: "SHYAMAL", lname: "MITRA" },
      { fname: "Shyamal", lname: "Mitra" },
    ]);
    assert.deepEqual(await sql("SELECT fname, lname FROM college_fixed.teacher WHERE fname = upper(fname) OR fname = lower(fname) OR lname = upper(lname) OR lname = lower(lname)"), []);
    assert.deepEqual(await sql("SELECT credits FROM college_refined.class WHERE cno = 'CS331E'"), [{ credits: 3 }]);
  });

  test("the pipelines wrote their text files under out/", () => {
    const lines = (f: string) => fs.readFileSync(path.join(COPY, "out", `${f}-00000-of-00001`), "utf8").split("\n").filter((l) => l !== "");
    assert.equal(lines("teacher").length, 13);
    assert.deepEqual(JSON.parse(lines("teacher")[2]), { tid: "mitra", fname: "Shyamal", lname: "Mitra", dept: "CS" });
    assert.equal(lines("student").length, 12);
    assert.equal(lines("takes").length, 11);
    assert.equal(lines("class").length, 6);
  });

  test("the whole run stays under two minutes", () => {
    assert.ok(run && run.seconds < 120, `beamlab run took ${run?.seconds}s`);
  });
});
