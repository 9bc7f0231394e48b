/**
 * Per-transform metrics from per-PCollection counts and per-node times, for primitives
 * and the composites that contain them.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { TransformNode } from "../pipeline/transform";
import type { NodeStats } from "./operator";
import type { ExecNode } from "./plan";
import type { StepMetrics } from "./result";
import type { UserMetrics } from "./run-scope";

export function stepMetrics(pipeline: Pipeline, counts: Map<string, number>, stats: Map<ExecNode, NodeStats>, user?: UserMetrics): StepMetrics[] {
  const own = new Map<TransformNode, number>();
  for (const [e, s] of stats) own.set(e.node, s.millis);
  const millisOf = (n: TransformNode): number => (own.has(n) ? own.get(n)! : n.children.reduce((a, c) => a + millisOf(c), 0));
  const ran = (n: TransformNode): boolean => own.has(n) || n.children.some(ran);
  const sum = (ids: string[]) => ids.reduce((a, id) => a + (counts.get(id) ?? 0), 0);
  const out: StepMetrics[] = [];
  for (const n of pipeline.allNodes()) {
    if (!ran(n)) continue;
    out.push({
      label: n.fullLabel,
      elementsIn: sum(n.inputs.map((pc) => pc.id)),
      elementsOut: sum([...n.outputs.values()].map((pc) => pc.id)),
      millis: Math.round(millisOf(n) * 1000) / 1000,
      ...user?.of(n.fullLabel),
    });
  }
  return out;
}
