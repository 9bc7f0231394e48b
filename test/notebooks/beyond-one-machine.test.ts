// notebooks/08-beyond-one-machine.ipynb, executed with the real tslab kernel through `beamlab run`
// over a small generated data set (BEAMLAB_08_ROWS; in class it is three million rows): the class
// pipeline on the direct runner, 2 local workers and a real Spark standalone cluster the notebook
// starts and stops, the job views side by side, and the three outputs equal.
import test, { before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { root, runNotebookFile, type Output } from "./helpers";
import { JOB_MIME, RUNS_MIME, type JobPayload, type RunsPayload } from "../../lib/display/protocol";
import { installSpark } from "../../lib/runners/spark/install";

const NAME = "08-beyond-one-machine";
const RUN = path.join(root, "test-artifacts", "notebook-08");
const ROWS = 30_000;
const MAX_SAVED_BYTES = 250_000;
type Cell = { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null };

const joined = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : (t ?? ""));
let ran: ReturnType<typeof runNotebookFile>["run"];
let cells: Cell[] = [];
let size = 0;

/** Spark masters and workers still running that the notebook's kernel started (they run in its folder); none may be left. */
function sparkProcesses(): string[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.includes("org.apache.spark.deploy.")).filter((l) => {
    try {
      return fs.readlinkSync(`/proc/${l.trim().split(/\s+/)[0]}/cwd`).startsWith(RUN);
    } catch {
      return false;
    }
  });
}

before(() => {
  installSpark();
  fs.rmSync(RUN, { recursive: true, force: true });
  fs.mkdirSync(path.join(RUN, "notebooks"), { recursive: true });
  fs.symlinkSync(path.join(root, "datasets"), path.join(RUN, "datasets"), "dir");
  const nb = path.join(RUN, "notebooks", `${NAME}.ipynb`);
  fs.copyFileSync(path.join(root, "notebooks", `${NAME}.ipynb`), nb);
  process.env.BEAMLAB_08_ROWS = String(ROWS);
  const r = runNotebookFile(nb, 300_000);
  delete process.env.BEAMLAB_08_ROWS;
  ran = r.run;
  cells = (JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: Cell[] }).cells;
  size = fs.statSync(nb).size;
});

function outputsOf(snippet: string): Output[] {
  const cell = cells.find((c) => c.cell_type === "code" && joined(c.source).includes(snippet));
  assert.ok(cell, `a code cell contains ${JSON.stringify(snippet)}`);
  return cell.outputs ?? [];
}

function jobOf(snippet: string): JobPayload {
  const views = outputsOf(snippet).filter((o) => o.data?.[JOB_MIME]);
  assert.equal(views.length, 1, `one job view in the cell with ${snippet}`);
  return views[0].data![JOB_MIME] as JobPayload;
}

test("08 runs top to bottom, committed without outputs, small once run, with no errors", () => {
  assert.equal(ran.status, 0, `${ran.stdout}\n${ran.stderr}`);
  const src = JSON.parse(fs.readFileSync(path.join(root, "notebooks", `${NAME}.ipynb`), "utf8")) as { cells: Cell[]; metadata: { kernelspec?: { name?: string } } };
  assert.equal(src.metadata.kernelspec?.name, "tslab");
  assert.match(joined(src.cells[0].source), /You will learn/);
  for (const c of src.cells.filter((x) => x.cell_type === "code")) assert.deepEqual([c.outputs, c.execution_count], [[], null], "committed without outputs");
  assert.ok(size < MAX_SAVED_BYTES, `saved size ${size} < ${MAX_SAVED_BYTES}`);
  const outputs = cells.flatMap((c) => c.outputs ?? []);
  assert.deepEqual(outputs.filter((o) => o.output_type === "error" || (o.output_type === "stream" && (o as { name?: string }).name === "stderr")), []);
  assert.match(joined(outputsOf("beam.datasets.writeCollege")[0]?.text), /30,000 enrolments/);
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
  assert.ok(spark.workers.length >= 1);
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
  for (const run of ["direct", "local", "spark"]) assert.ok(fs.readdirSync(path.join(RUN, "notebooks", "out", `08-${run}`)).some((f) => f.startsWith("takes-")), run);
  assert.deepEqual(sparkProcesses(), []);
});
