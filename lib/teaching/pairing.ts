/**
 * Before/after pairs of two PCollections' elements: through lineage when one was made from
 * the other element by element (exact: a Filter's dropped elements and a FlatMap's fan-out
 * are known), else by value with the row diff of lib/testing/diff.ts (a best guess: rows
 * equal on both sides, then rows that differ in a field or two, or share `keyFields`).
 */
import { diffRows } from "../testing/diff";
import { changesBetween, type FieldChange } from "./changes";

/**
 * `changed` / `unchanged`: an element and what it became; `dropped`: an element before with
 * nothing after (a Filter dropped it, a FlatMap made nothing of it); `added`: an element
 * after with nothing before (emitted by finishBundle, or from another input).
 */
export type PairStatus = "changed" | "unchanged" | "dropped" | "added";

/** For an element that became several (a FlatMap's fan-out): this row is output `position` (from 0) of `of`. */
export interface FanOut {
  readonly position: number;
  readonly of: number;
}

/** One element before and the element it became. */
export type PairRow<I, O> =
  | {
      readonly status: "changed" | "unchanged";
      readonly beforeIndex: number;
      readonly afterIndex: number;
      readonly before: I;
      readonly after: O;
      /** What changed: records field by field, anything else as a whole (`field: null`). */
      readonly changes: readonly FieldChange[];
      readonly fanOut: FanOut | null;
    }
  | { readonly status: "dropped"; readonly beforeIndex: number; readonly afterIndex: null; readonly before: I; readonly after: undefined; readonly changes: readonly []; readonly fanOut: null }
  | { readonly status: "added"; readonly beforeIndex: null; readonly afterIndex: number; readonly before: undefined; readonly after: O; readonly changes: readonly []; readonly fanOut: null };

export interface PairCounts {
  /** Elements before and after. */
  readonly before: number;
  readonly after: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly dropped: number;
  readonly added: number;
  /** Elements before that became more than one element. */
  readonly fannedOut: number;
}

/** How two PCollections' elements pair up. */
export interface Pairs<I, O> {
  /** Labels of the two PCollections. */
  readonly before: string;
  readonly after: string;
  /** The element-wise step between them, for `beam.teaching.pairs(step)`. */
  readonly step: { readonly label: string; readonly kind: string } | null;
  /** "lineage": exact pairs; "row diff": paired by value, and unchanged rows are only counted. */
  readonly method: "lineage" | "row diff";
  /** Element by element in the order of `before` (its outputs in order), then what was added. */
  readonly rows: readonly PairRow<I, O>[];
  readonly counts: PairCounts;
  /** How the pairs were found when not by lineage, and why. */
  readonly notes: readonly string[];
}

/** The pairs of `before` and `after` when `ancestor[j]` is the index in `before` that `after[j]` came from (-1: none). */
export function pairByLineage<I, O>(before: readonly I[], after: readonly O[], ancestor: Int32Array): PairRow<I, O>[] {
  // Outputs of each input, in order: a counting sort by ancestor.
  const start = new Int32Array(before.length + 1);
  for (let j = 0; j < ancestor.length; j++) if (ancestor[j] >= 0) start[ancestor[j] + 1]++;
  for (let i = 0; i < before.length; i++) start[i + 1] += start[i];
  const cursor = start.slice(0, before.length);
  const outputs = new Int32Array(start[before.length]);
  for (let j = 0; j < ancestor.length; j++) if (ancestor[j] >= 0) outputs[cursor[ancestor[j]]++] = j;
  const rows: PairRow<I, O>[] = [];
  for (let i = 0; i < before.length; i++) {
    const of = start[i + 1] - start[i];
    if (of === 0) {
      rows.push({ status: "dropped", beforeIndex: i, afterIndex: null, before: before[i], after: undefined, changes: [], fanOut: null });
      continue;
    }
    for (let k = 0; k < of; k++) {
      const j = outputs[start[i] + k];
      const changes = changesBetween(before[i], after[j]);
      rows.push({ status: changes.length ? "changed" : "unchanged", beforeIndex: i, afterIndex: j, before: before[i], after: after[j], changes, fanOut: of > 1 ? { position: k, of } : null });
    }
  }
  for (let j = 0; j < ancestor.length; j++) {
    if (ancestor[j] < 0) rows.push({ status: "added", beforeIndex: null, afterIndex: j, before: undefined, after: after[j], changes: [], fanOut: null });
  }
  return rows;
}

