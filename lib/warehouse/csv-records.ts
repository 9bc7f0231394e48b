/**
 * CSV records for `bq load`-style loading, with the same reader as ReadFromCsv.
 */
import * as fs from "node:fs";
import { error } from "../errors";
import { readCsvFile, type CsvRecord } from "../io/csv-parser";

/** The records of `file`; `onHeader` sees its column names first (and may refuse them). */
export async function* readCsvRecords(file: string, label: string, onHeader?: (header: readonly string[]) => void): AsyncGenerator<CsvRecord> {
  if (!fs.existsSync(file)) error(`No file ${JSON.stringify(file)}`, { label, hint: `check the path; the working directory is ${process.cwd()}.` });
  for await (const batch of readCsvFile(file, { label, onHeader })) for (const record of batch) yield record;
}
