/**
 * Runs one engine on one case in a child process (Node: child.ts; Beam Python:
 * engines/beam_python.py in .venv-bench), kills it at the time limit, and reads what it
 * wrote back in canonical order.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { median } from "../common";
import { OUTPUTS, sortLines, type CaseName, type CaseOutput } from "./cases";
import { NODE_ENGINES, PYTHON_ENGINES, type EngineId } from "./engines";

// Compiled to dist/test/bench/peers/: the repository is four levels up.
export const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
export const BENCH_PYTHON = path.join(ROOT, ".venv-bench", "bin", "python");
export const PRISM = path.join(ROOT, ".cache", "go", "bin", "prism");
const PY_SCRIPT = path.join(ROOT, "test", "bench", "peers", "engines", "beam_python.py");

export interface CaseRun {
  engine: EngineId;
  case: CaseName;
  rows: number;
  /** Run times in ms (fewer than asked when the budget ran out). */
  runs: number[];
  medianMs: number | null;
  /** Wall time of the child minus its runs: process start, imports, engine start-up. */
  startupMs: number | null;
  maxRssMiB: number | null;
  /** The run was stopped at this limit (ms). */
  timedOut: number | null;
  /** Per output: line count and a hash of the sorted lines. */
  digest: Record<string, string> | null;
  error: string | null;
  /** When it ran (ISO time). */
  measuredAt: string;
  /** Not run, and why (it was over the limit on fewer rows). */
  skipped?: string;
  /** The command of the benchmark run it was part of, and the 1-minute load average as it ran. */
  command?: string;
  load?: number;
  /** The machine it ran on ({@link machineName}); absent in runs from before it was recorded. */
  machine?: string;
}

/** This machine, as the report names it: CPUs and memory. */
export function machineName(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

export interface RunOptions {
  runs: number;
  /** Stop a case's runs once they took this long in total (at least one run is made). */
  budgetMs: number;
  /** Kill the child after this long. */
  limitMs: number;
  /** Keep the outputs (for the equality test). */
  keep?: (out: CaseOutput) => void;
}

/** Every line of every file starting with `name` under `dir` (all shards), sorted. */
export function readOutput(dir: string, name: string): string[] {
  const lines: string[] = [];
  for (const f of fs.readdirSync(dir).filter((n) => n === name || n.startsWith(`${name}-`))) {
    for (const l of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) if (l !== "") lines.push(l);
  }
  return sortLines(lines);
}

export function digestOf(out: CaseOutput): Record<string, string> {
  return Object.fromEntries(Object.entries(out).map(([k, lines]) => [k, `${lines.length} lines, sha256 ${createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 12)}`]));
}

function command(engine: EngineId, c: CaseName, input: string, out: string, runs: number, budgetMs: number): [string, string[]] {
  const py = PYTHON_ENGINES[engine];
  const tail = [c, input, out, String(runs), String(budgetMs)];
  if (py) return [BENCH_PYTHON, [PY_SCRIPT, py, ...tail, PRISM]];
  if (!NODE_ENGINES[engine]) throw new Error(`unknown engine ${engine}`);
  return [process.execPath, [path.join(__dirname, "child.js"), engine, ...tail]];
}

/** Runs `engine` on case `c` over the inputs in `input` (for `rows` rows). */
export function runCase(engine: EngineId, c: CaseName, rows: number, input: string, out: string, o: RunOptions): Promise<CaseRun> {
  const result: CaseRun = { engine, case: c, rows, runs: [], medianMs: null, startupMs: null, maxRssMiB: null, timedOut: null, digest: null, error: null, measuredAt: new Date().toISOString(), load: os.loadavg()[0], machine: machineName() };
  return new Promise((resolve) => {
    const [cmd, args] = command(engine, c, input, out, o.runs, o.budgetMs);
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, BEAMLAB_TEST: undefined } });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      result.timedOut = o.limitMs;
      child.kill("SIGKILL");
    }, o.limitMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on("close", (code) => {
      clearTimeout(timer);
      const wall = performance.now() - started;
      const runLines = [...stdout.matchAll(/^\{"run": ?\d+, ?"ms": ?([\d.]+)\}$/gm)].map((x) => Number(x[1]));
      const last = stdout.trim().split("\n").filter((l) => l.startsWith('{"startupMs"')).pop();
      if (last) {
        const r = JSON.parse(last) as { runs: number[]; before?: number[]; maxRssMiB: number };
        result.runs = r.runs;
        result.maxRssMiB = r.maxRssMiB;
        // Start-up once: the process's, plus the median of what each run spent before its timing began.
        const before = r.before ?? [];
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        result.startupMs = wall - sum(r.runs) - sum(before) + (before.length ? median(before) : 0);
      } else if (result.runs.length === 0) {
        result.runs = runLines;
        if (result.timedOut === null && code !== 0) result.error = stderr.trim().split("\n").slice(-6).join("\n") || `exit ${code}`;
      }
      if (result.runs.length) {
        result.medianMs = median(result.runs);
        // A child killed at the limit leaves a partial output: only a finished child's counts.
        if (last) {
          try {
            const outputs = Object.fromEntries(OUTPUTS[c].map((k) => [k, readOutput(out, k)]));
            result.digest = digestOf(outputs);
            o.keep?.(outputs);
          } catch (e) {
            result.error = `no output: ${(e as Error).message}`;
          }
        }
      }
      resolve(result);
    });
  });
}
