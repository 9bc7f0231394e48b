/**
 * Loads the college data set into the warehouse, as the course does with `bq load`:
 *
 * - `college_staging.{teacher,student,class,teaches}` from `datasets/college/staging/` (the
 *   raw tables the pipelines read; all STRING except `class.credits`, an INTEGER; empty
 *   fields are NULL);
 * - `college_reference.{teacher,student,class,takes,teaches}` from `datasets/college/normalized/`
 *   (the clean tables the course arrived at, for comparison; course numbers keep the trailing
 *   space the course published, e.g. `"CS347 "`).
 *
 * Every table is replaced (WRITE_TRUNCATE), so loading is idempotent.
 *
 *   node dist/datasets/load.js [--warehouse FILE] [--college DIR]
 *
 * The warehouse is `--warehouse`, else `$BEAMLAB_WAREHOUSE`, else `<repo>/notebooks/warehouse.duckdb`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { open } from "../lib/warehouse";

/** One table to load: `dataset.table`, the CSV under the college directory, the BigQuery schema. */
export interface CollegeTable {
  table: string;
  file: string;
  schema: string;
}

/** The staging tables (what the pipelines read). */
export const STAGING_TABLES: readonly CollegeTable[] = [
  { table: "college_staging.teacher", file: "staging/teacher.csv", schema: "tid:STRING,instructor:STRING,dept:STRING" },
  { table: "college_staging.student", file: "staging/student.csv", schema: "sid:STRING,fname:STRING,lname:STRING,dob:STRING,status:STRING" },
  { table: "college_staging.class", file: "staging/class.csv", schema: "sid:STRING,cno:STRING,cname:STRING,credits:INTEGER,grade:STRING" },
  { table: "college_staging.teaches", file: "staging/teaches.csv", schema: "tid:STRING,cno:STRING" },
];

/** The reference tables (the course's clean result). */
export const REFERENCE_TABLES: readonly CollegeTable[] = [
  { table: "college_reference.teacher", file: "normalized/teacher.csv", schema: "tid:STRING,instructor:STRING,dept:STRING" },
  { table: "college_reference.student", file: "normalized/student.csv", schema: "sid:STRING,fname:STRING,lname:STRING,dob:DATE,status:STRING" },
  { table: "college_reference.class", file: "normalized/class.csv", schema: "cno:STRING,cname:STRING,credits:INTEGER" },
  { table: "college_reference.takes", file: "normalized/takes.csv", schema: "sid:STRING,cno:STRING,grade:STRING" },
  { table: "college_reference.teaches", file: "normalized/teaches.csv", schema: "tid:STRING,cno:STRING" },
];

/** All tables loaded by {@link loadCollege}, staging first. */
export const COLLEGE_LOAD: readonly CollegeTable[] = [...STAGING_TABLES, ...REFERENCE_TABLES];

/** The repository root: `dist/datasets` → `../..` when compiled, `datasets` → `..` from source. */
export function repoRoot(): string {
  for (const c of [path.resolve(__dirname, "..", ".."), path.resolve(__dirname, "..")]) {
    if (fs.existsSync(path.join(c, "datasets", "college", "staging", "teacher.csv"))) return c;
  }
  return path.resolve(__dirname, "..", "..");
}

/** `datasets/college` of the repository. */
export function defaultCollegeDir(): string {
  return path.join(repoRoot(), "datasets", "college");
}

/** `$BEAMLAB_WAREHOUSE`, else `<repo>/notebooks/warehouse.duckdb`. */
export function defaultWarehouse(): string {
  return process.env.BEAMLAB_WAREHOUSE ? path.resolve(process.env.BEAMLAB_WAREHOUSE) : path.join(repoRoot(), "notebooks", "warehouse.duckdb");
}

/**
 * Loads the staging and reference tables of the college data set into the warehouse file
 * `warehousePath` (created when missing; every table replaced). Returns the rows loaded per
 * `dataset.table`.
 */
export async function loadCollege(warehousePath: string, collegeDir: string = defaultCollegeDir()): Promise<Record<string, number>> {
  const wh = open(warehousePath);
  const counts: Record<string, number> = {};
  for (const t of COLLEGE_LOAD) counts[t.table] = await wh.load(t.table, path.join(collegeDir, t.file), t.schema, { writeDisposition: "WRITE_TRUNCATE" });
  return counts;
}

function parseArgs(argv: string[]): { warehouse: string; college: string } {
  let warehouse = defaultWarehouse();
  let college = defaultCollegeDir();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") {
      console.log("usage: node dist/datasets/load.js [--warehouse FILE] [--college DIR]\n" +
        "loads datasets/college/{staging,normalized} into college_staging.* and college_reference.*\n" +
        "default warehouse: $BEAMLAB_WAREHOUSE, else <repo>/notebooks/warehouse.duckdb");
      process.exit(0);
    } else if ((a === "--warehouse" || a === "--college") && argv[i + 1]) {
      if (a === "--warehouse") warehouse = path.resolve(argv[++i]);
      else college = path.resolve(argv[++i]);
    } else {
      console.error(`unknown argument ${a} (see --help)`);
      process.exit(2);
    }
  }
  return { warehouse, college };
}

if (require.main === module) {
  const { warehouse, college } = parseArgs(process.argv.slice(2));
  loadCollege(warehouse, college).then(
    (counts) => {
      console.log(`loaded ${path.relative(process.cwd(), college) || "."} into ${warehouse}`);
      const width = Math.max(...Object.keys(counts).map((k) => k.length));
      for (const [table, n] of Object.entries(counts)) console.log(`  ${table.padEnd(width)}  ${String(n).padStart(4)} rows`);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
