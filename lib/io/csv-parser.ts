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
import { error, PipelineError } from "../errors";
import { setField } from "./record";

/** A data row: its fields keyed by the header's column names. */
export type CsvRecord = Record<string, string | null>;

/** A data row and the line of the file it ends on (for errors). */
export interface CsvRow {
  readonly record: CsvRecord;
  readonly line: number;
}

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
}

/**
 * The rows of a CSV file with a header row. Refuses a header that names a column twice
 * (one of the two would silently be lost).
 */
export async function* readCsvFile(file: string, opts: ReadCsvOptions): AsyncGenerator<CsvRow> {
  const range = opts.range;
  if (range && range.end <= range.start) return;
  const input = fs.createReadStream(file, range ? { start: range.start, end: range.end - 1 } : {});
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    delimiter: opts.delimiter ?? ",",
    info: true,
    cast: (value, context) => (value === "" && !context.quoting ? null : value),
  });
  // pipeline, unlike pipe, hands a read error (a file removed, unreadable) to the parser,
  // so the loop below ends with it instead of waiting forever.
  pipeline(input, parser, () => undefined);
  let header: string[] | null = range ? [...range.header] : null;
  const lineOffset = range?.lineOffset ?? 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: (string | null)[]; info: { lines: number } }>) {
      if (header === null) {
        header = record.map((name) => name ?? "");
        checkHeader(header, file, opts.label);
        opts.onHeader?.(header);
        continue;
      }
      const rec: CsvRecord = {};
      for (let i = 0; i < header.length; i++) setField(rec, header[i], record[i]);
      yield { record: rec, line: info.lines + lineOffset };
    }
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
