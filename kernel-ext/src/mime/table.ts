/**
 * The PCollection table: a virtualized DOM grid over a {@link TableModel}.
 *
 * DOM rather than a canvas (e.g. @lumino/datagrid) so screen readers, text selection and
 * find-in-page work and no value is ever interpreted as markup. Only the visible rows
 * (plus a few) exist in the DOM; the model and {@link VirtualWindow} do the math.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { PCOLLECTION_MIME, type PCollectionPayload } from "../../../lib/display/protocol";
import type { IBeamlabContext } from "../context";
import { copyToClipboard, h } from "../dom";
import type { KernelModel } from "../model/kernel-model";
import { quickChart } from "../model/chart-code";
import { asPCollectionPayload } from "../model/payloads";
import { TableModel, columnTypeLabel, countOf, detailLineCount, formatCount, type CellDetail, type FetchNeed } from "../model/table-model";
import { copyText, isExpandable, isMissing, type DecodedValue } from "../model/values";
import { VirtualWindow } from "../model/virtual-window";
import type { LineageReplyPayload, LineageRequest } from "../../../lib/teaching/protocol";
import { LineageView } from "./lineage";

const ROW_H = 26;
const LINE_H = 20;
const MAX_VIEWPORT = 380;
const PAGE_SIZE = 200;
const HEADER_ROW = -1;
/** Quiet time after typing before a filter goes to the kernel (local filters apply at once). */
const FILTER_DEBOUNCE_MS = 300;

export interface TableViewOptions {
  /** Kernel model to page through; called lazily because a renderer is attached late. */
  getModel: () => KernelModel | null;
  /** Fixed grid viewport height; default grows with the rows up to 380px. */
  fill?: boolean;
  /**
   * Inserts code into a new cell below the output (quick charts). Without it the
   * quick-chart buttons are disabled.
   */
  insertCode?: (node: HTMLElement, code: string) => Promise<boolean>;
  /** Called with the element's index in the PCollection when a row is clicked (a player asks for its lineage). */
  onSelectElement?: (index: number) => void;
  /** The tallest the grid grows (px; default 380). */
  maxViewport?: number;
  /**
   * Asks the kernel for an element's lineage; with it the table has a **Trace row** button
   * that shows where the focused row came from and what it led to, under the grid.
   */
  traceLineage?: (req: LineageRequest) => Promise<LineageReplyPayload>;
}

/** Column width in px from header and sampled text lengths; a guess good enough for a grid. */
function columnWidths(model: TableModel): number[] {
  return model.columns.map((c, ci) => {
    let chars = c.name.length + columnTypeLabel(c).length + 6; // + sort mark and chart button
    let nested = false;
    const n = Math.min(model.viewLength, 200);
    for (let i = 0; i < n; i++) {
      const cells = model.rowAt(i).cells;
      if (!cells) continue;
      nested ||= isExpandable(cells[ci]);
      chars = Math.max(chars, cells[ci].text.length + (isExpandable(cells[ci]) ? 2 : 0));
    }
    // ~7.8px per character of a 13px monospace font, plus padding and border. A group's
    // preview (its records' fields) may take more room: what differs is at its end.
    return Math.max(72, Math.min(nested ? 640 : 320, chars * 8 + 16));
  });
}

/**
 * A widget showing one PCollection. Used as the MIME renderer of
 * {@link PCOLLECTION_MIME} and as the content of main-area table tabs.
 */
export class TableView extends Widget implements IRenderMime.IRenderer {
  private model: TableModel | null = null;
  private payload: PCollectionPayload | null = null;
  private readonly win: VirtualWindow;
  private readonly titleEl = h("span", "bl-Table-title");
  private readonly countEl = h("span", "bl-Table-count");
  private readonly filterEl = h("input", "bl-Table-filter");
  private readonly copyBtn = h("button", "bl-Button bl-Table-copy", "Copy cell");
  private readonly traceBtn = h("button", "bl-Button bl-Table-trace", "Trace row");
  private readonly traceEl = h("div", "bl-Table-traceView");
  private readonly statusEl = h("div", "bl-Table-status");
  private readonly scroller = h("div", "bl-Table-scroller");
  private readonly headRow = h("div", "bl-Table-row bl-Table-head");
  private readonly body = h("div", "bl-Table-body");
  private template = "";
  /** Active cell for the roving tabindex: view row (-1 = header) and column. */
  private active = { row: HEADER_ROW, col: 0 };
  private renderedRange = { start: -1, end: -1 };
  private frame = 0;
  private fetching = false;
  private failedAt = new Map<string, number>();
  private filterTimer: ReturnType<typeof setTimeout> | null = null;
  /** Loading or failure message of the last fetch; a filter that does not parse is shown instead. */
  private fetchStatus = "";
  /** Classes of rows by element index (a player's selected and linked elements). */
  private marks = new Map<number, string>();

