/**
 * The one CSV parser setup: header row, BOM, quoted fields with embedded newlines, CRLF;
 * an unquoted empty field is a missing value (null), a quoted "" stays an empty string.
 */
import * as fs from "node:fs";
import { parse, type Parser } from "csv-parse";

export function csvParser(file: string, opts: { delimiter?: string; info?: boolean } = {}): Parser {
  return fs.createReadStream(file).pipe(
    parse({
      columns: true,
      bom: true,
      skip_empty_lines: true,
      delimiter: opts.delimiter ?? ",",
      info: opts.info ?? false,
      cast: (value, context) => (value === "" && !context.quoting ? null : value),
    }),
  );
}
