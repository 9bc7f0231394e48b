/**
 * Runners by name. A pipeline names its runner in its options; runners register here so
 * the pipeline module need not import every runner.
 */
import { error } from "../errors";
import type { Pipeline } from "../pipeline/pipeline";
import type { PipelineResult } from "./result";

/** What executes a pipeline. */
export interface Runner {
  readonly name: string;
  run(pipeline: Pipeline): Promise<PipelineResult>;
  /** True for notebook runners: re-applying a label to the same input replaces the transform. */
  readonly replacesOnReapply?: boolean;
}

export type RunnerChoice = string | Runner;

const runners = new Map<string, (pipeline: Pipeline) => Runner>();
const instances = new WeakMap<Pipeline, Runner>();
let defaultRunner: () => string = () => "direct";

export function registerRunner(name: string, factory: (pipeline: Pipeline) => Runner): void {
  runners.set(name, factory);
}

/** Sets how the default runner is chosen (the notebook support picks "interactive"). */
export function setDefaultRunner(choose: () => string): void {
  defaultRunner = choose;
}

/** The runner of a pipeline, created once per pipeline. */
export function resolveRunner(pipeline: Pipeline): Runner {
  const choice = pipeline.options.runner;
  if (choice && typeof choice === "object") return choice;
  let r = instances.get(pipeline);
  if (r) return r;
  const name = choice ?? defaultRunner();
  const factory = runners.get(name);
  if (!factory) {
    error(`Unknown runner "${name}"`, { hint: `use one of: ${[...runners.keys()].map((n) => JSON.stringify(n)).join(", ")}.` });
  }
  r = factory(pipeline);
  instances.set(pipeline, r);
  return r;
}
