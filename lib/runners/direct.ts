/**
 * DirectRunner: runs the whole pipeline in this process, in bundles, fusing element-wise
 * steps so text-to-text pipelines stream.
 */
import { PipelineError } from "../errors";
import { publishAll } from "../io/commit";
import type { StagedOutput } from "../io/source-sink";
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import { execute, type ExecutionOptions, type ExecutionOutcome } from "./executor";
import { stepMetrics } from "./metrics";
import { hasOperator } from "./operator";
import { executableNodes, planFor } from "./plan";
import { registerRunner, type Runner } from "./registry";
import { PipelineResult } from "./result";

/** Runs a pipeline's nodes for `targets` (all when null) and publishes all its sinks together on success. */
export async function runPlan(
  pipeline: Pipeline,
  targets: PCollection<unknown>[] | null,
  opts: Omit<ExecutionOptions, "options"> = {},
): Promise<{ outcome: ExecutionOutcome; result: PipelineResult }> {
  for (const t of targets ?? []) t.assertPresent();
  const nodes = executableNodes(pipeline, hasOperator, new Set([...(opts.capture ?? []), ...(targets ?? []).map((t) => t.id)]));
  const plan = planFor(nodes, targets, new Set(opts.replay?.keys() ?? []));
  let outcome: ExecutionOutcome;
  let unpublished: ExecutionOutcome["writers"] = [];
  try {
    outcome = await execute(plan, { ...opts, options: pipeline.options });
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

/** The default runner in scripts and tests. */
export class DirectRunner implements Runner {
  readonly name = "direct";
  async run(pipeline: Pipeline): Promise<PipelineResult> {
    return (await runPlan(pipeline, null)).result;
  }
}

registerRunner("direct", () => new DirectRunner());
