/**
 * The static fallbacks of a table display (text/html for nbconvert and GitHub, text/plain)
 * and the column types a table takes from a source's declared schema.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as beam from "../../lib";
import { PCOLLECTION_MIME, type PCollectionPayload } from "../../lib/display/protocol";
import { bundleOf } from "../../lib/interactive/show";
import { tmpDir, writeFile } from "../unit/helpers";

type Bundle = Record<string, unknown>;
const html = (b: Bundle) => b["text/html"] as string;
const text = (b: Bundle) => b["text/plain"] as string;
const payload = (b: Bundle) => b[PCOLLECTION_MIME] as PCollectionPayload;
const types = (b: Bundle) => Object.fromEntries(payload(b).columns.map((c) => [c.name, c.type]));

/** The `<th>` / `<td>` tags of an HTML table, in order. */
function cells(h: string, tag: "th" | "td"): { align: string | null; style: string | null; text: string }[] {
  return [...h.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>(.*?)</${tag}>`, "g"))].map((m) => ({
    align: /align="(\w+)"/.exec(m[1] ?? "")?.[1] ?? null,
    style: /style="([^"]*)"/.exec(m[1] ?? "")?.[1] ?? null,
    text: m[2],
  }));
}

async function warehouse() {
  const dir = tmpDir("beamlab-display-");
  const db = path.join(dir, "wh.duckdb");
  const csv = writeFile(dir, "classes.csv", "cno,cname,credits,start\nCS313E,Elements,3,2024-01-15\nM362K,Probability,4,2024-02-01\n");
  const wh = beam.warehouse.open(db);
  await wh.load("ds.classes", csv, "cno:STRING,cname:STRING,credits:INTEGER,start:DATE");
  return { dir, db, wh };
}

test("HTML fallback: text left-aligned, numbers right-aligned, in cells and headers", async () => {
  const b = await bundleOf([{ name: "Ann", credits: 3, gpa: 3.5 }, { name: "Bob", credits: 12, gpa: null }]);
  const h = html(b);
  const heads = cells(h, "th");
  assert.deepEqual(heads.map((c) => c.align), ["left", "right", "right"]);
  assert.deepEqual(heads.map((c) => c.style), ["text-align: left; overflow-wrap: anywhere", "text-align: right; overflow-wrap: anywhere", "text-align: right; overflow-wrap: anywhere"]);
  const tds = cells(h, "td");
  assert.deepEqual(tds.slice(0, 3).map((c) => c.align), ["left", "right", "right"]);
  assert.ok(tds.every((c) => c.style === `text-align: ${c.align}; overflow-wrap: anywhere`));
  // text/plain pads numbers on the left, text on the right.
  const lines = text(b).split("\n");
  assert.equal(lines[1], "name | credits |  gpa");
  assert.equal(lines[3], "Ann  |       3 |  3.5");
  assert.equal(lines[4], "Bob  |      12 | null");
});

test("one element is '1 element' in HTML and text; more are plural", async () => {
  const one = await bundleOf([{ a: 1 }]);
  assert.match(html(one), /— 1 element<\/p>/);
  assert.match(text(one).split("\n")[0], / — 1 element$/);
  const p = new beam.Pipeline({ runner: "interactive" });
  const single = p.apply("One", beam.Create(["x"]));
  assert.match(html(await bundleOf(single)), /— 1 element</);
  const many = p.apply("Many", beam.Create(Array.from({ length: 60 }, (_, i) => i)));
  assert.match(html(await bundleOf(many)), /showing 50 of 60 elements/);
  assert.match(html(await bundleOf(p.apply("None", beam.Create([])))), /— 0 elements</);
});

test("captions: a query result, arrays by what they hold, other tables", async () => {
  const { wh } = await warehouse();
  const q = await bundleOf(await wh.query("SELECT * FROM ds.classes ORDER BY cno"));
  assert.equal(payload(q).label, "query result");
  assert.match(html(q), /<strong>query result<\/strong> — 2 rows/);
  assert.match(text(q), /^query result — 2 rows/);
  assert.equal(payload(await bundleOf([{ a: 1 }, { a: 2 }, { a: 3 }])).label, "array of 3 records");
  assert.equal(payload(await bundleOf([1])).label, "array of 1 number");
  assert.equal(payload(await bundleOf(["a", 1])).label, "array of 2 values");
  assert.equal(payload(await bundleOf(await beam.collect(new beam.Pipeline({ runner: "interactive" }).apply(beam.Create([1]))))).label, "arquero table");
  assert.equal(payload(await bundleOf([1, 2], { label: "mine" })).label, "mine");
});

test("an empty query result keeps its column types", async () => {
  const { wh } = await warehouse();
  const q = await bundleOf(await wh.query("SELECT * FROM ds.classes WHERE false"));
  assert.deepEqual(types(q), { cno: "string", cname: "string", credits: "integer", start: "date" });
  assert.match(html(q), /credits <small>integer<\/small>/);
});

test("an empty PCollection from ReadFromSQL keeps its declared column types, through element-preserving transforms", async () => {
  const { db } = await warehouse();
  const p = new beam.Pipeline({ runner: "interactive", warehouse: db });
  const rows = p.apply("Read", beam.io.ReadFromSQL({ query: "SELECT cno, credits, start FROM ds.classes WHERE credits > 100" }));
  const want = { cno: "string", credits: "integer", start: "date" };
  const b = await bundleOf(rows);
  assert.equal(payload(b).total, 0);
  assert.deepEqual(types(b), want);
  assert.deepEqual(payload(b).columns.map((c) => c.nullable), [true, true, true]);
  assert.match(html(b), /<th align="right" style="text-align: right; overflow-wrap: anywhere">credits <small>integer<\/small><\/th>/);
  assert.match(text(b), /^Read — 0 elements\ncno \| credits \| start\n/);
  const filtered = rows.apply("Keep", beam.Filter(() => true));
  const distinct = filtered.apply("Distinct", beam.Distinct());
  const flat = beam.Flatten.of([distinct, rows], "Both");
  const [part] = flat.apply("Split", beam.Partition(() => 0, 2));
  for (const pc of [filtered, distinct, flat, part]) assert.deepEqual(types(await bundleOf(pc)), want, pc.label);
  // A Map changes the elements: its output declares nothing.
  const mapped = rows.apply("Change", beam.Map((r: Record<string, unknown>) => ({ other: r.cno })));
  assert.equal(mapped.schema, null);
  assert.deepEqual(payload(await bundleOf(mapped)).columns.map((c) => c.type), ["null"]);
});

test("declared types also type a column a sample cannot (all null)", async () => {
  const { db } = await warehouse();
  const p = new beam.Pipeline({ runner: "interactive", warehouse: db });
  const rows = p.apply("Read", beam.io.ReadFromSQL({ query: "SELECT cno, CAST(NULL AS INTEGER) AS credits FROM ds.classes" }));
  assert.deepEqual(types(await bundleOf(rows)), { cno: "string", credits: "integer" });
});

test("an empty PCollection from ReadFromCsv with a schema keeps the schema's types", async () => {
  const dir = tmpDir("beamlab-display-csv-");
  const csv = writeFile(dir, "empty.csv", "sid,credits,dob,ok\n");
  const p = new beam.Pipeline({ runner: "interactive" });
  const rows = p.apply("Read", beam.io.ReadFromCsv(csv, { schema: "sid:STRING,credits:INTEGER,dob:DATE,ok:BOOLEAN" }));
  const b = await bundleOf(rows);
  assert.deepEqual(types(b), { sid: "string", credits: "integer", dob: "date", ok: "boolean" });
  assert.match(html(b), /— 0 elements/);
  const untyped = p.apply("Untyped", beam.io.ReadFromCsv(csv));
  assert.equal(untyped.schema, null);
});

test("a group of records previews its fields in the HTML fallback", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const keyed = p.apply("Classes", beam.Create([
    ["CS313E", { cno: "CS313E", cname: "Elements of Software Design", credits: 3 }],
    ["CS313E", { cno: "CS313E", cname: "Elements of SW Design", credits: 3 }],
    ["CS326E", { cno: "CS326E", cname: "Principles", credits: 3 }],
  ] as [string, { cno: string; cname: string; credits: number }][]));
  const grouped = keyed.apply("Group", beam.GroupByKey<string, { cno: string; cname: string; credits: number }>());
  const h = html(await bundleOf(grouped));
  assert.match(h, /2 × \{cno: &quot;CS313E&quot;, cname \(2 different\): &quot;Elements of Software Des…&quot; \| &quot;Elements of SW Design&quot;, credits: 3\}/);
  assert.match(h, /1 × \{cno: &quot;CS326E&quot;, cname: &quot;Principles&quot;, credits: 3\}/);
  assert.doesNotMatch(h, /\{3\}/);
});
