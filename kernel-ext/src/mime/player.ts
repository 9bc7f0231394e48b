/**
 * The step-through player ({@link STEPTHROUGH_MIME}): the pipeline graph with the current
 * step highlighted, its inputs and outputs side by side as PCollection tables (paging
 * through the kernel like any table), its code in JupyterLab's editor (read-only), counts
 * in and out, before/after pairs of element-wise steps, how groups and joins formed, and
 * controls: first / previous / next / last (← → Home End), step into / out of a composite
 * (↓ ↑). A click on an element asks the kernel for its lineage and highlights what it came
 * from and led to in every table, in this step and the next ones, until cleared.
 */
import type { CodeEditor } from "@jupyterlab/codeeditor";
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { STEPTHROUGH_MIME, type LineageReplyPayload, type StepPCollectionPayload, type StepPayload, type StepThroughPayload } from "../../../lib/teaching/protocol";
import type { IBeamlabContext } from "../context";
import { h } from "../dom";
import { asStepThroughPayload } from "../model/payloads";
import { PlayerModel, type PlayerMove } from "../model/player-model";
import { formatCount } from "../model/table-model";
import { codeView } from "./code-view";
import { GraphView } from "./graph";
import { LineageView } from "./lineage";
import { PairsView } from "./pairs";
import { TableView } from "./table";

const GRAPH_HEIGHT = 340;
const TABLE_HEIGHT = 240;

const KEYS: Record<string, PlayerMove> = { ArrowRight: "next", ArrowLeft: "prev", Home: "first", End: "last", ArrowDown: "into", ArrowUp: "out" };

function countText(n: number | null): string {
  return n === null ? "–" : formatCount(n);
}

export class PlayerView extends Widget implements IRenderMime.IRenderer {
  private model: PlayerModel | null = null;
  private readonly graph: GraphView;
  /** Widgets of the current step, with the element each is attached into. */
  private mounted: { widget: Widget; host: HTMLElement }[] = [];
  private tables: { pc: StepPCollectionPayload; view: TableView }[] = [];
  private pairs: { input: string; output: string; view: PairsView }[] = [];
  private lineage: LineageReplyPayload | null = null;
  private readonly lineageView = new LineageView();
  private readonly buttons = new Map<PlayerMove, HTMLButtonElement>();
  private readonly positionEl = h("span", "bl-Player-position");
  private readonly titleEl = h("div", "bl-Player-title");
  private readonly pathEl = h("div", "bl-Player-path");
  private readonly summaryEl = h("div", "bl-Player-summary");
  private readonly countsEl = h("div", "bl-Player-counts");
  private readonly graphHost = h("div", "bl-Player-graph");
  private readonly inHost = h("div", "bl-Player-side bl-mod-in");
  private readonly outHost = h("div", "bl-Player-side bl-mod-out");
  private readonly pairsHost = h("div", "bl-Player-pairs");
  private readonly formationHost = h("div", "bl-Player-formation");
  private readonly lineageStatus = h("div", "bl-Player-lineageStatus");
  private readonly clearBtn = h("button", "bl-Button", "Clear");
  private readonly lineageHost = h("div", "bl-Player-lineage");
  private readonly codeHost = h("div", "bl-Player-code");
  private readonly notesHost = h("ul", "bl-Player-notes");

