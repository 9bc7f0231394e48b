/**
 * Keyed transforms (GroupByKey, CombinePerKey, CoGroupByKey) read `[key, value]` pairs. Where
 * the pipeline says what its elements are before it runs (the values given to a Create, the
 * columns a source declares), an input that is not pairs is found here instead of at its first
 * element.
 */
import { truncate } from "../../errors";
import type { PCollection } from "../pvalue";
import type { TransformNode } from "../transform";
import type { PipelineValidator, ValidationFinding } from "../validate";

const KEYED = new Set(["GroupByKey", "CombinePerKey", "CoGroupByKey"]);

function isKeyed(n: TransformNode): boolean {
  return KEYED.has(n.kind);
}

/** True for a keyed transform inside another that reads the same PCollections (CombinePerKey's GroupByKey): the outer one is reported. */
function insideKeyedOfSameInput(n: TransformNode): boolean {
  for (let p = n.parent; p; p = p.parent) {
    const outer = p;
    if (isKeyed(outer) && n.inputs.every((pc) => outer.inputs.includes(pc))) return true;
  }
  return false;
}

/** Why `pc`'s elements are known not to be pairs, or null when they may be. */
function notPairs(pc: PCollection<unknown>): string | null {
  const producer = pc.producer;
  if (producer.primitive?.kind === "Create") {
    const values = producer.primitive.values;
    const i = values.findIndex((v) => !Array.isArray(v) || v.length !== 2);
    if (i >= 0) return `element ${i + 1} of the Create "${producer.fullLabel}" is ${truncate(values[i], 60)}`;
    return null;
  }
  const columns = pc.schema;
  if (columns && columns.length) return `its elements are records with the columns ${columns.map((c) => c.name).join(", ")} (declared by the source)`;
  return null;
}

export const keyedInputsValidator: PipelineValidator = {
  name: "keyed-inputs",
  description: "GroupByKey, CombinePerKey and CoGroupByKey read [key, value] pairs",
  check(ctx) {
    const findings: ValidationFinding[] = [];
    for (const n of ctx.nodes) {
      if (!isKeyed(n) || insideKeyedOfSameInput(n)) continue;
      n.inputs.forEach((pc, i) => {
        const why = notPairs(pc);
        if (!why) return;
        const tag = n.inputTags?.[i];
        findings.push({
          severity: "error",
          check: "keyed-inputs",
          label: n.fullLabel,
          message: `${n.kind} needs [key, value] pairs, but ${tag ? `its input "${tag}" (${pc.label})` : `its input ${pc.label}`} is not: ${why}`,
          hint: `key the elements first with a Map to [key, value] pairs, e.g. .apply("Key by id", beam.Map((x) => [x.id, x])), and apply ${n.kind} to its output.`,
        });
      });
    }
    return findings;
  },
};
