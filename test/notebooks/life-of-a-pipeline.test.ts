// notebooks/07-life-of-a-pipeline.ipynb, executed with the real tslab kernel through `beamlab run`
// (on its own: it reads the staging CSV file, not the warehouse, so it needs no earlier notebook),
// then its saved outputs are checked: what is submitted, explain, the job view of the run on 2
// local workers, the bug found in the logs, the fix, and the chart.
import test, { before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { root, runNotebookFile, type Output } from "./helpers";
import { EXPLAIN_MIME, JOB_MIME, type JobPayload } from "../../lib/display/protocol";

const NAME = "07-life-of-a-pipeline";
const RUN = path.join(root, "test-artifacts", "notebook-07");
/** A saved notebook stays small whatever it shows (as for the other course notebooks). */
const MAX_SAVED_BYTES = 250_000;
type Cell = { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null };

const joined = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : (t ?? ""));
let ran: ReturnType<typeof runNotebookFile>["run"];
let cells: Cell[] = [];
let size = 0;

before(() => {
  fs.rmSync(RUN, { recursive: true, force: true });
  fs.mkdirSync(path.join(RUN, "notebooks"), { recursive: true });
  // The notebook's relative paths (`../datasets/...`, `out/...`) work as in notebooks/, without writing there.
  fs.symlinkSync(path.join(root, "datasets"), path.join(RUN, "datasets"), "dir");
  const nb = path.join(RUN, "notebooks", `${NAME}.ipynb`);
  fs.copyFileSync(path.join(root, "notebooks", `${NAME}.ipynb`), nb);
  const r = runNotebookFile(nb, 240_000);
  ran = r.run;
  cells = (JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: Cell[] }).cells;
  size = fs.statSync(nb).size;
});

function outputsOf(snippet: string): Output[] {
  const cell = cells.find((c) => c.cell_type === "code" && joined(c.source).includes(snippet));
  assert.ok(cell, `a code cell contains ${JSON.stringify(snippet)}`);
  return cell.outputs ?? [];
}

function textOf(snippet: string): string {
  return outputsOf(snippet)
    .map((o) => joined(o.text ?? (o.data?.["text/plain"] as string | string[] | undefined)))
    .join("\n");
}

function jobOf(snippet: string): JobPayload {
  const views = outputsOf(snippet).filter((o) => o.data?.[JOB_MIME]);
  assert.equal(views.length, 1, `one job view in the cell with ${snippet}`);
  return views[0].data![JOB_MIME] as JobPayload;
}

test("07 runs top to bottom, committed without outputs, small once run, with no errors", () => {
  assert.equal(ran.status, 0, `${ran.stdout}\n${ran.stderr}`);
  const src = JSON.parse(fs.readFileSync(path.join(root, "notebooks", `${NAME}.ipynb`), "utf8")) as { cells: Cell[]; metadata: { kernelspec?: { name?: string } } };
  assert.equal(src.metadata.kernelspec?.name, "tslab");
  assert.match(joined(src.cells[0].source), /You will learn/);
  for (const c of src.cells.filter((x) => x.cell_type === "code")) assert.deepEqual([c.outputs, c.execution_count], [[], null], "committed without outputs");
  assert.ok(size < MAX_SAVED_BYTES, `saved size ${size} < ${MAX_SAVED_BYTES}`);
  const outputs = cells.flatMap((c) => c.outputs ?? []);
  assert.deepEqual(outputs.filter((o) => o.output_type === "error" || (o.output_type === "stream" && (o as { name?: string }).name === "stderr")), []);
});

test("07: steps 2 and 3, what is submitted and how it is optimized", () => {
  assert.match(textOf("p.toJSON()"), /Split takes and classes: beam:transform:pardo:v1/);
  assert.ok(outputsOf("beam.explain(p)").some((o) => o.data?.[EXPLAIN_MIME]), "explain output");
});

test("07: steps 4 and 5, the run on 2 local workers leaves its job view as the summary", () => {
  const run = jobOf("const result = await p.run()");
  assert.equal(run.runner, "local");
  assert.equal(run.progress.state, "DONE");
  assert.equal(run.workers.length, 2);
  assert.ok(run.stages.every((s) => s.status === "done"), JSON.stringify(run.stages));
  assert.ok(run.stages.some((s) => s.kind === "shuffle" && s.steps.includes("Group by cno")), JSON.stringify(run.stages));
  assert.match(textOf("result.stages().map"), /stage \d \(shuffle\): Group by cno/);
  assert.match(textOf("result.stages().map"), /worker 1: \d+ elements/);
});

test("07: the bug is found in the logs, and the fix drops only the rows without a course number", () => {
  assert.match(textOf("const buggy = await q.run()"), /\{ dropped: 8 \}/);
  const warnings = jobOf("const buggy = await q.run()").logs.lines.filter((l) => l.level === "warn");
  assert.equal(warnings.length, 8);
  assert.ok(warnings.some((l) => l.step === "Make takes" && /dropped kev18 CS329E grade: null/.test(l.text)), "a dropped student with a course is in the view");
  assert.match(textOf("buggy.logs().lines"), /Make takes · worker [01]: dropped kev18 CS329E grade: null/);
  assert.match(textOf("const fixedResult"), /\{ dropped: 2, kept: 11 \}/);
  const chart = outputsOf("beam.chart(graded)").find((o) => o.data?.["application/vnd.vegalite.v5+json"]);
  assert.ok(chart, "the last cell shows a chart");
  const values = ((chart.data!["application/vnd.vegalite.v5+json"] as { data: { values: { cno: string; count: number }[] } }).data.values);
  const perClass: Record<string, number> = {};
  for (const v of values) perClass[v.cno] = (perClass[v.cno] ?? 0) + Number(v.count);
  assert.deepEqual(perClass, { CS313E: 2, "CS313E - Fall18": 1, "CS326E - Fall18": 1, CS327E: 3, CS329E: 3, CS331E: 1 }, "what 05 keeps");
});
