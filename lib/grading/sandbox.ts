/**
 * One grading worker, run under limits: its own child process with a private working
 * folder, a clean environment (nothing inherited but what is named here), a heap limit and
 * a watch on its resident memory, a per-step and a per-submission time limit, and capped
 * output. The worker's results are taken only from fd 3 and only with the step's one-time
 * tokens (see `worker-protocol.ts`), so nothing the student's code prints or forges counts.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Step } from "./plan";
import { newToken, type StageRecord, type StageTarget, type StepTokens, type WorkerConfig, type WorkerMessage } from "./worker-protocol";

/** The limits of one submission. */
export interface Limits {
  /** Seconds one cell or test may take. */
  cellSeconds: number;
  /** Seconds the whole submission may take, restarts included. */
  submissionSeconds: number;
  /** Memory a worker may use (MiB): its JavaScript heap, and its resident size with some room. */
  memoryMiB: number;
  /** Bytes of the student's output kept (the rest is counted). */
  outputBytes: number;
}

export const DEFAULT_LIMITS: Limits = { cellSeconds: 60, submissionSeconds: 600, memoryMiB: 1024, outputBytes: 64 * 1024 };

/** What became of a step. */
export interface StepOutcome {
  passed: boolean;
  message: string | null;
  stages?: StageRecord[];
}

/** Why a worker stopped before the end. */
export interface Crash {
  /** The step it was in, or null when it died before starting any. */
  step: number | null;
  reason: "timeout" | "memory" | "exited";
  /** For a person: `ran past 10 s`, `used more than 1024 MiB`, `ended the process (exit code 0)`. */
  detail: string;
  /** True when the per-submission limit (not the per-step one) was reached. */
  submissionTimeout: boolean;
}

/** The result of one worker run. */
export interface WorkerRun {
  outcomes: Map<number, StepOutcome>;
  crash: Crash | null;
  output: string;
}

/** Where a worker runs. */
export interface WorkerSetup {
  root: string;
  entry: string;
  workerScript: string;
  workDir: string;
  env: Record<string, string>;
  limits: Limits;
  /** Epoch millis by which the whole submission must be done. */
  deadline: number;
}

const RSS_ROOM_MIB = 512;
const STARTUP_SECONDS = 120;
const POLL_MILLIS = 200;

function rssMiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Keeps the first `max` bytes of the student's output and counts the rest. */
class CappedOutput {
  private parts: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    const room = this.max - this.kept;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.parts.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }
  text(): string {
    const text = Buffer.concat(this.parts).toString("utf8");
    return this.dropped ? `${text}\n[… ${this.dropped} more bytes of output not kept]` : text;
  }
}

/**
 * Runs the steps not in `skip` in a fresh worker and returns what each reported, and the
 * crash that ended it early, if any. Never rejects for anything the student's code does.
 */
