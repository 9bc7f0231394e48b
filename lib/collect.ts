/**
 * collect: a PCollection's elements as an arquero table, running what is needed.
 */
import * as aq from "arquero";
import { error, truncate } from "./errors";
import { variableNames } from "./interactive/names";
import type { PCollection } from "./pipeline/pvalue";
import { expectPCollection } from "./pipeline/validate";
import { resolveRunner, type Runner } from "./runners/registry";
import { runPlan } from "./runners/direct";

/** Options of collect and show. */
export interface CollectOptions {
  /** At most this many elements (default all). */
  n?: number;
}

/** A runner that can compute single PCollections, reusing what it has computed before. */
export interface CollectingRunner extends Runner {
  elementsOf(pcoll: PCollection<unknown>, opts?: CollectOptions): Promise<readonly unknown[]>;
}

function isCollecting(r: Runner): r is CollectingRunner {
  return typeof (r as Partial<CollectingRunner>).elementsOf === "function";
}

/** The elements of a PCollection, computed by its pipeline's runner (or directly). */
export async function elementsOf<T>(pcoll: PCollection<T>, opts: CollectOptions = {}): Promise<readonly T[]> {
  const runner = resolveRunner(pcoll.pipeline);
  if (isCollecting(runner)) return (await runner.elementsOf(pcoll as PCollection<unknown>, opts)) as readonly T[];
  const { outcome } = await runPlan(pcoll.pipeline, [pcoll as PCollection<unknown>], { capture: new Set([pcoll.id]) });
  const all = (outcome.captured.get(pcoll.id) ?? []) as T[];
  return opts.n !== undefined ? all.slice(0, opts.n) : all;
}

/** How elements become rows: records by field, `[key, value]` pairs as two columns, else one column. */
export type ElementShape = "record" | "kv" | "element";

/** The shape shared by the elements (the first non-null element decides). */
export function shapeOf(elements: readonly unknown[]): ElementShape {
  const first = elements.find((e) => e !== null && e !== undefined);
  if (Array.isArray(first) && first.length === 2 && elements.every((e) => Array.isArray(e) && e.length === 2)) return "kv";
  if (isRecord(first) && elements.every((e) => isRecord(e))) return "record";
  return "element";
}

/** A plain object (not an array, Date, Map, ...). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Column names of elements of a shape, in first-seen order. */
export function columnsOf(elements: readonly unknown[], shape: ElementShape): string[] {
  if (shape === "kv") return ["key", "value"];
  if (shape === "element") return ["element"];
  const cols = new Set<string>();
  for (const e of elements) for (const k of Object.keys(e as object)) cols.add(k);
  return [...cols];
}

/** Elements as table columns. */
export function toColumns(elements: readonly unknown[]): { shape: ElementShape; columns: Record<string, unknown[]> } {
  const shape = shapeOf(elements);
  const names = columnsOf(elements, shape);
  const columns: Record<string, unknown[]> = {};
  for (const n of names) columns[n] = new Array(elements.length);
  elements.forEach((e, i) => {
    if (shape === "kv") {
      columns.key[i] = (e as unknown[])[0];
      columns.value[i] = (e as unknown[])[1];
    } else if (shape === "element") columns.element[i] = e;
    else for (const n of names) columns[n][i] = (e as Record<string, unknown>)[n];
  });
  return { shape, columns };
}

/**
 * The elements of a PCollection as an arquero table: records become columns, `[key, value]`
 * pairs the columns `key` and `value`, anything else a column `element`. Runs whatever
 * part of the pipeline is needed. Anything but one PCollection (the `{ main, ... }` record
 * of a multi-output ParDo, `undefined`) is a PipelineError saying what to pass instead.
 *
 * @example
 * const table = await beam.collect(out);
 * table.print();
 */
export async function collect<T>(pcoll: PCollection<T>, opts: CollectOptions = {}): Promise<aq.ColumnTable> {
  const checked = expectPCollection<T>(pcoll, "beam.collect", variableNames());
  checkRowLimit(opts?.n, "beam.collect");
  return aq.table(toColumns(await elementsOf(checked, opts)).columns);
}

/**
 * @internal Checks the `n` option of collect and show: a whole number of at least 0, or
 * absent (a negative or fractional one would silently drop or keep the wrong rows).
 */
export function checkRowLimit(n: unknown, call: string): void {
  if (n === undefined || (typeof n === "number" && Number.isInteger(n) && n >= 0)) return;
  error(`${call}() option n must be a whole number of at least 0, got ${truncate(n, 40)}`, {
    hint: `write e.g. ${call}(teachers, { n: 5 }), or leave n out for all elements.`,
  });
}
