/**
 * The only module that opens DuckDB files and turns DuckDB's values into ours. A connection
 * is opened per operation and closed after it, so that two kernels (two open notebooks) can
 * share one warehouse file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBType } from "@duckdb/node-api";
import { error, PipelineError } from "../errors";
import { setField } from "../io/record";
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

/** How a warehouse file is opened. */
export interface OpenOptions {
  /** True for writes, which may create the file; a read of a file that does not exist fails naming it. */
  readonly create?: boolean;
  /** The transform (or operation) to name in errors. */
  readonly label?: string;
}

/** An open connection; `close` releases the file for other notebooks. */
export interface Connection {
  readonly conn: DuckDBConnection;
  close(): void;
}

/**
 * Opens the database file at `file`. Without `create`, a missing file is an error naming it
 * (DuckDB would silently create an empty warehouse, and the query would then fail with no
 * file named).
 */
export async function openConnection(file: string, opts: OpenOptions = {}): Promise<Connection> {
  if (!opts.create && !fs.existsSync(file)) {
    error(`There is no warehouse file ${file}`, {
      label: opts.label,
      hint:
        `check the path (the pipeline's warehouse option, or BEAMLAB_WAREHOUSE; a relative path starts in ${process.cwd()}). ` +
        "A warehouse is made by writing to it: beam.warehouse.open(path).load(table, csv, schema) or a pipeline's WriteToTable; the course's is notebooks/warehouse.duckdb, made by npm start.",
    });
  }
  let instance: DuckDBInstance;
  try {
    if (opts.create) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    instance = await DuckDBInstance.create(file);
  } catch (e) {
    throw new PipelineError(`Cannot open the warehouse file ${file}`, {
      label: opts.label,
      cause: e,
      hint: "check that it is a DuckDB file and that no other program (a DuckDB shell, another kernel writing now) holds it; then run again.",
    });
  }
  let conn: DuckDBConnection;
  try {
    conn = await instance.connect();
  } catch (e) {
    instance.closeSync();
    throw e;
  }
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `work` with a connection to the database file at `file`, closed after it on every path. */
export async function withConnection<T>(file: string, work: (conn: DuckDBConnection) => Promise<T>, opts: OpenOptions = {}): Promise<T> {
  const c = await openConnection(file, opts);
  try {
    return await work(c.conn);
  } finally {
    c.close();
  }
}

/** A JavaScript value for students: safe BIGINTs as numbers (others as exact bigints), DATEs as `YYYY-MM-DD`. */
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

/**
 * Makes result rows (arrays, as DuckDB gives them) into records. Built here rather than by
 * DuckDB's row objects, which drop a column named `__proto__` and keep only the last of two
 * columns with one name.
 */
function rowMaker(names: string[], types: DuckDBType[], label?: string): (values: unknown[]) => Row {
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length) {
    error(`The query's result has more than one column named ${[...new Set(twice)].map((n) => JSON.stringify(n)).join(", ")}`, {
      label,
      hint: "a row can hold only one field of a name: select the columns by name and rename one with AS (e.g. SELECT a.id, b.id AS b_id), or join with USING (...).",
    });
  }
  const fixes = types.map((t) => fixer(t.typeId));
  return (values) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) {
      const f = fixes[i];
      setField(row, names[i], f ? f(values[i]) : values[i]);
    }
    return row;
  };
}

/** Column names and DuckDB type names of a query's result, and its rows in bundles. */
export async function* streamQuery(conn: DuckDBConnection, sql: string, onColumns?: (columns: DeclaredColumn[]) => void, label?: string): AsyncGenerator<Row[]> {
  const result = await conn.stream(sql);
  const types = result.columnTypes();
  const names = result.columnNames();
  onColumns?.(declaredColumns(names, types));
  const make = rowMaker(names, types, label);
  for await (const rows of result.yieldRowsJs()) yield rows.map(make);
}

/** All rows of a query, with its column names and type names. */
export async function queryAll(conn: DuckDBConnection, sql: string): Promise<{ columns: { name: string; type: string; declared: DeclaredColumn }[]; rows: Row[] }> {
  const result = await conn.run(sql);
  const names = result.columnNames();
  const types = result.columnTypes();
  const declared = declaredColumns(names, types);
  const columns = names.map((name, i) => ({ name, type: types[i].toString(), declared: declared[i] }));
  const make = rowMaker(names, types);
  return { columns, rows: (await result.getRowsJS()).map(make) };
}

/** Appends rows of text (or null) into a table of VARCHAR columns. */
export async function appendText(conn: DuckDBConnection, table: string, rows: readonly (readonly (string | null)[])[]): Promise<void> {
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
