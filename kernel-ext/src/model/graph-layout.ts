/**
 * Layout of a pipeline graph with dagre: which nodes are visible (composites collapsed
 * into one node unless opened), positions for every visible node and a polyline for
 * every edge. Pure (no DOM): the SVG renderer draws what this returns, and any other
 * view of a pipeline (a step-through player, a job view) can lay out the same way.
 */
import { Graph, layout } from "@dagrejs/dagre";
import { visibleGraph } from "../../../lib/display/graph-view";
import type { GraphEdge, GraphNode, GraphNodeState, GraphPayload } from "../../../lib/display/protocol";

export { visibleGraph };

export interface PlacedNode {
  node: GraphNode;
  /** Centre of the node (of the box, for a cluster). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The first text line (a collapsed composite's label carries ▸, an open one's ▾). */
  title: string;
  /** Further text lines (count, state, primitive), already formatted. */
  lines: string[];
  /** True for an open composite drawn as a box around its steps. */
  cluster: boolean;
  /** True for a composite that can be opened or closed. */
  expandable: boolean;
  /** Transforms inside a composite (0 for anything else). */
  steps: number;
  /** The node's state; for a collapsed composite, the most telling state of its steps. */
  state: GraphNodeState | undefined;
  /** The error of the failed step (this one or, when collapsed, one inside). */
  message: string | null;
}

