/**
 * ReadFromSQL and WriteToTable: pipelines reading from and writing to the warehouse, as
 * the course's pipelines do with BigQuery.
 */
import { error, PipelineError } from "../errors";
import type { DeclaredColumn, PBegin, PCollection } from "../pipeline/pvalue";
import type { PTransform } from "../pipeline/transform";
import { streamQuery, withConnection } from "../warehouse/duckdb";
import { defaultWarehousePath, rowToText, splitTableName, type CreateDisposition, type WriteDisposition } from "../warehouse/warehouse";
import { Read, Write } from "./read-write";
import { parseSchema, type FieldSchema, type SchemaRow, type TableSchema } from "./schema";
import type { IOContext, Sink, SinkWriter, Source } from "./source-sink";

/** Options of ReadFromSQL. */
export interface ReadFromSQLOptions {
  /** The SQL query; tables are `dataset.table`. */
  query: string;
  /** Warehouse file; default the pipeline's `warehouse` option, then `$BEAMLAB_WAREHOUSE`, then `./warehouse.duckdb`. */
  warehouse?: string;
}

class SqlSource implements Source<Record<string, unknown>> {
  /** The result's columns as DuckDB reported them at the last read (known even for no rows). */
  private columns: DeclaredColumn[] | null = null;
  constructor(private readonly opts: ReadFromSQLOptions) {}
  schema(): readonly DeclaredColumn[] | null {
    return this.columns;
  }
  async *read(ctx: IOContext): AsyncIterable<Record<string, unknown>[]> {
    const file = defaultWarehousePath(this.opts.warehouse ?? ctx.options.warehouse);
    const batches: Record<string, unknown>[][] = [];
    // The connection is closed before elements flow on, so the file is free while the
    // rest of the pipeline (maybe a WriteToTable to the same file) runs.
    await withConnection(
      file,
      async (conn) => {
        for await (const rows of streamQuery(conn, this.opts.query, (c) => (this.columns = c), ctx.label)) batches.push(rows);
      },
      { label: ctx.label },
    ).catch((e) => {
      if (e instanceof PipelineError) throw e;
      error(`The query failed on the warehouse ${file}`, { label: ctx.label, cause: e, hint: "check the SQL; tables are named dataset.table (see beam.warehouse.open().tables())." });
    });
    let batch: Record<string, unknown>[] = [];
    for (const rows of batches.splice(0)) {
      for (const r of rows) {
        batch.push(r);
        if (batch.length >= ctx.bundleSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length) yield batch;
  }
  describe() {
    return { query: this.opts.query };
  }
}

/**
 * The rows of a warehouse query, as records. Give the row type to type the fields.
 *
 * @example
 * type Teacher = { tid: string | null; instructor: string; dept: string };
 * const rows = p.apply("Read", beam.io.ReadFromSQL<Teacher>({ query: "SELECT * FROM college_staging.teacher" }));
 */
export function ReadFromSQL<T = Record<string, unknown>>(opts: ReadFromSQLOptions): PTransform<PBegin, PCollection<T>> {
  if (!opts || typeof opts.query !== "string" || !opts.query.trim()) error("ReadFromSQL needs a query", { hint: 'write beam.io.ReadFromSQL({ query: "SELECT * FROM dataset.table" }).' });
  return new Read<T>("ReadFromSQL", new SqlSource(opts));
}

/** Options of WriteToTable (BigQuery's WriteToBigQuery). */
export interface WriteToTableOptions<S extends TableSchema> {
  /** `dataset.table`. */
  table: string;
  /** `name:TYPE,...` with BigQuery's type names, or a list of fields. */
  schema: S;
  /** Default WRITE_EMPTY, as in BigQuery. */
  writeDisposition?: WriteDisposition;
  /** Default CREATE_IF_NEEDED. */
  createDisposition?: CreateDisposition;
  warehouse?: string;
}

class TableSink implements Sink<unknown, string> {
  constructor(private readonly opts: WriteToTableOptions<TableSchema>) {}
  schema(): readonly FieldSchema[] {
    return parseSchema(this.opts.schema);
  }
  async open(ctx: IOContext): Promise<SinkWriter<unknown, string>> {
    const fields = parseSchema(this.opts.schema);
    const file = defaultWarehousePath(this.opts.warehouse ?? ctx.options.warehouse);
    const rows: (string | null)[][] = [];
    const opts = this.opts;
    return {
      write(batch) {
        for (const row of batch) rows.push(rowToText(row, fields, ctx.label));
      },
      async close() {
        return [opts.table];
      },
      staged() {
        const write = { table: opts.table, fields, rows, writeDisposition: opts.writeDisposition, createDisposition: opts.createDisposition, label: ctx.label };
        return { kind: "table", label: ctx.label, warehouse: file, write };
      },
      async abort() {
        rows.length = 0;
      },
    };
  }
  describe() {
    return { table: this.opts.table, schema: typeof this.opts.schema === "string" ? this.opts.schema : parseSchema(this.opts.schema).map((f) => `${f.name}:${f.type}`).join(","), writeDisposition: this.opts.writeDisposition ?? "WRITE_EMPTY" };
  }
}

/**
 * Writes records to a warehouse table with a declared schema. A row that does not fit the
 * schema fails the run naming the row and the column, and the table is left as it was. The
 * rows are written only when the whole pipeline succeeded, in one transaction with every
 * other WriteToTable of the run into the same warehouse file.
 *
 * @example
 * teachers.apply("Write table", beam.io.WriteToTable({
 *   table: "college_refined.teacher", schema: "tid:STRING,fname:STRING,lname:STRING,dept:STRING",
 *   writeDisposition: "WRITE_TRUNCATE",
 * }));
 */
export function WriteToTable<const S extends string>(opts: WriteToTableOptions<S>): PTransform<PCollection<Partial<SchemaRow<S>>>, PCollection<string>>;
export function WriteToTable(opts: WriteToTableOptions<TableSchema>): PTransform<PCollection<any>, PCollection<string>>;
export function WriteToTable(opts: WriteToTableOptions<TableSchema>): PTransform<PCollection<any>, PCollection<string>> {
  if (!opts || !opts.table || !opts.schema) error("WriteToTable needs a table and a schema", { hint: 'write beam.io.WriteToTable({ table: "dataset.table", schema: "name:STRING,..." }).' });
  splitTableName(opts.table);
  parseSchema(opts.schema);
  return new Write<any, string>("WriteToTable", new TableSink(opts) as Sink<unknown, unknown>);
}
