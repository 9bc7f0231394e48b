/**
 * The sample rows of a stage that differs, as small tables: the expected rows missing from
 * the student's, the student's rows nobody expected, and changed rows with each changed
 * field shown as expected → yours. Values are shown as the assertion messages show them
 * (strings quoted, cut short), then escaped.
 */
import { isRecord } from "../../collect";
import { formatRow, formatValue } from "../../testing/format";
import type { StageComparison } from "../results";
import { esc } from "./page";

/** Most rows shown of each kind, and most columns of a table. */
const MAX_ROWS = 10;
const MAX_COLUMNS = 12;
const VALUE_CHARS = 80;

const cell = (v: unknown) => esc(formatValue(v, VALUE_CHARS));

function columnsOf(rows: readonly Record<string, unknown>[]): { names: string[]; more: number } {
  const names = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) names.add(k);
  const all = [...names];
  return { names: all.slice(0, MAX_COLUMNS), more: Math.max(0, all.length - MAX_COLUMNS) };
}

function caption(title: string, total: number, shown: number): string {
  const of = total > shown ? `${total} rows, the first ${shown} shown` : `${total} ${total === 1 ? "row" : "rows"}`;
  return `<h5 class="sample-title">${title} <span class="muted">(${of})</span></h5>`;
}

function moreColumns(more: number): string {
  return more ? `<p class="muted">… and ${more} more fields not shown.</p>` : "";
}

/** Missing or unexpected rows: one column per field when they are records, else one per row. */
function plainRows(title: string, rows: readonly unknown[], total: number): string {
  if (!rows.length) return "";
  const shown = rows.slice(0, MAX_ROWS);
  const head = caption(title, Math.max(total, rows.length), shown.length);
  if (!shown.every(isRecord)) {
    const body = shown.map((r) => `<tr><td>${esc(formatRow(r))}</td></tr>`).join("");
    return `${head}<div class="scroll"><table><thead><tr><th>row</th></tr></thead><tbody>${body}</tbody></table></div>`;
  }
  const records = shown as Record<string, unknown>[];
  const { names, more } = columnsOf(records);
  const th = names.map((n) => `<th>${esc(n, 60)}</th>`).join("");
  const body = records.map((r) => `<tr>${names.map((n) => `<td>${n in r ? cell(r[n]) : '<span class="muted">—</span>'}</td>`).join("")}</tr>`).join("");
  return `${head}<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>${moreColumns(more)}`;
}

/** Changed rows: the student's row, each changed field as `expected → yours`. */
function changedRows(rows: StageComparison["rows"] & object, total: number): string {
  if (!rows.changed.length) return "";
  const shown = rows.changed.slice(0, MAX_ROWS);
  const head = caption("Changed: expected rows that came out with some fields different", Math.max(total, rows.changed.length), shown.length);
  if (!shown.every((c) => isRecord(c.expected) && isRecord(c.actual))) {
    const body = shown.map((c) => `<tr><td>${esc(formatRow(c.expected))}</td><td>${esc(formatRow(c.actual))}</td></tr>`).join("");
    return `${head}<div class="scroll"><table><thead><tr><th>expected</th><th>yours</th></tr></thead><tbody>${body}</tbody></table></div>`;
  }
  const pairs = shown as Array<{ expected: Record<string, unknown>; actual: Record<string, unknown>; fields: string[] }>;
  const { names, more } = columnsOf(pairs.flatMap((c) => [c.actual, c.expected]));
  const anyChanged = new Set(pairs.flatMap((c) => c.fields));
  const th = names.map((n) => `<th${anyChanged.has(n) ? ' class="changed"' : ""}>${esc(n, 60)}</th>`).join("");
  const body = pairs
    .map((c) => {
      const changed = new Set(c.fields);
      const tds = names.map((n) => {
        const mine = n in c.actual ? cell(c.actual[n]) : '<span class="muted">(absent)</span>';
        if (!changed.has(n)) return `<td>${mine}</td>`;
        const theirs = n in c.expected ? cell(c.expected[n]) : "(absent)";
        return `<td class="changed"><del title="expected">${theirs}</del> <span aria-hidden="true">→</span> <ins title="yours">${mine}</ins></td>`;
      });
      return `<tr>${tds.join("")}</tr>`;
    })
    .join("");
  const legend = '<p class="muted">Highlighted cells are the fields that differ: <del>expected</del> → <ins>yours</ins>.</p>';
  return `${head}${legend}<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>${moreColumns(more)}`;
}

/** The sample-row tables of a stage (empty when it has none). Never throws, whatever the rows hold. */
export function sampleRowsHtml(st: StageComparison): string {
  const rows = st.rows;
  if (!rows) return "";
  try {
    return [
      plainRows("Missing: expected rows that are not in yours", rows.missing, st.missingRows),
      plainRows("Unexpected: rows in yours that were not expected", rows.unexpected, st.unexpectedRows),
      changedRows(rows, st.changedRows),
    ].join("");
  } catch {
    return '<p class="muted">These rows cannot be shown.</p>';
  }
}
