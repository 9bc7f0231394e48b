/**
 * Benchmark (not a test): `beamlab grade` of 40 submissions of the sample assignment with 1
 * and 2 workers. Prints submissions per minute, the speedup of 2 workers over 1 (target
 * ≥ 1.7×), and the time per submission against running the same notebook once with
 * `beamlab run` (the real tslab kernel through Jupyter; target ≤ 2×).
 *
 *   node dist/test/bench/grading.js [--n 40]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { assign } from "../../lib/grading/assign";
import { grade } from "../../lib/grading/grade";
import { readManifest } from "../../lib/grading/manifest";
import { open as openWarehouse } from "../../lib/warehouse";
import { intFlag, tempDir } from "./common";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const ASSIGNMENT = path.join(ROOT, "notebooks", "assignments", "a1-college-cleanup");
/** The submissions that run to their end (the loop, the bomb and the exit cost their limits, not grading). */
const KINDS = ["full-marks", "partial", "wrong-stage", "patches-checker"];

async function main(): Promise<void> {
  const n = intFlag("n", 40);
  const dir = tempDir("grading");
  const built = assign(path.join(ASSIGNMENT, "a1-college-cleanup.ipynb"), path.join(dir, "build"));
  const subs = path.join(dir, "subs");
  fs.mkdirSync(subs);
  for (let i = 0; i < n; i++) {
    const kind = KINDS[i % KINDS.length];
    fs.copyFileSync(path.join(ASSIGNMENT, "submissions", `${kind}.ipynb`), path.join(subs, `${kind}-${String(i).padStart(2, "0")}.ipynb`));
  }
  const files = fs.readdirSync(subs).sort().map((f) => path.join(subs, f));

  // Baseline: the reference notebook once through `beamlab run`, on the same hidden data.
  const manifest = readManifest(JSON.parse(fs.readFileSync(path.join(built.autograderDir, "manifest.json"), "utf8")));
  const warehouse = path.join(dir, "hidden.duckdb");
  const wh = openWarehouse(warehouse);
  for (const t of manifest.hiddenData?.tables ?? []) await wh.load(t.table, path.join(built.autograderDir, "hidden_data", t.csv), t.schema);
  // Under the repository, so that the kernel resolves `import "beamlab"` as a notebook there does.
  const runDir = path.join(ROOT, "test-artifacts", "bench-grading");
  fs.mkdirSync(runDir, { recursive: true });
  const notebook = path.join(runDir, "a1-college-cleanup.ipynb");
  fs.copyFileSync(path.join(built.autograderDir, "source.ipynb"), notebook);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "run", notebook], { encoding: "utf8", env: { ...process.env, BEAMLAB_WAREHOUSE: warehouse } });
  const runSeconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`beamlab run failed: ${run.stderr}`);

  const figures: Record<number, { seconds: number; perMinute: number }> = {};
  for (const workers of [1, 2]) {
    const t = performance.now();
    const report = await grade(built.autograderDir, files, { workers });
    const seconds = (performance.now() - t) / 1000;
    const ok = report.submissions.filter((s) => s.status === "ok" || s.status.startsWith("damaged")).length;
    figures[workers] = { seconds, perMinute: (files.length / seconds) * 60 };
    console.log(`grade ${files.length} submissions, ${workers} worker${workers === 1 ? "" : "s"}: ${seconds.toFixed(1)} s (${figures[workers].perMinute.toFixed(1)} per minute, ${ok} graded to the end)`);
  }
  const perSubmission = figures[1].seconds / files.length;
  console.log(`speedup, 2 workers over 1: ${(figures[1].seconds / figures[2].seconds).toFixed(2)}× (target ≥ 1.7×)`);
  console.log(`time per submission with 1 worker: ${perSubmission.toFixed(1)} s; the same notebook once with beamlab run: ${runSeconds.toFixed(1)} s; ratio ${(perSubmission / runSeconds).toFixed(2)}× (target ≤ 2×)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
