/**
 * What the grader and a grading worker (one child process per submission) say to each
 * other. The grader writes a {@link WorkerConfig} to the child's stdin; the child answers
 * on file descriptor 3, one JSON message per line. Every message carries a one-time token
 * that only the grader and the worker's own closure know, one per step and outcome, so a
 * line forged by student code (on stdout, or even on fd 3) is never taken as a result:
 * see `sandbox.ts`. Pure types and helpers.
 */
import type { Step } from "./plan";

/** The tokens of one step: one says it started, one that it passed, one that it failed. */
export interface StepTokens {
  start: string;
  ok: string;
  fail: string;
}

/** A labelled PCollection of the reference to look for in the submission. */
export interface StageTarget {
  label: string;
  variable: string | null;
}

/** What a worker is asked to run. */
export interface WorkerConfig {
  /** The folder whose `node_modules` holds beamlab and tslab (types of `import "beamlab"`). */
  root: string;
  /** beamlab's compiled entry point (`dist/lib/index.js`). */
  entry: string;
  steps: Step[];
  tokens: StepTokens[];
  /** Step indexes not to run (already reported, or the cell that crashed the previous worker). */
  skip: number[];
  /**
   * Stages to record at each question's `stages` step: the reference's targets, or "all" for
   * the reference run itself (every top-level PCollection the question's cells made).
   */
  stages: Record<string, StageTarget[]> | "all";
  /** Above this many elements a stage is compared by count only. */
  maxStageElements: number;
}

/** One recorded stage of a worker's `stages` step. */
export interface StageRecord {
  label: string;
  variable: string | null;
  foundBy: "label" | "variable" | null;
  count: number | null;
  /** The elements, v8-serialized and base64-encoded; null when not found, failed or too many. */
  data: string | null;
  error: string | null;
}

/** A message from the worker (fd 3). `k` is one of the step's tokens. */
export interface WorkerMessage {
  k: string;
  step: number;
  /** A failed cell's or test's message. */
  message?: string;
  stages?: StageRecord[];
}

/** A fresh random token (hex). */
export function newToken(random: (n: number) => Buffer): string {
  return random(16).toString("hex");
}
