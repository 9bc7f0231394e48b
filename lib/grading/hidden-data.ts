/**
 * The hidden data of an assignment: a folder beside the source notebook with CSV files and a
 * `load.json` mapping each warehouse table to its CSV and BigQuery-style schema:
 *
 *     { "college_staging.student": { "csv": "student.csv", "schema": "sid:STRING,dob:STRING" } }
 *
 * The grader loads these into a fresh warehouse for each submission; students never get them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseSchema, type TableSchema } from "../io/schema";

/** The file naming the hidden tables. */
export const LOAD_FILE = "load.json";

/** One hidden table: `dataset.table`, its CSV (relative to the hidden-data folder), its schema. */
export interface HiddenTable {
  table: string;
  csv: string;
  schema: TableSchema;
}

const TABLE = /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/;

/**
 * Checks parsed `load.json` (pure; `hasFile` says whether a CSV exists in the folder). Returns
 * the tables and every problem, each a sentence with what to do.
 */
export function parseLoadJson(json: unknown, hasFile: (csv: string) => boolean): { tables: HiddenTable[]; problems: string[] } {
  const problems: string[] = [];
  const tables: HiddenTable[] = [];
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { tables, problems: [`${LOAD_FILE} is not an object; write it as {"dataset.table": {"csv": "file.csv", "schema": "name:STRING,..."}}`] };
  }
  for (const [table, spec] of Object.entries(json as Record<string, unknown>)) {
    if (!TABLE.test(table)) problems.push(`${LOAD_FILE}: table "${table}" is not of the form dataset.table; name it like college_staging.student`);
    const s = spec as Record<string, unknown> | null;
    if (typeof s !== "object" || s === null || typeof s.csv !== "string" || (typeof s.schema !== "string" && !Array.isArray(s.schema))) {
      problems.push(`${LOAD_FILE}: table ${table} needs "csv" (a file in the folder) and "schema" (e.g. "sid:STRING,credits:INTEGER")`);
      continue;
    }
    const csv = s.csv;
    if (path.isAbsolute(csv) || csv.split(/[\\/]/).includes("..")) problems.push(`${LOAD_FILE}: the CSV of ${table}, "${csv}", is outside the hidden-data folder; put the file in the folder`);
    else if (!hasFile(csv)) problems.push(`${LOAD_FILE}: the CSV of ${table}, "${csv}", does not exist; add it to the folder or fix the name`);
    try {
      parseSchema(s.schema as TableSchema);
    } catch (e) {
      problems.push(`${LOAD_FILE}: the schema of ${table}: ${(e as Error).message.split("\n")[0]}`);
    }
    tables.push({ table, csv, schema: s.schema as TableSchema });
  }
  if (tables.length === 0 && problems.length === 0) problems.push(`${LOAD_FILE} names no table; add one per CSV file`);
  return { tables, problems };
}

/** Reads and checks the hidden-data folder `dir` (absolute). */
export function readHiddenData(dir: string): { tables: HiddenTable[]; problems: string[] } {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    return { tables: [], problems: [`the hidden-data folder ${dir} does not exist; create it beside the source notebook, or fix \`hidden_data\``] };
  }
  const loadFile = path.join(dir, LOAD_FILE);
  if (!fs.existsSync(loadFile)) return { tables: [], problems: [`${loadFile} is missing; it maps each table to its CSV and schema`] };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(loadFile, "utf8"));
  } catch (e) {
    return { tables: [], problems: [`${loadFile} is not valid JSON (${(e as Error).message})`] };
  }
  return parseLoadJson(json, (csv) => fs.statSync(path.join(dir, csv), { throwIfNoEntry: false })?.isFile() ?? false);
}

/** Copies `load.json` and the tables' CSV files from `from` to `to`. */
export function copyHiddenData(from: string, to: string, tables: readonly HiddenTable[]): void {
  fs.mkdirSync(to, { recursive: true });
  fs.copyFileSync(path.join(from, LOAD_FILE), path.join(to, LOAD_FILE));
  for (const t of tables) {
    fs.mkdirSync(path.dirname(path.join(to, t.csv)), { recursive: true });
    fs.copyFileSync(path.join(from, t.csv), path.join(to, t.csv));
  }
}