/** The pairs the row diff finds, and how many rows it found unchanged (those are not listed). */
export function pairByValue<I, O>(before: readonly I[], after: readonly O[], keyFields?: readonly string[]): { rows: PairRow<I, O>[]; unchanged: number } {
  const d = diffRows<unknown>(before, after, { keyFields });
  const beforeIndex = indexer(before);
  const afterIndex = indexer(after);
  const rows: PairRow<I, O>[] = [];
  for (const c of d.changed) {
    const changes = c.fields.map((f) => ({ field: f.field, before: f.expected, after: f.actual }));
    rows.push({ status: "changed", beforeIndex: beforeIndex(c.expected), afterIndex: afterIndex(c.actual), before: c.expected as I, after: c.actual as O, changes, fanOut: null });
  }
  for (const m of d.missing) rows.push({ status: "dropped", beforeIndex: beforeIndex(m), afterIndex: null, before: m as I, after: undefined, changes: [], fanOut: null });
  for (const u of d.unexpected) rows.push({ status: "added", beforeIndex: null, afterIndex: afterIndex(u), before: undefined, after: u as O, changes: [], fanOut: null });
  const at = (r: PairRow<I, O>) => (r.beforeIndex ?? Infinity);
  rows.sort((a, b) => at(a) - at(b) || (a.afterIndex ?? 0) - (b.afterIndex ?? 0));
  return { rows, unchanged: d.matchedCount };
}

/** Rows of an after → before pairing read the other way round (`beam.diff(later, earlier)`). */
export function flipped<I, O>(rows: readonly PairRow<O, I>[]): PairRow<I, O>[] {
  const out = rows.map((r): PairRow<I, O> => {
    switch (r.status) {
      case "dropped":
        return { status: "added", beforeIndex: null, afterIndex: r.beforeIndex, before: undefined, after: r.before, changes: [], fanOut: null };
      case "added":
        return { status: "dropped", beforeIndex: r.afterIndex, afterIndex: null, before: r.after, after: undefined, changes: [], fanOut: null };
      default:
        return {
          status: r.status,
          beforeIndex: r.afterIndex,
          afterIndex: r.beforeIndex,
          before: r.after,
          after: r.before,
          changes: r.changes.map((c) => ({ field: c.field, before: c.after, after: c.before })),
          fanOut: r.fanOut,
        };
    }
  });
  const at = (r: PairRow<I, O>) => (r.beforeIndex ?? Infinity);
  return out.sort((a, b) => at(a) - at(b) || (a.afterIndex ?? 0) - (b.afterIndex ?? 0));
}

/** The counts of a list of rows (`unchanged` given when the rows do not list them). */
export function countRows(rows: readonly PairRow<unknown, unknown>[], before: number, after: number, unchanged?: number): PairCounts {
  let changed = 0;
  let same = 0;
  let dropped = 0;
  let added = 0;
  let fannedOut = 0;
  for (const r of rows) {
    if (r.status === "changed") changed++;
    else if (r.status === "unchanged") same++;
    else if (r.status === "dropped") dropped++;
    else added++;
    if (r.fanOut && r.fanOut.position === 0) fannedOut++;
  }
  return { before, after, changed, unchanged: unchanged ?? same, dropped, added, fannedOut };
}

/** The index of each row given back by the row diff: objects by identity, other values by value, each index once. */
function indexer(elements: readonly unknown[]): (row: unknown) => number {
  const at = new Map<unknown, number[]>();
  elements.forEach((e, i) => {
    const list = at.get(e);
    if (list) list.push(i);
    else at.set(e, [i]);
  });
  return (row) => at.get(row)?.shift() ?? -1;
}
