/**
 * The one CSV reader, for ReadFromCsv and the warehouse's `load`: header row, BOM, quoted
 * fields with embedded newlines, CRLF; an unquoted empty field is a missing value (null), a
 * quoted "" stays an empty string. It owns the file handle and closes it on every path
 * (the end, an error, a consumer that stops early), so failed runs in a notebook never
 * pile up open files.
 */
import * as fs from "node:fs";
import { pipeline } from "node:stream";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { error, PipelineError } from "../errors";
import { setField } from "./record";

/** A data row: its fields keyed by the header's column names. */
export type CsvRecord = Record<string, string | null>;

/** Options of {@link readCsvFile}. */
export interface ReadCsvOptions {
  /** Field delimiter (default ","). */
  readonly delimiter?: string;
  /** The transform (or operation) to name in errors. */
  readonly label: string;
  /**
   * Called once with the header's column names before any row, also for a file with a header
   * and no rows, and with `[]` for an empty file; may throw to refuse the file.
   */
  readonly onHeader?: (header: readonly string[]) => void;
  /** Only the records in these bytes, which start after the header (a worker's part of a large file). */
  readonly range?: { readonly start: number; readonly end: number; readonly lineOffset: number; readonly header: readonly string[] };
  /** Records per batch yielded (default 1024). */
  readonly batchSize?: number;
}

/**
 * The options both parsers share. The rows are parsed without csv-parse's `info` and `cast`,
 * which build a context object per record and per field (a tenth of csv-parse's speed): `raw`
 * keeps each record's text, so the rare row with an empty field and a quote in it can be
 * parsed again to tell a quoted "" from a missing value.
 */
function parserOptions(delimiter: string | undefined) {
  return { bom: true, skip_empty_lines: true, delimiter: delimiter ?? ",", raw: true } as const;
}

/** The fields of one record's text, a quoted "" kept as "" and an unquoted empty field null. */
function exactFields(raw: string, delimiter: string | undefined): (string | null)[] {
  const [row] = parseSync(raw, { ...parserOptions(delimiter), raw: false, cast: (value, context) => (value === "" && !context.quoting ? null : value) }) as (string | null)[][];
  return row ?? [];
}

/**
 * The data rows of a CSV file with a header row, in batches. Refuses a header that names a
 * column twice (one of the two would silently be lost). A failure names the file; the line a
 * row ends on is found again by {@link csvRecordLine} when an error needs it.
 */
export async function* readCsvFile(file: string, opts: ReadCsvOptions): AsyncGenerator<CsvRecord[]> {
  const range = opts.range;
  if (range && range.end <= range.start) return;
  const input = fs.createReadStream(file, range ? { start: range.start, end: range.end - 1 } : {});
  const parser = parse(parserOptions(opts.delimiter));
  // pipeline, unlike pipe, hands a read error (a file removed, unreadable) to the parser,
  // so the loop below ends with it instead of waiting forever.
  pipeline(input, parser, () => undefined);
  let header: string[] | null = range ? [...range.header] : null;
  const batchSize = opts.batchSize ?? 1024;
  let batch: CsvRecord[] = [];
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      if (header === null) {
        header = record;
        checkHeader(header, file, opts.label);
        opts.onHeader?.(header);
        continue;
      }
      const rec: CsvRecord = {};
      if (record.includes("") && raw.includes('"')) {
        const fields = exactFields(raw, opts.delimiter);
        for (let i = 0; i < header.length; i++) setField(rec, header[i], fields[i] ?? null);
      } else {
        for (let i = 0; i < header.length; i++) {
          const v = record[i];
          setField(rec, header[i], v === "" || v === undefined ? null : v);
        }
      }
      batch.push(rec);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  } catch (e) {
    if (e instanceof PipelineError) throw e;
    // A file system error (the file removed or unreadable since it was matched) is not the CSV's fault.
    if (typeof (e as { syscall?: unknown })?.syscall === "string") {
      throw new PipelineError(`Cannot read ${file}`, { label: opts.label, cause: e, hint: "check that the file exists and is readable, then run again." });
    }
    throw new PipelineError(`Cannot parse ${file}`, {
      label: opts.label,
      cause: e,
      hint: "check the CSV around the line named in the cause (quotes must be closed, every row needs the header's number of fields).",
    });
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (header === null) opts.onHeader?.([]);
}

/**
 * The line of the file that data row `index` (0-based, counted from the start of the range)
 * ends on: the file parsed again with csv-parse's line counting, for an error message only.
 */
export async function csvRecordLine(file: string, opts: Pick<ReadCsvOptions, "delimiter" | "range">, index: number): Promise<number> {
  const range = opts.range;
  const input = fs.createReadStream(file, range ? { start: range.start, end: range.end - 1 } : {});
  const parser = parse({ ...parserOptions(opts.delimiter), raw: false, info: true });
  pipeline(input, parser, () => undefined);
  let k = range ? 0 : -1;
  try {
    for await (const { info } of parser as AsyncIterable<{ info: { lines: number } }>) if (k++ === index) return info.lines + (range?.lineOffset ?? 0);
  } finally {
    input.destroy();
    parser.destroy();
  }
  return NaN;
}

function checkHeader(header: string[], file: string, label: string): void {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of header) (seen.has(name) ? twice : seen).add(name);
  if (twice.size) {
    const names = [...twice].map((n) => JSON.stringify(n)).join(", ");
    error(`${file} names column ${names} more than once in its header`, {
      label,
      hint: `rename the columns so that every name is distinct (the header is: ${header.join(", ")}); a record can keep only one field of a name.`,
    });
  }
}
