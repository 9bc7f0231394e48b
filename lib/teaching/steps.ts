/**
 * A pipeline as a student reads it: top-level steps (the transforms their cells apply) and
 * the PCollections those steps output (what their variables hold). Lineage is recorded
 * for every PCollection, inner ones included; traces and pairs are shown at this level.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import { FunctionDoFn } from "../transforms/dofn";

/** The top-level transform a node belongs to. */
export function rootOf(n: TransformNode): TransformNode {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}

/** The top-level step that outputs a PCollection (for an inner PCollection, the step it is inside). */
export function stepOf(pc: PCollection<unknown>): TransformNode {
  return rootOf(pc.producer);
}

/** True for the output of a top-level step: a PCollection a notebook variable can hold, and the runner caches. */
export function isStepOutput(pc: PCollection<unknown>): boolean {
  return [...stepOf(pc).outputs.values()].includes(pc);
}

/**
 * How a student names a step's output: the step's label, with the output's tag when the
 * step has several (`Split takes and classes.takes`). For a composite this is the
 * composite's label, not the inner step's (`Count`, not `Count/InjectDefault`).
 */
export function outputLabel(pc: PCollection<unknown>): string {
  const root = stepOf(pc);
  const tag = [...root.outputs].find(([, o]) => o === pc)?.[0];
  if (tag === undefined) return pc.label;
  return tag === "main" ? root.fullLabel : `${root.fullLabel}.${tag}`;
}

/** Every PCollection of the pipeline, by id. */
export function pcollectionsById(p: Pipeline): Map<string, PCollection<unknown>> {
  return new Map(p.pcollections().map((pc) => [pc.id, pc]));
}

/** Ids of the outputs of top-level steps. */
export function stepOutputIds(p: Pipeline): Set<string> {
  return new Set(p.roots.flatMap((r) => [...r.outputs.values()].map((pc) => pc.id)));
}

/** True for a step that writes (its outputs are file or table names, not data). */
export function writes(n: TransformNode): boolean {
  return (n.primitive?.kind === "Write" && !n.composite) || n.children.some(writes);
}

/**
 * The outputs of every top-level step downstream of `pc` through main inputs, in pipeline
 * order, without the sinks: what `beam.lineage` computes to say what an element led to.
 */
export function downstreamOutputs(p: Pipeline, pc: PCollection<unknown>): PCollection<unknown>[] {
  const reached = new Set([pc.id]);
  const out: PCollection<unknown>[] = [];
  for (const r of p.roots) {
    if (writes(r) || !r.inputs.some((i) => reached.has(i.id))) continue;
    for (const o of r.outputs.values()) {
      reached.add(o.id);
      out.push(o);
    }
  }
  return out;
}

/** What an element-wise step is, in the words of the API: Map, FlatMap, Filter or ParDo; null for any other step. */
export function elementWiseKind(n: TransformNode): "Map" | "FlatMap" | "Filter" | "ParDo" | null {
  const spec = n.primitive;
  if (!spec || n.composite || spec.kind !== "ParDo") return null;
  if (spec.fn instanceof FunctionDoFn) return spec.fn.elementKind === "map" ? "Map" : spec.fn.elementKind === "filter" ? "Filter" : "FlatMap";
  return "ParDo";
}

/** Position of a top-level step in the pipeline (application order, which is also an order in which inputs come first). */
export function stepOrder(p: Pipeline): Map<TransformNode, number> {
  return new Map(p.roots.map((r, i) => [r, i]));
}
