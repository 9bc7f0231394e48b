/**
 * The display bundle of a PCollection or table: our MIME type with a bounded sample for
 * the extension, an escaped HTML table and a text table for every other viewer.
 */
import { columnsOf, shapeOf, type ElementShape } from "../collect";
import type { DeclaredColumn } from "../pipeline/pvalue";
import { applyDeclared, displayText, encodeValue, inferColumns, isNumericType, plural } from "./encode";
import { escapeHtml } from "./html";
import { PCOLLECTION_MIME, PROTOCOL_VERSION, pageCode, type ColumnType, type EncodedValue, type PCollectionPayload, type PipelineRef } from "./protocol";

/** What a table display shows. */
export interface TableSource {
  label: string;
  pipeline: PipelineRef | null;
  pcollection: string | null;
  /** Elements from `offset` on (at least as many as will be embedded). */
  elements: readonly unknown[];
  offset?: number;
  total: number | null;
  /** Column names (default: inferred from the elements); with no elements, the columns shown. */
  columns?: string[];
  /** How elements map to columns (default: inferred from the elements). */
  shape?: ElementShape;
  /** Declared columns (a source's schema): they type the columns, even when there are no elements. */
  schema?: readonly DeclaredColumn[] | null;
  /** What the count line counts: a PCollection's elements (default) or a table's rows. */
  unit?: "element" | "row";
}

/** Limits that keep a saved notebook small whatever the PCollection's size. */
export const EMBED_LIMITS = { rows: 1000, bytes: 150_000, htmlRows: 50, textRows: 20 };

/** Rows of elements by shape. */
function rowsOf(elements: readonly unknown[], shape: ReturnType<typeof shapeOf>, names: string[]): Record<string, unknown>[] {
  return elements.map((e) => {
    if (shape === "kv") return { key: (e as unknown[])[0], value: (e as unknown[])[1] };
    if (shape === "element") return { element: e };
    const r: Record<string, unknown> = {};
    for (const n of names) r[n] = (e as Record<string, unknown>)[n];
    return r;
  });
}

/** The payload of our MIME type: at most `limit` rows, cut to the byte budget. */
export function tablePayload(src: TableSource, limit = EMBED_LIMITS.rows, budget = EMBED_LIMITS.bytes): PCollectionPayload {
  const sample = src.elements.slice(0, limit);
  const declaredNames = src.schema?.length ? src.schema.map((c) => c.name) : undefined;
  const given = src.columns?.length ? src.columns : sample.length === 0 ? declaredNames : undefined;
  const shape = src.shape ?? (sample.length === 0 && given ? "record" : shapeOf(sample));
  const names = given ?? columnsOf(sample, shape);
  const rows = rowsOf(sample, shape, names);
  const encoded: Record<string, EncodedValue>[] = [];
  let bytes = 0;
  for (const r of rows) {
    const e: Record<string, EncodedValue> = {};
    for (const n of names) e[n] = encodeValue(r[n]);
    bytes += JSON.stringify(e).length;
    if (bytes > budget && encoded.length > 0) break;
    encoded.push(e);
  }
  const columns: Record<string, unknown[]> = {};
  for (const n of names) columns[n] = rows.slice(0, encoded.length).map((r) => r[n]);
  const groupColumns = shape === "kv" ? new Set(["value"]) : new Set<string>();
  return {
    version: PROTOCOL_VERSION,
    pipeline: src.pipeline,
    label: src.label,
    pcollection: src.pcollection,
    columns: shape === "record" ? applyDeclared(inferColumns(names, columns, groupColumns), src.schema, encoded.length === 0) : inferColumns(names, columns, groupColumns),
    shape,
    rows: encoded,
    offset: src.offset ?? 0,
    total: src.total,
    pageCode: src.pipeline && src.pcollection ? pageCode({ pipeline: src.pipeline.id, pcollection: src.pcollection, offset: 0, limit: 0 }) : null,
  };
}

/** `3 elements`, `showing 50 of 300000 elements`, `1 row`. */
export function countLine(shown: number, total: number | null, unit: "element" | "row" = "element"): string {
  if (total === null) return `showing ${plural(shown, unit)}`;
  return shown >= total ? plural(total, unit) : `showing ${shown} of ${plural(total, unit)}`;
}

function cellHtml(v: unknown, type: string): string {
  if (v === null) return "<em>null</em>";
  if (v === undefined) return "<em>undefined</em>";
  if (typeof v === "number" && Number.isNaN(v)) return "<em>NaN</em>";
  if (type === "group" && Array.isArray(v) && !v.every((x) => x !== null && typeof x === "object" && !Array.isArray(x))) {
    return `<em>[${plural(v.length, "value")}]</em> ${escapeHtml(displayText(v.slice(0, 10)))}`;
  }
  return escapeHtml(displayText(v));
}

/**
 * Alignment as attributes: nbconvert's and JupyterLab's stylesheets right-align every
 * table cell, and an inline style is what overrides them (`align` is for viewers that
 * strip styles, such as GitHub's).
 */
function alignAttrs(type: string): string {
  const side = isNumericType(type as ColumnType) ? "right" : "left";
  // A long unbroken value (a hash, a URL) wraps inside its cell instead of widening the page.
  return ` align="${side}" style="text-align: ${side}; overflow-wrap: anywhere"`;
}

/** An HTML table (escaped) of the first rows, with the count and the label. */
export function tableHtml(payload: PCollectionPayload, source: TableSource, maxRows = EMBED_LIMITS.htmlRows): string {
  const shown = Math.min(maxRows, payload.rows.length);
  const names = payload.columns.map((c) => c.name);
  const rows = rowsOf(source.elements.slice(0, shown), payload.shape, names);
  const head = payload.columns.map((c) => `<th${alignAttrs(c.type)}>${escapeHtml(c.name)} <small>${escapeHtml(c.type)}</small></th>`).join("");
  const body = rows.map((r) => `<tr>${payload.columns.map((c) => `<td${alignAttrs(c.type)}>${cellHtml(r[c.name], c.type)}</td>`).join("")}</tr>`).join("\n");
  const caption = `<strong>${escapeHtml(payload.label)}</strong> — ${escapeHtml(countLine(shown, payload.total, source.unit))}`;
  return `<div class="beamlab-table"><p>${caption}</p>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A plain-text table of the first rows. */
export function tableText(payload: PCollectionPayload, source: TableSource, maxRows = EMBED_LIMITS.textRows): string {
  const shown = Math.min(maxRows, payload.rows.length);
  const names = payload.columns.map((c) => c.name);
  const rows = rowsOf(source.elements.slice(0, shown), payload.shape, names).map((r) => names.map((n) => displayText(r[n], 40)));
  const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => r[i].length)));
  const right = payload.columns.map((c) => isNumericType(c.type));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ");
  return [`${payload.label} — ${countLine(shown, payload.total, source.unit)}`, line(names), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)].join("\n");
}

/** The full display bundle for a table. */
export function tableBundle(src: TableSource, opts: { n?: number } = {}): Record<string, unknown> {
  const payload = tablePayload(src, opts.n ?? EMBED_LIMITS.rows);
  return {
    [PCOLLECTION_MIME]: payload,
    "text/html": tableHtml(payload, src, Math.min(opts.n ?? Infinity, EMBED_LIMITS.htmlRows)),
    "text/plain": tableText(payload, src, Math.min(opts.n ?? Infinity, EMBED_LIMITS.textRows)),
  };
}
