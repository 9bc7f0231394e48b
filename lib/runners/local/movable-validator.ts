/**
 * The validator that says, before a run on the local runner (and in `beam.explain`), which
 * DoFns, functions and CombineFns cannot be moved to a worker, and why.
 */
import type { PipelineValidator } from "../../pipeline/validate";
import { movabilityFindings } from "./movable";

/** Only pipelines that run on workers need their code to move. */
function runsOnWorkers(options: { runner?: unknown; workers?: unknown }): boolean {
  return options.runner === "local" || (options.runner === "interactive" && typeof options.workers === "number");
}

export const movableValidator: PipelineValidator = {
  name: "movable",
  description: "code run on workers can be moved there (no notebook variables it closes over)",
  check: (ctx) =>
    runsOnWorkers(ctx.pipeline.options as { runner?: unknown; workers?: unknown })
      ? movabilityFindings(ctx.pipeline).map((f) => ({ severity: f.severity, check: "movable", label: f.label, message: f.message, hint: f.hint }))
      : [],
};