  constructor(private readonly ctx: IBeamlabContext, private readonly editorFactory: CodeEditor.Factory | null) {
    super();
    this.addClass("bl-Player");
    this.node.tabIndex = 0;
    this.node.setAttribute("role", "region");
    this.graph = new GraphView(ctx, { maxHeight: GRAPH_HEIGHT });
    const bar = h("div", "bl-Player-toolbar");
    const mk = (move: PlayerMove, text: string, title: string) => {
      const b = h("button", "bl-Button bl-Player-btn", text);
      b.type = "button";
      b.title = title;
      b.setAttribute("aria-label", title);
      b.dataset.move = move;
      b.addEventListener("click", () => this.go(move));
      this.buttons.set(move, b);
      return b;
    };
    bar.append(
      mk("first", "First", "First step (Home)"),
      mk("prev", "◀ Prev", "Previous step (←)"),
      this.positionEl,
      mk("next", "Next ▶", "Next step, over a composite (→)"),
      mk("last", "Last", "Last step (End)"),
      mk("into", "Step into ↘", "Step into this composite (↓)"),
      mk("out", "Step out ↖", "Back to the composite around this step (↑)"),
    );
    this.positionEl.setAttribute("aria-live", "polite");
    const io = h("div", "bl-Player-io");
    io.append(this.inHost, this.outHost);
    this.clearBtn.type = "button";
    this.clearBtn.addEventListener("click", () => this.clearLineage());
    const lineageBar = h("div", "bl-Player-lineageBar");
    lineageBar.append(this.lineageStatus, this.clearBtn);
    this.lineageStatus.setAttribute("role", "status");
    const codeTitle = h("div", "bl-Player-sectionTitle");
    codeTitle.dataset.role = "code-title";
    // What the step is and does (with its code) beside where it is in the pipeline; then its data.
    const about = h("div", "bl-Player-about");
    about.append(this.pathEl, this.titleEl, this.summaryEl, this.countsEl, codeTitle, this.codeHost, this.notesHost);
    const top = h("div", "bl-Player-top");
    top.append(about, this.graphHost);
    this.node.append(bar, top, lineageBar, io, this.pairsHost, this.formationHost, this.lineageHost);
    this.node.addEventListener("keydown", (e) => this.onKey(e));
    this.mount(this.graph, this.graphHost);
    this.mount(this.lineageView, this.lineageHost);
    this.clearLineage();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asStepThroughPayload(model.data[STEPTHROUGH_MIME]);
    if (!p) {
      this.summaryEl.textContent = "This step-through was written by a different beamlab version and cannot be played.";
      return;
    }
    this.setPayload(p);
  }

  setPayload(p: StepThroughPayload): void {
    const keep = this.model?.payload.pipeline.id === p.pipeline.id ? this.model.current.id : null;
    this.model = new PlayerModel(p);
    if (keep) this.model.goTo(keep);
    this.node.setAttribute("aria-label", `Step-through player of ${p.pipeline.name}`);
    this.graph.setPayload(p.graph);
    this.draw();
  }

