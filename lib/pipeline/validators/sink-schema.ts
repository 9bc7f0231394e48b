/**
 * Sinks with a schema (WriteToTable) against the columns their input is declared to have
 * (a ReadFromSQL or a ReadFromCsv with a schema, through steps that keep its elements): a
 * column the table does not have, a required field the rows lack, or a type that cannot be
 * written into the table's would fail at the first row; found here, before any work. When the
 * input's columns are not declared (after a Map), the types do not say, and nothing is checked.
 */
import type { BigQueryType } from "../../io/schema";
import type { PipelineValidator, ValidationFinding } from "../validate";

type Family = "string" | "number" | "integer" | "boolean" | "time";

function family(t: BigQueryType): Family {
  switch (t) {
    case "STRING":
      return "string";
    case "INTEGER":
    case "INT64":
      return "integer";
    case "FLOAT":
    case "FLOAT64":
    case "NUMERIC":
      return "number";
    case "BOOLEAN":
    case "BOOL":
      return "boolean";
    default:
      return "time";
  }
}

/** null when a value of `from` can be written as `to`; else a warning (may fail) or an error (will fail). */
function mismatch(from: BigQueryType, to: BigQueryType): "warning" | "error" | null {
  const a = family(from);
  const b = family(to);
  // Text is parsed into every type, and every non-temporal value is written as text.
  if (a === b || a === "string" || (b === "string" && a !== "time") || (a === "integer" && b === "number")) return null;
  if (a === "number" && b === "integer") return "warning";
  return "error";
}

export const sinkSchemaValidator: PipelineValidator = {
  name: "sink-schema",
  description: "a sink's schema fits the columns its input declares",
  check(ctx) {
    const findings: ValidationFinding[] = [];
    for (const n of ctx.nodes) {
      if (n.primitive?.kind !== "Write" || typeof n.primitive.sink.schema !== "function") continue;
      const input = n.inputs[0];
      const columns = input?.schema;
      if (!columns || columns.length === 0) continue;
      const fields = n.primitive.sink.schema();
      const byName = new Map(fields.map((f) => [f.name, f]));
      const have = new Set(columns.map((c) => c.name));
      const push = (severity: "error" | "warning", message: string, hint: string) => findings.push({ severity, check: "sink-schema", label: n.fullLabel, message, hint });
      const extra = columns.filter((c) => !byName.has(c.name)).map((c) => c.name);
      if (extra.length) {
        push("error", `The input ${input.label} has the column${extra.length > 1 ? "s" : ""} ${extra.join(", ")}, which the table's schema does not`, `add ${extra.length > 1 ? "them" : "it"} to the schema, or drop ${extra.length > 1 ? "them" : "it"} first, e.g. beam.Map(({ ${extra[0]}, ...rest }) => rest).`);
      }
      for (const f of fields) {
        if (f.mode === "REQUIRED" && !have.has(f.name)) push("error", `The table's field ${f.name} is REQUIRED, but the input ${input.label} has no such column`, `add ${f.name} to every row in an earlier step, or make the field NULLABLE.`);
      }
      for (const c of columns) {
        const f = byName.get(c.name);
        if (!f || c.type === null) continue;
        const m = mismatch(c.type, f.type);
        if (m) push(m, `The column ${c.name} is ${c.type} in ${input.label} but ${f.type} in the table's schema`, m === "error" ? `convert ${c.name} in an earlier step, or change its type in the schema to ${c.type}.` : `values of ${c.name} with a fraction will fail; round them first or make the field ${c.type}.`);
      }
    }
    return findings;
  },
};
