import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tslabNotebookJson } from "../notebook";

const root = path.resolve(__dirname, "../../..");


test("an exported notebook shows tables and charts without JavaScript, and data stays text", { timeout: 180_000 }, () => {
  const dir = path.join(root, "test-artifacts", "export");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const nb = path.join(dir, "export.ipynb");
  fs.writeFileSync(
    nb,
    tslabNotebookJson([
      'import * as beam from "beamlab";\nconst p = new beam.Pipeline();\nconst rows = p.apply("Create", beam.Create([{ dept: "CS" }, { dept: "CS" }, { dept: "<img src=x onerror=alert(1)>" }]));\nawait beam.show(rows);',
      'await beam.show(beam.chart(rows).count("dept").title("Per department"));',
      "beam.showGraph(p);",
    ]),
  );
  execFileSync(process.execPath, [path.join(root, "bin/beamlab.js"), "run", nb], { cwd: root, stdio: "pipe", timeout: 120_000 });
  const converted = spawnSync(path.join(root, ".venv/bin/jupyter"), ["nbconvert", "--to", "html", nb], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  assert.equal(converted.status, 0, converted.stderr);
  assert.doesNotMatch(converted.stderr, /Alternative text is missing/, "every image (table, chart, graph) has alt text");
  const html = fs.readFileSync(path.join(dir, "export.html"), "utf8");
  // nbconvert embeds SVG outputs as data: images; decode ours (its own icons sit in CSS, not <img>).
  const svgs = [...html.matchAll(/<img[^>]+src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], "base64").toString("utf8"));
  const chartSvg = svgs.find((s) => s.includes("mark-rect"));
  assert.ok(chartSvg, "the chart's static SVG is in the page");
  assert.match(chartSvg!, /Per department/);
  assert.ok(chartSvg!.includes("&lt;img src=x onerror=alert(1)&gt;"), "hostile data in the axis is text");
  assert.ok(!html.includes("vega-embed") && !html.includes("vegaEmbed"), "no JavaScript renders the chart");
  assert.match(html, /3 elements/, "the table's HTML fallback with its count");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"), "hostile data is escaped text");
  assert.ok(!/<img src=x onerror/.test(html), "and never markup");
  assert.ok(svgs.some((s) => /aria-label="Pipeline graph of p: 1 step \(Create\)\."/.test(s)), "the graph's SVG fallback, described");
  assert.match(html, /<img alt="Pipeline graph of p: 1 step \(Create\)\."/, "the graph's picture has alt text");
});
