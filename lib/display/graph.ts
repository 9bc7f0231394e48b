/**
 * A pipeline as a graph: our MIME payload (every transform and PCollection with its
 * enclosing composite, edges between PCollections and the innermost transforms, the
 * interactive runner's state) and its fallbacks for viewers without the extension: an
 * SVG of the top-level steps (composites collapsed) and a text outline.
 */
import { randomBytes } from "node:crypto";
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import type { RunState } from "../runners/interactive";
import { imageMarkdown, withAltText } from "./alt-text";
import { visibleGraph, type Visible } from "./graph-view";
import { escapeHtml } from "./html";
import { GRAPH_MIME, PROTOCOL_VERSION, type GraphEdge, type GraphNode, type GraphNodeState, type GraphPayload } from "./protocol";

// dagre's package points its "types" at a file it does not ship; this is the part we use.
interface DagreGraph {
  setGraph(g: Record<string, unknown>): void;
  setDefaultEdgeLabel(f: () => Record<string, unknown>): void;
  setNode(id: string, v: { width: number; height: number }): void;
  setEdge(a: string, b: string, v?: Record<string, unknown>): void;
  node(id: string): { x: number; y: number; width: number; height: number };
  edge(a: string, b: string): { points: { x: number; y: number }[]; x?: number; y?: number };
  graph(): { width: number; height: number };
}
const dagre = require("@dagrejs/dagre") as { graphlib: { Graph: new () => DagreGraph }; layout(g: DagreGraph): void };

/** What the graph shows next to the structure. */
export interface GraphFacts {
  /** Element counts by PCollection id (used when there is no run state). */
  counts?: ReadonlyMap<string, number>;
  varNames?: Map<string, string>;
  /** The interactive runner's state; without it the graph shows structure (and counts) only. */
  state?: RunState;
}

/** The note on the main output of a multi-output ParDo that receives nothing. */
export const NOTHING_EMITTED = "nothing emitted: the DoFn sends only tagged outputs";
/** The note on such an output before a run, when no step reads it. */
export const NOT_READ = "not read by any step: the DoFn sends tagged outputs";

/**
 * The composite a PCollection lives inside: the innermost enclosing composite of its
 * producer that does not hand it out as one of its own outputs (null: top level).
 */
function pcParent(pc: PCollection<unknown>): TransformNode | null {
  for (let n = pc.producer.parent; n; n = n.parent) {
    if (![...n.outputs.values()].includes(pc)) return n;
  }
  return null;
}

function isLeaf(n: TransformNode): boolean {
  return n.children.length === 0;
}

/** The outermost transform that hands the PCollection out (a composite names its inner step's output). */
function pcOwner(pc: PCollection<unknown>): TransformNode {
  let owner = pc.producer;
  while (owner.parent && [...owner.parent.outputs.values()].includes(pc)) owner = owner.parent;
  return owner;
}

function pcLabels(pc: PCollection<unknown>): { label: string; fullLabel: string } {
  const owner = pcOwner(pc);
  const tag = pc.tag === "main" ? "" : `.${pc.tag}`;
  return { label: `${owner.label}${tag}`, fullLabel: `${owner.fullLabel}${tag}` };
}

/**
 * The composite that runners execute in one piece (CombinePerKey, lifted) around a
 * PCollection inside it: such a PCollection is never materialised.
 */
function runsWhole(pc: PCollection<unknown>): TransformNode | null {
  for (let n = pcParent(pc); n; n = n.parent) if (n.composite && n.primitive) return n;
  return null;
}

/** True for the main output of a ParDo declared with `withOutputs(...)`. */
/** True for the main output of a ParDo declared `withOutputs(...)`: often nothing goes there. */
export function isTaggedParDoMain(pc: PCollection<unknown>): boolean {
  const spec = pc.producer.primitive;
  return pc.tag === "main" && spec?.kind === "ParDo" && spec.tags.length > 0;
}

