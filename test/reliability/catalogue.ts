/**
 * The bad-input catalogue's harness (not a test file): a case builds a pipeline (or an
 * action) that must fail, and the harness checks what every case promises:
 * - the error is a PipelineError naming what the case says (label, value, file, column);
 * - nothing is half-written: every file under the case's folder and every table of its
 *   warehouse are byte-for-byte and row-for-row as they were before;
 * - the process is healthy: no unhandled rejection, and good pipelines still run on both
 *   runners.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { assertHealthy, RUNNERS } from "./healthy";
import { tmpDir } from "../unit/helpers";

export type Area = "construction" | "dofn" | "encoding" | "options" | "text" | "csv" | "sql" | "warehouse" | "long use";

/** What a case gets: its own folder, and the warehouse file in it. */
export interface CaseContext {
  dir: string;
  warehouse: string;
  runner: (typeof RUNNERS)[number];
  /** A pipeline on the case's runner and warehouse. */
  pipeline(options?: Record<string, unknown>): beam.Pipeline;
}

export interface Case {
  area: Area;
  name: string;
  /** Files and tables the case starts from (they must be unchanged after). */
  given?: (ctx: CaseContext) => void | Promise<void>;
  /** Builds and runs what must fail: return a pipeline to run, or throw/reject yourself. */
  act: (ctx: CaseContext) => beam.Pipeline | void | Promise<beam.Pipeline | void>;
  /** Runs right after `act` failed, before the outputs are compared (to let go of a lock). */
  afterAct?: (ctx: CaseContext) => void | Promise<void>;
  /** Patterns the error's message must match. */
  error: RegExp[];
  /** The label the error must carry, when a transform is at fault. */
  label?: string;
  /** The message need not say what to do (the cause says it all); default: it must. */
  noHint?: boolean;
  /** Only on these runners (default: both). */
  runners?: readonly (typeof RUNNERS)[number][];
}

/** Every file under `dir` (relative name → bytes), hidden staging files included. */
export function snapshotFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      // The warehouse file itself is compared by its tables: DuckDB may rewrite its header.
      else if (!/\.duckdb(\.wal)?$/.test(e.name)) out.set(path.relative(dir, full), fs.readFileSync(full).toString("base64"));
    }
  };
  walk(dir);
  return out;
}

/** The rows of every table of a warehouse as sorted text, or null when there is no warehouse file. */
export async function snapshotTables(file: string): Promise<Record<string, string[]> | null> {
  if (!fs.existsSync(file)) return null;
  const wh = beam.warehouse.open(file);
  const out: Record<string, string[]> = {};
  for (const t of await wh.tables()) {
    out[t] = (await wh.query(`SELECT * FROM ${t}`)).objects().map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).sort();
  }
  return out;
}

/** Runs one case on one runner and checks the three promises. */
export async function runCase(c: Case, runner: (typeof RUNNERS)[number]): Promise<void> {
  const dir = tmpDir("beamlab-catalogue-");
  const warehouse = path.join(dir, "warehouse.duckdb");
  const ctx: CaseContext = { dir, warehouse, runner, pipeline: (options = {}) => new beam.Pipeline({ runner, warehouse, ...options }) };
  await c.given?.(ctx);
  const files = snapshotFiles(dir);
  const tables = await snapshotTables(warehouse);
  let thrown: unknown = null;
  try {
    const p = await c.act(ctx);
    if (p) await p.run();
  } catch (e) {
    thrown = e;
  }
  await c.afterAct?.(ctx);
  assert.ok(thrown !== null, `${c.name}: expected a failure, it ran`);
  assert.ok(thrown instanceof beam.PipelineError, `${c.name}: expected a PipelineError, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack}` : String(thrown)}`);
  const text = `${thrown.message}`;
  for (const re of c.error) assert.match(text, re, `${c.name}: the message names ${re}`);
  if (!c.noHint) assert.match(text, /what to do: \S/, `${c.name}: says what to do:\n${text}`);
  if (c.label !== undefined) assert.equal(thrown.label, c.label, `${c.name}: the label`);
  assert.ok(!/\n\s+at .*(node:internal|dist\/lib\/)/.test(text), `${c.name}: no internal stack in the message:\n${text}`);
  assert.deepEqual(snapshotFiles(dir), files, `${c.name}: files are as they were`);
  assert.deepEqual(await snapshotTables(warehouse), tables, `${c.name}: tables are as they were`);
  await assertHealthy(runner);
}
