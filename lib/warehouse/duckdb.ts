/**
 * The only module that talks to DuckDB. A connection is opened per operation and closed
 * after it, so that two kernels (two open notebooks) can share one warehouse file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBType } from "@duckdb/node-api";
import type { BigQueryType } from "../io/schema";
import type { DeclaredColumn } from "../pipeline/pvalue";

export type Row = Record<string, unknown>;

/** BigQuery's name for a DuckDB column type as this module returns its values, or null when there is none. */
export function bigQueryTypeOf(typeId: DuckDBTypeId): BigQueryType | null {
  switch (typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
      return "STRING";
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return "INTEGER";
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return "FLOAT";
    case DuckDBTypeId.DECIMAL:
      return "NUMERIC";
    case DuckDBTypeId.BOOLEAN:
      return "BOOLEAN";
    case DuckDBTypeId.DATE:
      return "DATE";
    case DuckDBTypeId.TIMESTAMP:
      return "DATETIME";
    case DuckDBTypeId.TIMESTAMP_TZ:
      return "TIMESTAMP";
    default:
      return null;
  }
}

/** The declared columns of a result: names and BigQuery types, known even when it has no rows. */
function declaredColumns(names: string[], types: DuckDBType[]): DeclaredColumn[] {
  return names.map((name, i) => ({ name, type: bigQueryTypeOf(types[i].typeId), nullable: true }));
}

/** Runs `work` with a connection to the database file at `file`. */
export async function withConnection<T>(file: string, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A JavaScript value for students: safe BIGINTs as numbers, DATEs as `YYYY-MM-DD`. */
function fixer(typeId: DuckDBTypeId): ((v: unknown) => unknown) | null {
  switch (typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return (v) => (typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v);
    case DuckDBTypeId.DATE:
      return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);
    case DuckDBTypeId.TIMESTAMP:
      // DATETIME has no zone: show it as the wall-clock text it was stored as.
      return (v) => (v instanceof Date ? v.toISOString().slice(0, 19).replace("T", " ") : v);
    default:
      return null;
  }
}

/** Column names and DuckDB type names of a query's result, and its rows in bundles. */
export async function* streamQuery(conn: DuckDBConnection, sql: string, onColumns?: (columns: DeclaredColumn[]) => void): AsyncGenerator<Row[]> {
  const result = await conn.stream(sql);
  const types = result.columnTypes();
  const names = result.columnNames();
  onColumns?.(declaredColumns(names, types));
  const fixes = types.map((t) => fixer(t.typeId));
  for await (const rows of result.yieldRowObjectJs()) {
    if (fixes.some((f) => f)) {
      for (const row of rows) {
        for (let i = 0; i < names.length; i++) {
          const f = fixes[i];
          if (f) (row as Row)[names[i]] = f((row as Row)[names[i]]);
        }
      }
    }
    yield rows as Row[];
  }
}

/** All rows of a query, with its column names and type names. */
export async function queryAll(conn: DuckDBConnection, sql: string): Promise<{ columns: { name: string; type: string; declared: DeclaredColumn }[]; rows: Row[] }> {
  const result = await conn.run(sql);
  const declared = declaredColumns(result.columnNames(), result.columnTypes());
  const columns = result.columnNames().map((name, i) => ({ name, type: result.columnTypes()[i].toString(), declared: declared[i] }));
  const fixes = result.columnTypes().map((t) => fixer(t.typeId));
  const rows = (await result.getRowObjectsJS()) as Row[];
  for (const row of rows) columns.forEach((c, i) => fixes[i] && (row[c.name] = fixes[i]!(row[c.name])));
  return { columns, rows };
}

/** Appends rows of text (or null) into a table of VARCHAR columns. */
export async function appendText(conn: DuckDBConnection, table: string, rows: (string | null)[][]): Promise<void> {
  const appender = await conn.createAppender(table);
  for (const row of rows) {
    for (const v of row) v === null ? appender.appendNull() : appender.appendVarchar(v);
    appender.endRow();
  }
  appender.closeSync();
}

/** Quotes an identifier for SQL. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL. */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
