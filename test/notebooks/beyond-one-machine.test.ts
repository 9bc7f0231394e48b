// notebooks/08-beyond-one-machine.ipynb, executed with the real tslab kernel through `beamlab run`
// over a small generated data set (BEAMLAB_08_ROWS; in class it is three million rows): the class
// pipeline on the direct runner, 2 local workers and a real Spark standalone cluster the notebook
// starts and stops, the job views side by side, and the three outputs equal.
import test, { before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RUNS_MIME, type RunsPayload } from "../../lib/display/protocol";
import { installSpark } from "../../lib/runners/spark/install";
import { CourseNotebookRun, joined } from "./course-notebook";

const ROWS = 30_000;
let nb: CourseNotebookRun;
const outputsOf = (snippet: string) => nb.outputsOf(snippet);
const jobOf = (snippet: string) => nb.jobOf(snippet);

/** Spark masters and workers still running that the notebook's kernel started (they run in its folder); none may be left. */
function sparkProcesses(): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes("org.apache.spark.deploy.")).filter((l) => {
    try {
      return fs.readlinkSync(`/proc/${l.trim().split(/\s+/)[0]}/cwd`).startsWith(nb.dir);
    } catch {
      return false;
    }
  });
}

before(() => {
  installSpark();
  nb = new CourseNotebookRun("08-beyond-one-machine", 300_000, { BEAMLAB_08_ROWS: String(ROWS) });
});

test("08 runs top to bottom, committed without outputs, small once run, with no errors", () => {
  nb.assertClean();
  assert.match(nb.textOf("beam.datasets.writeCollege"), /30,000 enrolments/);
});

test("08: the same pipeline on the direct runner, 2 local workers and the Spark cluster, each with its job view", () => {
  const direct = jobOf('classPipeline("direct"');
  const local = jobOf('classPipeline("local"');
  const spark = jobOf('classPipeline("spark"');
  assert.deepEqual([direct.runner, local.runner, spark.runner], ["direct", "local", "spark"]);
  for (const j of [direct, local, spark]) {
    assert.equal(j.progress.state, "DONE");
    assert.ok(j.stages.every((s) => s.status === "done"), JSON.stringify(j.stages));
    // The first stage reads the whole file, whichever runner ran it.
    assert.equal(j.stages[0].elementsIn, ROWS, `${j.runner}: ${JSON.stringify(j.stages[0])}`);
  }
  assert.equal(local.workers.length, 2);
  assert.ok(spark.stages.some((s) => s.kind === "shuffle" && s.steps.includes("Group by cno")), JSON.stringify(spark.stages));
  assert.ok(spark.stages.some((s) => s.extra?.sparkStages !== undefined && Number(s.extra?.tasks) > 0), `Spark stage ids and task counts: ${JSON.stringify(spark.stages)}`);
  // Per-executor figures: each Node process on a standalone worker's executor, by Spark's id.
  assert.ok(spark.workers.length >= 2, JSON.stringify(spark.workers));
  const executors = new Set(spark.workers.map((w) => String(w.extra?.executor)));
  assert.ok([...executors].every((e) => /^\d+$/.test(e)) && executors.size === 2, `two standalone executors: ${[...executors]}`);
  assert.equal(spark.workers.reduce((n, w) => n + w.elementsOut, 0) > 0, true);
  // The driver's UI ended with the run; the master's page of the application outlives it.
  assert.deepEqual(
    spark.links?.map((l) => [l.label, l.live]),
    [["Spark UI", false], ["Spark master: this application", true]],
    JSON.stringify(spark.links),
  );
  assert.match(spark.links![1].href, /^http:\/\/127\.0\.0\.1:\d+\/app\/\?appId=app-/);
});

test("08: the job views side by side, with wall times against the direct run", () => {
  const views = outputsOf("beam.compareRuns").filter((o) => o.data?.[RUNS_MIME]);
  assert.equal(views.length, 1);
  const runs = (views[0].data![RUNS_MIME] as RunsPayload).runs;
  assert.deepEqual(runs.map((r) => [r.title, r.state, r.job?.runner]), [["direct", "DONE", "direct"], ["2 local workers", "DONE", "local"], ["Spark cluster", "DONE", "spark"]]);
  assert.ok(runs.every((r) => r.millis > 0 && (r.job?.stages.length ?? 0) > 0));
  const html = joined(views[0].data!["text/html"] as string);
  assert.match(html, /Spark cluster/);
  assert.match(joined(views[0].data!["text/plain"] as string), /Spark cluster: spark runner, DONE, .*× direct/);
});

test("08: the three runs wrote the same records, and the cluster was stopped", () => {
  const text = outputsOf("same as direct").map((o) => joined(o.text ?? (o.data?.["text/plain"] as string))).join("");
  for (const run of ["direct", "local", "spark"]) assert.match(text, new RegExp(`run: '${run}'[^}]*'same as direct': true`), text);
  assert.doesNotMatch(text, /false/);
  for (const run of ["direct", "local", "spark"]) assert.ok(fs.readdirSync(path.join(nb.dir, "notebooks", "out", `08-${run}`)).some((f) => f.startsWith("takes-")), run);
  assert.deepEqual(sparkProcesses(), []);
});
