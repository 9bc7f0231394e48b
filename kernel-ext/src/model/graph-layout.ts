/**
 * Layout of a pipeline graph with dagre: positions for every node and a polyline for
 * every edge. Pure (no DOM): the SVG renderer draws what this returns.
 */
import { Graph, layout } from "@dagrejs/dagre";
import type { GraphEdge, GraphNode, GraphPayload } from "../../../lib/display/protocol";

export interface PlacedNode {
  node: GraphNode;
  /** Centre of the node. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Second text line (count, primitive), already formatted. */
  detail: string;
  /** True for a composite drawn as a box around its children. */
  cluster: boolean;
}

export interface PlacedEdge {
  edge: GraphEdge;
  points: Array<{ x: number; y: number }>;
  /** Where to put the count label, if any. */
  labelAt: { x: number; y: number } | null;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Approximate glyph width of the UI font at 12px; dagre only needs a good estimate. */
const CHAR_W = 7;
const LINE_H = 16;
const PAD_X = 12;
const PAD_Y = 8;
const MAX_LABEL = 40;

/** Truncates a label for display; the full text stays in the node's tooltip/aria-label. */
export function shortLabel(s: string, max = MAX_LABEL): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Second line of a node: count for PCollections, primitive for transforms. */
export function nodeDetail(n: GraphNode): string {
  if (n.kind === "pcollection") {
    const parts: string[] = [];
    if (n.varName) parts.push(n.varName);
    if (typeof n.count === "number") parts.push(`${n.count} elements`);
    return parts.join(" · ");
  }
  return n.primitive ?? "";
}

/**
 * Lays out the graph top-to-bottom. Composite transforms that no edge touches become
 * clusters around their children; any other composite is an ordinary node (dagre
 * cannot route edges to clusters).
 */
export function layoutGraph(payload: GraphPayload): GraphLayout {
  const touched = new Set<string>();
  for (const e of payload.edges) {
    touched.add(e.from);
    touched.add(e.to);
  }
  const ids = new Set(payload.nodes.map((n) => n.id));
  const hasChildren = new Set(payload.nodes.map((n) => n.parent).filter((p): p is string => !!p && ids.has(p)));
  const clusters = new Set([...hasChildren].filter((id) => !touched.has(id)));

  const g = new Graph({ compound: clusters.size > 0, multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, edgesep: 12, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));

  for (const n of payload.nodes) {
    if (clusters.has(n.id)) {
      g.setNode(n.id, { label: n.label, paddingTop: 24 } as never);
      continue;
    }
    const detail = nodeDetail(n);
    const chars = Math.max(shortLabel(n.label).length, detail.length, 4);
    g.setNode(n.id, { width: chars * CHAR_W + 2 * PAD_X, height: (detail ? 2 : 1) * LINE_H + 2 * PAD_Y });
  }
  if (clusters.size > 0) {
    for (const n of payload.nodes) {
      if (n.parent && clusters.has(n.parent)) g.setParent(n.id, n.parent);
    }
  }
  payload.edges.forEach((e, i) => {
    if (!ids.has(e.from) || !ids.has(e.to)) return;
    const label = typeof e.count === "number" ? String(e.count) : "";
    g.setEdge(e.from, e.to, { width: label.length * CHAR_W, height: label ? LINE_H : 0, labelpos: "c" } as never, `e${i}`);
  });

  layout(g);

  const nodes: PlacedNode[] = payload.nodes.map((n) => {
    const p = g.node(n.id) as { x?: number; y?: number; width?: number; height?: number } | undefined;
    return {
      node: n,
      x: p?.x ?? 0,
      y: p?.y ?? 0,
      width: p?.width ?? 0,
      height: p?.height ?? 0,
      detail: clusters.has(n.id) ? "" : nodeDetail(n),
      cluster: clusters.has(n.id),
    };
  });
  const edges: PlacedEdge[] = [];
  payload.edges.forEach((e, i) => {
    if (!ids.has(e.from) || !ids.has(e.to)) return;
    const p = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points?: Array<{ x: number; y: number }>; x?: number; y?: number } | undefined;
    const points = (p?.points ?? []).filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
    const labelAt = typeof e.count === "number" && p?.x !== undefined && p?.y !== undefined ? { x: p.x, y: p.y } : null;
    edges.push({ edge: e, points, labelAt });
  });
  const gl = g.graph() as { width?: number; height?: number };
  return { width: gl.width ?? 0, height: gl.height ?? 0, nodes, edges };
}
