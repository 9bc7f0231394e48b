/**
 * The pipeline graph renderer: an SVG drawn from {@link layoutGraph}, shown whole when it
 * appears (up to a height limit, then zoomed to fit), with zoom (Ctrl/⌘+wheel or
 * buttons), pan (drag), composites that open and close, the run state of every step and
 * keyboard-focusable nodes. Enter or a click on a PCollection opens its rows.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { GRAPH_MIME, type GraphNode, type GraphPayload } from "../../../lib/display/protocol";
import type { IBeamlabContext } from "../context";
import { h, svg } from "../dom";
import { CLUSTER_HEADER, LINE_H, clusterTitle, edgeLabel, elementsText, layoutGraph, type GraphLayout, type PlacedNode, type TextKind } from "../model/graph-layout";
import { asGraphPayload } from "../model/payloads";

const MIN_SCALE = 0.1;
const MAX_SCALE = 4;
/** Below this scale node text is too small to read comfortably, so the view says how to zoom. */
export const READABLE_SCALE = 0.7;
/** The tallest a graph output grows before it zooms out to fit. */
const MAX_HEIGHT_PX = 720;
const MAX_HEIGHT_OF_WINDOW = 0.75;
const MARGIN = 4;

let nextGraph = 0;

/** Spoken/tooltip description of a node. */
export function describeNode(n: GraphNode): string {
  if (n.kind === "pcollection") {
    const count = typeof n.count === "number" ? `, ${elementsText(n.count)}` : n.state === "pending" ? ", not computed yet" : "";
    const cached = n.state === "cached" ? " (cached)" : "";
    const v = n.varName ? `, variable ${n.varName}` : "";
    const note = n.note ? `: ${n.note}` : "";
    return `PCollection ${n.fullLabel || n.label}${v}${count}${cached}${note}.${n.note ? "" : " Press Enter to open its rows."}`;
  }
  const params = n.params ? Object.entries(n.params).map(([k, v]) => `${k}=${v}`).join(", ") : "";
  return `Transform ${n.fullLabel || n.label}${n.primitive ? ` (${n.primitive})` : ""}${params ? `: ${params}` : ""}`;
}

function describePlaced(p: PlacedNode): string {
  if (p.node.kind === "pcollection") return describeNode(p.node);
  const base = p.steps > 0 ? `Composite ${p.node.fullLabel || p.node.label}, ${p.steps} ${p.steps === 1 ? "step" : "steps"}` : describeNode(p.node);
  const toggle = p.expandable ? (p.cluster ? ". Press Enter to close it." : ". Press Enter to show its steps.") : "";
  const state = p.state === "failed" ? ` failed: ${p.message ?? "see the cell's error"}` : p.state === "running" ? " (running)" : "";
  return `${base}${state}${toggle}`;
}

/** Options of a graph view; other views of a pipeline (a step-through player) set them. */
export interface GraphViewOptions {
  /** A node id drawn highlighted (e.g. the step being played). */
  highlight?: string | null;
  /** The tallest the view grows before it zooms out to fit (px; default: a share of the window). */
  maxHeight?: number;
}

