// beam.compareRuns outside a notebook: the payload (a run without a job view has job null),
// the summary against the first run, escaped HTML, and the extension's guard for the payload.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { RUNS_MIME, type RunsPayload } from "../../lib/display/protocol";
import { asRunsPayload } from "../../kernel-ext/src/model/payloads";

const HOSTILE = "<img src=x onerror=alert(1)>";

async function runOn(options: beam.PipelineOptions): Promise<beam.PipelineResult> {
  const p = new beam.Pipeline(options);
  p.apply("Nums", beam.Create([1, 2, 3, 4])).apply("Key", beam.Map((n: number) => [n % 2, n] as [number, number])).apply("Group", beam.GroupByKey<number, number>());
  return p.run();
}

test("compareRuns: one entry per run in order, job null outside a notebook, times against the first", async () => {
  const a = await runOn({ runner: "direct" });
  const b = await runOn({ runner: "local", workers: 2 });
  const c = beam.compareRuns({ direct: a, [HOSTILE]: b });
  assert.deepEqual(c.payload.runs.map((r) => [r.title, r.state, r.job]), [["direct", "DONE", null], [HOSTILE, "DONE", null]]);
  assert.equal(c.payload.runs[1].millis, b.millis);
  const text = String(c);
  assert.match(text, /^direct: DONE, .*\(1\.00×\)/);
  assert.match(text, new RegExp(`${HOSTILE.replace(/[()]/g, "\\$&")}: DONE, .*× direct\\)`));
  const html = c.bundle()["text/html"] as string;
  assert.ok(!html.includes("<img"), "a title is escaped");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.deepEqual(asRunsPayload(c.bundle()[RUNS_MIME]), c.payload);
  assert.throws(() => beam.compareRuns({}), /at least one run/);
});

test("the extension's guard refuses a runs payload it cannot show", () => {
  const ok: RunsPayload = { version: 1, runs: [{ title: "t", state: "DONE", millis: 3, job: null }] };
  assert.ok(asRunsPayload(ok));
  assert.ok(asRunsPayload(JSON.stringify(ok)), "as a JSON string too");
  assert.equal(asRunsPayload({ ...ok, version: 2 }), null);
  assert.equal(asRunsPayload({ version: 1, runs: [] }), null);
  assert.equal(asRunsPayload({ version: 1, runs: [{ title: 1, state: "DONE", millis: 3, job: null }] }), null);
  assert.equal(asRunsPayload({ version: 1, runs: [{ title: "t", state: "DONE", millis: 3, job: { version: 1 } }] }), null, "a broken job view");
});
