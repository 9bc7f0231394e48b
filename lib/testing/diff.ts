/**
 * The row diff of two multisets of elements: which expected rows are missing, which actual
 * rows were not expected, and which of those are one row with a few fields changed. Pure
 * data, so the grader can render it (HTML tables, stage-by-stage feedback) as well as the
 * assertion message does.
 */
import { encodeKey } from "../keys";
import { isRecord } from "../collect";
import { truncate } from "../errors";

/** One field whose value differs between a missing row and the actual row paired with it. */
export interface FieldChange {
  /** Field name (`key`/`value` for `[key, value]` pairs, `0`, `1`, ... for other arrays). */
  readonly field: string;
  /** The expected value (`undefined` when the field is absent). */
  readonly expected: unknown;
  /** The actual value (`undefined` when the field is absent). */
  readonly actual: unknown;
}

/** An expected row that came out with some fields changed. */
export interface ChangedRow<T> {
  readonly expected: T;
  readonly actual: T;
  /** The fields that differ, in the expected row's field order. */
  readonly fields: readonly FieldChange[];
}

/** How two multisets of rows differ. Every list keeps the order the rows were given in. */
export interface RowDiff<T> {
  /** True when both hold the same rows the same number of times. */
  readonly equal: boolean;
  readonly expectedCount: number;
  readonly actualCount: number;
  /** Rows found on both sides (counting duplicates). */
  readonly matchedCount: number;
  /** Expected rows with no actual counterpart (not counting the changed ones). */
  readonly missing: readonly T[];
  /** Actual rows with no expected counterpart (not counting the changed ones). */
  readonly unexpected: readonly T[];
  /** A missing and an unexpected row paired as one row with some fields changed. */
  readonly changed: readonly ChangedRow<T>[];
}

/** Options of {@link diffRows}. */
export interface DiffOptions {
  /**
   * Fields that identify a row (e.g. `["sid"]`): a missing and an unexpected row with equal
   * key fields are paired as changed, however many other fields differ. Without them, rows
   * are paired when all but one or two fields are equal and at least half of them are.
   */
  readonly keyFields?: readonly string[];
  /** Most field-by-field row comparisons spent on pairing (default 2,000,000); past it, the rest stay unpaired. */
  readonly pairingBudget?: number;
}

const MAX_CHANGED_FIELDS = 2;

/**
 * Compares two multisets of elements by value, as GroupByKey compares keys: records in any
 * field order, arrays item by item, dates by time, `NaN` equal to itself, `-0` equal to `0`,
 * `1n` different from `1`. A record field holding `undefined` is the same as no field (tables
 * fill absent fields with `undefined`). Duplicates count: `[a, a]` is not `[a]`.
 *
 * @example
 * const d = beam.testing.diffRows(
 *   [{ sid: "s1", dob: "1990-01-02" }, { sid: "s2", dob: "1991-05-06" }],
 *   [{ sid: "s1", dob: "01/02/1990" }],
 * );
 * d.changed[0].fields;  // [{ field: "dob", expected: "1990-01-02", actual: "01/02/1990" }]
 * d.missing;            // [{ sid: "s2", dob: "1991-05-06" }]
 */
export function diffRows<T>(expected: Iterable<T>, actual: Iterable<T>, opts: DiffOptions = {}): RowDiff<T> {
  const exp = [...expected];
  const act = [...actual];
  const pending = new Map<string, number[]>();
  exp.forEach((row, i) => {
    const k = rowKey(row);
    const list = pending.get(k);
    if (list) list.push(i);
    else pending.set(k, [i]);
  });
  const matchedExp = new Uint8Array(exp.length);
  const unexpectedIdx: number[] = [];
  let matchedCount = 0;
  act.forEach((row, i) => {
    const list = pending.get(rowKey(row));
    const j = list?.shift();
    if (j === undefined) unexpectedIdx.push(i);
    else {
      matchedExp[j] = 1;
      matchedCount++;
    }
  });
  const missingIdx: number[] = [];
  exp.forEach((_r, i) => {
    if (!matchedExp[i]) missingIdx.push(i);
  });
  const pairs = pairChanged(
    missingIdx.map((i) => exp[i]),
    unexpectedIdx.map((i) => act[i]),
    opts,
  );
  const pairedMissing = new Set(pairs.map((p) => p.m));
  const pairedUnexpected = new Set(pairs.map((p) => p.u));
  return {
    equal: missingIdx.length === 0 && unexpectedIdx.length === 0,
    expectedCount: exp.length,
    actualCount: act.length,
    matchedCount,
    missing: missingIdx.filter((_i, n) => !pairedMissing.has(n)).map((i) => exp[i]),
    unexpected: unexpectedIdx.filter((_i, n) => !pairedUnexpected.has(n)).map((i) => act[i]),
    changed: pairs
      .sort((a, b) => a.m - b.m)
      .map((p) => ({ expected: exp[missingIdx[p.m]], actual: act[unexpectedIdx[p.u]], fields: p.fields })),
  };
}

