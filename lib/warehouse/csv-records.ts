/**
 * CSV records for `bq load`-style loading, with the same parser as ReadFromCsv.
 */
import * as fs from "node:fs";
import { error, PipelineError } from "../errors";
import { csvParser } from "../io/csv-parser";

export async function* readCsvRecords(file: string, label: string): AsyncGenerator<Record<string, string | null>> {
  if (!fs.existsSync(file)) error(`No file ${JSON.stringify(file)}`, { label, hint: `check the path; the working directory is ${process.cwd()}.` });
  const parser = csvParser(file);
  try {
    for await (const rec of parser as AsyncIterable<Record<string, string | null>>) yield rec;
  } catch (e) {
    throw new PipelineError(`Cannot parse ${file}`, { label, cause: e, hint: "check the CSV around the line named in the cause." });
  }
}
