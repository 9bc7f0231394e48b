/**
 * Side inputs (and main inputs) come from the pipeline being run: a run computes only its own
 * PCollections, so another pipeline's would arrive empty. `apply` refuses them; this check
 * also covers graphs changed afterwards.
 */
import type { PipelineValidator, ValidationFinding } from "../validate";

export const sideInputsValidator: PipelineValidator = {
  name: "same-pipeline",
  description: "main and side inputs belong to the pipeline being run",
  check(ctx) {
    const findings: ValidationFinding[] = [];
    for (const n of ctx.nodes) {
      for (const pc of n.sideInputs) {
        if (pc.pipeline === ctx.pipeline) continue;
        findings.push({
          severity: "error",
          check: "same-pipeline",
          label: n.fullLabel,
          message: `The side input ${pc.label} belongs to another pipeline (${pc.pipeline.name}), so it would be empty here`,
          hint: "build the side input in the same pipeline as the main input, or use one Pipeline object for both.",
        });
      }
      for (const pc of n.inputs) {
        if (pc.pipeline === ctx.pipeline) continue;
        findings.push({
          severity: "error",
          check: "same-pipeline",
          label: n.fullLabel,
          message: `The input ${pc.label} belongs to another pipeline (${pc.pipeline.name})`,
          hint: "build each pipeline from its own Create/Read; use one Pipeline object per pipeline.",
        });
      }
    }
    return findings;
  },
};
