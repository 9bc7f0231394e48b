/**
 * PCollections nobody reads: their elements are computed and dropped, usually a step whose
 * result was meant to be used (a warning; a collected or shown PCollection is read by the
 * notebook, which the graph does not know). Not reported: what a sink reports (file and table
 * names), and the main output of a ParDo with tagged outputs, which a DoFn that emits only
 * tagged outputs leaves empty by design.
 */
import type { PipelineValidator, ValidationFinding } from "../validate";

export const unconsumedValidator: PipelineValidator = {
  name: "unconsumed",
  description: "every PCollection is read by a transform",
  check(ctx) {
    const findings: ValidationFinding[] = [];
    const reported = new Set<string>();
    for (const n of ctx.nodes) {
      if (n.primitive?.kind === "Write" || n.kind.startsWith("Write")) continue;
      for (const [tag, pc] of n.outputs) {
        if (reported.has(pc.id) || ctx.mainConsumers.has(pc.id) || ctx.sideConsumers.has(pc.id)) continue;
        if (tag === "main" && n.outputs.size > 1) continue;
        // A composite's output is also its last part's: report it once, at the outermost transform.
        if (n.parent && [...n.parent.outputs.values()].includes(pc)) continue;
        reported.add(pc.id);
        findings.push({
          severity: "warning",
          check: "unconsumed",
          label: n.fullLabel,
          message: `Nothing reads the PCollection ${pc.label}: its elements are computed and dropped`,
          hint: `apply a transform or a sink to it (e.g. beam.io.WriteToText), or remove the step with p.remove(${JSON.stringify(n.fullLabel.split("/")[0])}); fine if you collect or show it.`,
        });
      }
    }
    return findings;
  },
};
