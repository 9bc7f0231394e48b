/**
 * A pipeline as a graph: our MIME payload (every transform, with composites as parents)
 * and an SVG fallback of the top-level steps, laid out by dagre.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import { escapeHtml } from "./html";
import { GRAPH_MIME, PROTOCOL_VERSION, type GraphEdge, type GraphNode, type GraphPayload } from "./protocol";

// dagre's package points its "types" at a file it does not ship; this is the part we use.
interface DagreGraph {
  setGraph(g: Record<string, unknown>): void;
  setDefaultEdgeLabel(f: () => Record<string, unknown>): void;
  setNode(id: string, v: { width: number; height: number }): void;
  setEdge(a: string, b: string): void;
  node(id: string): { x: number; y: number; width: number; height: number };
  edge(a: string, b: string): { points: { x: number; y: number }[] };
  graph(): { width: number; height: number };
}
const dagre = require("@dagrejs/dagre") as { graphlib: { Graph: new () => DagreGraph }; layout(g: DagreGraph): void };

/** What the graph shows next to the structure. */
export interface GraphFacts {
  counts?: Map<string, number>;
  varNames?: Map<string, string>;
}

function within(node: TransformNode, root: TransformNode): boolean {
  for (let n: TransformNode | null = node; n; n = n.parent) if (n === root) return true;
  return false;
}

/** Side inputs a node (or anything inside it) reads from outside itself. */
function externalSides(root: TransformNode): PCollection<unknown>[] {
  const out: PCollection<unknown>[] = [];
  const walk = (n: TransformNode) => {
    for (const s of n.sideInputs) if (!within(s.producer, root) && !out.includes(s)) out.push(s);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** The graph payload: all transforms (with parents), top-level PCollections, edges. */
export function graphPayload(p: Pipeline, facts: GraphFacts = {}): GraphPayload {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const count = (pc: PCollection<unknown>) => facts.counts?.get(pc.id) ?? null;
  const seenPc = new Set<string>();
  const addPc = (pc: PCollection<unknown>) => {
    if (seenPc.has(pc.id)) return;
    seenPc.add(pc.id);
    nodes.push({ id: pc.id, kind: "pcollection", label: pc.tag === "main" ? pc.producer.label : `${pc.producer.label}.${pc.tag}`, fullLabel: pc.label, parent: null, count: count(pc), varName: facts.varNames?.get(pc.id) ?? null });
  };
  for (const n of p.allNodes()) {
    nodes.push({
      id: n.id,
      kind: "transform",
      label: n.label,
      fullLabel: n.fullLabel,
      primitive: n.primitive && !n.composite ? n.primitive.kind : "Composite",
      params: n.params,
      parent: n.parent?.id ?? null,
    });
  }
  for (const root of p.roots) {
    for (const pc of root.inputs) edges.push({ from: pc.id, to: root.id, kind: "main", count: count(pc) });
    for (const pc of externalSides(root)) edges.push({ from: pc.id, to: root.id, kind: "side", count: count(pc) });
    for (const pc of root.outputs.values()) {
      addPc(pc);
      edges.push({ from: root.id, to: pc.id, kind: "output", count: count(pc) });
    }
  }
  for (const e of edges) for (const id of [e.from, e.to]) if (id.startsWith("pc") && !seenPc.has(id)) addPcById(p, id, addPc);
  return { version: PROTOCOL_VERSION, pipeline: { id: p.id, name: facts.varNames?.get(p.id) ?? p.name }, nodes, edges };
}

function addPcById(p: Pipeline, id: string, add: (pc: PCollection<unknown>) => void): void {
  const pc = p.pcollections().find((x) => x.id === id);
  if (pc) add(pc);
}

const CHAR = 7;
const PAD = 16;

/** An SVG of the top-level graph (escaped labels, counts on PCollections). */
export function graphSvg(payload: GraphPayload): string {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 28, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const top = payload.nodes.filter((n) => n.kind === "pcollection" || !n.parent);
  const text = (n: GraphNode) => (n.kind === "pcollection" ? `${n.varName ?? n.label}${n.count != null ? ` · ${n.count}` : ""}` : n.label);
  for (const n of top) g.setNode(n.id, { width: Math.max(60, text(n).length * CHAR + PAD), height: n.kind === "transform" ? 30 : 24 });
  const ids = new Set(top.map((n) => n.id));
  const drawn = payload.edges.filter((e) => ids.has(e.from) && ids.has(e.to));
  for (const e of drawn) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const { width, height } = g.graph();
  const parts: string[] = [];
  for (const e of drawn) {
    const pts = g.edge(e.from, e.to).points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${pts}" fill="none" stroke="#888" stroke-width="1.2"${e.kind === "side" ? ' stroke-dasharray="4 3"' : ""} marker-end="url(#beamlab-arrow)"/>`);
  }
  for (const n of top) {
    const b = g.node(n.id);
    const x = b.x - b.width / 2;
    const y = b.y - b.height / 2;
    const label = escapeHtml(text(n));
    if (n.kind === "transform") {
      parts.push(`<g><title>${escapeHtml(`${n.fullLabel} (${n.primitive})`)}</title><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${b.width}" height="${b.height}" rx="4" fill="#e8f0fe" stroke="#3367d6"/><text x="${b.x.toFixed(1)}" y="${(b.y + 4).toFixed(1)}" text-anchor="middle" font-family="sans-serif" font-size="12" fill="#1a1a1a">${label}</text></g>`);
    } else {
      parts.push(`<g><title>${escapeHtml(`PCollection ${n.fullLabel}`)}</title><rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${b.width}" height="${b.height}" rx="12" fill="#fff" stroke="#999"/><text x="${b.x.toFixed(1)}" y="${(b.y + 4).toFixed(1)}" text-anchor="middle" font-family="sans-serif" font-size="11" fill="#333">${label}</text></g>`);
    }
  }
  const defs = `<defs><marker id="beamlab-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#888"/></marker></defs>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" role="img" aria-label="${escapeHtml(`Pipeline ${payload.pipeline.name}`)}">${defs}${parts.join("")}</svg>`;
}

/** A text outline of the top-level graph. */
export function graphText(payload: GraphPayload): string {
  const byId = new Map(payload.nodes.map((n) => [n.id, n]));
  const lines = [`Pipeline ${payload.pipeline.name}`];
  for (const n of payload.nodes.filter((x) => x.kind === "transform" && !x.parent)) {
    const ins = payload.edges.filter((e) => e.to === n.id).map((e) => byId.get(e.from)).map((pc) => `${pc?.varName ?? pc?.label}`);
    const outs = payload.edges.filter((e) => e.from === n.id).map((e) => byId.get(e.to)).map((pc) => `${pc?.varName ?? pc?.label}${pc?.count != null ? ` (${pc.count})` : ""}`);
    lines.push(`  ${n.label} [${n.primitive}]${ins.length ? ` <- ${ins.join(", ")}` : ""} -> ${outs.join(", ")}`);
  }
  return lines.join("\n");
}

/** The display bundle of a pipeline graph. */
export function graphBundle(p: Pipeline, facts: GraphFacts = {}): Record<string, unknown> {
  const payload = graphPayload(p, facts);
  return { [GRAPH_MIME]: payload, "image/svg+xml": graphSvg(payload), "text/plain": graphText(payload) };
}
