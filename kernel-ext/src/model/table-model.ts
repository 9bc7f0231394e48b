/**
 * The data behind a PCollection table: decoded rows (possibly only some pages of the
 * whole PCollection), sort, filter and expanded cells.
 *
 * Sort and filter always mean the whole PCollection. When every row is local they are
 * computed here; otherwise the view is *remote*: the kernel filters and sorts all of the
 * elements (lib/interactive/query.ts) and the table pages through its answer. Both sides
 * parse the filter with lib/display/filter.ts and order values with
 * lib/display/preview.ts, so the two agree.
 *
 * Pure module (no DOM): the grid widget asks it what to show; Node tests drive it directly.
 */
import { matchesFilter, parseFilter, type ParsedFilter } from "../../../lib/display/filter";
import type { ColumnSchema, PCollectionPayload, PipelineRef, QueryReply } from "../../../lib/display/protocol";
import { compareValues, decodeValue, flattenTree, isExpandable, isMissing, plainOf, type DecodedValue, type TreeLine } from "./values";

export type SortDir = "ascending" | "descending";

export interface SortState {
  column: number;
  dir: SortDir;
}

/** A row as the grid sees it: absolute index in the PCollection (-1 while unknown) plus decoded cells. */
export interface ViewRow {
  index: number;
  cells: DecodedValue[] | null;
}

/** What the grid must fetch for the rows it is about to show. */
export type FetchNeed =
  | { kind: "page"; offset: number; limit: number }
  | { kind: "query"; key: string; filter: string; sort: { column: string; descending: boolean } | null; offset: number; limit: number };

/** An expanded cell's detail under its row: indented lines, or a nested table for a list of records. */
export type CellDetail =
  | { kind: "tree"; column: string; lines: TreeLine[]; more: number }
  | { kind: "table"; column: string; fields: string[]; rows: DecodedValue[][]; more: number; count: number };

/** Header text for a column type: `integer` or `integer?` when it holds nulls. */
export function columnTypeLabel(c: ColumnSchema): string {
  return `${c.type ?? "mixed"}${c.nullable ? "?" : ""}`;
}