export class GraphView extends Widget implements IRenderMime.IRenderer {
  /** Unique per view, so every graph in the page has its own SVG ids. */
  private readonly uid = `bl-graph-${++nextGraph}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly svgEl = svg("svg", { class: "bl-Graph-svg", role: "group" });
  private readonly layer = svg("g");
  private readonly hintEl = h("div", "bl-Graph-hint");
  private readonly infoEl = h("div", "bl-Graph-info");
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private lay: GraphLayout | null = null;
  private payload: GraphPayload | null = null;
  private readonly expanded = new Set<string>();
  private highlightId: string | null;
  private readonly heightLimit: number | null;
  /** True once the user zoomed or panned: updates then keep the view instead of fitting again. */
  private userMoved = false;
  /** The node {@link focusOn} keeps in view (placed again when the view is resized), until the user zooms, pans or fits. */
  private focusId: string | null = null;
  private readonly resizer = new ResizeObserver(() => {
    if (this.focusId) this.placeFocus();
    else if (!this.userMoved) this.fitView();
  });

  constructor(private readonly ctx: IBeamlabContext, opts: GraphViewOptions = {}) {
    super();
    this.highlightId = opts.highlight ?? null;
    this.heightLimit = opts.maxHeight ?? null;
    this.addClass("bl-Graph");
    this.svgEl.id = this.uid;
    const bar = h("div", "bl-Graph-toolbar");
    const mk = (text: string, label: string, fn: () => void): HTMLButtonElement => {
      const b = h("button", "bl-Button", text);
      b.type = "button";
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", fn);
      return b;
    };
    bar.append(
      mk("+", "Zoom in", () => this.zoomBy(1.25)),
      mk("−", "Zoom out", () => this.zoomBy(0.8)),
      mk("Fit", "Fit the whole graph", () => {
        this.userMoved = false;
        this.focusId = null;
        this.fitView();
      }),
      this.hintEl,
    );
    this.infoEl.setAttribute("role", "status");
    this.infoEl.setAttribute("aria-live", "polite");
    this.svgEl.append(this.layer);
    this.node.append(bar, this.svgEl, this.infoEl);
    this.installPanZoom();
    this.resizer.observe(this.node);
  }

  dispose(): void {
    this.resizer.disconnect();
    super.dispose();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = asGraphPayload(model.data[GRAPH_MIME]);
    if (!payload) {
      this.infoEl.textContent = "This graph output was written by a different beamlab version and cannot be shown.";
      return;
    }
    this.setPayload(payload);
  }

  /** Draws a payload; an update of the same graph keeps open composites and the user's zoom. */
  setPayload(payload: GraphPayload): void {
    const same = this.payload?.pipeline.id === payload.pipeline.id;
    if (!same) {
      this.expanded.clear();
      this.userMoved = false;
    }
    this.payload = payload;
    this.svgEl.setAttribute("aria-label", `Pipeline graph of ${payload.pipeline.name}`);
    this.draw();
    const failed = payload.nodes.find((n) => n.state === "failed");
    if (failed && !this.infoEl.textContent) this.setInfo(`${failed.fullLabel} failed: ${failed.message ?? ""}`, true);
    if (!failed && this.infoEl.classList.contains("bl-mod-error")) this.setInfo("");
  }

  /** Draws one node highlighted (null: none), without laying the graph out again. */
  setHighlight(id: string | null): void {
    this.highlightId = id;
    for (const g of this.layer.querySelectorAll<SVGGElement>(".bl-Graph-node, .bl-Graph-clusterHead")) {
      g.classList.toggle("bl-mod-highlight", g.dataset.id === id);
    }
  }

  /**
   * Shows node `id` in the middle at a readable scale when the whole graph would be drawn
   * smaller than {@link READABLE_SCALE} (a player following its step through a big
   * pipeline); a graph that fits readably stays whole. **Fit** shows it whole again.
   */
  focusOn(id: string): void {
    this.focusId = id;
    this.placeFocus();
  }

  private placeFocus(): void {
    const lay = this.lay;
    const at = lay?.nodes.find((n) => n.node.id === this.focusId);
    if (!lay || !at) return;
    this.userMoved = false;
    this.fitView();
    if (this.scale >= READABLE_SCALE) return;
    const availW = Math.max(200, (this.node.clientWidth || 800) - 2 * MARGIN - 2);
    const availH = this.maxHeight() - 2 * MARGIN;
    this.scale = Math.max(READABLE_SCALE, 0.85);
    this.tx = availW / 2 - at.x * this.scale;
    this.ty = availH / 2 - at.y * this.scale;
    this.svgEl.setAttribute("height", String(Math.ceil(availH + 2 * MARGIN)));
    this.userMoved = true;
    this.applyTransform();
  }

  /** The composites drawn open. */
  get openComposites(): ReadonlySet<string> {
    return this.expanded;
  }

  /** Opens or closes a composite. */
  toggle(id: string): void {
    if (this.expanded.has(id)) this.expanded.delete(id);
    else this.expanded.add(id);
    this.userMoved = false;
    this.draw();
    const sel = CSS.escape(id);
    const el = this.layer.querySelector<SVGGElement>(`.bl-Graph-node[data-id="${sel}"], .bl-Graph-clusterHead[data-id="${sel}"]`);
    el?.focus();
  }

  private draw(): void {
    const payload = this.payload;
    if (!payload) return;
    const lay = layoutGraph(payload, { expanded: this.expanded, measure: (t, kind) => this.measure(t, kind) });
    this.lay = lay;
    this.layer.replaceChildren();
    const arrowId = `${this.uid}-arrow`;
    const defs = svg("defs");
    const marker = svg("marker", { id: arrowId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "bl-Graph-arrow" }));
    defs.append(marker);
    this.layer.append(defs);

    // Open composites first, outermost first, so they sit behind their steps.
    const clusters = lay.nodes.filter((n) => n.cluster).sort((a, b) => b.width * b.height - a.width * a.height);
    for (const p of clusters) this.layer.append(this.clusterEl(p));
    for (const e of lay.edges) {
      if (e.points.length < 2) continue;
      const d = e.points.map((q, i) => `${i ? "L" : "M"}${q.x.toFixed(1)},${q.y.toFixed(1)}`).join(" ");
      const zero = e.edge.count === 0 ? " bl-mod-empty" : "";
      this.layer.append(svg("path", { d, class: `bl-Graph-edge bl-mod-${e.edge.kind}${zero}`, "marker-end": `url(#${arrowId})`, "data-from": e.edge.from, "data-to": e.edge.to }));
      if (e.labelAt) {
        const t = svg("text", { x: e.labelAt.x, y: e.labelAt.y + 4, class: "bl-Graph-edgeLabel", "text-anchor": "middle" });
        t.textContent = edgeLabel(e.edge);
        this.layer.append(t);
      }
    }
    for (const p of lay.nodes) if (!p.cluster) this.layer.append(this.nodeEl(p));
    this.setHighlight(this.highlightId);
    if (this.focusId) this.placeFocus();
    else if (this.userMoved) this.applyTransform();
    else this.fitView();
  }

  private canvas: CanvasRenderingContext2D | null = null;

  /** Measures text in the fonts the stylesheet gives node titles and details, so nodes fit their text tightly. */
  private measure(text: string, kind: TextKind): number {
    if (!this.canvas) this.canvas = document.createElement("canvas").getContext("2d");
    const ctx = this.canvas;
    if (!ctx) return text.length * (kind === "title" ? 7.4 : 6.4);
    const family = getComputedStyle(this.node).fontFamily || "sans-serif";
    ctx.font = `${kind === "title" ? 13 : 11}px ${family}`;
    // A little slack: italic and bold variants run wider.
    return ctx.measureText(text).width * 1.1;
  }

  private stateClasses(p: PlacedNode): string {
    const c = [`bl-mod-${p.node.kind}`];
    if (p.state) c.push(`bl-mod-${p.state}`);
    if (p.node.note) c.push("bl-mod-faded");
    if (p.expandable) c.push("bl-mod-composite");
    return c.join(" ");
  }

  private nodeEl(p: PlacedNode): SVGGElement {
    const g = svg("g", { class: `bl-Graph-node ${this.stateClasses(p)}`, tabindex: 0, role: "button", transform: `translate(${p.x},${p.y})`, "data-id": p.node.id });
    const text = describePlaced(p);
    g.setAttribute("aria-label", text);
    if (p.expandable) g.setAttribute("aria-expanded", "false");
    if (p.node.parent) g.dataset.parent = p.node.parent;
    const title = svg("title");
    title.textContent = text;
    const rx = p.node.kind === "pcollection" ? p.height / 2 : 4;
    const shape = svg("rect", { x: -p.width / 2, y: -p.height / 2, width: p.width, height: p.height, rx: Math.min(rx, 16) });
    g.append(title, shape);
    const top = -((p.lines.length * LINE_H) / 2) + 4;
    const label = svg("text", { y: top, "text-anchor": "middle", class: "bl-Graph-label" });
    label.textContent = p.title;
    g.append(label);
    p.lines.forEach((line, i) => {
      const detail = svg("text", { y: top + 15 + i * LINE_H, "text-anchor": "middle", class: "bl-Graph-detail" });
      detail.textContent = line;
      g.append(detail);
    });
    this.activateOn(g, () => this.activateNode(p));
    return g;
  }

  private clusterEl(p: PlacedNode): SVGGElement {
    const x = p.x - p.width / 2;
    const y = p.y - p.height / 2;
    const g = svg("g", { class: `bl-Graph-clusterBox ${this.stateClasses(p)}`, "data-id": p.node.id });
    g.append(svg("rect", { x, y, width: p.width, height: p.height, rx: 6, class: "bl-Graph-cluster" }));
    // The header is the toggle that closes the composite again.
    const head = svg("g", { class: "bl-Graph-clusterHead", tabindex: 0, role: "button", "aria-expanded": "true", "data-id": p.node.id });
    const text = describePlaced(p);
    head.setAttribute("aria-label", text);
    const title = svg("title");
    title.textContent = text;
    head.append(title, svg("rect", { x, y, width: p.width, height: CLUSTER_HEADER - 4, rx: 6, class: "bl-Graph-clusterHeadBg" }));
    const t = svg("text", { x: x + 8, y: y + 16, class: "bl-Graph-clusterLabel" });
    t.textContent = clusterTitle(p.node, p.steps);
    head.append(t);
    this.activateOn(head, () => this.toggle(p.node.id));
    g.append(head);
    return g;
  }

  private activateOn(el: SVGGElement, fn: () => void): void {
    el.addEventListener("click", (ev) => {
      if (this.dragged) return;
      ev.stopPropagation();
      fn();
    });
    el.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        ev.stopPropagation();
        fn();
      }
    });
  }

  private setInfo(text: string, error = false): void {
    this.infoEl.textContent = text;
    this.infoEl.classList.toggle("bl-mod-error", error);
  }

  private activateNode(p: PlacedNode): void {
    const payload = this.payload;
    if (!payload) return;
    const n = p.node;
    if (p.state === "failed") {
      this.setInfo(`${n.fullLabel || n.label} failed: ${p.message ?? "see the error under the cell that ran it"}`, true);
      if (p.expandable && !p.cluster) this.toggle(n.id);
      return;
    }
    if (p.expandable) {
      this.toggle(n.id);
      return;
    }
    if (n.kind === "pcollection") {
      if (n.note) {
        this.setInfo(`${n.varName || n.label}: ${n.note}.`);
        return;
      }
      const name = n.varName || n.label;
      this.setInfo(`Opening ${name}…`);
      this.ctx.openPCollection({ pipeline: payload.pipeline.id, pcollection: n.id, label: name }, this.ctx.modelFor(this.node));
    } else {
      this.setInfo(describePlaced(p));
    }
  }

  private applyTransform(): void {
    this.layer.setAttribute("transform", `translate(${this.tx},${this.ty}) scale(${this.scale})`);
    this.updateHint();
  }

  /** The tallest the output may grow: a share of the window, at most {@link MAX_HEIGHT_PX}. */
  private maxHeight(): number {
    if (this.heightLimit !== null) return this.heightLimit;
    return Math.max(200, Math.min(MAX_HEIGHT_PX, Math.round((window.innerHeight || 960) * MAX_HEIGHT_OF_WINDOW)));
  }

  /**
   * Shows the whole graph: the output grows to the graph's natural height up to
   * {@link maxHeight}; a larger graph is zoomed out until it fits both ways (never enlarged).
   */
  private fitView(): void {
    const lay = this.lay;
    if (!lay) return;
    const availW = Math.max(200, (this.node.clientWidth || 800) - 2 * MARGIN - 2);
    const availH = this.maxHeight() - 2 * MARGIN;
    const w = Math.max(1, lay.width);
    const hgt = Math.max(1, lay.height);
    this.scale = Math.max(MIN_SCALE, Math.min(1, availW / w, availH / hgt));
    const shownW = w * this.scale;
    this.tx = Math.max(MARGIN, (availW - shownW) / 2 + MARGIN);
    this.ty = MARGIN;
    this.svgEl.setAttribute("width", "100%");
    this.svgEl.setAttribute("height", String(Math.ceil(Math.max(60, hgt * this.scale + 2 * MARGIN))));
    this.applyTransform();
  }

  /** Says how to zoom and pan when the graph is shown small or does not fit. */
  private updateHint(): void {
    const lay = this.lay;
    const base = "Ctrl+wheel or +/− to zoom, drag to pan";
    if (!lay) return;
    const viewW = this.svgEl.clientWidth || this.node.clientWidth || 800;
    const viewH = this.svgEl.clientHeight || Number(this.svgEl.getAttribute("height")) || 400;
    const left = this.tx;
    const top = this.ty;
    const right = this.tx + lay.width * this.scale;
    const bottom = this.ty + lay.height * this.scale;
    const cut = left < -1 || top < -1 || right > viewW + 1 || bottom > viewH + 1;
    const pct = Math.round(this.scale * 100);
    const open = lay.nodes.some((n) => n.expandable) ? "click a ▸ step to show its parts, " : "click ";
    let text = `${base}; ${open}a PCollection to see its rows.`;
    if (cut) text = `Part of the graph is out of view: drag to pan, or Fit to see it whole (${pct}%).`;
    else if (this.scale < READABLE_SCALE) text = `Zoomed out to ${pct}% to show the whole graph: ${base}.`;
    this.hintEl.textContent = text;
    this.hintEl.classList.toggle("bl-mod-notice", cut || this.scale < READABLE_SCALE);
    this.node.dataset.scale = this.scale.toFixed(3);
  }

  private zoomBy(f: number, cx?: number, cy?: number): void {
    const s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, this.scale * f));
    const px = cx ?? (this.svgEl.clientWidth || 400) / 2;
    const py = cy ?? (this.svgEl.clientHeight || 300) / 2;
    // Keep the point under the cursor still while zooming.
    this.tx = px - ((px - this.tx) * s) / this.scale;
    this.ty = py - ((py - this.ty) * s) / this.scale;
    this.scale = s;
    this.userMoved = true;
    this.focusId = null;
    this.applyTransform();
  }

  private dragged = false;

  private installPanZoom(): void {
    this.svgEl.addEventListener(
      "wheel",
      (e) => {
        // Plain wheel keeps scrolling the notebook; Ctrl/⌘ (and pinch) zooms the graph.
        if (!e.ctrlKey && !e.metaKey) return;
        e.preventDefault();
        const r = this.svgEl.getBoundingClientRect();
        this.zoomBy(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - r.left, e.clientY - r.top);
      },
      { passive: false },
    );
    let start: { x: number; y: number; tx: number; ty: number } | null = null;
    this.svgEl.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      start = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty };
      this.dragged = false;
    });
    this.svgEl.addEventListener("pointermove", (e) => {
      if (!start) return;
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (!this.dragged && Math.hypot(dx, dy) < 4) return;
      if (!this.dragged) this.svgEl.setPointerCapture(e.pointerId);
      this.dragged = true;
      this.userMoved = true;
      this.focusId = null;
      this.tx = start.tx + dx;
      this.ty = start.ty + dy;
      this.applyTransform();
    });
    const end = (e: PointerEvent) => {
      if (this.svgEl.hasPointerCapture(e.pointerId)) this.svgEl.releasePointerCapture(e.pointerId);
      start = null;
      // Let the click that ends a drag see `dragged`, then clear it.
      setTimeout(() => (this.dragged = false), 0);
    };
    this.svgEl.addEventListener("pointerup", end);
    this.svgEl.addEventListener("pointercancel", end);
  }
}

/** Renderer factory for {@link GRAPH_MIME}. Ranked above image/svg+xml, which the kernel sends alongside. */
export function graphRendererFactory(ctx: IBeamlabContext): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [GRAPH_MIME],
    defaultRank: 10,
    createRenderer: () => new GraphView(ctx),
  };
}
