/**
 * Stage by stage: every PCollection the reference solution labels, compared as a multiset
 * with the submission's PCollection under the same label (or the same variable name), and
 * one sentence that says where the rows went wrong:
 * "3 rows lost at `Filter active`; 2 rows with a different `dob` after `Format dob`;
 * everything matches from `Dedup` on". Pure (values arrive decoded).
 */
import { diffRows, type RowDiff } from "../testing/diff";
import type { StageComparison, StageRows } from "./results";

/** One stage as recorded by a worker, its elements decoded. */
export interface StageValues {
  label: string;
  variable: string | null;
  foundBy: "label" | "variable" | null;
  /** Null when not found or failed. */
  count: number | null;
  /** Null when not found, failed, or too many to compare row by row. */
  elements: unknown[] | null;
  error: string | null;
}

const SAMPLE_ROWS = 5;

/** An error's first line, short: the notebook's "to go on: ..." advice does not apply to a graded run. */
function firstLine(message: string): string {
  const line = message.split("\n")[0].trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}

/** A value as JSON can hold it, for reports: dates as ISO text, bigints as `12n`, missing values as null. */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v !== "object") return typeof v === "function" || typeof v === "symbol" ? String(v) : v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (depth > 8) return "…";
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), jsonSafe(x, depth + 1)]));
  if (v instanceof Set) return [...v].map((x) => jsonSafe(x, depth + 1));
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonSafe(x, depth + 1)]));
}

function sampleRows(d: RowDiff<unknown>): StageRows {
  return {
    missing: d.missing.slice(0, SAMPLE_ROWS).map((r) => jsonSafe(r)),
    unexpected: d.unexpected.slice(0, SAMPLE_ROWS).map((r) => jsonSafe(r)),
    changed: d.changed.slice(0, SAMPLE_ROWS).map((c) => ({ expected: jsonSafe(c.expected), actual: jsonSafe(c.actual), fields: c.fields.map((f) => f.field) })),
  };
}

function fieldsByFrequency(d: RowDiff<unknown>): string[] {
  const n = new Map<string, number>();
  for (const c of d.changed) for (const f of c.fields) n.set(f.field, (n.get(f.field) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1]).map(([f]) => f);
}

/** Compares one reference stage with the submission's. */
export function compareStage(ref: StageValues, actual: StageValues | undefined): StageComparison {
  const base = { label: ref.label, variable: ref.variable, expectedCount: ref.count ?? 0, missingRows: 0, unexpectedRows: 0, changedRows: 0, changedFields: [] as string[], rows: null as StageRows | null };
  if (!actual || actual.foundBy === null) {
    return { ...base, foundBy: null, status: "missing", actualCount: null, note: `no PCollection labelled \`${ref.label}\`${ref.variable ? ` nor a variable \`${ref.variable}\`` : ""}` };
  }
  if (actual.error !== null || actual.count === null) {
    return { ...base, foundBy: actual.foundBy, status: "error", actualCount: null, note: firstLine(actual.error ?? "could not be computed") };
  }
  if (ref.elements === null || actual.elements === null) {
    const same = ref.count === actual.count;
    return { ...base, foundBy: actual.foundBy, status: same ? "match" : "differs", actualCount: actual.count, note: "too many elements to compare row by row: counts only" };
  }
  const d = diffRows(ref.elements, actual.elements);
  return {
    ...base,
    foundBy: actual.foundBy,
    status: d.equal ? "match" : "differs",
    actualCount: actual.count,
    missingRows: d.missing.length,
    unexpectedRows: d.unexpected.length,
    changedRows: d.changed.length,
    changedFields: fieldsByFrequency(d),
    rows: d.equal ? null : sampleRows(d),
    note: null,
  };
}

const rows = (n: number) => `${n} row${n === 1 ? "" : "s"}`;

/** What a differing stage did, in words: "3 rows lost, 2 rows with a different `dob`". */
function whatDiffers(s: StageComparison): string {
  const parts: string[] = [];
  if (s.changedRows) parts.push(`${rows(s.changedRows)} with a different ${s.changedFields.slice(0, 3).map((f) => `\`${f}\``).join(", ")}`);
  if (s.missingRows) parts.push(`${rows(s.missingRows)} lost`);
  if (s.unexpectedRows) parts.push(`${rows(s.unexpectedRows)} extra`);
  if (!parts.length && s.actualCount !== null && s.actualCount !== s.expectedCount) parts.push(`${s.actualCount} elements instead of ${s.expectedCount}`);
  return parts.join(", ") || "different elements";
}

const signature = (s: StageComparison) => `${s.status}:${s.missingRows}:${s.unexpectedRows}:${s.changedRows}:${s.changedFields.join(",")}`;

/**
 * One sentence over the stages, in the reference's order. A stage is named where a
 * difference first appears (or changes); stages that only carry an earlier difference on
 * are not repeated; trailing matching stages read "everything matches from X on".
 */
export function stageSummary(stages: readonly StageComparison[]): string | null {
  if (stages.length === 0) return null;
  if (stages.every((s) => s.status === "match")) return `every stage matches the reference (${stages.length} compared)`;
  const parts: string[] = [];
  let previous = "match";
  let lastBad = -1;
  stages.forEach((s, i) => {
    if (s.status === "match") {
      previous = "match";
      return;
    }
    lastBad = i;
    const sig = signature(s);
    if (sig === previous) return;
    previous = sig;
    if (s.status === "missing") parts.push(`${s.note} (expected ${rows(s.expectedCount)})`);
    else if (s.status === "error") parts.push(`\`${s.label}\` failed: ${s.note}`);
    else if (s.changedRows && !s.missingRows && !s.unexpectedRows) parts.push(`${whatDiffers(s)} after \`${s.label}\``);
    else parts.push(`${whatDiffers(s)} at \`${s.label}\``);
  });
  const firstMatchAfter = stages.findIndex((s, i) => i > lastBad && s.status === "match");
  if (firstMatchAfter > 0) parts.push(`everything matches from \`${stages[firstMatchAfter].label}\` on`);
  else if (stages[0].status === "match") {
    const firstBad = stages.findIndex((s) => s.status !== "match");
    parts.unshift(`matches up to \`${stages[firstBad - 1].label}\``);
  }
  return parts.join("; ");
}