  /** Makes a move (a button, a key); false when it cannot. */
  go(move: PlayerMove): boolean {
    if (!this.model?.go(move)) return false;
    this.draw();
    return true;
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement;
    // Keys in the tables, the filter boxes and the code belong to them.
    if (t.closest("input, textarea, .bl-Table-scroller, .cm-editor, .bl-Graph")) return;
    const move = KEYS[e.key];
    if (!move || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    e.stopPropagation(); // keep the notebook's own arrow keys (select the next cell) out of the player
    this.go(move);
  }

  /** A widget in the player, attached by {@link attachMounted} once its host is in the page. */
  private mount(widget: Widget, host: HTMLElement): void {
    this.mounted.push({ widget, host });
  }

  /** Attaches the mounted widgets whose hosts are in the page (a step's hosts join it at the end of a draw). */
  private attachMounted(): void {
    if (!this.isAttached) return;
    for (const m of this.mounted) if (!m.widget.isAttached && m.host.isConnected) Widget.attach(m.widget, m.host);
  }

  private unmountStep(): void {
    const fixed = new Set<Widget>([this.graph, this.lineageView]);
    for (const m of this.mounted) {
      if (fixed.has(m.widget)) continue;
      if (m.widget.isAttached) Widget.detach(m.widget);
      m.widget.dispose();
    }
    this.mounted = this.mounted.filter((m) => fixed.has(m.widget));
    this.tables = [];
    this.pairs = [];
  }

  protected onAfterAttach(): void {
    this.attachMounted();
  }

  protected onBeforeDetach(): void {
    for (const m of this.mounted) if (m.widget.isAttached) Widget.detach(m.widget);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.unmountStep();
    this.graph.dispose();
    this.lineageView.dispose();
    super.dispose();
  }

  private draw(): void {
    const m = this.model;
    if (!m) return;
    const s = m.current;
    this.unmountStep();
    for (const [move, b] of this.buttons) b.disabled = m.target(move) === null;
    this.buttons.get("into")!.hidden = s.children.length === 0;
    this.buttons.get("out")!.hidden = s.parent === null;
    this.positionEl.textContent = `Step ${m.position + 1} of ${m.payload.steps.length}`;
    this.pathEl.textContent = m.path.length ? `inside ${m.path.map((x) => x.fullLabel).join(" ▸ ")}` : "";
    this.titleEl.replaceChildren(h("strong", undefined, s.fullLabel), h("span", "bl-Player-kind", s.kind));
    this.summaryEl.textContent = s.summary;
    this.countsEl.replaceChildren(h("span", "bl-Player-count", `in ${countText(s.counts.in)}`), document.createTextNode(" → "), h("span", "bl-Player-count", `out ${countText(s.counts.out)}`));
    this.showInGraph(m, s);
    this.drawTables(s);
    this.drawPairs(s);
    this.drawFormation(s);
    this.drawCode(s);
    this.notesHost.replaceChildren(...[...s.notes, ...(m.position === 0 ? m.payload.notes : [])].map((n) => h("li", undefined, n)));
    this.attachMounted();
    this.applyLineage();
  }

  /** Opens the composites around the step in the graph and highlights it. */
  private showInGraph(m: PlayerModel, s: StepPayload): void {
    for (const c of m.path) if (!this.graph.openComposites.has(c.id)) this.graph.toggle(c.id);
    this.graph.setHighlight(s.id);
    this.graph.focusOn(s.id);
  }

  private tableBox(pc: StepPCollectionPayload, what: string): HTMLElement {
    const box = h("div", "bl-Player-tableBox");
    box.dataset.pcollection = pc.id;
    const head = h("div", "bl-Player-tableHead");
    head.append(h("span", "bl-Player-what", what));
    if (pc.role !== null) head.append(h("code", "bl-Player-role", pc.role));
    box.append(head);
    if (!pc.table) {
      // The table's own header names it otherwise.
      head.append(h("span", "bl-Player-pcLabel", pc.label));
      box.append(h("div", "bl-Player-empty", pc.note ?? "no rows"));
      return box;
    }
    const view: TableView = new TableView({ getModel: () => this.ctx.modelFor(this.node), onSelectElement: (i) => this.select(pc.id, i), maxViewport: TABLE_HEIGHT });
    view.setPayload(pc.table);
    const host = h("div", "bl-Player-tableHost");
    box.append(host);
    this.mount(view, host);
    this.tables.push({ pc, view });
    return box;
  }

  private drawTables(s: StepPayload): void {
    const ins = [...s.inputs.map((pc) => this.tableBox(pc, "in")), ...s.sideInputs.map((pc) => this.tableBox(pc, "side input"))];
    // A tagged ParDo's (or Partition's) main output that received nothing would only take room.
    const outs = s.outputs.filter((pc) => !(s.outputs.length > 1 && pc.role === "main" && pc.count === 0));
    const hidden = s.outputs.length - outs.length;
    this.inHost.replaceChildren(...(ins.length ? ins : [h("div", "bl-Player-empty", "a source: nothing comes in, it reads its rows")]));
    this.outHost.replaceChildren(...outs.map((pc) => this.tableBox(pc, "out")), ...(hidden ? [h("div", "bl-Player-empty", "main output: nothing emitted (the DoFn sends only tagged outputs)")] : []));
  }

  private drawPairs(s: StepPayload): void {
    this.pairsHost.replaceChildren();
    if (!s.pairs.length) return;
    this.pairsHost.append(h("div", "bl-Player-sectionTitle", "Before → after (click a row to trace it)"));
    s.pairs.forEach((p, i) => {
      const input = s.inputs[0]?.id ?? "";
      const output = s.pairsOutputs[i] ?? "";
      const view = new PairsView({ onSelect: (b, a) => (a !== null ? this.select(output, a) : b !== null ? this.select(input, b) : undefined) });
      view.setPayload(p);
      const host = h("div");
      this.pairsHost.append(host);
      this.mount(view, host);
      this.pairs.push({ input, output, view });
    });
  }

  private drawFormation(s: StepPayload): void {
    this.formationHost.replaceChildren();
    if (!s.formation.length) return;
    const ins = [...s.inputs, ...s.sideInputs];
    const out = s.outputs[0];
    this.formationHost.append(h("div", "bl-Player-sectionTitle", s.kind === "GroupByKey" ? "How the groups formed (output ← input elements; click to trace)" : "How each output element formed (output ← input elements; click to trace)"));
    const list = h("ul", "bl-Player-formationList");
    for (const f of s.formation) {
      const li = h("li");
      const b = h("button", "bl-Button bl-Player-formationBtn", `#${f.output}`);
      b.type = "button";
      b.title = `Trace element #${f.output} of ${out?.label ?? "the output"}`;
      b.addEventListener("click", () => out && this.select(out.id, f.output));
      const parts = f.from.filter((x) => x.total > 0).map((x) => {
        const pc = ins[x.input];
        const list = x.indexes.slice(0, 12).map((i) => `#${i}`).join(", ");
        const more = x.total > 12 ? ` … (${x.total})` : "";
        // One input: its name is in the table above; several: say which side each element is from.
        return ins.length === 1 ? `${list}${more}` : `${pc?.role ?? pc?.label ?? "input"}: ${list}${more}`;
      });
      li.append(b, document.createTextNode(` ← ${parts.join("; ") || "nothing"}`));
      list.append(li);
    }
    this.formationHost.append(list);
  }

  private drawCode(s: StepPayload): void {
    const title = this.node.querySelector<HTMLElement>('[data-role="code-title"]')!;
    this.codeHost.replaceChildren();
    if (s.code === null) {
      title.textContent = `No code of yours runs here: ${s.kind} is built into beamlab.`;
      return;
    }
    title.textContent = `Code: ${s.codeTitle ?? ""}${s.codeTitle === "query" ? "" : " (as the kernel runs it: TypeScript types removed)"}`;
    this.mount(codeView(this.editorFactory, s.code, s.codeTitle === "query" ? "text/x-sql" : "text/javascript"), this.codeHost);
  }

  /** Asks the kernel where element `index` of a PCollection came from and what it led to. */
  private select(pcollection: string, index: number): void {
    const m = this.model;
    if (!m) return;
    const kernel = this.ctx.modelFor(this.node);
    if (!kernel || !kernel.kernel) {
      this.lineageStatus.textContent = "No live kernel: run the notebook again to trace elements.";
      return;
    }
    this.lineageStatus.textContent = `Tracing element #${index}…`;
    kernel
      .requestLineage({ pipeline: m.payload.pipeline.id, pcollection, index })
      .then((reply) => {
        this.lineage = reply;
        this.applyLineage();
        if (reply.trace) this.lineageView.setPayload(reply.trace);
        this.lineageView.node.hidden = !reply.trace;
      })
      .catch((err: unknown) => {
        this.lineageStatus.textContent = `Could not trace element #${index}: ${err instanceof Error ? err.message : String(err)}`;
      });
  }

  private clearLineage(): void {
    this.lineage = null;
    this.lineageView.node.hidden = true;
    this.applyLineage();
  }

  /** Highlights the traced element and its lineage in every table of the current step. */
  private applyLineage(): void {
    const l = this.lineage;
    this.clearBtn.hidden = !l;
    const linked = new Map((l?.linked ?? []).map((x) => [x.pcollection, x]));
    const parts: string[] = [];
    for (const { pc, view } of this.tables) {
      const marks = new Map<number, string>();
      const hit = linked.get(pc.id);
      for (const i of hit?.indexes ?? []) marks.set(i, "bl-mod-linked");
      if (l && l.pcollection === pc.id) marks.set(l.index, "bl-mod-selected");
      view.markElements(marks);
      view.revealMarked();
      if (l && hit) parts.push(`${hit.total} in ${pc.label}`);
    }
    for (const p of this.pairs) p.view.markElements(new Set(linked.get(p.input)?.indexes ?? []), new Set(linked.get(p.output)?.indexes ?? []));
    if (!l) {
      this.lineageStatus.textContent = "Click an element in a table to see where it came from and what it led to.";
      return;
    }
    const name = this.model?.payload.steps.flatMap((s) => [...s.inputs, ...s.outputs]).find((pc) => pc.id === l.pcollection)?.label ?? "the selected PCollection";
    const here = parts.length ? `highlighted here: ${parts.join(", ")}` : "no element of this step is linked to it";
    this.lineageStatus.textContent = `Element #${l.index} of ${name}: ${here}.${l.notes.length ? ` ${l.notes.join(" ")}` : ""}`;
  }
}

/** Renderer factory for {@link STEPTHROUGH_MIME}. */
export function playerRendererFactory(ctx: IBeamlabContext, editorFactory: () => CodeEditor.Factory | null): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [STEPTHROUGH_MIME],
    defaultRank: 10,
    createRenderer: () => new PlayerView(ctx, editorFactory()),
  };
}
