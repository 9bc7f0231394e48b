import test from "node:test";
import assert from "node:assert/strict";
import { matchesFilter, parseFilter, type ParsedFilter } from "../../lib/display/filter";
import { compareCells, recordsPreview } from "../../lib/display/preview";

const COLUMNS = ["id", "dept", "cname", "credits", "dob", "active"];
const rows: Record<string, unknown>[] = [
  { id: 1, dept: "CS", cname: "Principles of Computing", credits: 3, dob: "2001-02-03", active: true },
  { id: 2, dept: "cs", cname: "Elements of Software Design", credits: 4, dob: null, active: false },
  { id: 3, dept: "Math", cname: "Linear Algebra", credits: 12, dob: new Date("1999-12-31T00:00:00Z"), active: true },
  { id: 4, dept: "C S", cname: "Databases", credits: "5", dob: undefined, active: null },
  { id: 5, dept: "Math", cname: "Real Analysis", credits: Number.NaN, dob: "2002-07-01", active: false },
];

function parsed(text: string): ParsedFilter {
  const r = parseFilter(text, COLUMNS);
  assert.ok(r.ok, `did not parse: ${text}: ${r.ok ? "" : r.error}`);
  assert.ok(r.filter);
  return r.filter;
}

function ids(text: string): number[] {
  const f = parsed(text);
  return rows.filter((r) => matchesFilter(f, (c) => r[c], COLUMNS)).map((r) => r.id as number);
}

function error(text: string): string {
  const r = parseFilter(text, COLUMNS);
  assert.equal(r.ok, false, `parsed but should not: ${text}`);
  return r.ok ? "" : r.error;
}

test("an empty filter parses to no filter", () => {
  assert.deepEqual(parseFilter("   ", COLUMNS), { ok: true, filter: null });
});

test("plain text searches every column, case-insensitively", () => {
  assert.deepEqual(ids("principles"), [1]);
  assert.deepEqual(ids("MATH"), [3, 5]);
  assert.deepEqual(ids("of"), [1, 2]);
  assert.deepEqual(ids("2001-02"), [1], "dates are searched as their text");
  assert.deepEqual(ids("linear algebra"), [3], "spaces are part of the text");
});

test("column:text searches one column", () => {
  assert.deepEqual(ids("cname:of"), [1, 2]);
  assert.deepEqual(ids("dept:cs"), [1, 2]);
  assert.deepEqual(ids("CNAME:databases"), [4], "column names match case-insensitively");
  assert.deepEqual(ids('dept:"c s"'), [4]);
});

test("comparisons: numbers as numbers, including numeric strings; missing values match nothing", () => {
  assert.deepEqual(ids("credits > 3"), [2, 3, 4]);
  assert.deepEqual(ids("credits >= 4"), [2, 3, 4]);
  assert.deepEqual(ids("credits < 4"), [1]);
  assert.deepEqual(ids("credits <= 4"), [1, 2]);
  assert.deepEqual(ids("credits = 12"), [3]);
  assert.deepEqual(ids("credits != 3"), [2, 3, 4], "NaN is missing: it matches no comparison");
  assert.deepEqual(ids("credits>3"), [2, 3, 4], "spaces are optional");
  assert.deepEqual(ids("credits == 3"), [1]);
  assert.deepEqual(ids("credits <> 3"), [2, 3, 4]);
});

test("comparisons: text exactly, bare or quoted", () => {
  assert.deepEqual(ids("dept = CS"), [1]);
  assert.deepEqual(ids("dept = cs"), [2]);
  assert.deepEqual(ids('dept = "C S"'), [4]);
  assert.deepEqual(ids("dept = 'Math'"), [3, 5]);
  assert.deepEqual(ids("dept != Math"), [1, 2, 4]);
  assert.deepEqual(ids("cname < E"), [4], "text order is by code unit");
  assert.deepEqual(ids("cname < e"), [1, 2, 3, 4, 5], "uppercase sorts before lowercase");
});

test("comparisons: dates as dates, whether strings or Date objects", () => {
  assert.deepEqual(ids("dob > 2000-01-01"), [1, 5]);
  assert.deepEqual(ids("dob < 2001-02-03"), [3]);
  assert.deepEqual(ids("dob = 1999-12-31"), [3]);
  assert.deepEqual(ids('dob >= "2002-07-01"'), [5]);
});

test("booleans compare as booleans", () => {
  assert.deepEqual(ids("active = true"), [1, 3]);
  assert.deepEqual(ids("active != true"), [2, 5]);
});

test("is null / is not null (and = null / != null) find missing values", () => {
  assert.deepEqual(ids("dob is null"), [2, 4]);
  assert.deepEqual(ids("dob IS NOT NULL"), [1, 3, 5]);
  assert.deepEqual(ids("credits is null"), [5], "NaN is missing");
  assert.deepEqual(ids("active = null"), [4]);
  assert.deepEqual(ids("active != null"), [1, 2, 3, 5]);
});

test("and combines every form; quoted text is searched as it is", () => {
  assert.deepEqual(ids("dept = Math and credits > 3"), [3]);
  assert.deepEqual(ids("dob is not null AND active = false and cname:analysis"), [5]);
  assert.deepEqual(ids("math and real"), [5]);
  assert.deepEqual(ids('"credits > 3"'), [], "a quoted comparison is plain text");
  assert.deepEqual(ids('"Elements of Software"'), [2]);
  assert.equal(parsed("cname:sand and id > 1").clauses.length, 2);
  assert.equal(parsed("cname:\"sand and more\"").clauses.length, 1, "and inside quotes does not split");
});

test("errors say why: an unknown column lists the columns", () => {
  const e = error("credit > 3");
  assert.match(e, /unknown column "credit"/);
  assert.match(e, /id, dept, cname, credits, dob, active/);
  assert.match(e, /put it in quotes/);
  assert.match(error("grade is null"), /unknown column "grade"/);
  assert.match(error("grade:A"), /unknown column "grade"/);
  assert.match(error("credits >"), /needs a value/);
  assert.match(error("> 3"), /needs a column/);
  assert.match(error("dept = CS and"), /"and" needs a condition/);
  assert.match(error("credits > null"), /is null/);
});

test("compareCells: numbers, then booleans, then text; missing last", () => {
  const values = ["b", null, 10, true, Number.NaN, 2, "a", undefined, new Date(5), false, 3n];
  const sorted = [...values].sort(compareCells);
  assert.deepEqual(sorted.slice(0, 5), [2, 3n, new Date(5), 10, false].sort(compareCells));
  assert.deepEqual(sorted.slice(0, 7).map(String), ["2", "3", String(new Date(5)), "10", "false", "true", "a"]);
  assert.ok(sorted.slice(8).every((v) => v === null || v === undefined || Number.isNaN(v)));
});

test("recordsPreview shows the fields, and the distinct values of those that differ", () => {
  const same = { cno: "CS326E", cname: "Principles of Computing and more", credits: 3 };
  assert.equal(recordsPreview([same, same, same]), '3 × {cno: "CS326E", cname: "Principles of Computing…", credits: 3}');
  const differ = recordsPreview([
    { cno: "CS313E", cname: "Elements", credits: 3 },
    { cno: "CS313E", cname: "Elements of SW", credits: 3 },
    { cno: "CS313E", cname: "Intro", credits: null },
  ]);
  assert.equal(differ, '3 × {cno: "CS313E", cname (3 different): "Elements" | "Elements of SW" | …, credits (2 different): 3 | null}');
});