export function runWorker(setup: WorkerSetup, steps: Step[], skip: ReadonlySet<number>, stages: Record<string, StageTarget[]> | "all", maxStageElements = 20_000): Promise<WorkerRun> {
  const tokens: StepTokens[] = steps.map(() => ({ start: newToken(randomBytes), ok: newToken(randomBytes), fail: newToken(randomBytes) }));
  const byToken = new Map<string, { step: number; what: "start" | "ok" | "fail" }>();
  tokens.forEach((t, step) => {
    byToken.set(t.start, { step, what: "start" });
    byToken.set(t.ok, { step, what: "ok" });
    byToken.set(t.fail, { step, what: "fail" });
  });
  const config: WorkerConfig = { root: setup.root, entry: setup.entry, steps, tokens, skip: [...skip], stages, maxStageElements };
  const { limits } = setup;
  const heap = Math.max(128, limits.memoryMiB);
  // --single-threaded: V8 would otherwise JIT-compile and collect TypeScript's compiler
  // on four background threads (as much CPU as the main thread, measured), so one worker
  // takes 1.5 cores and N workers contend for cores they were not given. One thread per
  // worker makes `--workers N` use N cores and the per-cell time limits the same whatever
  // else the batch is doing.
  const child = spawn(process.execPath, [`--max-old-space-size=${heap}`, "--stack-size=2000", "--single-threaded", setup.workerScript], {
    cwd: setup.workDir,
    env: setup.env,
    stdio: ["pipe", "pipe", "pipe", "pipe"],
  });
  const output = new CappedOutput(limits.outputBytes);
  let stderrTail = "";
  child.stdout!.on("data", (c: Buffer) => output.add(c));
  child.stderr!.on("data", (c: Buffer) => {
    output.add(c);
    stderrTail = (stderrTail + c.toString("utf8")).slice(-4000);
  });
  child.stdin!.on("error", () => {});
  child.stdin!.end(JSON.stringify(config));

  const outcomes = new Map<number, StepOutcome>();
  let current: number | null = null;
  let crash: Crash | null = null;
  let stepTimer: NodeJS.Timeout | null = null;
  const kill = (c: Crash) => {
    if (!crash) crash = c;
    child.kill("SIGKILL");
  };
  const startStepTimer = (seconds: number) => {
    if (stepTimer) clearTimeout(stepTimer);
    const millis = Math.min(seconds * 1000, Math.max(0, setup.deadline - Date.now()));
    const submissionTimeout = seconds * 1000 > setup.deadline - Date.now();
    stepTimer = setTimeout(() => kill({ step: current, reason: "timeout", detail: submissionTimeout ? `the submission ran past its limit of ${limits.submissionSeconds} s` : `ran past ${seconds} s`, submissionTimeout }), millis);
  };
  // Start-up (loading beamlab and TypeScript, before any student code) has its own allowance.
  startStepTimer(Math.max(STARTUP_SECONDS, limits.cellSeconds));

  let pending = "";
  const channel = child.stdio[3] as NodeJS.ReadableStream;
  channel.on("data", (c: Buffer) => {
    pending += c.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let msg: WorkerMessage;
      try {
        msg = JSON.parse(line) as WorkerMessage;
      } catch {
        continue;
      }
      const known = typeof msg?.k === "string" ? byToken.get(msg.k) : undefined;
      if (!known) continue; // not a message of ours
      // Each token works once.
      byToken.delete(msg.k);
      if (known.what === "start") {
        current = known.step;
        // The bundle's setup cells are not the student's: they get the start-up allowance.
        startStepTimer(steps[known.step].kind === "setup" ? Math.max(STARTUP_SECONDS, limits.cellSeconds) : limits.cellSeconds);
      } else {
        const stages = Array.isArray(msg.stages) ? msg.stages : undefined;
        outcomes.set(known.step, { passed: known.what === "ok", message: typeof msg.message === "string" ? msg.message : null, ...(stages ? { stages } : {}) });
        if (known.what === "fail") byToken.delete(tokens[known.step].ok);
        else byToken.delete(tokens[known.step].fail);
      }
    }
  });
  channel.on("error", () => {});

  const watch = setInterval(() => {
    const rss = child.pid ? rssMiB(child.pid) : null;
    if (rss !== null && rss > limits.memoryMiB + RSS_ROOM_MIB) kill({ step: current, reason: "memory", detail: `used more than ${limits.memoryMiB} MiB of memory`, submissionTimeout: false });
  }, POLL_MILLIS);

  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(watch);
      if (stepTimer) clearTimeout(stepTimer);
      const finished = lastStepDone(steps, skip, outcomes);
      if (!crash && !(code === 0 && finished)) {
        const oom = /heap out of memory|Allocation failed|Reached heap limit/i.test(stderrTail) || signal === "SIGABRT" || code === 134;
        crash = oom
          ? { step: current, reason: "memory", detail: `used more than ${limits.memoryMiB} MiB of memory`, submissionTimeout: false }
          : { step: current, reason: "exited", detail: `ended the process (${signal ? `signal ${signal}` : `exit code ${code}`})`, submissionTimeout: false };
      }
      resolve({ outcomes, crash, output: output.text() });
    });
  });
}

/** True when every step that was to run has reported (the worker got to its end). */
function lastStepDone(steps: Step[], skip: ReadonlySet<number>, outcomes: Map<number, StepOutcome>): boolean {
  for (let i = 0; i < steps.length; i++) if (!skip.has(i) && !outcomes.has(i)) return false;
  return true;
}

/** A fresh private folder for one submission, under `parent`. */
export function privateDir(parent: string, name: string): string {
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `${name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-`));
}