/** The value identity of a row: the GroupByKey's canonical key encoding. */
export function rowKey(row: unknown): string {
  return valueKey(row, true);
}

/** Whether two values are equal by value (as keys compare). */
export function sameValue(a: unknown, b: unknown): boolean {
  return valueKey(a) === valueKey(b);
}

function valueKey(v: unknown, asRow = false): string {
  try {
    // A test may compare anything: what is not data (a function, a class instance) equals only itself.
    return encodeKey(asRow && isRecord(v) ? withoutUndefined(v) : v, { opaque: "identity" });
  } catch {
    // A cyclic or unreadable value cannot be encoded; compare it by its rendering rather than
    // fail, and by identity when even that throws.
    try {
      return `\u0000unencodable:${truncate(v, 10_000)}`;
    } catch {
      return `\u0000unrenderable:${identity(v)}`;
    }
  }
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identity(v: unknown): string {
  if ((typeof v !== "object" && typeof v !== "function") || v === null) return typeof v;
  let id = identities.get(v);
  if (id === undefined) identities.set(v, (id = ++nextIdentity));
  return String(id);
}

function withoutUndefined(r: Record<string, unknown>): Record<string, unknown> {
  // Null prototype: an own "__proto__" field stays a field instead of becoming the prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(r)) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/** A row as named fields, or null when it has none (a number, a string, ...). */
function fieldsOf(row: unknown): Map<string, unknown> | null {
  try {
    if (isRecord(row)) return new Map(Object.keys(row).map((k) => [k, row[k]]));
    if (Array.isArray(row)) {
      const names = row.length === 2 ? ["key", "value"] : row.map((_x, i) => String(i));
      return new Map(names.map((n, i) => [n, row[i]]));
    }
  } catch {
    // A hostile row (throwing getter) is compared whole, never field by field.
  }
  return null;
}

interface Fielded {
  readonly names: string[];
  readonly keys: Map<string, string>;
  readonly values: Map<string, unknown>;
  readonly array: boolean;
}

function fielded(row: unknown): Fielded | null {
  const f = fieldsOf(row);
  if (!f) return null;
  const keys = new Map<string, string>();
  for (const [n, v] of f) keys.set(n, valueKey(v));
  return { names: [...f.keys()], keys, values: f, array: Array.isArray(row) };
}

function changedFields(a: Fielded, b: Fielded): FieldChange[] {
  const out: FieldChange[] = [];
  const undef = valueKey(undefined);
  for (const n of new Set([...a.names, ...b.names])) {
    const x = a.keys.get(n) ?? undef;
    const y = b.keys.get(n) ?? undef;
    // An absent field reads as undefined, as in rowKey.
    if (x !== y) out.push({ field: n, expected: a.values.get(n), actual: b.values.get(n) });
  }
  return out;
}

function pairChanged(missing: unknown[], unexpected: unknown[], opts: DiffOptions): { m: number; u: number; fields: FieldChange[] }[] {
  if (!missing.length || !unexpected.length) return [];
  const ms = missing.map(fielded);
  const us = unexpected.map(fielded);
  const used = new Uint8Array(unexpected.length);
  const pairs: { m: number; u: number; fields: FieldChange[] }[] = [];
  const keyFields = opts.keyFields?.length ? opts.keyFields : null;
  let budget = opts.pairingBudget ?? 2_000_000;
  for (let m = 0; m < ms.length && budget > 0; m++) {
    const a = ms[m];
    if (!a) continue;
    let best: { u: number; fields: FieldChange[] } | null = null;
    for (let u = 0; u < us.length; u++) {
      const b = us[u];
      if (used[u] || !b || a.array !== b.array) continue;
      budget -= a.names.length + 1;
      if (keyFields) {
        if (!keyFields.every((k) => (a.keys.get(k) ?? null) === (b.keys.get(k) ?? null))) continue;
        best = { u, fields: changedFields(a, b) };
        break;
      }
      const fields = changedFields(a, b);
      const total = new Set([...a.names, ...b.names]).size;
      if (fields.length > MAX_CHANGED_FIELDS || fields.length * 2 > total) continue;
      if (!best || fields.length < best.fields.length) best = { u, fields };
      if (fields.length === 1) break;
    }
    if (best) {
      used[best.u] = 1;
      pairs.push({ m, ...best });
    }
  }
  return pairs;
}
