/**
 * Labels: every transform has a label with something in it, unique in the pipeline, since
 * labels name steps in graphs, errors, metrics and `p.remove(...)`. `apply` refuses both when
 * a transform is applied; this check also covers graphs changed afterwards (a notebook's
 * re-applied cells, code that edits nodes).
 */
import type { PipelineValidator, ValidationFinding } from "../validate";

export const labelsValidator: PipelineValidator = {
  name: "labels",
  description: "every transform has a non-empty label, unique in the pipeline",
  check(ctx) {
    const findings: ValidationFinding[] = [];
    const seen = new Map<string, number>();
    for (const n of ctx.nodes) seen.set(n.fullLabel, (seen.get(n.fullLabel) ?? 0) + 1);
    for (const n of ctx.nodes) {
      if (n.label.trim() === "") {
        findings.push({
          severity: "error",
          check: "labels",
          label: n.fullLabel,
          message: `A ${n.kind} has an empty label`,
          hint: `give it a label that says what it does, e.g. .apply("Parse dates", ...).`,
        });
      }
    }
    for (const [label, count] of seen) {
      if (count < 2) continue;
      findings.push({
        severity: "error",
        check: "labels",
        label,
        message: `${count} transforms have the label "${label}"`,
        hint: `give each a label of its own, e.g. "${label} 2"; labels must be unique within a pipeline.`,
      });
    }
    return findings;
  },
};