/** The graph payload: all transforms and PCollections (with parents), innermost edges, state. */
export function graphPayload(p: Pipeline, facts: GraphFacts = {}): GraphPayload {
  const state = facts.state;
  const counts = state?.counts ?? facts.counts;
  const count = (pc: PCollection<unknown>) => counts?.get(pc.id) ?? null;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const all = p.allNodes();
  const read = new Set<string>();
  for (const n of all.filter(isLeaf)) for (const pc of [...n.inputs, ...n.sideInputs]) read.add(pc.id);

  for (const n of all) {
    const node: GraphNode = {
      id: n.id,
      kind: "transform",
      label: n.label,
      fullLabel: n.fullLabel,
      primitive: n.primitive && !n.composite ? n.primitive.kind : "Composite",
      params: n.params,
      parent: n.parent?.id ?? null,
    };
    if (state) {
      if (state.failed?.node === n.id) {
        node.state = "failed";
        node.message = state.failed.message;
      } else if (state.running.has(n.id)) node.state = "running";
    }
    nodes.push(node);
  }
  for (const pc of p.pcollections()) {
    const c = count(pc);
    const varName = facts.varNames?.get(pc.id) ?? null;
    const node: GraphNode = { id: pc.id, kind: "pcollection", ...pcLabels(pc), parent: pcParent(pc)?.id ?? null, count: c, varName };
    if (state) node.state = pcState(pc.id, state);
    const whole = c === null ? runsWhole(pc) : null;
    if (whole) node.note = `not materialised: ${whole.label} runs as one step`;
    else if (isTaggedParDoMain(pc)) {
      if (c === 0) node.note = NOTHING_EMITTED;
      else if (c === null && !read.has(pc.id) && !varName) node.note = NOT_READ;
    }
    nodes.push(node);
  }
  for (const n of all.filter(isLeaf)) {
    for (const pc of n.inputs) edges.push({ from: pc.id, to: n.id, kind: "main", count: count(pc) });
    for (const pc of n.sideInputs) edges.push({ from: pc.id, to: n.id, kind: "side", count: count(pc) });
    // A composite that hands its input straight back has no producer edge of its own.
    for (const pc of n.outputs.values()) if (pc.producer === n) edges.push({ from: n.id, to: pc.id, kind: "output", count: count(pc) });
  }
  const payload: GraphPayload = { version: PROTOCOL_VERSION, pipeline: { id: p.id, name: facts.varNames?.get(p.id) ?? p.name }, nodes, edges };
  if (state) payload.live = true;
  return payload;
}

function pcState(id: string, state: RunState): GraphNodeState {
  if (state.cached.has(id)) return "cached";
  return state.counts.has(id) ? "computed" : "pending";
}

/** "1 element", "1,200 elements". */
export function elementsText(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "element" : "elements"}`;
}

/** A node of the top-level view: composites collapsed, with their number of steps. */

const CHAR = 7;
const PAD = 20;

/** The two text lines of a node in the static SVG. */
function svgLines(t: Visible["nodes"][number]): [string, string] {
  const n = t.node;
  if (n.kind === "transform") {
    const detail = t.state === "failed" ? "failed" : t.state === "running" ? "running…" : t.steps > 0 ? `composite · ${t.steps} steps` : (n.primitive ?? "");
    return [n.label, detail];
  }
  const parts: string[] = [];
  if (n.varName) parts.push(n.varName);
  if (n.note) parts.push(n.count === 0 ? "nothing emitted" : "not read");
  else if (typeof n.count === "number") parts.push(elementsText(n.count));
  else if (n.state === "pending") parts.push("not computed");
  return [n.label, parts.join(" · ")];
}

/**
 * An SVG of the top-level graph with counts on PCollections and edges and the run state
 * (not computed: dashed; failed: red; nothing emitted: faded). Labels are escaped; ids
 * are unique per graph so several inlined graphs do not share an arrowhead. `highlight`
 * names a node drawn marked (a step-through's current step), with a thick border so the
 * mark does not rest on colour alone.
 */
export function graphSvg(payload: GraphPayload, highlight: string | null = null): string {
  const view = visibleGraph(payload);
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of view.nodes) {
    const [a, b] = svgLines(t);
    g.setNode(t.node.id, { width: Math.max(70, Math.max(a.length, b.length) * CHAR + PAD), height: b ? 38 : 26 });
  }
  for (const e of view.edges) {
    const label = e.kind !== "output" && typeof e.count === "number" ? e.count.toLocaleString("en-US") : "";
    g.setEdge(e.from, e.to, { width: label.length * CHAR, height: label ? 14 : 0, labelpos: "c" });
  }
  dagre.layout(g);
  const { width, height } = g.graph();
  const id = `beamlab-${randomBytes(5).toString("hex")}`;
  // Whole numbers print without ".0", and attributes shared by many elements sit on a group:
  // the SVG travels twice in a saved notebook (as itself and as the markdown image's base64).
  const f = (v: number) => String(Math.round(v * 10) / 10);
  const lines: string[] = [];
  const counts: string[] = [];
  for (const e of view.edges) {
    const placed = g.edge(e.from, e.to);
    const pts = placed.points.map((q) => `${f(q.x)},${f(q.y)}`).join(" ");
    lines.push(`<polyline points="${pts}"${e.kind === "side" ? ' stroke-dasharray="4 3"' : ""}/>`);
    // The count of what flows into a step; an output edge would repeat its PCollection's count.
    if (e.kind !== "output" && typeof e.count === "number" && placed.x !== undefined && placed.y !== undefined) {
      counts.push(`<text x="${f(placed.x)}" y="${f(placed.y + 4)}">${e.count.toLocaleString("en-US")}</text>`);
    }
  }
  const parts: string[] = [
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<g fill="none" stroke="#666" stroke-width="1.2" marker-end="url(#${id}-arrow)">${lines.join("")}</g>`,
    `<g font-size="11" fill="#333" stroke="#fff" stroke-width="3" paint-order="stroke">${counts.join("")}</g>`,
  ];
  for (const t of view.nodes) {
    const n = t.node;
    const b = g.node(n.id);
    const [line1, line2] = svgLines(t).map(escapeHtml);
    const failed = t.state === "failed";
    const faded = !!n.note;
    const pending = n.kind === "pcollection" && n.state === "pending";
    const title = escapeHtml(
      n.kind === "transform"
        ? `${n.fullLabel} (${t.steps > 0 ? `composite, ${t.steps} steps` : n.primitive})${t.message ? `\n${t.message}` : ""}`
        : `PCollection ${n.fullLabel}${n.note ? `: ${n.note}` : ""}`,
    );
    const marked = n.id === highlight;
    const fill = failed ? "#fdecea" : marked ? "#fff3cd" : n.kind === "transform" ? "#e8f0fe" : "#ffffff";
    const stroke = failed ? "#c62828" : marked ? "#b45309" : n.kind === "transform" ? "#3367d6" : "#777";
    const dash = pending || faded ? ' stroke-dasharray="4 3"' : "";
    const rx = n.kind === "transform" ? 4 : 12;
    const y1 = line2 ? b.y - 3 : b.y + 4;
    parts.push(
      `<g${faded ? ' opacity="0.55"' : ""}${marked ? ' class="beamlab-current"' : ""}><title>${title}${marked ? " (current step)" : ""}</title>` +
        `<rect x="${f(b.x - b.width / 2)}" y="${f(b.y - b.height / 2)}" width="${b.width}" height="${b.height}" rx="${rx}" fill="${fill}" stroke="${stroke}" stroke-width="${marked ? 3 : failed ? 2 : 1}"${dash}/>` +
        `<text x="${f(b.x)}" y="${f(y1)}" font-size="12" fill="#1a1a1a">${line1}</text>` +
        (line2 ? `<text x="${f(b.x)}" y="${f(b.y + 12)}" font-size="10" fill="${failed ? "#b71c1c" : "#444"}">${line2}</text>` : "") +
        `</g>`,
    );
  }
  const defs = `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#666"/></marker></defs>`;
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${id}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" text-anchor="middle">${defs}${parts.join("")}</svg>`;
}

