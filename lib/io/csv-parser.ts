/**
 * The one CSV reader, for ReadFromCsv and the warehouse's `load`: header row, BOM, quoted
 * fields with embedded newlines, CRLF; an unquoted empty field is a missing value (null), a
 * quoted "" stays an empty string. It owns the file handle and closes it on every path
 * (the end, an error, a consumer that stops early), so failed runs in a notebook never
 * pile up open files.
 */
import * as fs from "node:fs";
import { pipeline } from "node:stream";
import { StringDecoder } from "node:string_decoder";
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
  /** Bytes read at a time (default 256 KiB); small in tests, so that records and CRLFs straddle reads. */
  readonly readBytes?: number;
}

/**
 * csv-parse's options for the file read the careful way (its errors, and the line of a row).
 * Without csv-parse's `info` and `cast`, which build a context object per record and per
 * field (a tenth of csv-parse's speed): `raw` keeps each record's text, so the rare row with
 * an empty field and a quote in it can be parsed again to tell a quoted "" from a missing value.
 */
function parserOptions(delimiter: string | undefined) {
  return { bom: true, skip_empty_lines: true, delimiter: delimiter ?? ",", raw: true } as const;
}

/** The fields of one record's text, a quoted "" kept as "" and an unquoted empty field null. */
function exactFields(raw: string, delimiter: string | undefined): (string | null)[] {
  const options = { ...parserOptions(delimiter), raw: false, cast: (value: string, context: { quoting: boolean }) => (value === "" && !context.quoting ? null : value) };
  const [row] = parseSync(raw, options) as (string | null)[][];
  return row ?? [];
}

/** How far the file is read at a time; each piece is cut after its last whole record. */
const READ_BYTES = 256 * 1024;

/**
 * The data rows of a CSV file with a header row, in batches. Refuses a header that names a
 * column twice (one of the two would silently be lost). A failure names the file; the line a
 * row ends on is found again by {@link csvRecordLine} when an error needs it.
 *
 * The file is cut into pieces of whole records (a record delimiter outside quotes ends one).
 * A piece is split at its record delimiters and delimiters as it is, a line whose quotes
 * only enclose whole fields (`"Last, First"`) taken apart at them: that is all CSV means there,
 * and it is far quicker than csv-parse's state machine of a step per character (on the class
 * CSV, ReadFromCsv with its schema reads 656k rows/s this way, csv-parse alone 359k:
 * test/bench/NOTES.md). From the first line with any other quote (a `""`, a line break inside
 * quotes), the rest of the piece is parsed by csv-parse. The record delimiter is found as csv-parse finds
 * it (the first CRLF, LF or CR outside quotes, then only that one), and a file that does not
 * parse is read again by csv-parse alone, so that its error and line are csv-parse's own.
 */
