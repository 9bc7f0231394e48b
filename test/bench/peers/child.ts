/**
 * One engine and one case in a process of its own (so that peak memory and start-up are
 * the engine's): loads the engine, runs the case `--runs` times (each into a fresh output
 * directory) and prints one JSON line: start-up and run times in ms and the peak RSS.
 *
 *   node dist/test/bench/peers/child.js ENGINE CASE INPUT_DIR OUT_DIR RUNS BUDGET_MS
 *
 * Stops early once its runs took BUDGET_MS in all (a slow case gets fewer runs).
 */
import * as fs from "node:fs";
import { NODE_ENGINES, type EngineId } from "./engines";
import type { CaseName } from "./cases";

async function main(): Promise<void> {
  const [id, c, input, out, runs, budget] = process.argv.slice(2);
  const loader = NODE_ENGINES[id as EngineId];
  if (!loader) throw new Error(`no Node engine ${id}`);
  const engine = await loader();
  await engine.load?.();
  // From the process's start: node itself, the engine's modules and its load().
  const startupMs = performance.now();
  const times: number[] = [];
  /** What each run spent before its own timing began (a SparkContext's start, a cache's first fill). */
  const before: number[] = [];
  for (let i = 0; i < Number(runs); i++) {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const t0 = performance.now();
    const own = await engine.run(c as CaseName, input, out);
    const wall = performance.now() - t0;
    times.push(typeof own === "number" ? own : wall);
    before.push(wall - times[i]);
    // The parent reads what is done so far if a later run hits the time limit.
    process.stdout.write(`${JSON.stringify({ run: i, ms: times[i] })}\n`);
    if (times.reduce((a, b) => a + b, 0) > Number(budget)) break;
  }
  process.stdout.write(`${JSON.stringify({ startupMs, runs: times, before, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
  // Worker pools and database handles must not keep a finished child alive.
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
