/**
 * ReadFromCsv: records from CSV files with a header row, parsed by csv-parse (quoted
 * fields, embedded newlines, CRLF, BOM), optionally typed by a schema.
 */
import { error, PipelineError } from "../errors";
import type { DeclaredColumn, PBegin, PCollection } from "../pipeline/pvalue";
import type { PTransform } from "../pipeline/transform";
import { csvParser } from "./csv-parser";
import { matchFiles } from "./files";
import { Read } from "./read-write";
import { coerce, parseSchema, type FieldSchema, type SchemaRow, type TableSchema } from "./schema";
import type { IOContext, Source } from "./source-sink";

/** Options of ReadFromCsv. */
export interface ReadFromCsvOptions<S extends TableSchema> {
  /** Types the columns (BigQuery's `name:TYPE,...` form); without it every value is a string or null. */
  schema?: S;
  /** Field delimiter (default ","). */
  delimiter?: string;
}

type CsvRow = Record<string, string | null>;

class CsvSource implements Source<Record<string, unknown>> {
  private readonly fields: FieldSchema[] | null;
  constructor(private readonly pattern: string, private readonly opts: ReadFromCsvOptions<TableSchema>) {
    this.fields = opts.schema ? parseSchema(opts.schema) : null;
  }

  async *read(ctx: IOContext): AsyncIterable<Record<string, unknown>[]> {
    for (const file of matchFiles(this.pattern, ctx.label)) yield* this.readFile(file, ctx);
  }

  private async *readFile(file: string, ctx: IOContext): AsyncIterable<Record<string, unknown>[]> {
    const parser = csvParser(file, { delimiter: this.opts.delimiter, info: true });
    let batch: Record<string, unknown>[] = [];
    let checked = false;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: CsvRow; info: { lines: number } }>) {
        if (ctx.signal.aborted) break;
        if (!checked) {
          this.checkHeader(Object.keys(record), file, ctx.label);
          checked = true;
        }
        batch.push(this.fields ? this.typed(record, file, info.lines, ctx.label) : record);
        if (batch.length >= ctx.bundleSize) {
          yield batch;
          batch = [];
        }
      }
    } catch (e) {
      if (e instanceof PipelineError) throw e;
      throw new PipelineError(`Cannot parse ${file}`, { label: ctx.label, cause: e, hint: "check the CSV around the line named in the cause (quotes must be closed, every row needs the header's number of fields)." });
    } finally {
      parser.destroy();
    }
    if (batch.length) yield batch;
  }

  private checkHeader(header: string[], file: string, label: string): void {
    if (!this.fields) return;
    const missing = this.fields.filter((f) => !header.includes(f.name)).map((f) => f.name);
    if (missing.length) {
      error(`${file} has no column ${missing.join(", ")}`, { label, hint: `its header has: ${header.join(", ")}; fix the schema's column names.` });
    }
  }

  private typed(record: CsvRow, file: string, line: number, label: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.fields!) {
      const r = coerce(record[f.name], f);
      if (!r.ok) {
        error(`Row at ${file}:${line} does not fit the schema: column ${f.name} (${f.type}) ${r.why}`, {
          label,
          element: record,
          hasElement: true,
          hint: `read the column as STRING and clean it in a ParDo, or fix the data.`,
        });
      }
      out[f.name] = r.value;
    }
    return out;
  }

  schema(): readonly DeclaredColumn[] | null {
    return this.fields ? this.fields.map((f) => ({ name: f.name, type: f.type, nullable: f.mode !== "REQUIRED" })) : null;
  }

  describe() {
    return { pattern: this.pattern, ...(this.opts.schema ? { schema: typeof this.opts.schema === "string" ? this.opts.schema : this.fields!.map((f) => `${f.name}:${f.type}`).join(",") } : {}) };
  }
}

/**
 * Records from CSV files with a header row. Empty fields are null. With a schema, values
 * are typed and the record type follows the schema at compile time.
 *
 * @example
 * const teachers = p.apply("Read", beam.io.ReadFromCsv("datasets/college/staging/teacher.csv"));
 * const classes = p.apply("Read classes", beam.io.ReadFromCsv("class.csv", { schema: "sid:STRING,cno:STRING,credits:INTEGER" }));
 */
export function ReadFromCsv<const S extends string>(path: string, opts: ReadFromCsvOptions<S> & { schema: S }): PTransform<PBegin, PCollection<SchemaRow<S>>>;
export function ReadFromCsv(path: string, opts?: ReadFromCsvOptions<TableSchema>): PTransform<PBegin, PCollection<CsvRow>>;
export function ReadFromCsv(path: string, opts: ReadFromCsvOptions<TableSchema> = {}): PTransform<PBegin, PCollection<any>> {
  if (typeof path !== "string" || !path) error("ReadFromCsv needs a file path or glob pattern", { hint: 'write beam.io.ReadFromCsv("data/input.csv").' });
  return new Read("ReadFromCsv", new CsvSource(path, opts));
}