export async function* readCsvFile(file: string, opts: ReadCsvOptions): AsyncGenerator<CsvRecord[]> {
  const range = opts.range;
  if (range && range.end <= range.start) return;
  const highWaterMark = opts.readBytes ?? READ_BYTES;
  const input = fs.createReadStream(file, range ? { start: range.start, end: range.end - 1, highWaterMark } : { highWaterMark });
  const pieces = new RecordPieces(!range);
  const rows = new RowBuilder(file, opts, range ? [...range.header] : null);
  const batchSize = opts.batchSize ?? 1024;
  let batch: CsvRecord[] = [];
  try {
    const take = async function* (piece: Piece | null): AsyncGenerator<CsvRecord[]> {
      if (piece === null) return;
      let misfit: Error | undefined;
      try {
        misfit = rows.add(piece);
      } catch (e) {
        if (e instanceof PipelineError) throw e;
        // csv-parse's error about a piece: its line is counted from the piece's start.
        misfit = e as Error;
      }
      if (misfit) throw await carefulError(file, opts, misfit);
      for (const rec of rows.take()) {
        batch.push(rec);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    };
    for await (const chunk of input as AsyncIterable<Buffer>) yield* take(pieces.write(chunk));
    yield* take(pieces.end());
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
  }
  if (rows.header === null) opts.onHeader?.([]);
}

/** Whole records of the file's text, and the record delimiter they end with. */
interface Piece {
  readonly text: string;
  readonly recordDelimiter: string;
}

/**
 * The file's text cut after whole records: each piece ends with a record delimiter outside
 * quotes (or is the rest of the file). Quotes are counted, not parsed: `""` inside a quoted
 * field counts twice, and a stray quote csv-parse would refuse anyway.
 */
class RecordPieces {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";
  /** How far `pending` was looked at for quotes, and whether that point is inside quotes. */
  private scanned = 0;
  private inQuotes = false;
  private bomChecked: boolean;
  /** The file's record delimiter, once its first one outside quotes has been seen. */
  private recordDelimiter: string | null = null;

  constructor(atFileStart: boolean) {
    this.bomChecked = !atFileStart;
  }

  /** The whole records the text so far completes, or null when it completes none. */
  write(chunk: Buffer): Piece | null {
    let text = this.decoder.write(chunk);
    if (!this.bomChecked && text !== "") {
      this.bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.pending += text;
    return this.cut();
  }

  /** The rest of the file; a file without a record delimiter is one record, ended by LF as csv-parse takes it. */
  end(): Piece | null {
    this.pending += this.decoder.end();
    const recordDelimiter = this.recordDelimiter ?? findRecordDelimiter(this.pending, true) ?? "\n";
    const rest = this.pending;
    this.pending = "";
    return rest === "" ? null : { text: rest, recordDelimiter };
  }

  private cut(): Piece | null {
    if (this.recordDelimiter === null) {
      this.recordDelimiter = findRecordDelimiter(this.pending, false);
      if (this.recordDelimiter === null) return null;
    }
    const rd = this.recordDelimiter;
    const text = this.pending;
    // A CRLF can straddle two chunks: look again at a CR that ended the last one.
    const from = this.scanned > 0 && !this.inQuotes && text.charCodeAt(this.scanned - 1) === 13 ? this.scanned - 1 : this.scanned;
    let end = 0;
    this.inQuotes = eachUnquoted(text, from, this.inQuotes, (start, stop) => {
      if (stop - start >= rd.length) {
        const at = text.lastIndexOf(rd, stop - rd.length);
        if (at >= start) end = at + rd.length;
      }
      return false;
    });
    if (end === 0) {
      this.scanned = text.length;
      return null;
    }
    this.pending = text.slice(end);
    this.scanned = this.pending.length;
    return { text: text.slice(0, end), recordDelimiter: rd };
  }
}

/**
 * Calls `visit(start, stop)` for each stretch of `text` from `pos` that lies outside quotes,
 * in order, until it returns true; returns whether the text ends inside quotes. `quoted` says
 * whether `pos` is inside quotes. A quote opens or closes quotes: csv-parse's `""` in a quoted
 * field closes and opens them again, which leaves the stretch between empty.
 */
function eachUnquoted(text: string, pos: number, quoted: boolean, visit: (start: number, stop: number) => boolean): boolean {
  for (;;) {
    const quote = text.indexOf('"', pos);
    const stop = quote < 0 ? text.length : quote;
    if (!quoted && visit(pos, stop)) return quoted;
    if (quote < 0) return quoted;
    quoted = !quoted;
    pos = quote + 1;
  }
}

/**
 * The first record delimiter outside quotes, as csv-parse finds it: CRLF, LF or CR. Null when
 * the text holds none yet (or ends with a CR that may be the start of a CRLF).
 */
function findRecordDelimiter(text: string, atEnd: boolean): string | null {
  let found: string | null = null;
  eachUnquoted(text, 0, false, (start, stop) => {
    for (let i = start; i < stop; i++) {
      const c = text.charCodeAt(i);
      // A CR that ends the text so far may be the start of a CRLF: nothing is settled yet (null).
      if (c === 10) found = "\n";
      else if (c === 13) found = i + 1 < text.length ? (text.charCodeAt(i + 1) === 10 ? "\r\n" : "\r") : atEnd ? "\r" : null;
      else continue;
      return true;
    }
    return false;
  });
  return found;
}

/**
 * V8 makes a substring of 13 characters or more a slice that keeps its whole parent alive: a
 * field split from a piece would hold the piece's 256 KiB for as long as the field lives (the
 * class pipeline's GroupByKey, holding every class name, held the whole file). Shorter ones are
 * copied already.
 */
const SLICE_FROM = 13;

/**
 * A copy of `s` that keeps no larger string alive: the concatenation is flattened into a string
 * of its own, one character longer, of which the copy is a slice.
 */
function ownCopy(s: string): string {
  return (" " + s).slice(1);
}

/**
 * The fields of one line whose quotes all enclose whole, simple fields (`"Last, First"`: a
 * quote opens a field, the next one closes it right before a delimiter or the line's end), as
 * csv-parse reads them; null for any other quote (a `""`, a quoted empty field, a quote
 * inside a field or after one, a field that goes on past the line), which csv-parse decides.
 * The teacher CSV quotes a fifth of its rows this way: they need not take csv-parse's step per
 * character.
 */
function simpleQuotedFields(line: string, delimiter: string): string[] | null {
  const fields: string[] = [];
  const n = line.length;
  let pos = 0;
  for (;;) {
    if (line.charCodeAt(pos) === 34) {
      const close = line.indexOf('"', pos + 1);
      if (close <= pos + 1) return null;
      const after = close + 1;
      fields.push(line.slice(pos + 1, close));
      if (after === n) return fields;
      if (!line.startsWith(delimiter, after)) return null;
      pos = after + delimiter.length;
    } else {
      const next = line.indexOf(delimiter, pos);
      const field = next < 0 ? line.slice(pos) : line.slice(pos, next);
      if (field.indexOf('"') >= 0) return null;
      fields.push(field);
      if (next < 0) return fields;
      pos = next + delimiter.length;
    }
  }
}

/** The records of the pieces of one file: the header first, then data rows keyed by it. */
class RowBuilder {
  private out: CsvRecord[] = [];
  /** Data rows so far, for the error of a ragged one that csv-parse alone would not refuse. */
  private rows = 0;
  /** Whether a column is named `__proto__`, which needs {@link setField} (rare: checked once). */
  private protoColumn = false;

  constructor(
    private readonly file: string,
    private readonly opts: ReadCsvOptions,
    public header: string[] | null,
  ) {
    if (header) this.protoColumn = header.includes("__proto__");
  }

  /** Adds a piece's records; a row with the wrong number of fields is returned as an error, not added. */
  add({ text: piece, recordDelimiter: rd }: Piece): Error | undefined {
    const delimiter = this.opts.delimiter ?? ",";
    const quotes = piece.indexOf('"') >= 0;
    const lines = piece.split(rd);
    let at = 0;
    for (let i = 0; i < lines.length; at += lines[i].length + rd.length, i++) {
      const line = lines[i];
      if (line === "") continue;
      const fields = !quotes || line.indexOf('"') < 0 ? line.split(delimiter) : simpleQuotedFields(line, delimiter);
      // Every line before this one was a whole record, so this one starts a record: csv-parse reads from here.
      if (fields === null) return this.parsed(piece.slice(at), rd);
      for (let j = 0; j < fields.length; j++) if (fields[j].length >= SLICE_FROM) fields[j] = ownCopy(fields[j]);
      const misfit = this.row(fields, null);
      if (misfit) return misfit;
    }
    return undefined;
  }

  /** The records of `text` (whole records) as csv-parse reads them. */
  private parsed(text: string, rd: string): Error | undefined {
    const options = { ...parserOptions(this.opts.delimiter), bom: false, record_delimiter: rd, relax_column_count: true };
    for (const { record, raw } of parseSync(text, options) as unknown as { record: string[]; raw: string }[]) {
      const misfit = this.row(record, raw);
      if (misfit) return misfit;
    }
    return undefined;
  }

  /** The records added since the last call. */
  take(): CsvRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private row(fields: string[], raw: string | null): Error | undefined {
    const header = this.header;
    if (header === null) {
      this.header = fields;
      this.protoColumn = fields.includes("__proto__");
      checkHeader(fields, this.file, this.opts.label);
      this.opts.onHeader?.(fields);
      return undefined;
    }
    this.rows++;
    if (fields.length !== header.length) return new Error(`Invalid Record Length: expect ${header.length} fields (the header's), got ${fields.length} in data row ${this.rows}`);
    const rec: CsvRecord = {};
    // Only a field with a quote in its record can be a quoted "" rather than a missing value.
    const exact = raw !== null && fields.includes("") && raw.includes('"') ? exactFields(raw, this.opts.delimiter) : null;
    for (let i = 0; i < header.length; i++) {
      const v = exact ? (exact[i] ?? null) : fields[i] === "" ? null : fields[i];
      if (this.protoColumn) setField(rec, header[i], v);
      else rec[header[i]] = v;
    }
    this.out.push(rec);
    return undefined;
  }
}

/**
 * The error csv-parse gives for the file (or its range) read the careful way, with its own
 * line numbers; `fallback` when it reads the file without one.
 */
async function carefulError(file: string, opts: Pick<ReadCsvOptions, "delimiter" | "range">, fallback: Error): Promise<unknown> {
  const range = opts.range;
  const input = fs.createReadStream(file, range ? { start: range.start, end: range.end - 1 } : {});
  const parser = parse(parserOptions(opts.delimiter));
  pipeline(input, parser, () => undefined);
  try {
    for await (const _ of parser) void _;
  } catch (e) {
    return e;
  } finally {
    input.destroy();
    parser.destroy();
  }
  return fallback;
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
