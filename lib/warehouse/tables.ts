/**
 * Warehouse tables in BigQuery's terms: `dataset.table` names, write and create
 * dispositions, and the DuckDB column type of each BigQuery type.
 */
import { error } from "../errors";
import type { FieldSchema } from "../io/schema";

/** How a write treats a table that already has rows (BigQuery's names). */
export type WriteDisposition = "WRITE_TRUNCATE" | "WRITE_APPEND" | "WRITE_EMPTY";
/** Whether a write may create the table. */
export type CreateDisposition = "CREATE_IF_NEEDED" | "CREATE_NEVER";

/** The DuckDB column type a BigQuery type is stored as. */
export const DUCK_TYPES: Record<FieldSchema["type"], string> = {
  STRING: "VARCHAR", INTEGER: "BIGINT", INT64: "BIGINT", FLOAT: "DOUBLE", FLOAT64: "DOUBLE", NUMERIC: "DECIMAL(38,9)",
  BOOLEAN: "BOOLEAN", BOOL: "BOOLEAN", DATE: "DATE", DATETIME: "TIMESTAMP", TIMESTAMP: "TIMESTAMPTZ",
};

/** Splits `dataset.table`; fails with a hint otherwise. */
export function splitTableName(table: string, label?: string): { dataset: string; table: string } {
  const m = /^([A-Za-z_][\w]*)\.([A-Za-z_][\w]*)$/.exec(table ?? "");
  if (!m) error(`Bad table name ${JSON.stringify(table)}`, { label, hint: 'name tables as "dataset.table", e.g. "college_refined.teacher".' });
  return { dataset: m[1], table: m[2] };
}
