/**
 * DirectRunner: runs the whole pipeline in this process, in bundles: validates it, fuses it
 * into stages (see `./fusion.ts`) and executes the stages one after the other, so
 * text-to-text pipelines stream.
 */
import { PipelineError } from "../errors";
import { publishAll } from "../io/commit";
import type { StagedOutput } from "../io/source-sink";
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import { inKernel } from "../display/emit";
import { execute, type ExecutionOptions, type ExecutionOutcome, type PartialOutcome } from "./executor";
import { InProcessJob } from "./in-process-job";
import { stepMetrics } from "./metrics";
import { hasOperator } from "./operator";
import { executableNodes, planFor, type ExecNode } from "./plan";
import { fuse, type ExecutionPlan } from "./fusion";
import { assertValid } from "../pipeline/validate";
import "../pipeline/validators";
import { registerRunner, type Runner } from "./registry";
import { PipelineResult } from "./result";

/** Runs a pipeline's nodes for `targets` (all when null) and publishes all its sinks together on success. */
export async function runPlan(
  pipeline: Pipeline,
  targets: PCollection<unknown>[] | null,
  opts: Omit<ExecutionOptions, "options"> & { onPlan?: (fused: ExecutionPlan) => void } = {},
): Promise<{ outcome: ExecutionOutcome; result: PipelineResult }> {
  for (const t of targets ?? []) t.assertPresent();
  const { plan, fused } = directPlan(pipeline, targets, opts);
  opts.onPlan?.(fused);
  let outcome: ExecutionOutcome;
  let unpublished: ExecutionOutcome["writers"] = [];
  try {
    // Everything a run needs is checked before anything is read or written.
    assertValid(pipeline, targets ? plan.map((e) => e.node) : undefined);
    outcome = await execute(fused, { ...opts, options: pipeline.options });
    unpublished = outcome.writers;
    // All sinks at once: a failure in one leaves every other one's output as it was.
    await publishAll(outcome.writers.map((w) => w.staged()).filter((s): s is StagedOutput => s !== null));
    unpublished = [];
  } catch (e) {
    for (const w of unpublished) await w.abort().catch(() => undefined);
    const err = e instanceof PipelineError ? e : new PipelineError("The pipeline failed", { cause: e, hint: "see the cause above." });
    const cancelled = opts.signal?.aborted === true;
    (err as PipelineError & { result?: PipelineResult }).result = new PipelineResult(cancelled ? "CANCELLED" : "FAILED", [], err);
    throw err;
  }
  return {
    outcome,
    result: new PipelineResult("DONE", stepMetrics(pipeline, outcome.counts, outcome.stats, outcome.scope.metrics), null, outcome.millis, { logs: outcome.scope.logs }),
  };
}

/**
 * The stages the direct runner executes for `targets` (all of the pipeline when null), given
 * what is captured and what is cached: what `beam.explain` shows as "Optimized".
 */
export function directPlan(
  pipeline: Pipeline,
  targets: PCollection<unknown>[] | null,
  opts: Pick<ExecutionOptions, "capture" | "replay"> = {},
): { plan: ExecNode[]; fused: ExecutionPlan } {
  const nodes = executableNodes(pipeline, hasOperator, new Set([...(opts.capture ?? []), ...(targets ?? []).map((t) => t.id)]));
  const available = new Set(opts.replay?.keys() ?? []);
  const plan = planFor(nodes, targets, available);
  return { plan, fused: fuse(plan, available) };
}

/** The default runner in scripts and tests; in a notebook, a run shows its live job view. */
export class DirectRunner implements Runner {
  readonly name = "direct";
  async run(pipeline: Pipeline): Promise<PipelineResult> {
    if (!inKernel()) return (await runPlan(pipeline, null)).result;
    const view = new InProcessJob(pipeline, this.name, { keepsCache: false });
    let partial: PartialOutcome | null = null;
    try {
      const { result } = await runPlan(pipeline, null, { scope: view.scope, onPlan: (f) => view.plan(f), onProgress: (s) => view.update(s), onIncomplete: (p) => (partial = p) });
      view.finish("DONE");
      return result.withJob(view.snapshot());
    } catch (e) {
      view.finish("FAILED", (partial as PartialOutcome | null)?.snapshot, e instanceof PipelineError ? e.label : null);
      throw e;
    }
  }
}

registerRunner("direct", () => new DirectRunner());
