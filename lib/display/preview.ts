/**
 * How a cell value reads as text, the same in the kernel and in the browser: the text a
 * filter searches, the order a sort uses and the one-line preview of a group of records.
 *
 * No Node imports: the extension compiles this module in, as it does protocol.ts. Values
 * are plain JavaScript values (the extension turns decoded cells back into them).
 */

/** Null, undefined and NaN: they match no comparison and sort last in both directions. */
export function isMissingValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/** A plain object (not an array, Date, Map, ...). */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Date) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The text of a scalar; containers are joined texts of their leaves (what a search looks into). */
export function cellText(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return Number.isNaN(v) ? "NaN" : String(v);
    case "bigint":
      return `${v}n`;
    case "boolean":
      return String(v);
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (Array.isArray(v)) return v.map(cellText).join(" ");
  if (v instanceof Map) return [...v.values()].map(cellText).join(" ");
  if (v instanceof Set) return [...v].map(cellText).join(" ");
  if (typeof v === "object") return Object.values(v as object).map(cellText).join(" ");
  return String(v);
}

/**
 * Where a value sorts: missing values last, then numbers (with bigints and dates by time),
 * then booleans, then everything else by its text. Compared field by field.
 */
export interface SortKey {
  missing: 0 | 1;
  rank: 0 | 1 | 2;
  key: number | string;
}

/** The sort key of a value (see {@link SortKey}). */
export function sortKey(v: unknown): SortKey {
  if (isMissingValue(v)) return { missing: 1, rank: 0, key: 0 };
  if (typeof v === "number") return { missing: 0, rank: 0, key: v };
  if (typeof v === "bigint") return { missing: 0, rank: 0, key: Number(v) };
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? { missing: 1, rank: 0, key: 0 } : { missing: 0, rank: 0, key: v.getTime() };
  if (typeof v === "boolean") return { missing: 0, rank: 1, key: v ? 1 : 0 };
  return { missing: 0, rank: 2, key: cellText(v) };
}

/** Ascending order of two values by {@link sortKey}, missing values last. */
export function compareCells(a: unknown, b: unknown): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka.missing - kb.missing || ka.rank - kb.rank || (ka.key < kb.key ? -1 : ka.key > kb.key ? 1 : 0);
}

/** Most characters of a string inside a preview. */
const PREVIEW_STRING = 24;
/** Distinct values listed for a field that differs between the records of a group. */
const PREVIEW_DISTINCT = 2;

/** A value inside a preview: strings quoted and cut, containers collapsed to a count. */
export function shortText(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > PREVIEW_STRING ? `${v.slice(0, PREVIEW_STRING).trimEnd()}…` : v);
  if (Array.isArray(v)) return `[${v.length}]`;
  if (isPlainRecord(v)) return `{${Object.keys(v).length}}`;
  return cellText(v);
}

/** True when every element of a non-empty array is a plain record: it reads as a table. */
export function isRecordList(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.length > 0 && v.every(isPlainRecord);
}

/** The fields of records in first-seen order. */
export function fieldsOf(records: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/**
 * A one-line preview of a list of records, e.g. a GroupByKey's values:
 * `3 × {cno: "CS326E", cname: "Principles of …", credits: 3}`. A field whose value differs
 * between the records says so and lists its first distinct values:
 * `cname (3 different): "Elements of …" | "Intro…" | …`,
 * so what differs inside a group is readable without expanding it.
 */
export function recordsPreview(records: readonly Record<string, unknown>[]): string {
  const parts = fieldsOf(records).map((f) => {
    const distinct: string[] = [];
    for (const r of records) {
      const t = shortText(r[f]);
      if (!distinct.includes(t)) distinct.push(t);
    }
    if (distinct.length === 1) return `${f}: ${distinct[0]}`;
    // Said first, so that it shows even when a narrow cell cuts the values off.
    const more = distinct.length > PREVIEW_DISTINCT ? " | …" : "";
    return `${f} (${distinct.length} different): ${distinct.slice(0, PREVIEW_DISTINCT).join(" | ")}${more}`;
  });
  return `${records.length} × {${parts.join(", ")}}`;
}
