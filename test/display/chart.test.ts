import test from "node:test";
import assert from "node:assert/strict";
import * as aq from "arquero";
import * as beam from "../../lib";
import { renderSvg, VEGALITE_MIME } from "../../lib/display/chart";
import { bundleOf } from "../../lib/interactive/show";

interface ClassRow { cno: string; dept: string; credits: number; year: number }
const rows: ClassRow[] = [
  { cno: "CS313E", dept: "CS", credits: 3, year: 1999 },
  { cno: "CS327E", dept: "CS", credits: 3, year: 2000 },
  { cno: "M362K", dept: "Math", credits: 4, year: 2000 },
  { cno: "CS329E", dept: "CS", credits: 3, year: 2001 },
];

const values = (spec: Record<string, unknown>) => (spec.data as { values: Record<string, unknown>[] }).values;

test("count() counts values in the kernel and builds a bar spec", async () => {
  const spec = await beam.chart(rows).count("dept").toSpec();
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v5.json");
  assert.deepEqual((spec.mark as { type: string }).type, "bar");
  assert.deepEqual(values(spec), [{ dept: "CS", count: 3 }, { dept: "Math", count: 1 }]);
  assert.deepEqual((spec.encoding as Record<string, { field: string }>).x.field, "dept");
});

test("bar with an aggregate rolls up per x in the kernel", async () => {
  const spec = await beam.chart(rows).bar({ x: "dept", y: { field: "credits", aggregate: "sum" } }).toSpec();
  assert.deepEqual(values(spec).sort((a, b) => String(a.dept).localeCompare(String(b.dept))), [{ dept: "CS", credits: 9 }, { dept: "Math", credits: 4 }]);
  const countSpec = await beam.chart(rows).bar({ x: "year", y: { aggregate: "count" } }).toSpec();
  assert.deepEqual(values(countSpec).map((r) => r.count).sort(), [1, 1, 2]);
});

test("histogram bins in the kernel", async () => {
  const spec = await beam.chart(rows).histogram("credits", { bins: 2 }).toSpec();
  assert.deepEqual(values(spec).map((r) => r.count), [3, 1]);
  assert.equal(values(spec)[0].bin_start, 3);
});

test("a wrong field name is a clear error listing the columns (and a compile error)", async () => {
  // @ts-expect-error "dpt" is not a field of ClassRow
  const c = beam.chart(rows).count("dpt");
  await assert.rejects(c.toSpec(), /field "dpt".*\n(.|\n)*cno, dept, credits, year/);
});

test("charts of PCollections and arquero tables; pairs chart as key/value", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const perDept = p.apply("Create", beam.Create(rows)).apply("Pair", beam.Map((r: ClassRow) => [r.dept, r.credits] as [string, number])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const spec = await beam.chart(perDept).bar({ x: "key", y: "value" }).toSpec();
  assert.equal(values(spec).length, 2);
  const t = aq.table({ a: ["x", "y"], n: [1, 2] });
  assert.equal(values(await beam.chart(t).point({ x: "a", y: "n" }).toSpec()).length, 2);
});

test("1M rows aggregate into a bounded spec; unaggregated marks are sampled and say so", async () => {
  const big = Array.from({ length: 1_000_000 }, (_, i) => ({ dept: `d${i % 7}`, x: i % 1000, y: (i * 7) % 13 }));
  const counted = await beam.chart(big).count("dept").toSpec();
  assert.equal(values(counted).length, 7);
  assert.ok(JSON.stringify(counted).length < 5_000);
  const scatter = await beam.chart(big).point({ x: "x", y: "y" }).toSpec();
  assert.equal(values(scatter).length, 5000);
  assert.match(JSON.stringify(scatter.title), /a sample of 5000 of 1000000 rows/);
  const hist = await beam.chart(big).histogram("x", { bins: 10 }).toSpec();
  assert.equal(values(hist).reduce((a, r) => a + Number(r.count), 0), 1_000_000);
  assert.equal(values(await beam.chart(big).maxRows(100).point({ x: "x", y: "y" }).toSpec()).length, 100);
});

test("spec() takes any vega-lite spec and fills in the data", async () => {
  const spec = await beam.chart(rows).spec({ mark: "tick", encoding: { x: { field: "credits", type: "quantitative" } } }).toSpec();
  assert.equal(spec.mark, "tick");
  assert.equal(values(spec).length, 4);
});

test("the static SVG has the marks, and hostile strings stay text", async () => {
  const hostile = [{ name: "<img src=x onerror=alert(1)>", n: 2 }, { name: "</script><script>alert(2)</script>", n: 3 }];
  const bundle = await bundleOf(beam.chart(hostile).bar({ x: "name", y: "n", tooltip: ["name", "n"] }));
  assert.ok(bundle[VEGALITE_MIME]);
  const svg = bundle["image/svg+xml"] as string;
  assert.ok(svg.startsWith("<svg"));
  assert.ok(/mark-rect role-mark/.test(svg), "bar marks are drawn");
  assert.ok(!svg.includes("<img") && !svg.includes("<script>"), "no markup from data");
  assert.ok(svg.includes("&lt;img src=x onerror=alert(1)&gt;"), "the label is there as text");
  assert.match(bundle["text/plain"] as string, /bar of n by name/);
});

test("renderSvg draws a line chart", async () => {
  const svg = await renderSvg({ data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] }, mark: "line", encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } } });
  assert.ok(/mark-line/.test(svg));
});
