/**
 * The row diff as text for an assertion message: totals, then changed rows (with the changed
 * fields marked), missing rows and unexpected rows, at most a few of each. Never throws,
 * whatever the values are.
 */
import { displayText, plural } from "../display/encode";
import { isRecord } from "../collect";
import { truncate } from "../errors";
import type { RowDiff } from "./diff";

/** Options of {@link formatDiff}. */
export interface FormatDiffOptions {
  /** Most rows shown of each kind (default 20). */
  readonly limit?: number;
  /** Indentation of every line (default two spaces). */
  readonly indent?: string;
}

const VALUE_CHARS = 60;
const ROW_CHARS = 200;

/** A value as one short line of text: strings quoted, everything else as the tables show it. */
export function formatValue(v: unknown, max = VALUE_CHARS): string {
  try {
    if (typeof v === "string") {
      // Cut before quoting: a 100k-character string is never copied whole.
      const cut = v.length > max ? `${v.slice(0, max - 1)}…` : v;
      return JSON.stringify(cut);
    }
    if (v instanceof Date || typeof v !== "object" || v === null) return displayText(v, max);
    return truncate(v, max);
  } catch {
    return fallback(v, max);
  }
}

/** A row as one line: records as `{ field: value, ... }` (in the given field order), else as a value. */
export function formatRow(row: unknown, max = ROW_CHARS): string {
  try {
    if (!isRecord(row)) return formatValue(row, max);
    const parts: string[] = [];
    let length = 4;
    for (const k of Object.keys(row)) {
      let v: unknown;
      try {
        v = row[k];
      } catch {
        v = "[unreadable]";
      }
      const part = `${fieldName(k)}: ${formatValue(v)}`;
      parts.push(part);
      length += part.length + 2;
      if (length > max) break;
    }
    const text = `{ ${parts.join(", ")} }`;
    return text.length > max ? `${text.slice(0, max - 3)}… }` : text;
  } catch {
    return fallback(row, max);
  }
}

function fieldName(k: string): string {
  const cut = k.length > 40 ? `${k.slice(0, 39)}…` : k;
  return /^[A-Za-z_$][\w$]*$/.test(cut) ? cut : JSON.stringify(cut);
}

function fallback(v: unknown, max: number): string {
  try {
    return truncate(v, max);
  } catch {
    return "[a value that cannot be shown]";
  }
}

/**
 * The totals of a diff as one line: "3 missing, 1 unexpected, 2 changed of 12 expected rows
 * (10 actual)".
 */
export function summarizeDiff(diff: RowDiff<unknown>): string {
  const parts = [
    diff.missing.length ? `${diff.missing.length} missing` : "",
    diff.unexpected.length ? `${diff.unexpected.length} unexpected` : "",
    diff.changed.length ? `${diff.changed.length} changed` : "",
  ].filter(Boolean);
  const what = parts.length ? parts.join(", ") : "no differences";
  return `${what} of ${plural(diff.expectedCount, "expected row")} (${diff.actualCount} actual)`;
}

/**
 * A readable diff: the totals line, then up to `limit` changed, missing and unexpected rows,
 * each kind saying how many it leaves out.
 *
 * @example
 * console.log(beam.testing.formatDiff(beam.testing.diffRows(expected, actual)));
 * // 1 changed of 2 expected rows (2 actual)
 * //   changed (1; the actual row, then each changed field: expected → actual):
 * //     { sid: "s1", dob: "01/02/1990" }
 * //       dob: "1990-01-02" → "01/02/1990"
 */
export function formatDiff(diff: RowDiff<unknown>, opts: FormatDiffOptions = {}): string {
  const limit = Math.max(0, opts.limit ?? 20);
  const pad = opts.indent ?? "  ";
  const lines = [summarizeDiff(diff)];
  const section = <R>(title: string, rows: readonly R[], render: (r: R) => string[], legend = "") => {
    if (!rows.length) return;
    lines.push(`${pad}${title} (${rows.length}${legend}):`);
    for (const r of rows.slice(0, limit)) for (const l of render(r)) lines.push(`${pad}  ${l}`);
    if (rows.length > limit) lines.push(`${pad}  … and ${rows.length - limit} more ${title} rows`);
  };
  section("changed", diff.changed, (c) => [
    formatRow(c.actual),
    ...c.fields.map((f) => `  ${fieldName(f.field)}: ${formatValue(f.expected)} → ${formatValue(f.actual)}`),
  ], "; the actual row, then each changed field: expected → actual");
  section("missing", diff.missing, (r) => [formatRow(r)]);
  section("unexpected", diff.unexpected, (r) => [formatRow(r)]);
  return lines.join("\n");
}