/** A text outline of the top-level graph (composites folded), with counts and failures. */
export function graphText(payload: GraphPayload): string {
  const view = visibleGraph(payload);
  const byId = new Map(view.nodes.map((t) => [t.node.id, t.node]));
  const name = (n: GraphNode | undefined) => `${n?.varName ?? n?.label}`;
  const lines = [`Pipeline ${payload.pipeline.name}`];
  for (const t of view.nodes.filter((x) => x.node.kind === "transform")) {
    const n = t.node;
    const ins = view.edges.filter((e) => e.to === n.id).map((e) => name(byId.get(e.from)));
    const outs = view.edges
      .filter((e) => e.from === n.id)
      .map((e) => byId.get(e.to))
      .map((pc) => `${name(pc)}${pc?.count != null ? ` (${pc.count})` : ""}${pc?.note ? ` (${pc.note})` : ""}`);
    const kind = t.steps > 0 ? `composite, ${t.steps} steps` : n.primitive;
    const failed = t.state === "failed" ? `  FAILED: ${(t.message ?? "").replace(/\n/g, "\n      ")}` : "";
    lines.push(`  ${n.label} [${kind}]${ins.length ? ` <- ${ins.join(", ")}` : ""} -> ${outs.join(", ")}${failed}`);
  }
  return lines.join("\n");
}

/** A one-sentence description of the graph, for the alt text of its static picture. */
export function graphAltText(payload: GraphPayload): string {
  const steps = visibleGraph(payload).nodes.filter((t) => t.node.kind === "transform").map((t) => t.node.label);
  const list = steps.length > 8 ? `${steps.slice(0, 8).join(", ")} and ${steps.length - 8} more` : steps.join(", ");
  return `Pipeline graph of ${payload.pipeline.name}: ${steps.length} ${steps.length === 1 ? "step" : "steps"}${list ? ` (${list})` : ""}.`;
}

/** The display bundle of a pipeline graph. */
export function graphBundle(p: Pipeline, facts: GraphFacts = {}): Record<string, unknown> {
  const payload = graphPayload(p, facts);
  const alt = graphAltText(payload);
  const svg = withAltText(graphSvg(payload), alt);
  // The markdown image is what exported HTML shows (with its alt text); JupyterLab prefers our renderer.
  return { [GRAPH_MIME]: payload, "image/svg+xml": svg, "text/markdown": imageMarkdown(svg, alt), "text/plain": graphText(payload) };
}
