/**
 * The pipeline graph renderer: an SVG drawn from {@link layoutGraph}, with zoom
 * (Ctrl/⌘+wheel or buttons), pan (drag) and keyboard-focusable nodes. Enter or a click
 * on a PCollection opens its rows in the main area.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { GRAPH_MIME, type GraphNode, type GraphPayload } from "../../../lib/display/protocol";
import type { IBeamlabContext } from "../context";
import { h, svg } from "../dom";
import { layoutGraph, shortLabel } from "../model/graph-layout";
import { asGraphPayload } from "../model/payloads";

const MIN_SCALE = 0.2;
const MAX_SCALE = 4;

/** Spoken/tooltip description of a node. */
export function describeNode(n: GraphNode): string {
  if (n.kind === "pcollection") {
    const count = typeof n.count === "number" ? `, ${n.count} elements` : "";
    const v = n.varName ? `, variable ${n.varName}` : "";
    return `PCollection ${n.fullLabel || n.label}${v}${count}. Press Enter to open its rows.`;
  }
  const params = n.params ? Object.entries(n.params).map(([k, v]) => `${k}=${v}`).join(", ") : "";
  return `Transform ${n.fullLabel || n.label}${n.primitive ? ` (${n.primitive})` : ""}${params ? `: ${params}` : ""}`;
}

export class GraphView extends Widget implements IRenderMime.IRenderer {
  private readonly svgEl = svg("svg", { class: "bl-Graph-svg", role: "group" });
  private readonly layer = svg("g");
  private readonly infoEl = h("div", "bl-Graph-info");
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private size = { width: 0, height: 0 };
  private payload: GraphPayload | null = null;

  constructor(private readonly ctx: IBeamlabContext) {
    super();
    this.addClass("bl-Graph");
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
      mk("Fit", "Reset zoom", () => this.reset()),
      h("span", "bl-Graph-hint", "Ctrl+wheel to zoom, drag to pan, Enter on a PCollection opens its rows"),
    );
    this.infoEl.setAttribute("role", "status");
    this.svgEl.append(this.layer);
    this.node.append(bar, this.svgEl, this.infoEl);
    this.installPanZoom();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = asGraphPayload(model.data[GRAPH_MIME]);
    if (!payload) {
      this.infoEl.textContent = "This graph output was written by a different beamlab version and cannot be shown.";
      return;
    }
    this.setPayload(payload);
  }

  setPayload(payload: GraphPayload): void {
    this.payload = payload;
    this.svgEl.setAttribute("aria-label", `Pipeline graph of ${payload.pipeline.name}`);
    const lay = layoutGraph(payload);
    this.size = { width: lay.width, height: lay.height };
    this.layer.replaceChildren();

    const defs = svg("defs");
    const marker = svg("marker", { id: `${this.id}-arrow`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "bl-Graph-arrow" }));
    defs.append(marker);
    this.layer.append(defs);

    // Clusters first so they sit behind their children.
    for (const p of lay.nodes.filter((n) => n.cluster)) {
      const r = svg("rect", { x: p.x - p.width / 2, y: p.y - p.height / 2, width: p.width, height: p.height, rx: 6, class: "bl-Graph-cluster" });
      const t = svg("text", { x: p.x - p.width / 2 + 8, y: p.y - p.height / 2 + 14, class: "bl-Graph-clusterLabel" });
      t.textContent = shortLabel(p.node.label);
      this.layer.append(r, t);
    }
    for (const e of lay.edges) {
      if (e.points.length < 2) continue;
      const d = e.points.map((q, i) => `${i ? "L" : "M"}${q.x.toFixed(1)},${q.y.toFixed(1)}`).join(" ");
      const path = svg("path", { d, class: `bl-Graph-edge bl-mod-${e.edge.kind}`, "marker-end": `url(#${this.id}-arrow)` });
      this.layer.append(path);
      if (e.labelAt && typeof e.edge.count === "number") {
        const t = svg("text", { x: e.labelAt.x, y: e.labelAt.y + 4, class: "bl-Graph-edgeLabel", "text-anchor": "middle" });
        t.textContent = String(e.edge.count);
        this.layer.append(t);
      }
    }
    for (const p of lay.nodes) {
      if (p.cluster) continue;
      const g = svg("g", { class: `bl-Graph-node bl-mod-${p.node.kind}`, tabindex: 0, role: "button", transform: `translate(${p.x},${p.y})` });
      g.setAttribute("aria-label", describeNode(p.node));
      const title = svg("title");
      title.textContent = describeNode(p.node);
      const shape =
        p.node.kind === "pcollection"
          ? svg("rect", { x: -p.width / 2, y: -p.height / 2, width: p.width, height: p.height, rx: p.height / 2 })
          : svg("rect", { x: -p.width / 2, y: -p.height / 2, width: p.width, height: p.height, rx: 3 });
      const label = svg("text", { y: p.detail ? -3 : 4, "text-anchor": "middle", class: "bl-Graph-label" });
      label.textContent = shortLabel(p.node.label);
      g.append(title, shape, label);
      if (p.detail) {
        const detail = svg("text", { y: 13, "text-anchor": "middle", class: "bl-Graph-detail" });
        detail.textContent = p.detail;
        g.append(detail);
      }
      g.addEventListener("click", (ev) => {
        if (this.dragged) return;
        ev.stopPropagation();
        this.activateNode(p.node);
      });
      g.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          ev.stopPropagation();
          this.activateNode(p.node);
        }
      });
      this.layer.append(g);
    }
    this.reset();
  }

  private activateNode(n: GraphNode): void {
    const payload = this.payload;
    if (!payload) return;
    if (n.kind === "pcollection") {
      const name = n.varName || n.label;
      this.infoEl.textContent = `Opening ${name}…`;
      this.ctx.openPCollection({ pipeline: payload.pipeline.id, pcollection: n.id, label: name }, this.ctx.modelFor(this.node));
    } else {
      this.infoEl.textContent = describeNode(n);
    }
  }

  private applyTransform(): void {
    this.layer.setAttribute("transform", `translate(${this.tx},${this.ty}) scale(${this.scale})`);
  }

  private reset(): void {
    const { width, height } = this.size;
    // Natural size, shrunk to fit an output-area width; never enlarged.
    const avail = Math.max(200, (this.node.clientWidth || 800) - 4);
    this.scale = Math.min(1, avail / Math.max(1, width));
    this.tx = 0;
    this.ty = 0;
    this.svgEl.setAttribute("width", "100%");
    this.svgEl.setAttribute("height", String(Math.min(600, Math.max(80, height * this.scale + 8))));
    this.applyTransform();
  }

  private zoomBy(f: number, cx?: number, cy?: number): void {
    const s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, this.scale * f));
    const px = cx ?? (this.svgEl.clientWidth || 400) / 2;
    const py = cy ?? (this.svgEl.clientHeight || 300) / 2;
    // Keep the point under the cursor still while zooming.
    this.tx = px - ((px - this.tx) * s) / this.scale;
    this.ty = py - ((py - this.ty) * s) / this.scale;
    this.scale = s;
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
