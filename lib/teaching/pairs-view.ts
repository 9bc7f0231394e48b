/**
 * Before/after pairs as a display bundle: a text table, an escaped HTML table with the
 * changed fields marked (highlighted, and written `before → after`, so colour is not the
 * only cue),
 * and the bounded JSON payload for a player. When there are more rows than a notebook
 * should hold, the rows that are not unchanged come first.
 */
import { isRecord } from "../collect";
import { encodeValue } from "../display/encode";
import { escapeHtml } from "../display/html";
import { formatRow, formatValue } from "../testing/format";
import type { FieldChange } from "./changes";
import type { PairRow, Pairs } from "./pairing";
import { PAIRS_MIME, PAYLOAD_LIMITS, pairsSummaryText, type PairsPayload } from "./protocol";

const TEXT_ROWS = 20;
const HTML_ROWS = 50;
const MARK = `style="background: var(--jp-warn-color3, #fff3cd); color: inherit"`;

/** The display bundle of pairs. */
export function pairsBundle(pairs: Pairs<unknown, unknown>): Record<string, unknown> {
  return { [PAIRS_MIME]: pairsPayload(pairs), "text/html": pairsHtml(pairs), "text/plain": pairsText(pairs) };
}

/** The rows worth showing first when not all fit: changed, dropped, added and fan-out before unchanged. */
function shownRows<I, O>(pairs: Pairs<I, O>, max: number): readonly PairRow<I, O>[] {
  if (pairs.rows.length <= max) return pairs.rows;
  const interesting = (r: PairRow<I, O>) => r.status !== "unchanged" || r.fanOut !== null;
  // Unchanged rows fill what the interesting ones leave, in order.
  let spare = max - pairs.rows.filter(interesting).length;
  return pairs.rows.filter((r) => interesting(r) || spare-- > 0).slice(0, max);
}

/** `Format dob (ParDo): 13 → 13 elements, paired by lineage: 5 changed, 8 unchanged`. */
export function pairsSummary(pairs: Pairs<unknown, unknown>): string {
  return pairsSummaryText(pairs);
}

function statusText(r: PairRow<unknown, unknown>): string {
  return r.fanOut ? `${r.status}, ${r.fanOut.position + 1} of ${r.fanOut.of}` : r.status;
}

function indexText(r: PairRow<unknown, unknown>): string {
  return `${r.beforeIndex === null ? "-" : `#${r.beforeIndex}`} → ${r.afterIndex === null ? "-" : `#${r.afterIndex}`}`;
}

function changesText(changes: readonly FieldChange[]): string {
  return changes.map((c) => `${c.field === null ? "" : `${c.field}: `}${formatValue(c.before)} → ${formatValue(c.after)}`).join("; ");
}