/** Formats a count with thousands separators, independent of the browser locale. */
export function formatCount(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `1 element`, `300,000 elements`, `1 match`, `12 matches`. */
export function countOf(n: number, noun: "element" | "match" | "row"): string {
  const word = n === 1 ? noun : noun === "match" ? "matches" : `${noun}s`;
  return `${formatCount(n)} ${word}`;
}

/** Most lines an expanded cell adds under its row (the rest is summarised in one line). */
export const MAX_EXPANDED_LINES = 30;
/** Most rows of a nested table (an expanded group of records) before "… N more". */
export const MAX_NESTED_ROWS = 10;

/** Lines a detail takes in the grid (a nested table: its title, header and rows). */
export function detailLineCount(d: CellDetail): number {
  return d.kind === "tree" ? d.lines.length + (d.more > 0 ? 1 : 0) : 2 + d.rows.length + (d.more > 0 ? 1 : 0);
}

type View =
  | null
  | { kind: "local"; indices: number[]; loadedOnly: boolean }
  | {
      kind: "remote";
      key: string;
      indices: Array<number | undefined>;
      total: number | null;
      fetched: number;
      /** Until the kernel answers: the loaded rows sorted/filtered, so the table is never blank while it asks. */
      provisional: number[];
    };

export class TableModel {
  readonly columns: ColumnSchema[];
  readonly label: string;
  readonly pipeline: PipelineRef | null;
  readonly pcollection: string | null;
  readonly pageCode: string | null;
  /** Total element count of the PCollection, or null when unknown. */
  total: number | null;

  /** Decoded rows by absolute index; holes are rows not fetched yet. */
  private rows: Array<DecodedValue[] | undefined> = [];
  private loaded = 0;
  private sortState: SortState | null = null;
  private filterText = "";
  private parsed: ParsedFilter | null = null;
  private parseError: string | null = null;
  /** Sort/filter over the loaded rows only (no kernel to ask); reset by the next sort or filter. */
  private loadedOnly = false;
  private view: View = null;
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
    page.rows.forEach((r, i) => this.store(offset + i, r));
    if (typeof page.total === "number") this.total = page.total;
    if (this.view?.kind !== "remote") this.recompute();
  }

  /**
   * Adds a page of the kernel's filtered/sorted view. Ignored (returns false) when the
   * filter or sort changed since it was asked for.
   */
  addQueryPage(key: string, reply: Pick<QueryReply, "page" | "indices" | "matched" | "total">): boolean {
    const v = this.view;
    if (!v || v.kind !== "remote" || v.key !== key) return false;
    const offset = Math.max(0, Math.trunc(reply.page.offset ?? 0));
    reply.page.rows.forEach((r, i) => {
      const index = reply.indices[i];
      if (typeof index !== "number") return;
      this.store(index, r);
      if (v.indices[offset + i] === undefined) v.fetched++;
      v.indices[offset + i] = index;
    });
    v.total = reply.matched;
    this.total = reply.total;
    return true;
  }

  private store(index: number, r: PCollectionPayload["rows"][number]): void {
    if (this.rows[index] === undefined) this.loaded++;
    this.rows[index] = this.columns.map((c) => decodeValue(r[c.name]));
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

  /** Why the filter text does not parse (it is then not applied), or null. */
  get filterError(): string | null {
    return this.parseError;
  }

  /** True when sort or filter is active. */
  get derived(): boolean {
    return this.view !== null;
  }

  /** True when the kernel computes the view (not all rows are local). */
  get remote(): boolean {
    return this.view?.kind === "remote";
  }

  /** Sets the sort; `null` restores PCollection order. */
  setSort(s: SortState | null): void {
    this.sortState = s;
    this.loadedOnly = false;
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

  /** Sets the filter (see lib/display/filter.ts); a filter that does not parse is not applied and {@link filterError} says why. */
  setFilter(text: string): void {
    this.filterText = text;
    const r = parseFilter(text, this.columns.map((c) => c.name));
    this.parsed = r.ok ? r.filter : null;
    this.parseError = r.ok ? null : r.error;
    this.loadedOnly = false;
    this.recompute();
  }

  /**
   * Sorts and filters only the loaded rows, when there is no kernel to ask; the count line
   * then says so. Lasts until the next change of sort or filter.
   */
  useLoadedRows(): void {
    if (this.view?.kind !== "remote") return;
    this.loadedOnly = true;
    this.recompute();
  }

  /** Number of rows the grid shows. */
  get viewLength(): number {
    const v = this.view;
    if (!v) return this.knownCount;
    if (v.kind === "local") return v.indices.length;
    return v.total ?? v.provisional.length;
  }

  /** The row at a view position; `cells` is null while it is not fetched. */
  rowAt(viewIndex: number): ViewRow {
    const v = this.view;
    const indices = v?.kind === "remote" && v.total === null ? v.provisional : v?.indices;
    const index = !indices ? viewIndex : (indices[viewIndex] ?? -1);
    return { index, cells: index >= 0 ? (this.rows[index] ?? null) : null };
  }

  /**
   * What to fetch so that view rows [start, end) are all present, aligned to `pageSize`,
   * or null when nothing is missing.
   */
  missingPage(start: number, end: number, pageSize: number): FetchNeed | null {
    const v = this.view;
    if (v?.kind === "local") return null;
    if (v?.kind === "remote") {
      const query = { key: v.key, filter: this.parseError ? "" : this.filterText.trim(), sort: this.sortSpec() };
      if (v.total === null) return { kind: "query", ...query, offset: 0, limit: pageSize };
      const stop = Math.min(end, v.total);
      for (let i = Math.max(0, start); i < stop; i++) {
        if (v.indices[i] === undefined) return { kind: "query", ...query, offset: Math.floor(i / pageSize) * pageSize, limit: pageSize };
      }
      return null;
    }
    const stop = Math.min(end, this.knownCount);
    for (let i = Math.max(0, start); i < stop; i++) {
      if (this.rows[i] === undefined) return { kind: "page", offset: Math.floor(i / pageSize) * pageSize, limit: pageSize };
    }
    return null;
  }

  /** The count line of the header: "showing 1,000 of 300,000 elements", "12 matches of 300,000 elements", ... */
  showingText(): string {
    const total = this.total;
    const v = this.view;
    const all = total === null ? "" : ` of ${countOf(total, "element")}`;
    const filtering = this.parsed !== null;
    if (!v) return total === null ? `showing ${countOf(this.loaded, "element")}` : `showing ${formatCount(this.loaded)}${all}`;
    // Sorting alone reorders every element: say so, rather than how many rows arrived yet.
    const sortedBy = this.sortState ? `sorted by ${this.columns[this.sortState.column].name}` : "";
    const everything = total === null ? countOf(this.viewLength, "element") : countOf(total, "element");
    if (v.kind === "remote") {
      if (v.total === null) return `${filtering ? "searching" : "sorting"} all${total === null ? "" : ` ${countOf(total, "element")}`}…`;
      return filtering ? `${countOf(v.total, "match")}${all}` : `${everything}, ${sortedBy}`;
    }
    if (v.loadedOnly) {
      const among = ` (among the ${countOf(this.loaded, "row")} loaded)`;
      return filtering ? `${countOf(v.indices.length, "match")}${all}${among}` : `showing ${formatCount(v.indices.length)}${all}, ${sortedBy}${among}`;
    }
    return filtering ? `${countOf(v.indices.length, "match")}${all}` : `${everything}, ${sortedBy}`;
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

  /**
   * What row `index` shows under it for its expanded cells: a nested table (columns = the
   * records' fields) for a list of records such as a group, indented lines otherwise.
   */
  expandedDetails(index: number): CellDetail[] {
    const set = this.expanded.get(index);
    const cells = this.rows[index];
    if (!set || !cells) return [];
    return [...set].sort((a, b) => a - b).map((col) => detailOf(this.columns[col].name, cells[col]));
  }

  private sortSpec(): { column: string; descending: boolean } | null {
    const s = this.sortState;
    return s ? { column: this.columns[s.column].name, descending: s.dir === "descending" } : null;
  }

  private recompute(): void {
    const s = this.sortState;
    const f = this.parsed;
    if (!s && !f) {
      this.view = null;
      return;
    }
    if (!this.complete && !this.loadedOnly) {
      const key = JSON.stringify([this.filterText.trim(), this.sortSpec()]);
      if (this.view?.kind !== "remote" || this.view.key !== key) {
        this.view = { kind: "remote", key, indices: [], total: null, fetched: 0, provisional: this.localIndices() };
      }
      return;
    }
    this.view = { kind: "local", indices: this.localIndices(), loadedOnly: this.loadedOnly && !this.complete };
  }

  /** The loaded rows that pass the filter, in sort order. */
  private localIndices(): number[] {
    const s = this.sortState;
    const f = this.parsed;
    const names = this.columns.map((c) => c.name);
    const idx: number[] = [];
    this.rows.forEach((cells, i) => {
      if (!cells) return;
      if (f && !matchesFilter(f, (c) => plainOf(cells[names.indexOf(c)]), names)) return;
      idx.push(i);
    });
    if (s) {
      const sign = s.dir === "ascending" ? 1 : -1;
      idx.sort((a, b) => {
        const ca = this.rows[a]![s.column];
        const cb = this.rows[b]![s.column];
        // Missing values stay last in both directions: readers look for them at the end.
        const ma = isMissing(ca);
        const mb = isMissing(cb);
        if (ma !== mb) return ma ? 1 : -1;
        return (ma ? 0 : sign * compareValues(ca, cb)) || a - b;
      });
    }
    return idx;
  }
}

/** The detail of one expanded cell. */
function detailOf(column: string, d: DecodedValue): CellDetail {
  const entries = d.entries ?? [];
  if (d.kind === "array" && entries.length > 0 && entries.every(([, e]) => e.kind === "record")) {
    const fields: string[] = [];
    for (const [, rec] of entries) for (const [k] of rec.entries ?? []) if (!fields.includes(k)) fields.push(k);
    const rows = entries.slice(0, MAX_NESTED_ROWS).map(([, rec]) => {
      const byKey = new Map(rec.entries ?? []);
      return fields.map((k) => byKey.get(k) ?? decodeValue(undefined));
    });
    return { kind: "table", column, fields, rows, more: entries.length - rows.length, count: entries.length };
  }
  const { lines, truncated } = flattenTree(d, MAX_EXPANDED_LINES);
  return { kind: "tree", column, lines, more: truncated };
}
