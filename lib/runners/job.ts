/**
 * A job: what a runner tells a live view about one run, in terms no runner owns. The
 * runner declares its stages (the StageMetrics shape of `result.stages()`), marks them
 * running and done, and hands over per-step progress and per-worker figures as it has
 * them; the job adds the pipeline's options, the user metrics and the logs of the run's
 * scope, and says when something changed. `snapshot()` is the job view's payload.
 */
import type { Pipeline } from "../pipeline/pipeline";
import { progressPayload, type ProgressFacts } from "../display/progress";
import { PROTOCOL_VERSION, type JobLink, type JobMetric, type JobPayload, type JobStage, type JobWorker, type StageStatus } from "../display/protocol";
import type { ProgressSnapshot } from "./executor";
import type { ExecNode } from "./plan";
import type { PipelineState, StageMetrics, WorkerMetrics } from "./result";
import type { RunScope } from "./run-scope";

/** Log lines a job view holds: older ones are counted, not shown (a saved notebook stays small). */
export const JOB_LOG_LINES = 200;
/** An option's value is cut to this many characters in the view. */
const OPTION_CHARS = 200;

const STAGE_FIELDS = new Set(["index", "kind", "steps", "elementsIn", "wallMillis", "status", "after"]);
const WORKER_FIELDS = new Set(["worker", "elementsOut", "busyMillis"]);

/** A runner's own figures beyond the shared shape (a Spark stage id), kept when they are plain values. */
function extraOf(figures: object, known: ReadonlySet<string>): Record<string, string | number | boolean> | undefined {
  const extra: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(figures)) {
    if (known.has(k)) continue;
    if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) extra[k] = v;
  }
  return Object.keys(extra).length ? extra : undefined;
}

/** A stage as a runner declares it before the run: its figures start at zero. */
export type PlannedStage = Pick<StageMetrics, "index" | "steps"> & { kind: string; after?: readonly number[] } & Partial<Omit<StageMetrics, "index" | "steps" | "kind">>;

/**
 * For stages made of executable nodes, the indices of the stages each one reads from (its
 * main and side inputs' producers), for the stage graph.
 */
export function upstreamStages(stages: readonly { readonly nodes: readonly ExecNode[] }[]): number[][] {
  const producer = new Map<string, number>();
  stages.forEach((s, i) => {
    for (const e of s.nodes) for (const pc of e.outputs.values()) producer.set(pc.id, i);
  });
  return stages.map((s, i) => {
    const from = new Set<number>();
    for (const e of s.nodes) for (const pc of [...e.inputs, ...e.sideInputs]) {
      const j = producer.get(pc.id);
      if (j !== undefined && j !== i) from.add(j);
    }
    return [...from].sort((a, b) => a - b);
  });
}

/** The live state of one run, fed by its runner. */
export class Job {
  private readonly stages: JobStage[];
  private readonly startedAt = new Map<number, number>();
  private progress: ProgressSnapshot = { counts: new Map(), millis: new Map(), done: new Set(), elapsedMillis: 0 };
  private workers: JobWorker[] = [];
  private links: JobLink[] = [];
  private state: PipelineState = "RUNNING";
  private failed: string | null = null;
  private readonly started = performance.now();
  private endedAfter: number | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly unfollow: () => void;

  constructor(
    private readonly pipeline: Pipeline,
    /** The runner's name, as the view shows it. */
    readonly runner: string,
    /** The run's scope: its logs and user metrics. */
    readonly scope: RunScope,
    stages: readonly PlannedStage[],
    private readonly facts: ProgressFacts = {},
  ) {
    this.stages = stages.map((s) => ({
      index: s.index,
      kind: s.kind,
      status: "pending",
      steps: [...s.steps],
      elementsIn: s.elementsIn ?? 0,
      wallMillis: s.wallMillis ?? 0,
      extra: extraOf(s, STAGE_FIELDS),
      ...(s.after?.length ? { after: [...s.after] } : {}),
    }));
    this.unfollow = scope.logs.subscribe(() => this.changed());
  }

