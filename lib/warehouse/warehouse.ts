/**
 * The warehouse: the course's BigQuery, embedded as a DuckDB file. Datasets are schemas,
 * tables are `dataset.table`, schemas and type names are BigQuery's.
 */
import * as path from "node:path";
import * as aq from "arquero";
import { error, PipelineError } from "../errors";
import { setField } from "../io/record";
import { coerce, parseSchema, type FieldSchema, type TableSchema } from "../io/schema";
import type { DeclaredColumn } from "../pipeline/pvalue";
import { queryAll, withConnection, type Row } from "./duckdb";
import { readCsvRecords } from "./csv-records";
import { splitTableName, type CreateDisposition, type WriteDisposition } from "./tables";
import { beginTransaction, type TableWrite } from "./transaction";

export { splitTableName, type CreateDisposition, type WriteDisposition } from "./tables";

/** The warehouse file used when none is given: `$BEAMLAB_WAREHOUSE`, else `warehouse.duckdb` in the working directory. */
export function defaultWarehousePath(explicit?: string): string {
  return path.resolve(explicit ?? process.env.BEAMLAB_WAREHOUSE ?? "warehouse.duckdb");
}

/** A row made into column texts for the staging table; throws naming the row and column. */
export function rowToText(row: unknown, fields: FieldSchema[], label: string | undefined): (string | null)[] {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    error("A table row must be a record", { label, element: row, hasElement: true, hint: "map each element to an object with the schema's fields first." });
  }
  const rec = row as Row;
  const known = new Set(fields.map((f) => f.name));
  const extra = Object.keys(rec).filter((k) => !known.has(k));
  if (extra.length) {
    error(`The row has field ${extra.join(", ")}, which the schema does not`, { label, element: row, hasElement: true, hint: `add it to the schema or drop it from the row; the schema has ${[...known].join(", ")}.` });
  }
  return fields.map((f) => {
    const r = coerce(Object.prototype.hasOwnProperty.call(rec, f.name) ? rec[f.name] : undefined, f);
    if (!r.ok) error(`The row does not fit the schema: column ${f.name} (${f.type}) ${r.why}`, { label, element: row, hasElement: true, hint: `fix the value of ${f.name} in an earlier step, or change the column's type.` });
    const v = r.value;
    if (v === null) return null;
    if (v instanceof Date) return v.toISOString();
    return String(v);
  });
}

/** Writes rows (already as column texts) into `dataset.table` in a transaction of its own. */
export async function writeTextRows(file: string, write: TableWrite): Promise<void> {
  const tx = await beginTransaction(file, write.label);
  try {
    await tx.apply(write);
    await tx.commit();
  } catch (e) {
    await tx.rollback();
    throw e;
  }
}

/** What `show` needs to know of a table that a warehouse query returned. */
export interface QueryResultInfo {
  sql: string;
  /** The result's columns with their types, known even when it has no rows. */
  columns: readonly DeclaredColumn[];
}

const queryResults = new WeakMap<aq.ColumnTable, QueryResultInfo>();

/** The query behind a table returned by {@link Warehouse.query}, or undefined for any other table. */
export function queryResultInfo(table: aq.ColumnTable): QueryResultInfo | undefined {
  return queryResults.get(table);
}

/** Table names and rows of a query result as an arquero table (columns kept when empty). */
function toTable(columns: { name: string }[], rows: Row[], sql: string): aq.ColumnTable {
  // arquero copies its columns by assignment, which turns this name into a prototype.
  if (columns.some((c) => c.name === "__proto__")) {
    error('A query result cannot have a column named "__proto__" as a table', {
      hint: `rename it in the SQL (SELECT "__proto__" AS proto, ...); ReadFromSQL keeps it as a field. The query: ${sql.length > 200 ? `${sql.slice(0, 199)}…` : sql}`,
    });
  }
  const data: Record<string, unknown[]> = {};
  for (const c of columns) data[c.name] = rows.map((r) => r[c.name]);
  return aq.table(data);
}

/**
 * A handle on the warehouse file. Each call opens and closes its own connection, so the
 * file is free for other notebooks between calls.
 *
 * @example
 * const wh = beam.warehouse.open();
 * await wh.load("college_staging.teacher", "datasets/college/staging/teacher.csv", "tid:STRING,instructor:STRING,dept:STRING");
 * (await wh.query("SELECT count(*) AS n FROM college_staging.teacher")).print();
 */
export class Warehouse {
  constructor(readonly path: string) {}

  /**
   * Loads a CSV file into `dataset.table` with a BigQuery schema (`bq load`). Replaces the
   * table unless `writeDisposition` says otherwise. Returns the number of rows loaded.
   */
  async load(table: string, csvPath: string, schema: TableSchema, opts: { writeDisposition?: WriteDisposition } = {}): Promise<number> {
    const fields = parseSchema(schema);
    const label = `load ${table}`;
    const rows: (string | null)[][] = [];
    // A schema column missing from the header would silently load as all nulls (also with no rows).
    const onHeader = (header: readonly string[]) => {
      const missing = fields.filter((f) => !header.includes(f.name)).map((f) => f.name);
      const has = header.length ? `its header has: ${header.join(", ")}` : "the file is empty (not even a header row)";
      if (missing.length) error(`${csvPath} has no column ${missing.join(", ")}`, { label, hint: `${has}; fix the schema's column names.` });
    };
    for await (const rec of readCsvRecords(csvPath, label, onHeader)) rows.push(rowToText(pick(rec, fields), fields, label));
    await writeTextRows(this.path, { table, fields, rows, writeDisposition: opts.writeDisposition ?? "WRITE_TRUNCATE", label });
    return rows.length;
  }

  /** Runs SQL and returns the result as an arquero table. */
  async query(sql: string): Promise<aq.ColumnTable> {
    const { columns, rows } = await this.run(sql);
    const table = toTable(columns, rows, sql);
    queryResults.set(table, { sql, columns: columns.map((c) => c.declared) });
    return table;
  }

  /** Runs SQL and returns column names/types and rows as plain objects. */
  async run(sql: string): Promise<{ columns: { name: string; type: string; declared: DeclaredColumn }[]; rows: Row[] }> {
    try {
      return await withConnection(this.path, (conn) => queryAll(conn, sql));
    } catch (e) {
      if (e instanceof PipelineError) throw e;
      throw new PipelineError(`The query failed on the warehouse ${this.path}`, { cause: e, hint: "check the SQL; tables are named dataset.table (see warehouse.tables())." });
    }
  }

  /** Every table as `dataset.table`, sorted. */
  async tables(): Promise<string[]> {
    const { rows } = await withConnection(this.path, (conn) =>
      queryAll(conn, "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('information_schema', 'pg_catalog') AND table_catalog = current_database() ORDER BY 1"),
    );
    return rows.map((r) => String(r.t)).filter((t) => !t.startsWith("main.beamlab_stage_"));
  }
}

function pick(rec: Record<string, string | null>, fields: FieldSchema[]): Row {
  const out: Row = {};
  for (const f of fields) setField(out, f.name, rec[f.name] ?? null);
  return out;
}

/** Opens the warehouse at `file` (default: `$BEAMLAB_WAREHOUSE` or `./warehouse.duckdb`). */
export function open(file?: string): Warehouse {
  return new Warehouse(defaultWarehousePath(file));
}
