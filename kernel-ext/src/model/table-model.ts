/**
 * The data behind a PCollection table: decoded rows (possibly only some pages of the
 * whole PCollection), sort, filter and expanded cells.
 *
 * Pure module (no DOM): the grid widget asks it what to show; Node tests drive it directly.
 */
import type { ColumnSchema, PCollectionPayload, PipelineRef } from "../../../lib/display/protocol";
import { compareValues, decodeValue, flattenTree, isExpandable, type DecodedValue, type TreeLine } from "./values";

export type SortDir = "ascending" | "descending";

export interface SortState {
  column: number;
  dir: SortDir;
}

/** A row as the grid sees it: absolute index in the PCollection plus decoded cells. */
export interface ViewRow {
  index: number;
  cells: DecodedValue[] | null;
}

/** Header text for a column type: `integer` or `integer?` when it holds nulls. */
export function columnTypeLabel(c: ColumnSchema): string {
  return `${c.type ?? "mixed"}${c.nullable ? "?" : ""}`;
}

/** Formats a count with thousands separators, independent of the browser locale. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Most lines an expanded cell adds under its row (the rest is summarised in one line). */
export const MAX_EXPANDED_LINES = 30;

export class TableModel {
  readonly columns: ColumnSchema[];
  readonly label: string;
  readonly pipeline: PipelineRef | null;
  readonly pcollection: string | null;
  readonly pageCode: string | null;
  /** Total element count of the PCollection, or null when unknown. */
  total: number | null;

  /** Decoded rows by absolute index; holes are pages not fetched yet. */
  private rows: Array<DecodedValue[] | undefined> = [];
  private loaded = 0;
  private sortState: SortState | null = null;
  private filterText = "";
  /** Cached view (absolute indices) when sorting or filtering; null means identity. */
  private view: number[] | null = null;
  private expanded = new Map<number, Set<number>>();

  constructor(payload: PCollectionPayload) {
    this.columns = payload.columns;
    this.label = payload.label;
    this.pipeline = payload.pipeline ?? null;
    this.pcollection = payload.pcollection ?? null;
    this.pageCode = payload.pageCode ?? null;
    this.total = typeof payload.total === "number" ? payload.total : null;
    this.addPage(payload);
  }

  /** Adds rows of a page (from the embedded sample or a paging reply) at their offset. */
  addPage(page: PCollectionPayload): void {
    const offset = Math.max(0, Math.trunc(page.offset ?? 0));
    page.rows.forEach((r, i) => {
      if (this.rows[offset + i] === undefined) this.loaded++;
      this.rows[offset + i] = this.columns.map((c) => decodeValue(r[c.name]));
    });
    if (typeof page.total === "number") this.total = page.total;
    this.view = null;
    this.recompute();
  }

  /** Rows present locally. */
  get loadedCount(): number {
    return this.loaded;
  }

  /** Rows the PCollection has (total if known, else what is loaded). */
  get knownCount(): number {
    return Math.max(this.total ?? 0, this.rows.length);
  }

  /** True when every row of the PCollection is local. */
  get complete(): boolean {
    return this.total === null ? true : this.loaded >= this.total;
  }

  get sort(): SortState | null {
    return this.sortState;
  }

  get filter(): string {
    return this.filterText;
  }

  /** True when sort or filter is active: the view then only holds loaded rows. */
  get derived(): boolean {
    return this.view !== null;
  }

  /** Sets the sort; `null` restores PCollection order. */
  setSort(s: SortState | null): void {
    this.sortState = s;
    this.recompute();
  }

  /** Header click: none → ascending → descending → none. */
  toggleSort(column: number): SortState | null {
    const s = this.sortState;
    if (!s || s.column !== column) this.setSort({ column, dir: "ascending" });
    else if (s.dir === "ascending") this.setSort({ column, dir: "descending" });
    else this.setSort(null);
    return this.sortState;
  }

  /** Case-insensitive substring filter over the cell texts; `col:text` limits it to one column. */
  setFilter(text: string): void {
    this.filterText = text;
    this.recompute();
  }