export interface PlacedEdge {
  /** The edge as drawn: its ends are visible nodes (rerouted from hidden inner ones). */
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

/** What to show of the graph. */
export interface LayoutOptions {
  /** Composite ids drawn open, as a box around their steps; every other composite is one node. */
  expanded?: ReadonlySet<string>;
  /** Width in pixels of a text line as drawn (the renderer measures its font); default: an estimate. */
  measure?: (text: string, kind: TextKind) => number;
}

/** The kinds of text a node carries: its title (13px) and detail lines and edge counts (11px). */
export type TextKind = "title" | "detail";

/** Average glyph widths of the UI font, for layouts made without a browser. */
function estimate(text: string, kind: TextKind): number {
  return text.length * (kind === "title" ? 7.4 : 6.4);
}

const TITLE_H = 16;
/** Height of a detail line under a node's title (the renderer spaces its text lines by it). */
export const LINE_H = 13;
const PAD_X = 12;
const PAD_Y = 5;
const MAX_LABEL = 40;
/** Height of an open composite's header (the renderer draws it in that band). */
export const CLUSTER_HEADER = 26;

/** Truncates a label for display; the full text stays in the node's tooltip/aria-label. */
export function shortLabel(s: string, max = MAX_LABEL): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** "1 element", "1,200 elements". */
export function elementsText(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "element" : "elements"}`;
}

/** Lines under a PCollection's label: variable, count or state, and its note. */
export function nodeDetail(n: GraphNode): string {
  return pcollectionLines(n).join(" · ");
}

function pcollectionLines(n: GraphNode): string[] {
  const first: string[] = [];
  if (n.varName) first.push(n.varName);
  if (n.note) {
    // "nothing emitted: the DoFn sends only tagged outputs" reads best on two lines.
    const at = n.note.indexOf(": ");
    return at > 0 ? [[...first, n.note.slice(0, at)].join(" · "), n.note.slice(at + 2)] : [[...first, n.note].join(" · ")];
  }
  // Cached shows as a firm outline (and in the tooltip): the line stays short.
  if (typeof n.count === "number") first.push(elementsText(n.count));
  else if (n.state === "pending") first.push("not computed");
  return first.length ? [first.join(" · ")] : [];
}

function transformLines(n: GraphNode, steps: number, state: GraphNodeState | undefined): string[] {
  if (state === "failed") return ["✕ failed: click for the error"];
  const kind = steps > 0 ? `${steps} ${steps === 1 ? "step" : "steps"}` : (n.primitive ?? "");
  if (state === "running") return [kind ? `${kind} · running…` : "running…"];
  return kind ? [kind] : [];
}

/**
 * The count on an edge into a step (what flows in); an output edge would only repeat its
 * PCollection's count, which the PCollection shows.
 */
export function edgeLabel(e: GraphEdge): string {
  return e.kind !== "output" && typeof e.count === "number" ? e.count.toLocaleString("en-US") : "";
}

/** The header of an open composite's box. */
export function clusterTitle(n: GraphNode, steps: number): string {
  return `▾ ${shortLabel(n.label)} · ${steps} ${steps === 1 ? "step" : "steps"}`;
}

function isInside(id: string, box: string, parentOf: ReadonlyMap<string, string>): boolean {
  for (let p = parentOf.get(id); p; p = parentOf.get(p)) if (p === box) return true;
  return false;
}

/**
 * Lays out the visible graph top-to-bottom: closed composites are single nodes, open
 * ones are boxes (dagre clusters) around their steps, PCollections and inner edges.
 */
export function layoutGraph(payload: GraphPayload, opts: LayoutOptions = {}): GraphLayout {
  const vis = visibleGraph(payload, opts.expanded);
  const measure = opts.measure ?? estimate;
  const clusters = new Set(vis.nodes.filter((v) => v.cluster).map((v) => v.node.id));
  const g = new Graph({ compound: clusters.size > 0, multigraph: true });
  // Tight ranks: a pipeline is a tall graph, and it must fit a projected screen readably.
  g.setGraph({ rankdir: "TB", nodesep: 20, ranksep: 22, edgesep: 10, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));

  const texts = new Map<string, { title: string; lines: string[] }>();
  for (const v of vis.nodes) {
    const n = v.node;
    const mark = v.expandable ? (v.cluster ? "▾ " : "▸ ") : "";
    const title = `${mark}${shortLabel(n.label)}`;
    const lines = n.kind === "pcollection" ? pcollectionLines(n) : transformLines(n, v.steps, v.state);
    texts.set(n.id, { title, lines: v.cluster ? [] : lines });
    if (v.cluster) {
      g.setNode(n.id, { label: n.label } as never);
      continue;
    }
    const width = Math.max(measure(title, "title"), ...lines.map((l) => measure(l, "detail")), 30);
    g.setNode(n.id, { width: Math.ceil(width + 2 * PAD_X), height: TITLE_H + lines.length * LINE_H + 2 * PAD_Y });
  }
  for (const [id, p] of vis.parentOf) if (clusters.has(p)) g.setParent(id, p);
  // dagre leaves no room for a box's header: an invisible node, above everything in the
  // box, keeps the header's height and width free.
  for (const c of clusters) {
    const v = vis.nodes.find((x) => x.node.id === c)!;
    const header = `${c}\u0000header`;
    g.setNode(header, { width: Math.ceil(measure(clusterTitle(v.node, v.steps), "title") + 16), height: CLUSTER_HEADER - 10 });
    g.setParent(header, c);
    // Above the steps the box is entered through (no predecessor inside the box).
    vis.nodes.forEach((x, i) => {
      if (x.cluster || !isInside(x.node.id, c, vis.parentOf)) return;
      if (vis.edges.some((e) => e.to === x.node.id && isInside(e.from, c, vis.parentOf))) return;
      g.setEdge(header, x.node.id, { minlen: 1, weight: 1 } as never, `h${i}`);
    });
  }
  vis.edges.forEach((e, i) => {
    const label = edgeLabel(e);
    g.setEdge(e.from, e.to, { width: label ? measure(label, "detail") : 0, height: label ? 12 : 0, labelpos: "c" } as never, `e${i}`);
  });

  layout(g);

  const nodes: PlacedNode[] = vis.nodes.map((v) => {
    const p = g.node(v.node.id) as { x?: number; y?: number; width?: number; height?: number } | undefined;
    const t = texts.get(v.node.id)!;
    return {
      node: v.node,
      x: p?.x ?? 0,
      y: p?.y ?? 0,
      width: p?.width ?? 0,
      height: p?.height ?? 0,
      title: t.title,
      lines: t.lines,
      cluster: v.cluster,
      expandable: v.expandable,
      steps: v.steps,
      state: v.state,
      message: v.message,
    };
  });
  const edges: PlacedEdge[] = vis.edges.map((e, i) => {
    const p = g.edge({ v: e.from, w: e.to, name: `e${i}` }) as { points?: Array<{ x: number; y: number }>; x?: number; y?: number } | undefined;
    const points = (p?.points ?? []).filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y));
    const labelAt = edgeLabel(e) && p?.x !== undefined && p?.y !== undefined ? { x: p.x, y: p.y } : null;
    return { edge: e, points, labelAt };
  });
  const gl = g.graph() as { width?: number; height?: number };
  return { width: gl.width ?? 0, height: gl.height ?? 0, nodes, edges };
}
