/**
 * PipelineResult: the state and metrics of a run.
 */
import { inspect } from "node:util";

/** Metrics of one transform (primitive or composite), by its full label. */
export interface StepMetrics {
  label: string;
  elementsIn: number;
  elementsOut: number;
  /** Wall time spent in the transform's own code, in milliseconds (0 when cached). */
  millis: number;
  /** True when the interactive runner served the step from its cache instead of computing it. */
  cached?: boolean;
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
  ) {}

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
