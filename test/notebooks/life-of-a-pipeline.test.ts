// notebooks/07-life-of-a-pipeline.ipynb, executed with the real tslab kernel through `beamlab run`
// (on its own: it reads the staging CSV file, not the warehouse, so it needs no earlier notebook),
// then its saved outputs are checked: what is submitted, explain, the job view of the run on 2
// local workers, the bug found in the logs, the fix, and the chart.
import test, { before } from "node:test";
import assert from "node:assert/strict";
import { EXPLAIN_MIME } from "../../lib/display/protocol";
import { CourseNotebookRun } from "./course-notebook";

let nb: CourseNotebookRun;
const outputsOf = (snippet: string) => nb.outputsOf(snippet);
const textOf = (snippet: string) => nb.textOf(snippet);
const jobOf = (snippet: string) => nb.jobOf(snippet);

before(() => {
  nb = new CourseNotebookRun("07-life-of-a-pipeline", 240_000);
});

test("07 runs top to bottom, committed without outputs, small once run, with no errors", () => {
  nb.assertClean();
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