  constructor(private readonly options: TableViewOptions) {
    super();
    this.addClass("bl-Table");
    if (options.fill) this.addClass("bl-mod-fill");
    this.win = new VirtualWindow(ROW_H, (i) => this.extraHeight(i));

    const header = h("div", "bl-Table-toolbar");
    this.filterEl.type = "search";
    this.filterEl.placeholder = "Filter: text, col:text, credits > 3, x is null, … and …";
    this.filterEl.title =
      "Search every column (text), one column (cname:intro), compare (credits > 3, dept = CS, dob >= 2001-01-01, !=, <, <=), " +
      "missing values (dob is null, dob is not null); combine with and. Searches all rows of the PCollection.";
    this.filterEl.setAttribute("aria-label", "Filter rows");
    this.filterEl.addEventListener("input", () => this.onFilterInput());
    this.copyBtn.type = "button";
    this.copyBtn.title = "Copy the focused cell (or press Ctrl+C in the grid)";
    this.copyBtn.addEventListener("click", () => void this.copyActive());
    this.countEl.setAttribute("aria-live", "polite");
    header.append(this.titleEl, this.countEl, this.filterEl, this.copyBtn);
    if (options.traceLineage) {
      this.traceBtn.type = "button";
      this.traceBtn.title = "Where the focused row came from and what it led to (asks the kernel)";
      this.traceBtn.addEventListener("click", () => void this.traceActive());
      header.append(this.traceBtn);
    }
    this.statusEl.setAttribute("role", "status");

    this.scroller.setAttribute("role", "grid");
    this.scroller.addEventListener("scroll", () => this.schedule());
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
    this.scroller.addEventListener("click", (e) => this.onClick(e));
    this.headRow.setAttribute("role", "row");
    this.headRow.setAttribute("aria-rowindex", "1");
    this.body.setAttribute("role", "rowgroup");
    this.scroller.append(this.headRow, this.body);
    // The status sits under the filter box: a filter that does not parse is explained next to it.
    this.node.append(header, this.statusEl, this.scroller, this.traceEl);
  }