/** The pairs as plain text. */
export function pairsText(pairs: Pairs<unknown, unknown>): string {
  const rows = shownRows(pairs, TEXT_ROWS);
  const lines = [pairsSummary(pairs)];
  for (const r of rows) {
    const what = r.status === "changed" ? changesText(r.changes) : formatRow(r.status === "added" ? r.after : r.before);
    lines.push(`  ${indexText(r).padEnd(13)} ${statusText(r).padEnd(16)} ${what}`);
  }
  if (rows.length < pairs.rows.length) lines.push(`  … showing ${rows.length} of ${pairs.rows.length} rows`);
  for (const n of pairs.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

/** The fields of the record rows, in first-seen order; null when some row is not a record (then each side is one cell). */
function recordColumns(rows: readonly PairRow<unknown, unknown>[]): string[] | null {
  const names = new Set<string>();
  for (const r of rows) {
    for (const side of [r.status === "added" ? undefined : r.before, r.status === "dropped" ? undefined : r.after]) {
      if (side === undefined) continue;
      if (!isRecord(side)) return null;
      for (const k of Object.keys(side)) names.add(k);
    }
  }
  return [...names];
}

const LEFT = `align="left" style="text-align: left; vertical-align: top"`;

function marked(html: string): string {
  return `<mark ${MARK} title="changed">${html}</mark>`;
}

/** A record row: one cell per field, a changed field as `before → after`, highlighted. */
function recordCells(r: PairRow<unknown, unknown>, columns: readonly string[]): string {
  const changed = new Map(r.changes.flatMap((c) => (c.field === null ? [] : [[c.field, c] as const])));
  const value = (v: unknown, k: string) => (v !== undefined && Object.prototype.hasOwnProperty.call(v, k) ? `<code>${escapeHtml(formatValue((v as Record<string, unknown>)[k]))}</code>` : "");
  return columns
    .map((k) => {
      const c = changed.get(k);
      if (c) return `<td ${LEFT}>${marked(`<code>${escapeHtml(formatValue(c.before))}</code> → <code>${escapeHtml(formatValue(c.after))}</code>`)}</td>`;
      return `<td ${LEFT}>${value(r.status === "added" ? r.after : r.before, k)}</td>`;
    })
    .join("");
}

/** Any other row: the element before and the element after, each whole, highlighted when it changed as a whole. */
function wholeCells(r: PairRow<unknown, unknown>): string {
  const whole = r.changes.length > 0;
  const cell = (v: unknown, present: boolean) => (present ? (whole ? marked(`<code>${escapeHtml(formatRow(v))}</code>`) : `<code>${escapeHtml(formatRow(v))}</code>`) : "");
  return `<td ${LEFT}>${cell(r.before, r.status !== "added")}</td><td ${LEFT}>${cell(r.after, r.status !== "dropped")}</td>`;
}

/** The pairs as an escaped HTML table (at most `maxRows` rows): records field by field, other elements whole. */
export function pairsHtml(pairs: Pairs<unknown, unknown>, maxRows = HTML_ROWS): string {
  const rows = shownRows(pairs, maxRows);
  const columns = recordColumns(rows);
  const head = columns
    ? columns.map((k) => `<th ${LEFT}>${escapeHtml(k)}</th>`).join("")
    : `<th ${LEFT}>before: ${escapeHtml(pairs.before)}</th><th ${LEFT}>after: ${escapeHtml(pairs.after)}</th>`;
  const body = rows.map((r) => `<tr><td ${LEFT}>${escapeHtml(indexText(r))}</td><td ${LEFT}>${escapeHtml(statusText(r))}</td>${columns ? recordCells(r, columns) : wholeCells(r)}</tr>`);
  const more = rows.length < pairs.rows.length ? `<p><em>showing ${rows.length} of ${pairs.rows.length} rows (every changed, dropped, added and fanned-out row first)</em></p>` : "";
  const notes = pairs.notes.length ? `<ul>${pairs.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
  const legend = columns ? `<p><small>A changed field reads <code>before → after</code>, highlighted.</small></p>` : "";
  return [
    `<div class="beamlab-pairs">`,
    `<p><strong>${escapeHtml(pairsSummary(pairs))}</strong></p>`,
    legend,
    `<table>`,
    `<thead><tr><th ${LEFT}>#</th><th ${LEFT}>change</th>${head}</tr></thead>`,
    `<tbody>`,
    ...body,
    `</tbody>`,
    `</table>`,
    more,
    notes,
    `</div>`,
  ].filter((x) => x !== "").join("\n");
}

/** The bounded JSON payload of pairs. */
export function pairsPayload(pairs: Pairs<unknown, unknown>): PairsPayload {
  const rows = shownRows(pairs, PAYLOAD_LIMITS.rows);
  return {
    version: 1,
    before: pairs.before,
    after: pairs.after,
    step: pairs.step,
    method: pairs.method,
    counts: { ...pairs.counts },
    rows: rows.map((r) => ({
      status: r.status,
      beforeIndex: r.beforeIndex,
      afterIndex: r.afterIndex,
      before: r.status === "added" ? null : encodeValue(r.before),
      after: r.status === "dropped" ? null : encodeValue(r.after),
      changed: r.changes.map((c) => c.field ?? ""),
      fanOut: r.fanOut,
    })),
    truncated: rows.length < pairs.rows.length,
    notes: [...pairs.notes],
  };
}
