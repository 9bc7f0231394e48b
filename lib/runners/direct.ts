/**
 * DirectRunner: runs the whole pipeline in this process, in bundles, fusing element-wise
 * steps so text-to-text pipelines stream.
 */
import { PipelineError } from "../errors";
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import { execute, type ExecutionOptions, type ExecutionOutcome } from "./executor";
import { stepMetrics } from "./metrics";
import { hasOperator } from "./operator";
import { executableNodes, planFor } from "./plan";
import { registerRunner, type Runner } from "./registry";
import { PipelineResult } from "./result";

/** Runs a pipeline's nodes for `targets` (all when null) and commits its sinks on success. */
export async function runPlan(
  pipeline: Pipeline,
  targets: PCollection<unknown>[] | null,
  opts: Omit<ExecutionOptions, "options"> = {},
): Promise<{ outcome: ExecutionOutcome; result: PipelineResult }> {
  for (const t of targets ?? []) t.assertPresent();
  const nodes = executableNodes(pipeline, hasOperator, new Set([...(opts.capture ?? []), ...(targets ?? []).map((t) => t.id)]));
  const plan = planFor(nodes, targets, new Set(opts.replay?.keys() ?? []));
  let outcome: ExecutionOutcome;
  let uncommitted: ExecutionOutcome["writers"] = [];
  try {
    outcome = await execute(plan, { ...opts, options: pipeline.options });
    // Writers whose commit may fail (tables) go first; a failure then aborts the rest.
    uncommitted = [...outcome.writers.filter((w) => w.mayFailOnCommit), ...outcome.writers.filter((w) => !w.mayFailOnCommit)];
    while (uncommitted.length) {
      await uncommitted[0].commit();
      uncommitted.shift();
    }
  } catch (e) {
    for (const w of uncommitted) await w.abort().catch(() => undefined);
    const err = e instanceof PipelineError ? e : new PipelineError("The pipeline failed", { cause: e, hint: "see the cause above." });
    const cancelled = opts.signal?.aborted === true;
    (err as PipelineError & { result?: PipelineResult }).result = new PipelineResult(cancelled ? "CANCELLED" : "FAILED", [], err);
    throw err;
  }
  return { outcome, result: new PipelineResult("DONE", stepMetrics(pipeline, outcome.counts, outcome.stats), null, outcome.millis) };
}

/** The default runner in scripts and tests. */
export class DirectRunner implements Runner {
  readonly name = "direct";
  async run(pipeline: Pipeline): Promise<PipelineResult> {
    return (await runPlan(pipeline, null)).result;
  }
}

registerRunner("direct", () => new DirectRunner());
