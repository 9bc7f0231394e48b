/**
 * Values made safe for display payloads (see protocol.ts) and column types inferred from
 * a sample, so a table header can say what each column holds.
 */
import type { BigQueryType } from "../io/schema";
import type { DeclaredColumn } from "../pipeline/pvalue";
import { isRecordList, recordsPreview } from "./preview";
import type { ColumnSchema, ColumnType, EncodedValue } from "./protocol";

/** Longest string kept whole in a payload; longer ones are cut with an ellipsis. */
export const MAX_STRING = 1000;
const MAX_DEPTH = 6;

/** A JSON-safe form of any value (undefined, NaN, BigInt, Date, ... as tagged objects). */
export function encodeValue(v: unknown, depth = 0): EncodedValue {
  if (v === null) return null;
  switch (typeof v) {
    case "string":
      return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
    case "boolean":
      return v;
    case "number":
      if (Number.isNaN(v)) return { $beamlab: "nan" };
      if (v === Infinity) return { $beamlab: "inf" };
      if (v === -Infinity) return { $beamlab: "-inf" };
      return v;
    case "bigint":
      return { $beamlab: "bigint", v: v.toString() };
    case "undefined":
      return { $beamlab: "undefined" };
    case "function":
      return { $beamlab: "function", v: v.name || "anonymous" };
    case "symbol":
      return { $beamlab: "symbol", v: v.description ?? "" };
  }
  if (v instanceof Date) return { $beamlab: "date", v: isNaN(v.getTime()) ? "Invalid Date" : v.toISOString() };
  if (ArrayBuffer.isView(v)) return { $beamlab: "bytes", v: `${(v as ArrayBufferView).byteLength} bytes` };
  if (depth >= MAX_DEPTH) return "…";
  if (Array.isArray(v)) return v.map((x) => encodeValue(x, depth + 1));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), encodeValue(x, depth + 1)]));
  if (v instanceof Set) return [...v].map((x) => encodeValue(x, depth + 1));
  const out: Record<string, EncodedValue> = {};
  for (const [k, x] of Object.entries(v as object)) out[k] = encodeValue(x, depth + 1);
  return "$beamlab" in out ? { $beamlab: "record", v: out } : out;
}

function typeOf(v: unknown): ColumnType | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "bigint") return "bigint";
  if (typeof v === "boolean") return "boolean";
  if (v instanceof Date) return "date";
  if (Array.isArray(v)) return "array";
  return "record";
}

/** Column types over a sample: one type when all non-null values agree, else "mixed". */
export function inferColumns(names: string[], columns: Record<string, readonly unknown[]>, groupColumns: Set<string> = new Set()): ColumnSchema[] {
  return names.map((name) => {
    let type: ColumnType | null = null;
    let nullable = false;
    for (const v of columns[name]) {
      const t = typeOf(v);
      if (t === null) {
        nullable = true;
        continue;
      }
      if (type === null) type = t;
      else if (type !== t) type = (type === "integer" && t === "number") || (type === "number" && t === "integer") ? "number" : "mixed";
    }
    if (groupColumns.has(name) && type === "array") type = "group";
    return { name, type: type ?? "null", nullable };
  });
}

const DECLARED_TYPES: Record<BigQueryType, ColumnType> = {
  STRING: "string", INTEGER: "integer", INT64: "integer", FLOAT: "number", FLOAT64: "number", NUMERIC: "number",
  BOOLEAN: "boolean", BOOL: "boolean", DATE: "date", DATETIME: "date", TIMESTAMP: "date",
};

/**
 * Column types with a source's declared schema applied: a declared type wins over the one
 * inferred from the sample (an all-null column of INTEGERs is still `integer`), and with
 * no elements the declared columns are the columns.
 */
export function applyDeclared(columns: ColumnSchema[], declared: readonly DeclaredColumn[] | null | undefined, empty: boolean): ColumnSchema[] {
  if (!declared?.length) return columns;
  const byName = new Map(declared.map((d) => [d.name, d]));
  return columns.map((c) => {
    const d = byName.get(c.name);
    if (!d) return c;
    return { name: c.name, type: d.type ? DECLARED_TYPES[d.type] : c.type, nullable: empty ? d.nullable : c.nullable };
  });
}

/** True for column types whose values are numbers (right-aligned in tables). */
export function isNumericType(t: ColumnType): boolean {
  return t === "integer" || t === "number" || t === "bigint";
}

/** `1 element`, `2 elements`. */
export function plural(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

/** A short one-line rendering of a value for text and HTML tables. */
export function displayText(v: unknown, max = 120): string {
  let s: string;
  if (v === null) s = "null";
  else if (isRecordList(v)) s = recordsPreview(v);
  else if (v === undefined) s = "undefined";
  else if (typeof v === "string") s = v;
  else if (typeof v === "bigint") s = `${v}n`;
  else if (typeof v === "number") s = Number.isNaN(v) ? "NaN" : String(v);
  else if (v instanceof Date) s = isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  else if (typeof v === "function") s = `[function ${v.name || "anonymous"}]`;
  else {
    try {
      s = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x instanceof Map ? Object.fromEntries(x) : x instanceof Set ? [...x] : x === undefined ? "undefined" : x));
    } catch {
      s = String(v);
    }
  }
  s = s.replace(/[\r\n\t]/g, " ");
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
