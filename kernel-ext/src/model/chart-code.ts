/**
 * Quick charts from a table column: the `beam.chart(...)` code a student would write for
 * it (value counts of a text column, a histogram of a numeric one). The table inserts
 * this code into a new cell instead of drawing the chart itself, so the student sees and
 * learns the API of lib/display/chart.ts.
 *
 * Pure module (no DOM): unit-tested in test/kernel-ext/chart-code.test.ts.
 */
import type { ColumnSchema, PCollectionPayload } from "../../../lib/display/protocol";

export type QuickChart =
  | { ok: true; kind: "count" | "histogram"; code: string; description: string }
  | { ok: false; reason: string };

/** The name the course notebooks import the library as (`import * as beam from "beamlab"`). */
export const LIBRARY_NAME = "beam";

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined NaN Infinity"
  ).split(" "),
);

/** True when `name` can be written as a bare variable reference in the generated code. */
export function isIdentifier(name: unknown): name is string {
  return typeof name === "string" && /^[A-Za-z_$][\w$]*$/.test(name) && !RESERVED.has(name);
}

/**
 * True for the names the kernel gives PCollections (lib/interactive/names.ts): a
 * variable, a field of one (`out.takes`) or an element of an array (`parts[0]`).
 */
export function isVariableRef(name: unknown): name is string {
  if (typeof name !== "string") return false;
  const m = /^([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\])*)$/.exec(name);
  return !!m && isIdentifier(m[1]);
}

const NUMERIC = new Set<ColumnSchema["type"]>(["number", "integer", "bigint"]);
const CATEGORICAL = new Set<ColumnSchema["type"]>(["string", "boolean", "date", "mixed"]);

/**
 * The variable a PCollection payload was shown from: its `varName` when the kernel (or
 * the inspector) sent one. The label (`teachers (Split instructor)`) is deliberately not
 * parsed: a transform label can look like that too.
 */
export function payloadVarName(payload: Pick<PCollectionPayload, "varName" | "pipeline" | "pcollection">): string | null {
  if (!payload.pipeline || !payload.pcollection) return null;
  return isVariableRef(payload.varName) ? payload.varName : null;
}

/** The quick-chart action for `column` of a table showing `payload`. */
export function quickChart(
  payload: Pick<PCollectionPayload, "varName" | "pipeline" | "pcollection">,
  column: ColumnSchema,
): QuickChart {
  const v = payloadVarName(payload);
  if (!v) {
    return {
      ok: false,
      reason: payload.pipeline && payload.pcollection
        ? "No variable name is known for this PCollection: assign it to a variable (const x = …) and show it with beam.show(x) to chart its columns."
        : "Only a PCollection shown from a variable can be charted from here; for other data write beam.chart(rows)… yourself.",
    };
  }
  const field = JSON.stringify(column.name);
  if (NUMERIC.has(column.type)) {
    return {
      ok: true,
      kind: "histogram",
      code: `await ${LIBRARY_NAME}.show(${LIBRARY_NAME}.chart(${v}).histogram(${field}));`,
      description: `Insert a histogram of ${column.name} in a new cell`,
    };
  }
  if (CATEGORICAL.has(column.type)) {
    return {
      ok: true,
      kind: "count",
      code: `await ${LIBRARY_NAME}.show(${LIBRARY_NAME}.chart(${v}).count(${field}));`,
      description: `Insert a chart of how often each ${column.name} occurs in a new cell`,
    };
  }
  const what = column.type === "null" ? "only null values" : `${column.type} values`;
  return { ok: false, reason: `Column ${column.name} holds ${what}; quick charts need text or numbers.` };
}