  /** IRenderMime.IRenderer: render a PCollection payload from an output bundle. */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const payload = asPCollectionPayload(model.data[PCOLLECTION_MIME]);
    if (!payload) {
      this.setMessage("This PCollection output was written by a different beamlab version and cannot be shown.");
      return;
    }
    this.setPayload(payload);
  }

  /** Shows a payload (replacing anything shown before). */
  setPayload(payload: PCollectionPayload): void {
    this.model = new TableModel(payload);
    this.payload = payload;
    this.addClass("bl-mod-loaded");
    const pipe = payload.pipeline ? ` · ${payload.pipeline.name}` : "";
    this.titleEl.textContent = `${payload.label}${pipe}`;
    this.scroller.setAttribute("aria-label", `PCollection ${payload.label}`);
    this.scroller.setAttribute("aria-colcount", String(payload.columns.length));
    this.active = { row: HEADER_ROW, col: 0 };
    this.buildHeader();
    this.fetchStatus = "";
    if (this.filterEl.value) this.model.setFilter(this.filterEl.value);
    this.refresh(true);
  }

  /**
   * Marks rows by element index with a class (`bl-mod-selected`, `bl-mod-linked`), e.g.
   * the elements a selected element came from; an empty map clears the marks.
   */
  markElements(marks: ReadonlyMap<number, string>): void {
    this.marks = new Map(marks);
    this.refresh(true);
  }

  /** Scrolls the first marked row of the view into sight (it may be on a page not loaded yet). */
  revealMarked(): void {
    const m = this.model;
    if (!m || !this.marks.size) return;
    for (let vi = 0; vi < m.viewLength; vi++) {
      const { index } = m.rowAt(vi);
      if (this.marks.has(index)) {
        const top = this.win.rowTop(vi);
        if (top < this.scroller.scrollTop || top > this.scroller.scrollTop + this.scroller.clientHeight - ROW_H) this.scroller.scrollTop = Math.max(0, top - ROW_H);
        return;
      }
    }
  }

  /** Shows a message instead of (or above) the rows, e.g. when there is no kernel. */
  setMessage(text: string): void {
    this.fetchStatus = text;
    this.showStatus();
  }

  /** The status line: why the filter is not applied, else the last fetch's message. */
  private showStatus(): void {
    const error = this.model?.filterError;
    this.statusEl.textContent = error ? `Filter not applied: ${error}` : this.fetchStatus;
    this.statusEl.classList.toggle("bl-mod-error", !!error);
  }

  /** Filters at once when every row is local; asks the kernel only once typing pauses. */
  private onFilterInput(): void {
    if (this.filterTimer) clearTimeout(this.filterTimer);
    this.filterTimer = null;
    const apply = () => {
      this.filterTimer = null;
      this.model?.setFilter(this.filterEl.value);
      this.scroller.scrollTop = 0;
      this.refresh(true);
    };
    if (this.model?.complete) apply();
    else this.filterTimer = setTimeout(apply, FILTER_DEBOUNCE_MS);
  }

  dispose(): void {
    if (this.filterTimer) clearTimeout(this.filterTimer);
    super.dispose();
  }

  protected onAfterAttach(): void {
    this.refresh(true);
  }

  protected onResize(): void {
    this.refresh(true);
  }

  private extraHeight(viewIndex: number): number {
    const m = this.model;
    if (!m) return 0;
    const details = m.expandedDetails(m.rowAt(viewIndex).index);
    const n = details.reduce((sum, d) => sum + detailLineCount(d), 0);
    return n ? n * LINE_H + 6 + 4 * details.length : 0;
  }

  private buildHeader(): void {
    const m = this.model!;
    const widths = columnWidths(m);
    this.template = widths.map((w) => `${w}px`).join(" ");
    this.headRow.replaceChildren();
    this.headRow.style.gridTemplateColumns = this.template;
    m.columns.forEach((c, ci) => {
      const cell = h("div", "bl-Table-cell bl-Table-colhead");
      cell.setAttribute("role", "columnheader");
      cell.setAttribute("aria-colindex", String(ci + 1));
      cell.tabIndex = -1;
      cell.dataset.row = String(HEADER_ROW);
      cell.dataset.col = String(ci);
      const name = h("span", "bl-Table-colname", c.name);
      const type = h("span", "bl-Table-coltype", columnTypeLabel(c));
      const arrow = h("span", "bl-Table-sortmark");
      arrow.setAttribute("aria-hidden", "true");
      cell.append(name, type, arrow, this.chartButton(ci));
      cell.title = `${c.name}: ${columnTypeLabel(c)} — click or press Enter to sort`;
      this.headRow.append(cell);
    });
    this.updateSortMarks();
  }

  /**
   * The quick-chart button of a column header: inserts the `beam.chart(...)` code for the
   * column into a new cell. Disabled (but focusable, so the reason can be read) when no
   * variable name is known or the column cannot be charted.
   */
  private chartButton(ci: number): HTMLElement {
    const column = this.model!.columns[ci];
    const btn = h("button", "bl-Table-chartBtn", "▥");
    btn.type = "button";
    btn.dataset.chartCol = String(ci);
    btn.setAttribute("aria-label", `Chart ${column.name}`);
    const action = this.payload ? quickChart(this.payload, column) : { ok: false as const, reason: "No data." };
    if (!action.ok) {
      btn.setAttribute("aria-disabled", "true");
      btn.title = action.reason;
    } else if (!this.options.insertCode) {
      btn.setAttribute("aria-disabled", "true");
      btn.title = "Quick charts insert code into a notebook; there is no notebook here.";
    } else {
      btn.title = `${action.description}:\n${action.code}`;
    }
    btn.setAttribute("aria-description", btn.title);
    return btn;
  }

  private async onChartButton(btn: HTMLElement): Promise<void> {
    const ci = Number(btn.dataset.chartCol);
    const column = this.model?.columns[ci];
    if (!column || !this.payload) return;
    const action = quickChart(this.payload, column);
    if (!action.ok) {
      this.setMessage(action.reason);
      return;
    }
    if (!this.options.insertCode) {
      this.setMessage(btn.title);
      return;
    }
    const ok = await this.options.insertCode(this.node, action.code).catch(() => false);
    this.setMessage(ok
      ? `Inserted a new cell below: ${action.code} — run it to see the chart.`
      : "Could not insert a cell (is a notebook open?).");
  }

  private updateSortMarks(): void {
    const s = this.model?.sort ?? null;
    this.headRow.querySelectorAll<HTMLElement>(".bl-Table-colhead").forEach((cell, ci) => {
      const dir = s && s.column === ci ? s.dir : "none";
      cell.setAttribute("aria-sort", dir);
      cell.querySelector(".bl-Table-sortmark")!.textContent = dir === "ascending" ? "▲" : dir === "descending" ? "▼" : "";
    });
  }

  /** Re-renders on the next frame (coalesces scroll events). */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows(false);
    });
  }

  private refresh(force: boolean): void {
    const m = this.model;
    if (!m) return;
    this.win.update(m.viewLength);
    this.countEl.textContent = m.showingText();
    this.showStatus();
    this.scroller.setAttribute("aria-rowcount", String(m.viewLength + 1));
    const height = this.options.fill ? null : Math.min(this.options.maxViewport ?? MAX_VIEWPORT, this.win.totalHeight + ROW_H + 2);
    this.scroller.style.height = height === null ? "" : `${height}px`;
    this.body.style.height = `${this.win.totalHeight}px`;
    this.updateSortMarks();
    this.renderRows(force);
  }

  private renderRows(force: boolean): void {
    const m = this.model;
    if (!m) return;
    const viewport = Math.max(0, (this.scroller.clientHeight || MAX_VIEWPORT) - ROW_H);
    const r = this.win.range(this.scroller.scrollTop, viewport, 6);
    if (!force && r.start === this.renderedRange.start && r.end === this.renderedRange.end) return;
    const hadFocus = this.scroller.contains(document.activeElement) && document.activeElement !== this.filterEl;
    this.renderedRange = { start: r.start, end: r.end };
    const rows: HTMLElement[] = [];
    for (let vi = r.start; vi < r.end; vi++) rows.push(this.buildRow(vi));
    this.body.replaceChildren(...rows);
    this.applyRoving(hadFocus);
    this.maybeFetch(r.start, r.end);
  }

  private buildRow(vi: number): HTMLElement {
    const m = this.model!;
    const { index, cells } = m.rowAt(vi);
    const row = h("div", "bl-Table-row");
    row.setAttribute("role", "row");
    row.setAttribute("aria-rowindex", String(vi + 2));
    row.style.top = `${this.win.rowTop(vi)}px`;
    row.style.height = `${this.win.rowHeightOf(vi)}px`;
    row.style.gridTemplateColumns = this.template;
    const mark = index >= 0 ? this.marks.get(index) : undefined;
    if (mark) row.classList.add(mark);
    if (mark) row.setAttribute("aria-selected", "true");
    if (index >= 0) row.dataset.index = String(index);
    m.columns.forEach((_, ci) => {
      const cell = h("div", "bl-Table-cell");
      cell.setAttribute("role", "gridcell");
      cell.setAttribute("aria-colindex", String(ci + 1));
      cell.tabIndex = -1;
      cell.dataset.row = String(vi);
      cell.dataset.col = String(ci);
      if (!cells) {
        cell.classList.add("bl-kind-loading");
        cell.textContent = "…";
        cell.setAttribute("aria-busy", "true");
      } else {
        this.fillCell(cell, cells[ci], index, ci);
      }
      row.append(cell);
    });
    const details = index >= 0 ? m.expandedDetails(index) : [];
    if (details.length) {
      const detail = h("div", "bl-Table-detail");
      detail.id = `${this.id || "bl"}-detail-${index}`;
      for (const d of details) detail.append(d.kind === "table" ? this.nestedTable(d) : this.treeLines(d));
      row.append(detail);
    }
    return row;
  }

  /** An expanded record or array: one indented `key: value` line per entry. */
  private treeLines(d: Extract<CellDetail, { kind: "tree" }>): HTMLElement {
    const block = h("div", "bl-Table-detailBlock");
    for (const l of d.lines) {
      const line = h("div", "bl-Table-detailLine");
      line.style.paddingLeft = `${8 + l.depth * 16}px`;
      line.append(h("span", "bl-Table-detailKey", `${d.column}.${l.key}: `), h("span", `bl-kind-${l.value.kind}`, l.value.text));
      block.append(line);
    }
    if (d.more > 0) block.append(h("div", "bl-Table-detailLine bl-Table-detailMore", `${d.column}: … ${formatCount(d.more)} more`));
    return block;
  }

  /** An expanded list of records (a group): a small table whose columns are the records' fields. */
  private nestedTable(d: Extract<CellDetail, { kind: "table" }>): HTMLElement {
    const block = h("div", "bl-Table-detailBlock bl-Table-nested");
    block.setAttribute("role", "table");
    block.setAttribute("aria-label", `${d.column}: ${countOf(d.count, "row").replace(/rows?$/, d.count === 1 ? "record" : "records")}`);
    // One grid for the whole nested table (rows are `display: contents`), so columns line up.
    block.style.gridTemplateColumns = `max-content ${d.fields.map(() => "minmax(4em, max-content)").join(" ")}`;
    block.append(h("div", "bl-Table-detailLine bl-Table-nestedTitle", `${d.column} · ${formatCount(d.count)} ${d.count === 1 ? "record" : "records"}`));
    const head = h("div", "bl-Table-nestedRow bl-Table-nestedHead");
    head.setAttribute("role", "row");
    head.append(h("span", "bl-Table-nestedCell", "#"), ...d.fields.map((f) => {
      const c = h("span", "bl-Table-nestedCell", f);
      c.setAttribute("role", "columnheader");
      return c;
    }));
    block.append(head);
    d.rows.forEach((cells, i) => {
      const r = h("div", "bl-Table-nestedRow");
      r.setAttribute("role", "row");
      r.append(h("span", "bl-Table-nestedCell bl-Table-nestedIndex", String(i)));
      for (const v of cells) {
        const c = h("span", `bl-Table-nestedCell bl-kind-${v.kind}${isMissing(v) ? " bl-missing" : ""}`, v.text);
        c.setAttribute("role", "cell");
        c.title = v.text;
        r.append(c);
      }
      block.append(r);
    });
    if (d.more > 0) block.append(h("div", "bl-Table-detailLine bl-Table-detailMore", `… ${formatCount(d.more)} more (Copy cell copies them all)`));
    return block;
  }

  private fillCell(cell: HTMLElement, v: DecodedValue, index: number, ci: number): void {
    cell.classList.add(`bl-kind-${v.kind}`);
    if (isMissing(v)) cell.classList.add("bl-missing");
    if (isExpandable(v)) {
      const open = this.model!.isExpanded(index, ci);
      const btn = h("span", "bl-Table-expander", open ? "▾" : "▸");
      btn.setAttribute("aria-hidden", "true");
      cell.setAttribute("aria-expanded", String(open));
      cell.append(btn);
    }
    cell.append(h("span", "bl-Table-text", v.text));
    cell.title = v.text.length > 200 ? `${v.text.slice(0, 200)}…` : v.text;
  }

  private cellEl(row: number, col: number): HTMLElement | null {
    const root = row === HEADER_ROW ? this.headRow : this.body;
    return root.querySelector<HTMLElement>(`[data-row="${row}"][data-col="${col}"]`);
  }

  /** One cell in the grid has tabindex 0 (the active one); arrow keys move it. */
  private applyRoving(focus: boolean): void {
    this.scroller.querySelectorAll<HTMLElement>('[tabindex="0"]').forEach((e) => (e.tabIndex = -1));
    let el = this.cellEl(this.active.row, this.active.col);
    if (!el) el = this.cellEl(HEADER_ROW, Math.min(this.active.col, (this.model?.columns.length ?? 1) - 1));
    if (!el) return;
    el.tabIndex = 0;
    if (focus && el.dataset.row === String(this.active.row)) el.focus({ preventScroll: true });
  }

  private moveTo(row: number, col: number): void {
    const m = this.model;
    if (!m) return;
    const maxRow = m.viewLength - 1;
    row = Math.max(HEADER_ROW, Math.min(row, maxRow));
    col = Math.max(0, Math.min(col, m.columns.length - 1));
    this.active = { row, col };
    if (row >= 0) {
      const viewport = this.scroller.clientHeight;
      const top = this.win.scrollToReveal(row, this.scroller.scrollTop, viewport, ROW_H);
      if (top !== null) this.scroller.scrollTop = top;
    }
    this.renderRows(true);
    this.cellEl(row, col)?.focus({ preventScroll: true });
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.classList?.contains("bl-Table-chartBtn")) {
      // Our own activation: JupyterLab's notebook shortcuts (Enter = edit mode) must not see it.
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        e.stopPropagation();
        void this.onChartButton(target);
      }
      return;
    }
    if (!target.dataset || target.dataset.row === undefined) return;
    const row = Number(target.dataset.row);
    const col = Number(target.dataset.col);
    this.active = { row, col };
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_H) - 1);
    let handled = true;
    switch (e.key) {
      case "ArrowDown":
        this.moveTo(row + 1, col);
        break;
      case "ArrowUp":
        this.moveTo(row - 1, col);
        break;
      case "ArrowLeft":
        this.moveTo(row, col - 1);
        break;
      case "ArrowRight":
        this.moveTo(row, col + 1);
        break;
      case "Home":
        this.moveTo(e.ctrlKey ? 0 : row, 0);
        break;
      case "End":
        this.moveTo(e.ctrlKey ? (this.model?.viewLength ?? 1) - 1 : row, Number.MAX_SAFE_INTEGER);
        break;
      case "PageDown":
        this.moveTo(row + page, col);
        break;
      case "PageUp":
        this.moveTo(Math.max(0, row - page), col);
        break;
      case "Enter":
      case " ":
        this.activateCell(row, col);
        break;
      case "c":
      case "C":
        if (e.ctrlKey || e.metaKey) void this.copyActive();
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation(); // keep JupyterLab's notebook shortcuts (e.g. "c" = copy cell) out of the grid
    }
  }

  private onClick(e: MouseEvent): void {
    const chart = (e.target as HTMLElement).closest<HTMLElement>(".bl-Table-chartBtn");
    if (chart && this.headRow.contains(chart)) {
      e.stopPropagation();
      void this.onChartButton(chart);
      return;
    }
    const cell = (e.target as HTMLElement).closest<HTMLElement>("[data-row]");
    if (!cell || !this.scroller.contains(cell)) return;
    const row = Number(cell.dataset.row);
    const col = Number(cell.dataset.col);
    this.active = { row, col };
    const onExpander = (e.target as HTMLElement).classList.contains("bl-Table-expander");
    if (row === HEADER_ROW || onExpander) this.activateCell(row, col);
    else this.applyRoving(true);
    if (row !== HEADER_ROW && !onExpander && this.options.onSelectElement && this.model) {
      const { index } = this.model.rowAt(row);
      if (index >= 0) this.options.onSelectElement(index);
    }
  }

  /** Enter/Space/click: sort on a header, expand/collapse on a nested cell. */
  private activateCell(row: number, col: number): void {
    const m = this.model;
    if (!m) return;
    if (row === HEADER_ROW) {
      m.toggleSort(col);
      this.scroller.scrollTop = 0;
      this.refresh(true);
      this.cellEl(HEADER_ROW, col)?.focus();
      return;
    }
    const { index } = m.rowAt(row);
    if (index < 0) return;
    m.toggleExpanded(index, col);
    // The viewport grows with an expanded row (up to its limit), so refresh the whole grid.
    this.refresh(true);
    this.cellEl(row, col)?.focus({ preventScroll: true });
  }

  /** Traces the focused row through the kernel and shows the trace under the grid, the row marked. */
  private async traceActive(): Promise<void> {
    const m = this.model;
    const trace = this.options.traceLineage;
    if (!m || !trace) return;
    const index = this.active.row === HEADER_ROW ? -1 : m.rowAt(this.active.row).index;
    if (!m.pipeline || !m.pcollection) return this.setMessage("This table is not a PCollection of a live pipeline: there is no lineage to trace.");
    if (index < 0) return this.setMessage("Click a row first, then Trace row.");
    this.setMessage(`Tracing element #${index}…`);
    try {
      const reply = await trace({ pipeline: m.pipeline.id, pcollection: m.pcollection, index });
      this.markElements(new Map([[index, "bl-mod-selected"]]));
      const view = new LineageView();
      if (reply.trace) view.setPayload(reply.trace);
      else view.node.textContent = reply.notes.join(" ") || "No trace for this element.";
      this.traceEl.replaceChildren(view.node);
      this.setMessage("");
    } catch (err) {
      this.setMessage(`Could not trace element #${index}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async copyActive(): Promise<void> {
    const m = this.model;
    if (!m) return;
    const { row, col } = this.active;
    let text: string;
    if (row === HEADER_ROW) text = m.columns[col]?.name ?? "";
    else {
      const cells = m.rowAt(row).cells;
      if (!cells) return;
      text = copyText(cells[col]);
    }
    const ok = await copyToClipboard(text);
    this.setMessage(ok ? "Cell copied." : "Could not copy (clipboard not available).");
  }

  /** Fetches the page (or filtered/sorted page) under the visible rows when it is missing and a kernel is live. */
  private maybeFetch(start: number, end: number): void {
    const m = this.model;
    if (!m || this.fetching || (m.complete && !m.remote)) return;
    const need = m.missingPage(start, end, PAGE_SIZE);
    if (!need) return;
    const query = need.kind === "query";
    const kernelModel = this.options.getModel();
    const reason = !m.pipeline || !m.pcollection
      ? `the ${countOf(m.loadedCount, "row")} embedded in the output (this table cannot ask a kernel for more)`
      : !kernelModel || !kernelModel.kernel
        ? `the ${countOf(m.loadedCount, "row")} saved with the output (no live kernel; run the cell again to ${query ? "search" : "page through"} all of them)`
        : null;
    if (reason) {
      if (query) m.useLoadedRows();
      this.setMessage(query ? `Sorted/filtered ${reason}.` : `Showing ${reason}.`);
      if (query) this.refresh(true);
      return;
    }
    const failKey = `${need.kind === "query" ? need.key : ""}@${need.offset}`;
    const last = this.failedAt.get(failKey);
    if (last !== undefined && Date.now() - last < 5000) return;
    this.fetching = true;
    this.setMessage(query && need.offset === 0 ? "Asking the kernel to filter/sort all rows…" : `Loading rows ${formatCount(need.offset + 1)}–${formatCount(need.offset + need.limit)}…`);
    const current = m;
    this.fetch(kernelModel!, current, need)
      .then(() => {
        if (this.model === current) this.setMessage("");
      })
      .catch((err: unknown) => {
        this.failedAt.set(failKey, Date.now());
        if (this.model !== current) return;
        const why = err instanceof Error ? err.message : String(err);
        // Without an answer the sort/filter still means something: the rows we have.
        if (query && need.offset === 0) {
          current.useLoadedRows();
          this.setMessage(`${why} Sorted/filtered the ${countOf(current.loadedCount, "row")} loaded instead.`);
        } else this.setMessage(why);
      })
      .finally(() => {
        this.fetching = false;
        if (this.model === current && !this.isDisposed) this.refresh(true);
      });
  }

  private async fetch(kernelModel: KernelModel, m: TableModel, need: FetchNeed): Promise<void> {
    const ref = { pipeline: m.pipeline!.id, pcollection: m.pcollection!, offset: need.offset, limit: need.limit };
    if (need.kind === "page") {
      m.addPage(await kernelModel.requestPage(ref));
      return;
    }
    const reply = await kernelModel.requestQuery({ ...ref, filter: need.filter, sort: need.sort });
    m.addQueryPage(need.key, reply);
  }
}

/** A lineage request through a notebook's kernel, or a readable refusal without one. */
function traceWith(model: KernelModel | null, req: LineageRequest): Promise<LineageReplyPayload> {
  if (!model || !model.kernel) return Promise.reject(new Error("No live kernel: run the notebook to trace its elements."));
  return model.requestLineage(req);
}

/** Renderer factory for {@link PCOLLECTION_MIME}; `ctx` finds the kernel for paging. */
export function tableRendererFactory(ctx: IBeamlabContext): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [PCOLLECTION_MIME],
    defaultRank: 10,
    createRenderer: () => {
      // The renderer is created before it is attached, so the owning notebook is found
      // lazily, from the rendered node, when the first page is needed.
      const view: TableView = new TableView({
        getModel: () => ctx.modelFor(view.node),
        insertCode: (node, code) => ctx.insertCodeBelow(node, code),
        traceLineage: (req) => traceWith(ctx.modelFor(view.node), req),
      });
      return view;
    },
  };
}

/** Opens a payload in a table (used by the graph/panel to open in the main area). */
export function createTableView(
  payload: PCollectionPayload | null,
  model: KernelModel | null,
  insertCode?: TableViewOptions["insertCode"],
): TableView {
  const view = new TableView({ getModel: () => model, fill: true, insertCode, traceLineage: (req) => traceWith(model, req) });
  if (payload) view.setPayload(payload);
  return view;
}
