import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../../..");

test("in a real tslab kernel: interrupt stops a pipeline, the kernel lives on, slow shows display live progress", { timeout: 240_000 }, () => {
  const work = path.join(root, "test-artifacts", "kernel");
  fs.mkdirSync(work, { recursive: true });
  const out = execFileSync(path.join(root, ".venv/bin/python"), [path.join(root, "test/notebooks/kernel_probe.py"), work], {
    env: { ...process.env, PATH: `${path.join(root, "node_modules/.bin")}:${process.env.PATH}`, JUPYTER_PATH: path.join(root, ".venv/share/jupyter") },
    encoding: "utf8",
    timeout: 230_000,
  });
  const seen = JSON.parse(out.trim().split("\n").pop()!);
  assert.equal(seen.import, "ok");
  assert.equal(seen.interrupted.status, "error", "the interrupted cell fails");
  assert.ok(seen.interrupted.seconds < 10, `interrupt took ${seen.interrupted.seconds}s`);
  assert.equal(seen.alive, true, "the kernel is alive after the interrupt");
  assert.equal(seen.after.status, "ok");
  assert.equal(seen.after.stdout.trim(), "2", "the next cell works");
  const msgs = seen.progress.messages as { type: string; mimes: string[]; display_id: string | null; state: string | null }[];
  const progress = msgs.filter((m) => m.mimes.includes("application/vnd.beamlab.progress.v1+json"));
  assert.ok(progress.length >= 2, "a live progress display");
  assert.equal(progress[0].type, "display_data");
  assert.ok(progress.slice(1).every((m) => m.type === "update_display_data" && m.display_id === progress[0].display_id), "updated in place");
  assert.equal(progress[progress.length - 1].state, "DONE", "ends as a summary");
  assert.ok(msgs.some((m) => m.mimes.includes("application/vnd.beamlab.pcollection.v1+json")), "then the table");
});
