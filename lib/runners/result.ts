/**
 * PipelineResult: the state and metrics of a run.
 */
import { inspect } from "node:util";
import type { JobPayload } from "../display/protocol";
import { RunLogs, type DistributionResult, type LogLine } from "./run-scope";

/** Metrics of one transform (primitive or composite), by its full label. */
export interface StepMetrics {
  label: string;
  elementsIn: number;
  elementsOut: number;
  /** Wall time spent in the transform's own code, in milliseconds (0 when cached). */
  millis: number;
  /** True when the interactive runner served the step from its cache instead of computing it. */
  cached?: boolean;
  /** User counters of the step (`beam.metrics.counter(name).inc()`), summed across workers. */
  counters?: Record<string, number>;
  /** User distributions of the step (`beam.metrics.distribution(name).update(v)`), across workers. */
  distributions?: Record<string, DistributionResult>;
}

/** One stage of a local-runner run: what it ran, where, and for how long. */
export interface StageMetrics {
  index: number;
  kind: "workers" | "shuffle" | "coordinator";
  /** Full labels of the steps it ran. */
  steps: string[];
  /** Elements that entered the stage's steps from outside it. */
  elementsIn: number;
  wallMillis: number;
}

/** One worker of a local-runner run. */
export interface WorkerMetrics {
  worker: number;
  /** Elements its steps produced (all stages, shuffles included). */
  elementsOut: number;
  /** Time its steps spent in their own code, in milliseconds. */
  busyMillis: number;
}

/** What a run collected besides per-step metrics. */
export interface RunDetails {
  logs?: RunLogs;
  stages?: StageMetrics[];
  workers?: WorkerMetrics[];
  /** The job view's last snapshot, when the run showed one (in a notebook). */
  job?: JobPayload;
  /** Time the engine took to start before any stage ran (the Spark runner's SparkContext). */
  startupMillis?: number;
}

export type PipelineState = "RUNNING" | "DONE" | "FAILED" | "CANCELLED";

/** The outcome of `pipeline.run()`. */
export class PipelineResult {
  constructor(
    /** "DONE", "FAILED" or "CANCELLED". */
    public state: PipelineState,
    private readonly steps: StepMetrics[],
    /** The error of a failed run. */
    readonly error: Error | null = null,
    /** Wall time of the run in milliseconds. */
    readonly millis = 0,
    private readonly details: RunDetails = {},
  ) {}

  /**
   * What DoFns logged (console.log/info/warn/error, beam.log) with step, worker and time:
   * the newest lines up to a cap, `dropped` the number of older ones left out, and
   * `subscribe` to follow lines as they come (a live view gets the same object at the start).
   */
  logs(): { lines: readonly LogLine[]; dropped: number; subscribe(listener: (line: LogLine) => void): () => void } {
    return this.details.logs ?? new RunLogs(false);
  }

  /** The local runner's stages, in run order, with their wall time (empty for other runners). */
  stages(): StageMetrics[] {
    return (this.details.stages ?? []).map((s) => ({ ...s, steps: [...s.steps] }));
  }

  /** The local runner's workers: elements and busy time of each (empty for other runners). */
  workers(): WorkerMetrics[] {
    return (this.details.workers ?? []).map((w) => ({ ...w }));
  }

  /**
   * The run's job view as it was left when the run ended (stages, steps, workers, logs),
   * or null when the run showed none (outside a notebook). `beam.compareRuns` shows these
   * side by side.
   */
  job(): JobPayload | null {
    return this.details.job ?? null;
  }

  /**
   * Of {@link millis}, the time the engine took to start before any stage ran: a Spark run's
   * SparkContext and executors (seconds, whatever the data); 0 for runners in this process.
   */
  startupMillis(): number {
    return this.details.startupMillis ?? 0;
  }

  /** @internal This result with the job view's last snapshot kept (runners call it once the view has ended). */
  withJob(job: JobPayload | null | undefined): PipelineResult {
    return job ? new PipelineResult(this.state, this.steps, this.error, this.millis, { ...this.details, job }) : this;
  }

  /** Resolves when the run has finished (runs here finish before `run()` resolves). */
  async waitUntilFinish(): Promise<PipelineState> {
    return this.state;
  }

  /**
   * Per transform label: elements in, elements out and wall time. With the interactive
   * runner, top-level steps served from the cache are included with `cached: true`.
   *
   * @example
   * result.metrics()["Multiply"].elementsOut   // 5
   * result.metrics()["Create"].cached          // true when an earlier show computed it
   */
  metrics(): Record<string, StepMetrics> {
    return Object.fromEntries(this.steps.map((s) => [s.label, { ...s }]));
  }

  /** One line, as a notebook prints a cell ending in `await p.run()` (the run summary shows the steps). */
  toString(): string {
    const n = this.steps.length;
    return `PipelineResult: ${this.state} (${n} step${n === 1 ? "" : "s"}, ${Math.round(this.millis)} ms); see result.metrics()`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
