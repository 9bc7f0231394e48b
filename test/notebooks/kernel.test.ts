import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspectCode, pageCode } from "../../lib/display/protocol";

const root = path.resolve(__dirname, "../../..");

test("in a real tslab kernel: interrupt stops a pipeline, the kernel lives on, slow shows display live progress", { timeout: 240_000 }, () => {
  const work = path.join(root, "test-artifacts", "kernel");
  fs.mkdirSync(work, { recursive: true });
  const out = execFileSync(path.join(root, ".venv/bin/python"), [path.join(root, "test/notebooks/kernel_probe.py"), work], {
    env: {
      ...process.env,
      BEAMLAB_INSPECT_CODE: inspectCode(),
      BEAMLAB_PAGE_CODE: pageCode({ pipeline: "PIPELINE", pcollection: "PCOLL", offset: 1, limit: 2 }),
      PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}`, JUPYTER_PATH: path.join(root, ".venv/share/jupyter") },
    encoding: "utf8",
    timeout: 230_000,
  });
  const seen = JSON.parse(out.trim().split("\n").pop()!);
  assert.equal(seen.import, "ok");
  assert.equal(seen.interrupted.status, "error", "the interrupted cell fails");
  assert.ok(seen.interrupted.seconds < 10, `interrupt took ${seen.interrupted.seconds}s`);
  assert.equal(seen.interrupted.stderr, "Interrupted: the pipeline stopped; the steps that finished stay cached.\n", "one calm line, no stack trace");
  assert.equal(seen.alive, true, "the kernel is alive after the interrupt");
  // An interrupted p.run(): its summary says which steps finished and which were cancelled.
  const ir = seen.interrupted_run;
  assert.equal(ir.status, "error");
  assert.ok(ir.seconds < 10, `the interrupted run took ${ir.seconds}s to stop`);
  assert.equal(ir.stderr, "Interrupted: the pipeline stopped; the steps that finished stay cached.\n");
  assert.doesNotMatch(ir.stderr, /\n\s+at |executor\.js|Interrupted asynchronously/);
  const summary = ir.progress[ir.progress.length - 1];
  assert.equal(ir.progress[0].type, "display_data", "a run shows its summary from the start");
  assert.equal(summary.display_id, ir.progress[0].display_id);
  assert.equal(summary.payload.state, "CANCELLED", "the summary arrives before the cell ends");
  assert.deepEqual(summary.payload.steps.map((st: { label: string; status: string }) => [st.label, st.status]), [["Create", "done"], ["Key", "done"], ["Group", "cancelled"], ["Slow sums", "cancelled"]]);
  assert.match(summary.text, /^pi: interrupted after [\d.]+ s; 2 steps finished \(kept in the cache\), 2 cancelled/);
  assert.equal(seen.after_interrupted_run.status, "ok", seen.after_interrupted_run.stderr);
  assert.equal(seen.after_interrupted_run.stdout.trim(), "key calls: 200000", "the finished step is served from the cache, not recomputed");
  assert.equal(seen.after.status, "ok");
  assert.equal(seen.after.stdout.trim(), "2", "the next cell works");
  const msgs = seen.progress.messages as { type: string; mimes: string[]; display_id: string | null; state: string | null }[];
  const progress = msgs.filter((m) => m.mimes.includes("application/vnd.beamlab.progress.v1+json"));
  assert.ok(progress.length >= 2, "a live progress display");
  assert.equal(progress[0].type, "display_data");
  assert.ok(progress.slice(1).every((m) => m.type === "update_display_data" && m.display_id === progress[0].display_id), "updated in place");
  assert.equal(progress[progress.length - 1].state, "DONE", "ends as a summary");
  assert.ok(msgs.some((m) => m.mimes.includes("application/vnd.beamlab.pcollection.v1+json")), "then the table");
  // The extension's requests, as it sends them, answer with a reply payload and no error.
  const { inspect, page } = seen.requests;
  assert.equal(inspect.status, "ok", inspect.stderr);
  assert.equal(inspect.replies[0].ok, true);
  assert.ok(inspect.replies[0].pipelines.some((p: { pcollections: { varName: string }[] }) => p.pcollections.some((c) => c.varName === "few")));
  assert.equal(page.status, "ok", page.stderr);
  assert.equal(page.replies[0].ok, true);
  assert.equal(page.replies[0].page.offset, 1);
  assert.deepEqual(page.replies[0].page.rows.map((r: { element: number }) => r.element), [20, 30]);
});
