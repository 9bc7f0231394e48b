/**
 * The warehouse: the course's BigQuery, embedded as a DuckDB file. Datasets are schemas,
 * tables are `dataset.table`, schemas and type names are BigQuery's.
 */
import * as path from "node:path";
import * as aq from "arquero";
import { error, PipelineError } from "../errors";
import { coerce, parseSchema, type FieldSchema, type TableSchema } from "../io/schema";
import type { DeclaredColumn } from "../pipeline/pvalue";
import { appendText, ident, literal, queryAll, withConnection, type Row } from "./duckdb";
import { readCsvRecords } from "./csv-records";

/** How a write treats a table that already has rows (BigQuery's names). */
export type WriteDisposition = "WRITE_TRUNCATE" | "WRITE_APPEND" | "WRITE_EMPTY";
/** Whether a write may create the table. */
export type CreateDisposition = "CREATE_IF_NEEDED" | "CREATE_NEVER";

const DUCK_TYPES: Record<FieldSchema["type"], string> = {
  STRING: "VARCHAR", INTEGER: "BIGINT", INT64: "BIGINT", FLOAT: "DOUBLE", FLOAT64: "DOUBLE", NUMERIC: "DECIMAL(38,9)",
  BOOLEAN: "BOOLEAN", BOOL: "BOOLEAN", DATE: "DATE", DATETIME: "TIMESTAMP", TIMESTAMP: "TIMESTAMPTZ",
};

/** The warehouse file used when none is given: `$BEAMLAB_WAREHOUSE`, else `warehouse.duckdb` in the working directory. */
export function defaultWarehousePath(explicit?: string): string {
  return path.resolve(explicit ?? process.env.BEAMLAB_WAREHOUSE ?? "warehouse.duckdb");
}

/** Splits `dataset.table`; fails with a hint otherwise. */
export function splitTableName(table: string, label?: string): { dataset: string; table: string } {
  const m = /^([A-Za-z_][\w]*)\.([A-Za-z_][\w]*)$/.exec(table ?? "");
  if (!m) error(`Bad table name ${JSON.stringify(table)}`, { label, hint: 'name tables as "dataset.table", e.g. "college_refined.teacher".' });
  return { dataset: m[1], table: m[2] };
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
    const r = coerce(rec[f.name], f);
    if (!r.ok) error(`The row does not fit the schema: column ${f.name} (${f.type}) ${r.why}`, { label, element: row, hasElement: true, hint: `fix the value of ${f.name} in an earlier step, or change the column's type.` });
    const v = r.value;
    if (v === null) return null;
    if (v instanceof Date) return v.toISOString();
    return String(v);
  });
}

/** Writes rows (already as column texts) into `dataset.table` in one transaction. */
export async function writeTextRows(
  file: string,
  tableName: string,
  fields: FieldSchema[],
  rows: (string | null)[][],
  opts: { writeDisposition?: WriteDisposition; createDisposition?: CreateDisposition; label?: string } = {},
): Promise<void> {
  const { dataset, table } = splitTableName(tableName, opts.label);
  const target = `${ident(dataset)}.${ident(table)}`;
  const disposition = opts.writeDisposition ?? "WRITE_EMPTY";
  await withConnection(file, async (conn) => {
    const stage = `beamlab_stage_${process.pid}_${Date.now()}`;
    await conn.run(`CREATE TEMP TABLE ${ident(stage)} (${fields.map((f) => `${ident(f.name)} VARCHAR`).join(", ")})`);
    await appendText(conn, stage, rows);
    await conn.run("BEGIN TRANSACTION");
    try {
      await conn.run(`CREATE SCHEMA IF NOT EXISTS ${ident(dataset)}`);
      const exists = (await queryAll(conn, `SELECT 1 FROM information_schema.tables WHERE table_schema = ${literal(dataset)} AND table_name = ${literal(table)}`)).rows.length > 0;
      if (!exists && opts.createDisposition === "CREATE_NEVER") {
        error(`Table ${tableName} does not exist`, { label: opts.label, hint: 'create it first or use createDisposition: "CREATE_IF_NEEDED".' });
      }
      const columns = fields.map((f) => `${ident(f.name)} ${DUCK_TYPES[f.type]}${f.mode === "REQUIRED" ? " NOT NULL" : ""}`).join(", ");
      if (disposition === "WRITE_TRUNCATE") await conn.run(`CREATE OR REPLACE TABLE ${target} (${columns})`);
      else if (!exists) await conn.run(`CREATE TABLE ${target} (${columns})`);
      else if (disposition === "WRITE_EMPTY") {
        const n = (await queryAll(conn, `SELECT count(*) AS n FROM ${target}`)).rows[0].n;
        if (Number(n) > 0) error(`Table ${tableName} is not empty (${n} rows)`, { label: opts.label, hint: 'use writeDisposition: "WRITE_TRUNCATE" to replace it or "WRITE_APPEND" to add rows.' });
      }
      const casts = fields.map((f) => `CAST(${ident(f.name)} AS ${DUCK_TYPES[f.type]})`).join(", ");
      await conn.run(`INSERT INTO ${target} (${fields.map((f) => ident(f.name)).join(", ")}) SELECT ${casts} FROM ${ident(stage)}`);
      await conn.run("COMMIT");
    } catch (e) {
      await conn.run("ROLLBACK").catch(() => undefined);
      if (e instanceof PipelineError) throw e;
      throw new PipelineError(`Writing ${tableName} failed; the table is unchanged`, { label: opts.label, cause: e, hint: "check that the schema matches the existing table, or use WRITE_TRUNCATE." });
    }
  });
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
function toTable(columns: { name: string }[], rows: Row[]): aq.ColumnTable {
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
    let checked = false;
    for await (const rec of readCsvRecords(csvPath, label)) {
      if (!checked) {
        // A schema column missing from the header would silently load as all nulls.
        const missing = fields.filter((f) => !Object.prototype.hasOwnProperty.call(rec, f.name)).map((f) => f.name);
        if (missing.length) error(`${csvPath} has no column ${missing.join(", ")}`, { label, hint: `its header has: ${Object.keys(rec).join(", ")}; fix the schema's column names.` });
        checked = true;
      }
      rows.push(rowToText(pick(rec, fields), fields, label));
    }
    await writeTextRows(this.path, table, fields, rows, { writeDisposition: opts.writeDisposition ?? "WRITE_TRUNCATE", label });
    return rows.length;
  }

  /** Runs SQL and returns the result as an arquero table. */
  async query(sql: string): Promise<aq.ColumnTable> {
    const { columns, rows } = await this.run(sql);
    const table = toTable(columns, rows);
    queryResults.set(table, { sql, columns: columns.map((c) => c.declared) });
    return table;
  }

  /** Runs SQL and returns column names/types and rows as plain objects. */
  async run(sql: string): Promise<{ columns: { name: string; type: string; declared: DeclaredColumn }[]; rows: Row[] }> {
    try {
      return await withConnection(this.path, (conn) => queryAll(conn, sql));
    } catch (e) {
      throw new PipelineError("The query failed", { cause: e, hint: "check the SQL; tables are named dataset.table (see warehouse.tables())." });
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
  for (const f of fields) out[f.name] = rec[f.name] ?? null;
  return out;
}

/** Opens the warehouse at `file` (default: `$BEAMLAB_WAREHOUSE` or `./warehouse.duckdb`). */
export function open(file?: string): Warehouse {
  return new Warehouse(defaultWarehousePath(file));
}
