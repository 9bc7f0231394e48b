/**
 * ReadFromCsv: records from CSV files with a header row, parsed by csv-parse (quoted
 * fields, embedded newlines, CRLF, BOM), optionally typed by a schema.
 */
import { error } from "../errors";
import type { DeclaredColumn, PBegin, PCollection } from "../pipeline/pvalue";
import type { PTransform } from "../pipeline/transform";
import { csvRecordLine, readCsvFile, type CsvRecord } from "./csv-parser";
import { matchFiles } from "./files";
import { Read } from "./read-write";
import { setField } from "./record";
import { coerce, parseSchema, type FieldSchema, type SchemaRow, type TableSchema } from "./schema";
import type { IOContext, PortableIO, Source } from "./source-sink";
import * as fs from "node:fs";
import { parse as parseSync } from "csv-parse/sync";
import { byteRanges, MIN_SPLIT_BYTES } from "./byte-ranges";

/** Options of ReadFromCsv. */
export interface ReadFromCsvOptions<S extends TableSchema> {
  /** Types the columns (BigQuery's `name:TYPE,...` form); without it every value is a string or null. */
  schema?: S;
  /** Field delimiter (default ","). */
  delimiter?: string;
}

/** A part of one CSV file, for a worker. */
interface CsvPart {
  file: string;
  opts: ReadFromCsvOptions<TableSchema>;
  range: { start: number; end: number; lineOffset: number; header: string[] } | null;
}

class CsvSource implements Source<Record<string, unknown>> {
  private readonly fields: FieldSchema[] | null;
  constructor(private readonly pattern: string, private readonly opts: ReadFromCsvOptions<TableSchema>, private readonly range: CsvPart["range"] = null) {
    this.fields = opts.schema ? parseSchema(opts.schema) : null;
  }

  async *read(ctx: IOContext): AsyncIterable<Record<string, unknown>[]> {
    if (this.range) this.checkHeader(this.range.header, this.pattern, ctx.label);
    for (const file of this.range ? [this.pattern] : matchFiles(this.pattern, ctx.label)) yield* this.readFile(file, ctx);
  }

  /** Every file whole, and files of a megabyte or more in byte ranges cut between records. */
  split(parts: number, ctx: IOContext): PortableIO[] {
    const out: PortableIO[] = [];
    for (const file of matchFiles(this.pattern, ctx.label)) {
      const part = (range: CsvPart["range"]): PortableIO => ({ module: __filename, factory: "csvPartSource", args: { file, opts: this.opts, range } satisfies CsvPart });
      if (parts < 2 || fs.statSync(file).size < MIN_SPLIT_BYTES) {
        out.push(part(null));
        continue;
      }
      const ranges = byteRanges(file, parts, { csv: true, skipFirstLine: true });
      const headerBytes = readBytes(file, 0, ranges[0].start);
      const header = (parseSync(headerBytes, { bom: true, delimiter: this.opts.delimiter ?? "," }) as string[][])[0] ?? [];
      for (const r of ranges) out.push(part({ ...r, header }));
    }
    return out;
  }

  private async *readFile(file: string, ctx: IOContext): AsyncIterable<Record<string, unknown>[]> {
    const range = this.range ?? undefined;
    const opts = { delimiter: this.opts.delimiter, label: ctx.label, range, batchSize: ctx.bundleSize, onHeader: (header: readonly string[]) => this.checkHeader(header, file, ctx.label) };
    let seen = 0;
    for await (const records of readCsvFile(file, opts)) {
      if (ctx.signal.aborted) break;
      if (this.fields) {
        try {
          yield records.map((r) => this.typed(r));
        } catch (e) {
          if (!(e instanceof Misfit)) throw e;
          const line = await csvRecordLine(file, opts, seen + records.indexOf(e.record));
          error(`Row at ${file}:${line} does not fit the schema: column ${e.field.name} (${e.field.type}) ${e.why}`, { label: ctx.label, element: e.record, hasElement: true, hint: e.hint });
        }
      } else yield records;
      seen += records.length;
    }
  }

  /** A schema column the header lacks would read as null in every row: refused, even when there are no rows. */
  private checkHeader(header: readonly string[], file: string, label: string): void {
    if (!this.fields) return;
    const missing = this.fields.filter((f) => !header.includes(f.name)).map((f) => f.name);
    if (missing.length) {
      const has = header.length ? `its header has: ${header.join(", ")}` : "the file is empty (not even a header row)";
      error(`${file} has no column ${missing.join(", ")}`, { label, hint: `${has}; fix the schema's column names or the file.` });
    }
  }

  /** The record typed by the schema; throws a {@link Misfit} for a value that does not fit (the caller finds its line). */
  private typed(record: CsvRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.fields!) {
      const v = record[f.name];
      // Most values need no conversion: a missing one in a nullable column, text in a STRING one.
      if ((v === null && f.mode !== "REQUIRED") || (f.type === "STRING" && typeof v === "string" && v !== "")) {
        setField(out, f.name, v);
        continue;
      }
      const r = coerce(v, f);
      if (!r.ok) throw new Misfit(record, f, r.why, "read the column as STRING and clean it in a ParDo, or fix the data.");
      // A JavaScript number cannot hold it exactly, and the row type promises a number.
      if (typeof r.value === "bigint") {
        throw new Misfit(record, f, `${r.value} is beyond ±2^53 − 1 (Number.MAX_SAFE_INTEGER), the largest integer a JavaScript number holds exactly`,
          "read the column as STRING (an identifier is text), or load the file with beam.warehouse.open().load(...), which keeps it exact (ReadFromSQL then gives a bigint).");
      }
      setField(out, f.name, r.value);
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

/** A row that does not fit the schema, before its line is known. */
class Misfit {
  constructor(readonly record: CsvRecord, readonly field: FieldSchema, readonly why: string, readonly hint: string) {}
}

/** @internal A worker's part of a CSV source (see `CsvSource.split`). */
export function csvPartSource(part: CsvPart): Source<Record<string, unknown>> {
  return new CsvSource(part.file, part.opts, part.range);
}

function readBytes(file: string, start: number, end: number): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const b = Buffer.alloc(end - start);
    fs.readSync(fd, b, 0, b.length, start);
    return b;
  } finally {
    fs.closeSync(fd);
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
export function ReadFromCsv(path: string, opts?: ReadFromCsvOptions<TableSchema>): PTransform<PBegin, PCollection<CsvRecord>>;
export function ReadFromCsv(path: string, opts: ReadFromCsvOptions<TableSchema> = {}): PTransform<PBegin, PCollection<any>> {
  if (typeof path !== "string" || !path) error("ReadFromCsv needs a file path or glob pattern", { hint: 'write beam.io.ReadFromCsv("data/input.csv").' });
  return new Read("ReadFromCsv", new CsvSource(path, opts));
}
