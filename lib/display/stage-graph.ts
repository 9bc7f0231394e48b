/**
 * The fused stages as a graph in the graph payload's terms, so the static SVG and the
 * extension's graph renderer draw it as they draw pipelines: each stage is a box listing its
 * steps, and what passes between stages (a shuffle, a buffered main input, a sink's output,
 * a materialized side input) is a faded node of its own between them. No Node imports.
 */
import { PROTOCOL_VERSION, type ExplainStage, type GraphEdge, type GraphNode, type GraphPayload, type PipelineRef } from "./protocol";

const HANDOFF_NOTE: Record<string, string> = {
  shuffle: "grouped by key",
  lifted: "partial accumulators, merged by key",
  buffer: "waits for the side inputs",
  sink: "finalized after its writers",
  "side-input": "materialized first",
};

/** A short name for a stage: its root and how many steps follow it. */
export function stageTitle(s: ExplainStage): string {
  const rest = s.steps.length - 1;
  return `${s.id}: ${s.steps[0]?.label ?? ""}${rest > 0 ? ` + ${rest} step${rest === 1 ? "" : "s"}` : ""}`;
}

/** The stage graph of a plan. */
export function stageGraph(pipeline: PipelineRef, stages: readonly ExplainStage[]): GraphPayload {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const handoffs = new Map<string, GraphNode>();
  const handoff = (kind: string, label: string, lifted: boolean): string => {
    const id = `${kind}:${label}`;
    if (!handoffs.has(id)) {
      const note = HANDOFF_NOTE[lifted ? "lifted" : kind] ?? kind;
      const node: GraphNode = { id, kind: "pcollection", label: `${kind}: ${label}`, fullLabel: label, parent: null, note };
      handoffs.set(id, node);
      nodes.push(node);
    }
    return id;
  };
  for (const s of stages) {
    nodes.push({
      id: s.id,
      kind: "transform",
      label: `${s.id}: ${s.steps[0]?.label ?? ""}`,
      fullLabel: stageTitle(s),
      primitive: `${s.steps.length} step${s.steps.length === 1 ? "" : "s"}`,
      params: { steps: s.steps.map((st) => `${st.label} (${st.role})`).join("; ") },
      parent: null,
    });
  }
  const stageIds = new Set(stages.map((s) => s.id));
  for (const s of stages) {
    for (const o of s.outputs) {
      if (o.kind === "result" || o.to === null) continue;
      // A side input is named by what it is; the others by the step that receives them.
      const id = o.kind === "side-input" ? handoff(o.kind, o.label, false) : handoff(o.kind, o.to, o.lifted === true);
      if (!edges.some((e) => e.from === s.id && e.to === id)) edges.push({ from: s.id, to: id, kind: "output" });
    }
  }
  for (const s of stages) {
    const input = s.inputs[0];
    if (input && input.kind !== "source" && input.kind !== "cached" && input.fromStages.some((f) => stageIds.has(f))) {
      const lifted = s.steps[0]?.role === "combine-merge";
      edges.push({ from: handoff(input.kind, input.label, lifted), to: s.id, kind: "main" });
    }
    for (const side of s.sideInputs) if (side.fromStages.length) edges.push({ from: handoff("side-input", side.label, false), to: s.id, kind: "side" });
  }
  return { version: PROTOCOL_VERSION, pipeline: { id: `${pipeline.id}-stages`, name: `${pipeline.name} (stages)` }, nodes, edges };
}
