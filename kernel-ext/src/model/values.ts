/**
 * Decoding and formatting of cell values sent in the TaggedValue encoding of
 * `lib/display/protocol.ts`.
 *
 * Pure module: no DOM, no JupyterLab imports, so Node's test runner can load it.
 */
import { compareCells, recordsPreview } from "../../../lib/display/preview";
import type { EncodedValue, TaggedValue, ValueTag } from "../../../lib/display/protocol";

/** What a decoded value is, for styling and ordering. */
export type ValueKind =
  | "string"
  | "number"
  | "boolean"
  | "null"
  | "undefined"
  | "nan"
  | "inf"
  | "bigint"
  | "date"
  | "bytes"
  | "function"
  | "symbol"
  | "array"
  | "record";

/** A cell value after decoding the wire encoding. */
export interface DecodedValue {
  kind: ValueKind;
  /** Short one-line text for a grid cell. */
  text: string;
  /** Numeric value for number/bigint/date/inf (used to sort); undefined otherwise. */
  num?: number;
  /** Exact bigint digits, so two bigints compare without losing precision. */
  big?: bigint;
  /** Entries of an array or record (keys are indices for arrays). */
  entries?: Array<[string, DecodedValue]>;
}

const TAGS: ReadonlySet<string> = new Set<ValueTag>([
  "undefined",
  "nan",
  "inf",
  "-inf",
  "bigint",
  "date",
  "bytes",
  "record",
  "function",
  "symbol",
]);

/** True when `v` is a `{ $beamlab: tag }` object with a tag we know. */
export function isTagged(v: unknown): v is TaggedValue {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const tag = (v as { $beamlab?: unknown }).$beamlab;
  return typeof tag === "string" && TAGS.has(tag);
}

/** How many entries a collapsed array/record preview lists before "…". */
const PREVIEW_ITEMS = 3;

/** Decodes one wire value into a {@link DecodedValue}. Never throws. */
export function decodeValue(v: EncodedValue | undefined): DecodedValue {
  if (v === undefined) return { kind: "undefined", text: "undefined" };
  if (v === null) return { kind: "null", text: "null" };
  switch (typeof v) {
    case "string":
      return { kind: "string", text: v };
    case "number":
      // JSON cannot carry NaN/Infinity, but a hand-made payload might.
      if (Number.isNaN(v)) return { kind: "nan", text: "NaN", num: Number.NaN };
      if (!Number.isFinite(v)) return { kind: "inf", text: v > 0 ? "Infinity" : "-Infinity", num: v };
      return { kind: "number", text: String(v), num: v };
    case "boolean":
      return { kind: "boolean", text: String(v) };
  }
  if (Array.isArray(v)) {
    const entries = v.map((x, i): [string, DecodedValue] => [String(i), decodeValue(x)]);
    return { kind: "array", text: previewArray(entries), entries };
  }
  if (isTagged(v)) return decodeTagged(v);
  return decodeRecord(v as Record<string, EncodedValue>);
}

function decodeTagged(t: TaggedValue): DecodedValue {
  const s = typeof t.v === "string" ? t.v : "";
  switch (t.$beamlab) {
    case "undefined":
      return { kind: "undefined", text: "undefined" };
    case "nan":
      return { kind: "nan", text: "NaN", num: Number.NaN };
    case "inf":
      return { kind: "inf", text: "Infinity", num: Number.POSITIVE_INFINITY };
    case "-inf":
      return { kind: "inf", text: "-Infinity", num: Number.NEGATIVE_INFINITY };
    case "bigint": {
      let big: bigint | undefined;
      try {
        big = BigInt(s);
      } catch {
        big = undefined;
      }
      return { kind: "bigint", text: `${s}n`, num: Number(s), big };
    }
    case "date": {
      const ms = Date.parse(s);
      return { kind: "date", text: s || "Invalid Date", num: Number.isNaN(ms) ? undefined : ms };
    }
    case "bytes":
      return { kind: "bytes", text: `bytes ${s}` };
    case "function":
      return { kind: "function", text: s ? `ƒ ${s}` : "ƒ" };
    case "symbol":
      return { kind: "symbol", text: s ? `Symbol(${s})` : "Symbol()" };
    case "record":
      // A user record that owned a `$beamlab` key, wrapped so it is not read as a tag.
      return t.v !== null && typeof t.v === "object" ? decodeRecord(t.v) : decodeRecord({});
  }
  return { kind: "string", text: String(s) };
}

function decodeRecord(o: Record<string, EncodedValue>): DecodedValue {
  const entries = Object.keys(o).map((k): [string, DecodedValue] => [k, decodeValue(o[k])]);
  return { kind: "record", text: previewRecord(entries), entries };
}

