// The job view in a real tslab kernel: a run on the local runner (2 workers), on the direct
// runner and an interactive p.run() each leave one job view output, saved as its summary
// (every stage done, steps, workers, user metrics, logs with step and worker), and the logs
// are not printed besides; a run whose DoFn throws on a worker ends its view as failed.
import test from "node:test";
import assert from "node:assert/strict";
import { runNotebook, textOf, type Output } from "./helpers";
import { JOB_MIME, PROGRESS_MIME, type JobPayload } from "../../lib/display/protocol";

function jobOf(outputs: Output[]): JobPayload {
  const views = outputs.filter((o) => o.data?.[JOB_MIME]);
  assert.equal(views.length, 1, `one job view in ${JSON.stringify(outputs).slice(0, 400)}`);
  assert.ok(views[0].data![PROGRESS_MIME], "the progress payload rides along");
  assert.match(String(views[0].data!["text/html"]), /<div class="beamlab-job">/);
  return views[0].data![JOB_MIME] as JobPayload;
}

test("in a real tslab kernel: local, direct and interactive runs show a job view that ends as their summary", { timeout: 150_000 }, () => {
  const fn = [
    'import * as beam from "beamlab";',
    "class Tag extends beam.DoFn<number, [string, number]> {",
    "  process(n: number) {",
    '    if (n % 2) { console.warn("odd", n); beam.metrics.counter("odd").inc(); }',
    '    else beam.log("even", n);',
    '    return [[n % 2 ? "odd" : "even", n] as [string, number]];',
    "  }",
    "}",
    "function build(p: beam.Pipeline) {",
    '  return p.apply("Nums", beam.Create([1, 2, 3, 4, 5, 6, 7, 8])).apply("Tag", beam.ParDo(new Tag())).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));',
    "}",
  ].join("\n");
  const { run, outputs } = runNotebook("job-view", [
    fn,
    'const p = new beam.Pipeline({ name: "local job", runner: "local", workers: 2 });\nbuild(p);\nconst r = await p.run();\nconsole.log("local", r.state, r.logs().lines.length);',
    'const q = new beam.Pipeline({ name: "direct job", runner: "direct" });\nbuild(q);\nawait q.run();\nconsole.log("direct done");',
    'const i = new beam.Pipeline({ name: "interactive job" });\nbuild(i);\nawait i.run();\nconsole.log("interactive done");',
    [
      "class Boom extends beam.DoFn<number, number> { process(n: number) { console.error(\"about to fail on\", n); if (n === 3) throw new Error(\"boom\"); return [n]; } }",
      'const f = new beam.Pipeline({ name: "failing job", runner: "local", workers: 2 });',
      'f.apply("Nums", beam.Create([1, 2, 3, 4])).apply("Boom", beam.ParDo(new Boom()));',
      'try { await f.run(); } catch (e) { console.log("failed:", (e as Error).message.split("\\n")[0]); }',
    ].join("\n"),
  ]);
  assert.equal(run.status, 0, run.stderr);

  const local = jobOf(outputs[1]);
  assert.equal(local.runner, "local");
  assert.equal(local.progress.state, "DONE");
  assert.ok(local.stages.length >= 3, `stages: ${JSON.stringify(local.stages)}`);
  assert.ok(local.stages.every((s) => s.status === "done"), "every stage done");
  assert.ok(local.stages.some((s) => s.kind === "shuffle" && s.steps.includes("Sum")), "the combine is a shuffle stage");
  assert.deepEqual(local.workers.map((w) => w.worker), [0, 1]);
  assert.equal(local.workers.reduce((a, w) => a + w.elementsOut, 0) > 0, true);
  assert.deepEqual(local.metrics.filter((m) => m.kind === "counter").map((m) => [m.step, m.name, m.kind === "counter" && m.value]), [["Tag", "odd", 4]]);
  assert.equal(local.logs.total, 8);
  assert.deepEqual(new Set(local.logs.lines.map((l) => l.worker)), new Set([0, 1]), "lines from both workers");
  assert.ok(local.logs.lines.every((l) => l.step === "Tag"));
  assert.deepEqual(new Set(local.logs.lines.map((l) => l.level)), new Set(["warn", "info"]));
  assert.ok(local.logs.lines.every((l, k, all) => k === 0 || all[k - 1].time >= l.time), "newest first");
  assert.deepEqual(Object.fromEntries(local.options), { name: "local job", runner: "local", workers: "2" });
  assert.deepEqual(local.progress.steps.map((s) => [s.label, s.elementsOut]), [["Nums", 8], ["Tag", 8], ["Sum", 2]]);
  const localText = textOf(outputs[1]);
  assert.match(localText, /local DONE 8/);
  assert.doesNotMatch(localText, /\[Tag · worker/, "the lines are in the view, not printed");

  const direct = jobOf(outputs[2]);
  assert.equal(direct.runner, "direct");
  assert.equal(direct.progress.state, "DONE");
  assert.ok(direct.stages.length >= 2 && direct.stages.every((s) => s.status === "done"), JSON.stringify(direct.stages));
  assert.deepEqual(direct.logs.lines.map((l) => l.worker), Array(8).fill(null));
  assert.doesNotMatch(textOf(outputs[2]), /\[Tag\]/);

  const interactive = jobOf(outputs[3]);
  assert.equal(interactive.runner, "interactive");
  assert.equal(interactive.progress.state, "DONE");
  assert.equal(interactive.progress.pipeline.name, "i", "named by its variable");
  assert.equal(interactive.logs.total, 8);

  const failed = jobOf(outputs[4]);
  assert.equal(failed.progress.state, "FAILED");
  assert.ok(failed.stages.some((s) => s.status === "failed"), JSON.stringify(failed.stages));
  assert.ok(failed.logs.lines.some((l) => l.level === "error" && /about to fail on 3/.test(l.text)), "the failing element's line is in the view");
  assert.match(textOf(outputs[4]), /failed: Boom\.process\(\) failed in transform "Boom"/);
  assert.match(textOf(outputs[4]), /failing job: failed after [\d.]+ s; 1 step finished\n/, "no cache is claimed on the local runner");
});
