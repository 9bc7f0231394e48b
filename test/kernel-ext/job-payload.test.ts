// The extension's guard for job payloads: it accepts what a Job's snapshot sends (also as a
// JSON string) and refuses what it cannot show (another version, missing parts, a log line
// without text), instead of throwing.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { jobBundle } from "../../lib/display/job-view";
import { JOB_MIME } from "../../lib/display/protocol";
import { Job } from "../../lib/runners/job";
import { enterStep, exitStep, startRun } from "../../lib/runners/run-scope";
import { asJobPayload } from "../../kernel-ext/src/model/payloads";

function payload(): Record<string, unknown> {
  const p = new beam.Pipeline({ name: "words" });
  p.apply("Words", beam.Create(["a", "b"]));
  const scope = startRun("words", null, false);
  const job = new Job(p, "local", scope, [{ index: 0, kind: "coordinator", steps: ["Words"] }]);
  const prev = enterStep(scope, "Words");
  beam.log("hello");
  exitStep(prev);
  job.stage(0, "done", { elementsIn: 0, wallMillis: 3 });
  job.setWorkers([{ worker: 0, elementsOut: 2, busyMillis: 1 }]);
  job.finish("DONE");
  return jobBundle(job.snapshot())[JOB_MIME] as Record<string, unknown>;
}

test("a job snapshot is accepted, as an object and as JSON text", () => {
  const p = payload();
  assert.equal(asJobPayload(p)?.runner, "local");
  assert.equal(asJobPayload(JSON.stringify(p))?.logs.lines[0].text, "hello");
});

test("a payload the view cannot show is refused, not thrown on", () => {
  const broken = (change: (p: Record<string, any>) => void) => {
    const p = payload() as Record<string, any>;
    change(p);
    return asJobPayload(p);
  };
  assert.equal(broken((p) => (p.version = 2)), null);
  assert.equal(broken((p) => delete p.progress), null);
  assert.equal(broken((p) => (p.progress.steps = "x")), null);
  assert.equal(broken((p) => delete p.stages), null);
  assert.equal(broken((p) => (p.stages[0].steps = null)), null);
  assert.equal(broken((p) => (p.logs = [])), null);
  assert.equal(broken((p) => (p.logs.lines[0].text = 5)), null);
  assert.equal(broken((p) => (p.links = [{ label: "Spark UI", href: 4040, live: true }])), null);
  assert.equal(broken((p) => (p.links = "http://x")), null);
  assert.equal(broken((p) => (p.links = [{ label: "Spark UI", href: "http://127.0.0.1:4040", live: true }]))?.links?.[0].label, "Spark UI");
  assert.equal(asJobPayload("{not json"), null);
  assert.equal(asJobPayload(null), null);
});