function previewArray(entries: Array<[string, DecodedValue]>): string {
  // A list of records (a GroupByKey's values) previews its fields, and what differs between them.
  if (entries.length > 0 && entries.every(([, d]) => d.kind === "record")) {
    return recordsPreview(entries.map(([, d]) => plainOf(d) as Record<string, unknown>));
  }
  const head = entries.slice(0, PREVIEW_ITEMS).map(([, d]) => shortText(d));
  const more = entries.length > PREVIEW_ITEMS ? `, … +${entries.length - PREVIEW_ITEMS}` : "";
  return `[${head.join(", ")}${more}] (${entries.length})`;
}

function previewRecord(entries: Array<[string, DecodedValue]>): string {
  const head = entries.slice(0, PREVIEW_ITEMS).map(([k, d]) => `${k}: ${shortText(d)}`);
  const more = entries.length > PREVIEW_ITEMS ? ", …" : "";
  return `{${head.join(", ")}${more}}`;
}

/** Text of a nested value inside a preview: nested containers collapse to a count. */
function shortText(d: DecodedValue): string {
  if (d.kind === "array") return `[${d.entries?.length ?? 0}]`;
  if (d.kind === "record") return `{${d.entries?.length ?? 0}}`;
  if (d.kind === "string") return JSON.stringify(d.text.length > 24 ? `${d.text.slice(0, 24)}…` : d.text);
  return d.text;
}

/** True for values that are "missing": null, undefined and NaN sort last and are styled alike. */
export function isMissing(d: DecodedValue): boolean {
  return d.kind === "null" || d.kind === "undefined" || d.kind === "nan";
}

/** True when a value has children that an expander can show. */
export function isExpandable(d: DecodedValue): boolean {
  return (d.kind === "array" || d.kind === "record") && (d.entries?.length ?? 0) > 0;
}

/**
 * The order the kernel sorts by (lib/display/preview.ts `compareCells`): missing values
 * last; then numbers (incl. bigint, dates, ±Infinity) numerically; then booleans; then
 * everything else by its text. Two bigints compare exactly.
 */
export function compareValues(a: DecodedValue, b: DecodedValue): number {
  if (a.big !== undefined && b.big !== undefined) return a.big < b.big ? -1 : a.big > b.big ? 1 : 0;
  return compareCells(plainOf(a), plainOf(b));
}

/**
 * The JavaScript value a decoded cell stood for in the kernel (dates as Date, bigints as
 * bigint, containers as arrays and objects), so filters and previews read it as the kernel does.
 */
export function plainOf(d: DecodedValue): unknown {
  switch (d.kind) {
    case "string":
      return d.text;
    case "number":
    case "nan":
    case "inf":
      return d.num;
    case "boolean":
      return d.text === "true";
    case "null":
      return null;
    case "undefined":
      return undefined;
    case "bigint":
      return d.big ?? d.num;
    case "date":
      return new Date(d.num ?? Number.NaN);
    case "array":
      return (d.entries ?? []).map(([, x]) => plainOf(x));
    case "record": {
      const o: Record<string, unknown> = {};
      for (const [k, x] of d.entries ?? []) o[k] = plainOf(x);
      return o;
    }
    default:
      return d.text;
  }
}

/** Full plain-text form of a value, for the clipboard (containers as indented JSON-like text). */
export function copyText(d: DecodedValue): string {
  if (d.kind === "array" || d.kind === "record") return JSON.stringify(toPlain(d), null, 2);
  return d.text;
}

function toPlain(d: DecodedValue): unknown {
  if (d.kind === "array") return (d.entries ?? []).map(([, x]) => toPlain(x));
  if (d.kind === "record") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of d.entries ?? []) o[k] = toPlain(x);
    return o;
  }
  if (d.kind === "number") return d.num;
  if (d.kind === "boolean") return d.text === "true";
  if (d.kind === "null") return null;
  return d.text;
}

/** One line of an expanded nested value: indentation depth, key and short text. */
export interface TreeLine {
  depth: number;
  key: string;
  value: DecodedValue;
}

/**
 * Flattens the children of a nested value into indented lines (depth-first), at most
 * `limit` lines; the grid shows them under an expanded row.
 */
export function flattenTree(d: DecodedValue, limit = 50): { lines: TreeLine[]; truncated: number } {
  const lines: TreeLine[] = [];
  let truncated = 0;
  const walk = (v: DecodedValue, depth: number): void => {
    for (const [k, child] of v.entries ?? []) {
      if (lines.length >= limit) {
        truncated++;
        continue;
      }
      lines.push({ depth, key: k, value: child });
      if (isExpandable(child)) walk(child, depth + 1);
    }
  };
  walk(d, 0);
  return { lines, truncated };
}
