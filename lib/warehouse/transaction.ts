/**
 * Table writes inside one transaction per warehouse file: every write of a run is applied,
 * then all become visible at one COMMIT, or none do. This is what lets a failing second
 * sink leave the first sink's table exactly as it was.
 */
import { error, PipelineError } from "../errors";
import type { FieldSchema } from "../io/schema";
import { appendText, ident, literal, openConnection, queryAll, type Connection } from "./duckdb";
import { DUCK_TYPES, splitTableName, type CreateDisposition, type WriteDisposition } from "./tables";

/** One table write as a sink stages it: the rows already checked against the schema and made column texts. */
export interface TableWrite {
  /** `dataset.table`. */
  readonly table: string;
  readonly fields: readonly FieldSchema[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** Default WRITE_EMPTY, as in BigQuery. */
  readonly writeDisposition?: WriteDisposition;
  /** Default CREATE_IF_NEEDED. */
  readonly createDisposition?: CreateDisposition;
  /** The transform to name in errors. */
  readonly label?: string;
}

/** An open transaction on one warehouse file. */
export interface WarehouseTransaction {
  readonly file: string;
  /** Applies a write; it is visible to nobody until {@link commit}. Throws a PipelineError naming the table. */
  apply(write: TableWrite): Promise<void>;
  /** Makes every applied write visible at once, and closes the file. */
  commit(): Promise<void>;
  /** Undoes every applied write and closes the file. Never throws. */
  rollback(): Promise<void>;
}

let stages = 0;

/** Opens `file` (creating it if needed) and begins a transaction on it. */
export async function beginTransaction(file: string, label?: string): Promise<WarehouseTransaction> {
  const c: Connection = await openConnection(file, { create: true, label });
  try {
    await c.conn.run("BEGIN TRANSACTION");
  } catch (e) {
    c.close();
    throw new PipelineError(`Cannot write to the warehouse file ${file}`, { label, cause: e, hint: "check that the file is writable and not held by another program, then run again." });
  }
  let open = true;
  const end = () => {
    if (open) c.close();
    open = false;
  };
  return {
    file,
    async apply(w) {
      try {
        await applyWrite(c, w);
      } catch (e) {
        if (e instanceof PipelineError) throw e;
        throw new PipelineError(`Writing ${w.table} failed; the table is unchanged`, { label: w.label, cause: e, hint: "check that the schema matches the existing table, or use WRITE_TRUNCATE." });
      }
    },
    async commit() {
      try {
        await c.conn.run("COMMIT");
      } finally {
        end();
      }
    },
    async rollback() {
      if (!open) return;
      await c.conn.run("ROLLBACK").catch(() => undefined);
      end();
    },
  };
}

async function applyWrite({ conn }: Connection, w: TableWrite): Promise<void> {
  const { dataset, table } = splitTableName(w.table, w.label);
  const target = `${ident(dataset)}.${ident(table)}`;
  const disposition = w.writeDisposition ?? "WRITE_EMPTY";
  const stageName = `beamlab_stage_${process.pid}_${++stages}`;
  const stage = ident(stageName);
  // The rows arrive as text and are cast by DuckDB into the table's types in one INSERT.
  await conn.run(`CREATE TEMP TABLE ${stage} (${w.fields.map((f) => `${ident(f.name)} VARCHAR`).join(", ")})`);
  await appendText(conn, stageName, w.rows);
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${ident(dataset)}`);
  const exists = (await queryAll(conn, `SELECT 1 FROM information_schema.tables WHERE table_schema = ${literal(dataset)} AND table_name = ${literal(table)}`)).rows.length > 0;
  if (!exists && w.createDisposition === "CREATE_NEVER") {
    error(`Table ${w.table} does not exist`, { label: w.label, hint: 'create it first or use createDisposition: "CREATE_IF_NEEDED".' });
  }
  const columns = w.fields.map((f) => `${ident(f.name)} ${DUCK_TYPES[f.type]}${f.mode === "REQUIRED" ? " NOT NULL" : ""}`).join(", ");
  if (disposition === "WRITE_TRUNCATE") await conn.run(`CREATE OR REPLACE TABLE ${target} (${columns})`);
  else if (!exists) await conn.run(`CREATE TABLE ${target} (${columns})`);
  else if (disposition === "WRITE_EMPTY") {
    const n = (await queryAll(conn, `SELECT count(*) AS n FROM ${target}`)).rows[0].n;
    if (Number(n) > 0) error(`Table ${w.table} is not empty (${n} rows)`, { label: w.label, hint: 'use writeDisposition: "WRITE_TRUNCATE" to replace it or "WRITE_APPEND" to add rows.' });
  }
  const casts = w.fields.map((f) => `CAST(${ident(f.name)} AS ${DUCK_TYPES[f.type]})`).join(", ");
  await conn.run(`INSERT INTO ${target} (${w.fields.map((f) => ident(f.name)).join(", ")}) SELECT ${casts} FROM ${stage}`);
  await conn.run(`DROP TABLE ${stage}`);
}