  /**
   * Sets a stage's status and any figures the runner has. Without a wall time from the
   * runner, it is the time from when the stage started running to when it ended.
   */
  stage(index: number, status: StageStatus, figures: Partial<StageMetrics> = {}): void {
    const s = this.stages.find((x) => x.index === index);
    if (!s || (s.status === status && Object.keys(figures).length === 0)) return;
    const now = performance.now();
    if (status === "running" && !this.startedAt.has(index)) this.startedAt.set(index, now);
    s.status = status;
    if (figures.elementsIn !== undefined) s.elementsIn = figures.elementsIn;
    if (figures.steps) s.steps = [...figures.steps];
    if (figures.wallMillis !== undefined) s.wallMillis = figures.wallMillis;
    else if (this.startedAt.has(index)) s.wallMillis = now - this.startedAt.get(index)!;
    const extra = extraOf(figures, STAGE_FIELDS);
    if (extra) s.extra = { ...s.extra, ...extra };
    this.changed();
  }

  /** Per-step counts and times so far. */
  steps(snapshot: ProgressSnapshot): void {
    this.progress = snapshot;
    this.changed();
  }

  /** Per-worker figures so far (the WorkerMetrics shape of `result.workers()`, extra fields kept). */
  setWorkers(workers: readonly WorkerMetrics[]): void {
    this.workers = workers.map((w) => ({ worker: w.worker, elementsOut: w.elementsOut, busyMillis: w.busyMillis, extra: extraOf(w, WORKER_FIELDS) }));
    this.changed();
  }

  /** The engine's pages for this job (the Spark UI while it lives); replaces the earlier ones. */
  setLinks(links: readonly JobLink[]): void {
    this.links = links.map((l) => ({ ...l }));
    this.changed();
  }

  /** Ends the job: a stage still running when a run fails is the failed one (cancelled, when it was interrupted). */
  finish(state: Exclude<PipelineState, "RUNNING">, failedStep: string | null = null): void {
    if (this.endedAfter !== null) return;
    this.state = state;
    this.failed = failedStep;
    this.endedAfter = performance.now() - this.started;
    const now = performance.now();
    for (const s of this.stages) {
      if (s.status !== "running") continue;
      s.status = state === "DONE" ? "done" : state === "CANCELLED" ? "cancelled" : "failed";
      if (this.startedAt.has(s.index) && s.wallMillis === 0) s.wallMillis = now - this.startedAt.get(s.index)!;
    }
    this.unfollow();
    this.changed();
    this.listeners.clear();
  }

  /** True once {@link finish} was called. */
  get finished(): boolean {
    return this.endedAfter !== null;
  }

  /** Follows changes (a live view throttles them); returns a function that stops following. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  /** The job as the view shows it now. */
  snapshot(): JobPayload {
    const elapsed = this.endedAfter ?? performance.now() - this.started;
    const progress = progressPayload(this.pipeline, { ...this.progress, elapsedMillis: elapsed }, this.state, { ...this.facts, failed: this.failed });
    const logs = this.scope.logs;
    // Workers send their lines in batches: newest first means by time, not by arrival.
    const shown = logs.lines.slice(-JOB_LOG_LINES).reverse().sort((a, b) => b.time - a.time);
    return {
      version: PROTOCOL_VERSION,
      runner: this.runner,
      progress,
      // A running stage's wall time goes on while it runs.
      stages: this.stages.map((s) => ({ ...s, steps: [...s.steps], wallMillis: Math.round(s.status === "running" && this.startedAt.has(s.index) && !this.finished ? Math.max(s.wallMillis, performance.now() - this.startedAt.get(s.index)!) : s.wallMillis) })),
      workers: this.workers.map((w) => ({ ...w, busyMillis: Math.round(w.busyMillis) })),
      options: optionRows(this.pipeline),
      metrics: userMetrics(this.scope),
      logs: { lines: shown.map((l) => ({ ...l })), dropped: logs.dropped + (logs.lines.length - shown.length), total: logs.seq },
      ...(this.links.length ? { links: this.links.map((l) => ({ ...l })) } : {}),
    };
  }
}

/** The pipeline's options as text, in a stable order. */
function optionRows(p: Pipeline): [string, string][] {
  return Object.entries(p.options)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => {
      const text = typeof v === "string" ? v : safeJson(v);
      return [k, text.length > OPTION_CHARS ? `${text.slice(0, OPTION_CHARS - 1)}…` : text];
    });
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function userMetrics(scope: RunScope): JobMetric[] {
  const out: JobMetric[] = [];
  const m = scope.metrics;
  for (const [step, names] of m.counters) for (const [name, value] of names) out.push({ kind: "counter", step, name, value });
  for (const [step, names] of m.distributions) {
    for (const [name, d] of names) out.push({ kind: "distribution", step, name, ...d, mean: d.count ? d.sum / d.count : 0 });
  }
  return out;
}
