import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aq from "arquero";
import * as beam from "../../lib";
import { renderSvg, VEGALITE_MIME } from "../../lib/display/chart";
import { estimateTextWidth } from "../../lib/display/text-width";
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
  assert.deepEqual(values(spec).map((r) => [r.bin_start, r.bin_end, r.count]), [[3, 4, 3], [4, 5, 1]]);
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

// ---------------------------------------------------------------- how the static SVG reads

/** The texts of an axis's labels ("X" or "Y") in a vega SVG. */
function axisLabels(svg: string, axis: "X" | "Y"): string[] {
  const at = svg.indexOf(`aria-label="${axis}-axis`);
  assert.ok(at >= 0, `the SVG has a ${axis} axis`);
  const group = /<g class="mark-text role-axis-label"[^>]*>([\s\S]*?)<\/g>/.exec(svg.slice(at));
  assert.ok(group, `the ${axis} axis has labels`);
  return [...group[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** The bars of a vega SVG as [x, width] in pixels (paths "M x,y h w v h h -w Z"). */
function bars(svg: string): [number, number][] {
  const group = /<g class="mark-rect role-mark[^>]*>([\s\S]*?)<\/g>/.exec(svg);
  assert.ok(group, "the SVG has bars");
  return [...group[1].matchAll(/ d="M(-?[\d.]+),-?[\d.]+h(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

test("count axes tick whole numbers only (no 0.5 elements)", async () => {
  // Small counts are where vega picks 0.5 steps: 1 and 3 here, 1 and 2 below.
  const counted = await renderSvg(await beam.chart(rows).count("dept").toSpec());
  assert.deepEqual(axisLabels(counted, "Y"), ["0", "1", "2", "3"]);
  const aggregated = await renderSvg(await beam.chart(rows).bar({ x: "year", y: { aggregate: "count" } }).toSpec());
  assert.deepEqual(axisLabels(aggregated, "Y"), ["0", "1", "2"]);
  const hist = await renderSvg(await beam.chart(rows).histogram("year").toSpec());
  assert.deepEqual(axisLabels(hist, "Y"), ["0", "1", "2"]);
  // A field of whole numbers (rows per table) ticks whole numbers too, and years read as years.
  const perTable = await renderSvg(await beam.chart([{ t: "a", n: 1 }, { t: "b", n: 2 }]).bar({ x: "t", y: "n" }).toSpec());
  assert.ok(axisLabels(perTable, "Y").every((l) => /^\d+$/.test(l)), axisLabels(perTable, "Y").join(" "));
  assert.deepEqual(axisLabels(hist, "X"), ["1999", "2000", "2001", "2002"]);
  // Big counts keep their thousands separators.
  const big = await renderSvg(await beam.chart(Array.from({ length: 30_000 }, (_, i) => ({ d: i % 3 ? "a" : "b" }))).count("d").toSpec());
  assert.ok(axisLabels(big, "Y").includes("20,000"), axisLabels(big, "Y").join(" "));
});

test("histogram bars span their bins with a small gap, with a few bins and with many", async () => {
  const years = [1998, 1999, 1999, 1999, 2000, 2000, 2000, 2000, 2000, 2000, 2001, 2001].map((year) => ({ year }));
  const fewSpec = await beam.chart(years).histogram("year").toSpec();
  // Whole numbers: one bin per year, never split at 1999.15.
  assert.deepEqual(values(fewSpec).map((r) => [r.bin_start, r.count]), [[1998, 1], [1999, 3], [2000, 6], [2001, 2]]);
  const smooth = Array.from({ length: 5000 }, (_, i) => ({ x: Math.sin(i) * 50 + (i % 100) + 0.5 }));
  const manySpec = await beam.chart(smooth).histogram("x", { bins: 150 }).toSpec();
  const step = Number(values(manySpec)[0].bin_end) - Number(values(manySpec)[0].bin_start);
  assert.match(String(step), /^(1|2|5)(\.0*)?$|^0\.0*(1|2|5)$/, `a nice bin step, got ${step}`);
  assert.ok(values(manySpec).length > 60, `many bins: ${values(manySpec).length}`);
  const hugeSpec = await beam.chart(smooth).histogram("x", { bins: 5000 }).toSpec();
  assert.ok(values(hugeSpec).length <= 200, "at most 200 bins");
  for (const [name, spec] of [["few", fewSpec], ["many", manySpec], ["huge", hugeSpec]] as const) {
    const drawn = bars(await renderSvg(spec)).filter(([, w]) => w > 0);
    const nonEmpty = values(spec).filter((r) => Number(r.count) > 0).length;
    assert.equal(drawn.length, nonEmpty, `${name}: one bar per non-empty bin`);
    const binPx = Math.min(...drawn.slice(1).map(([x], i) => x - drawn[i][0]));
    for (let i = 0; i < drawn.length; i++) {
      const [x, w] = drawn[i];
      assert.ok(w >= 2, `${name}: bar ${i} is a hairline (${w} px)`);
      assert.ok(w >= binPx - 1.01, `${name}: bar ${i} (${w} px) does not span its ${binPx} px bin`);
      if (i + 1 < drawn.length) assert.ok(x + w <= drawn[i + 1][0] + 0.01, `${name}: bars ${i} and ${i + 1} overlap`);
    }
  }
});

const big40 = () => Array.from({ length: 400 }, (_, i) => ({ w: `word${i % 40}` }));

test("long category labels are complete in the static SVG and inside its view box", async () => {
  const names = ["CS331E - Elements of Software Engineering", "Elements of Web Programming", "CS327E – Elements of Databases"];
  const data = names.flatMap((cname, i) => Array.from({ length: i + 1 }, () => ({ cname })));
  const spec = await beam.chart(data).count("cname").toSpec();
  const svg = await renderSvg(spec);
  assert.deepEqual(axisLabels(svg, "X").sort(), [...names].sort(), "no label cut with …");
  // The SVG is sized for the slanted labels (measured with real fonts in test/ui/chart.test.ts).
  const box = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
  assert.ok(Number(box[2]) > 300 + estimateTextWidth({ fontSize: 10 }, names[0]) * Math.sin((40 * Math.PI) / 180), `the view box (${box[0]}) leaves room for slanted labels`);
  // Few categories get wide bars, in each cell of a facet too (not 20 px slivers).
  const faceted = await beam.chart(rows).bar({ x: "dept", y: "credits", facet: "year" }).toSpec();
  assert.deepEqual(faceted.width, { step: 60 });
  assert.deepEqual((await beam.chart(big40()).count("w").toSpec()).width, { step: 20 });
  // Short labels stay level.
  const short = await renderSvg(await beam.chart(rows).count("dept").toSpec());
  assert.doesNotMatch(/role-axis-label[^>]*>([\s\S]*?)<\/g>/.exec(short.slice(short.indexOf('aria-label="X-axis')))![1], /rotate/);
});

test("a chart carries a description: ARIA label, SVG title and the alt text of its image", async () => {
  const hostile = '<img src=x onerror=alert(1)> "quoted"';
  const bundle = await bundleOf(beam.chart([{ dept: "CS" }, { dept: "CS" }, { dept: hostile }]).count("dept").title("Teachers per department"));
  const spec = bundle[VEGALITE_MIME] as Record<string, unknown>;
  assert.equal(spec.description, `Teachers per department. A bar chart of count by dept: 2 bars (CS 2, ${hostile} 1).`);
  const svg = bundle["image/svg+xml"] as string;
  const escaped = "Teachers per department. A bar chart of count by dept: 2 bars (CS 2, &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; 1).";
  assert.ok(svg.startsWith(`<svg role="img" aria-label="${escaped}"`), svg.slice(0, 300));
  assert.ok(svg.includes(`<title>${escaped}</title>`));
  const img = bundle["text/markdown"] as string;
  const m = /^<img alt="([^"]*)" src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)">$/.exec(img);
  assert.ok(m, img.slice(0, 200));
  assert.equal(m[1], escaped);
  assert.equal(Buffer.from(m[2], "base64").toString("utf8"), svg);
  // A histogram and a line say what they are too.
  const hist = await beam.chart(rows).histogram("credits").toSpec();
  assert.equal(hist.description, "A histogram of credits: 2 bins, count from 1 to 3.");
  const line = await beam.chart(rows).line({ x: "year", y: "credits" }).title("Credits over time").toSpec();
  assert.equal(line.description, "Credits over time. A line chart of credits by year: 4 rows, credits from 3 to 4.");
});

const JUPYTER = path.resolve(__dirname, "..", "..", "..", ".venv", "bin", "jupyter");

test("nbconvert's HTML shows a chart as an image with alt text, and warns of no missing alt", { skip: !fs.existsSync(JUPYTER) && ".venv is missing", timeout: 120_000 }, async () => {
  const bundle = await bundleOf(beam.chart(rows).count("dept").title("Classes per department"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-alt-"));
  try {
    const output = { output_type: "display_data", metadata: {}, data: bundle };
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", id: "c", metadata: {}, execution_count: 1, source: "chart", outputs: [output] }] };
    fs.writeFileSync(path.join(dir, "chart.ipynb"), JSON.stringify(nb));
    const r = spawnSync(JUPYTER, ["nbconvert", "--to", "html", "chart.ipynb"], { cwd: dir, encoding: "utf8", timeout: 110_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Alternative text is missing/);
    const html = fs.readFileSync(path.join(dir, "chart.html"), "utf8");
    const imgs = [...html.matchAll(/<img[^>]*>/g)].map((m) => m[0]);
    assert.equal(imgs.length, 1, "one image: the chart");
    assert.match(imgs[0], /alt=["']Classes per department\. A bar chart of count by dept: 2 bars \(CS 3, Math 1\)\.["']/);
    assert.match(imgs[0], /src="data:image\/svg\+xml;base64,/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("text widths for the static SVG go by character: wide letters wider, bold wider, cut at the limit", () => {
  const w = (text: string, item = {}) => estimateTextWidth({ fontSize: 10, ...item }, text);
  assert.ok(w("WWWW") > w("AAAA") && w("AAAA") > w("aaaa") && w("aaaa") > w("iiii"));
  assert.ok(w("WWWW") >= 4 * 9.9, "W is about an em in DejaVu Sans");
  assert.ok(w("Dept", { fontWeight: "bold" }) > w("Dept"));
  assert.equal(w("a very long label indeed", { limit: 50 }), 50);
  assert.equal(w("  padded  "), w("padded"));
  assert.equal(w(""), 0);
});