  /** Number of rows the grid shows. */
  get viewLength(): number {
    return this.view ? this.view.length : this.knownCount;
  }

  /** The row at a view position; `cells` is null while its page is not fetched. */
  rowAt(viewIndex: number): ViewRow {
    const index = this.view ? this.view[viewIndex] : viewIndex;
    return { index, cells: this.rows[index] ?? null };
  }

  /**
   * The page to fetch so that view rows [start, end) are all present, aligned to
   * `pageSize`, or null when nothing is missing (or sort/filter is on: those only
   * work on local rows).
   */
  missingPage(start: number, end: number, pageSize: number): { offset: number; limit: number } | null {
    if (this.view) return null;
    const stop = Math.min(end, this.knownCount);
    for (let i = Math.max(0, start); i < stop; i++) {
      if (this.rows[i] === undefined) {
        const offset = Math.floor(i / pageSize) * pageSize;
        return { offset, limit: pageSize };
      }
    }
    return null;
  }

  /** "showing n of N" text for the header. */
  showingText(): string {
    const total = this.total;
    const shown = this.view ? this.view.length : this.loaded;
    const of = total === null ? "" : ` of ${formatCount(total)}`;
    const suffix = this.view && !this.complete ? " (sorted/filtered over loaded rows)" : "";
    return `showing ${formatCount(shown)}${of}${suffix}`;
  }

  /** Toggles the expansion of a nested cell; returns whether it is now expanded. */
  toggleExpanded(index: number, column: number): boolean {
    const cells = this.rows[index];
    if (!cells || !isExpandable(cells[column])) return false;
    let set = this.expanded.get(index);
    if (!set) this.expanded.set(index, (set = new Set()));
    const now = !set.has(column);
    if (now) set.add(column);
    else set.delete(column);
    if (set.size === 0) this.expanded.delete(index);
    return now;
  }

  isExpanded(index: number, column: number): boolean {
    return this.expanded.get(index)?.has(column) ?? false;
  }

  /** Lines shown under row `index` for its expanded cells (column name first). */
  expandedLines(index: number): Array<{ column: string; line: TreeLine | null; more?: number }> {
    const set = this.expanded.get(index);
    const cells = this.rows[index];
    if (!set || !cells) return [];
    const out: Array<{ column: string; line: TreeLine | null; more?: number }> = [];
    for (const col of [...set].sort((a, b) => a - b)) {
      const { lines, truncated } = flattenTree(cells[col], MAX_EXPANDED_LINES);
      for (const line of lines) out.push({ column: this.columns[col].name, line });
      if (truncated > 0) out.push({ column: this.columns[col].name, line: null, more: truncated });
    }
    return out;
  }

  private recompute(): void {
    const s = this.sortState;
    const f = this.filterText.trim().toLowerCase();
    if (!s && !f) {
      this.view = null;
      return;
    }
    let colFilter = -1;
    let needle = f;
    const m = /^([^:\s]+):(.*)$/.exec(f);
    if (m) {
      const idx = this.columns.findIndex((c) => c.name.toLowerCase() === m[1]);
      if (idx >= 0) {
        colFilter = idx;
        needle = m[2].trim();
      }
    }
    const idx: number[] = [];
    this.rows.forEach((cells, i) => {
      if (!cells) return;
      if (needle) {
        const hit =
          colFilter >= 0
            ? cells[colFilter].text.toLowerCase().includes(needle)
            : cells.some((c) => c.text.toLowerCase().includes(needle));
        if (!hit) return;
      }
      idx.push(i);
    });
    if (s) {
      const sign = s.dir === "ascending" ? 1 : -1;
      idx.sort((a, b) => {
        const ca = this.rows[a]![s.column];
        const cb = this.rows[b]![s.column];
        // Missing values stay last in both directions: readers look for them at the end.
        const c = compareValues(ca, cb);
        const missingOrder = compareValues(ca, cb) !== 0 && (ca.kind === "null" || ca.kind === "undefined" || ca.kind === "nan" || cb.kind === "null" || cb.kind === "undefined" || cb.kind === "nan");
        return (missingOrder ? c : sign * c) || a - b;
      });
    }
    this.view = idx;
  }
}
