/**
 * Which nodes and edges of a graph payload are drawn, given which composites are open:
 * shared by the kernel's static SVG (everything closed) and the extension's renderer.
 * No Node imports: the extension compiles it in.
 */
import type { GraphEdge, GraphNode, GraphNodeState, GraphPayload } from "./protocol";

/** The visible part of a payload: nodes, clusters and rerouted edges. */
export interface Visible {
  nodes: Array<{ node: GraphNode; cluster: boolean; expandable: boolean; steps: number; state: GraphNodeState | undefined; message: string | null }>;
  edges: GraphEdge[];
  parentOf: Map<string, string>;
}

/**
 * Folds every node inside a closed composite into that composite and reroutes the edges:
 * an edge into or out of a hidden inner step ends at the composite, edges inside it
 * disappear, duplicates merge. A composite some edge names directly (outputs written
 * before edges went to inner steps) stays closed, since dagre cannot route to a box.
 */
export function visibleGraph(payload: GraphPayload, expanded: ReadonlySet<string> = new Set()): Visible {
  const byId = new Map(payload.nodes.map((n) => [n.id, n]));
  const parentId = (n: GraphNode): string | null => (n.parent && byId.has(n.parent) ? n.parent : null);
  const children = new Map<string, GraphNode[]>();
  for (const n of payload.nodes) {
    const p = parentId(n);
    if (p) children.set(p, [...(children.get(p) ?? []), n]);
  }
  const touched = new Set(payload.edges.flatMap((e) => [e.from, e.to]));
  const openable = (id: string) => children.has(id) && !touched.has(id);
  const open = (id: string) => expanded.has(id) && openable(id);
  /** The visible node standing for `id`: its outermost closed ancestor, or itself. */
  const shownAs = (id: string): string => {
    const chain: string[] = [];
    for (let n = byId.get(id); n; n = parentId(n) ? byId.get(parentId(n)!) : undefined) chain.unshift(n.id);
    chain.pop();
    return chain.find((a) => !open(a)) ?? id;
  };
  const inner = (id: string): GraphNode[] => (children.get(id) ?? []).flatMap((c) => [c, ...inner(c.id)]);

  const nodes: Visible["nodes"] = [];
  const parentOf = new Map<string, string>();
  for (const n of payload.nodes) {
    if (shownAs(n.id) !== n.id) continue;
    const p = parentId(n);
    if (p) parentOf.set(n.id, p);
    const steps = n.kind === "transform" ? inner(n.id).filter((c) => c.kind === "transform" && !children.has(c.id)).length : 0;
    let state = n.state;
    let message = n.message ?? null;
    if (!open(n.id)) {
      for (const c of inner(n.id)) {
        if (c.state === "failed") [state, message] = ["failed", c.message ?? null];
        else if (c.state === "running" && state !== "failed") state = "running";
      }
    }
    nodes.push({ node: n, cluster: open(n.id), expandable: openable(n.id), steps, state, message });
  }
  const shown = new Set(nodes.filter((v) => !v.cluster).map((v) => v.node.id));
  const edges = new Map<string, GraphEdge>();
  for (const e of payload.edges) {
    const from = shownAs(e.from);
    const to = shownAs(e.to);
    if (from === to || !shown.has(from) || !shown.has(to)) continue;
    const key = `${from}>${to}>${e.kind}`;
    if (!edges.has(key)) edges.set(key, { ...e, from, to });
  }
  return { nodes, edges: [...edges.values()], parentOf };
}

