/**
 * show and showGraph: the one display verb for PCollections, tables, arrays, pipelines
 * and anything that knows how to display itself (charts).
 */
import * as aq from "arquero";
import { checkRowLimit, elementsOf, isRecord } from "../collect";
import { error } from "../errors";
import { describeValue, expectPCollection, taggedOutputs } from "../pipeline/validate";
import { plural } from "../display/encode";
import { queryResultInfo } from "../warehouse/warehouse";
import { DISPLAY_SYMBOL, isDisplayable } from "../display/displayable";
import { displayBundle, newDisplayId } from "../display/emit";
import { graphBundle } from "../display/graph";
import { PCOLLECTION_MIME, type PCollectionPayload } from "../display/protocol";
import { tableBundle } from "../display/table";
import { Pipeline } from "../pipeline/pipeline";
import { PCollection } from "../pipeline/pvalue";
import { resolveRunner } from "../runners/registry";
import { InteractiveRunner, type RunState } from "../runners/interactive";
import { variableNames } from "./names";


/** Options of show. */
export interface ShowOptions {
  /** At most this many rows embedded in the notebook (default: up to 1,000 within a size budget). */
  n?: number;
  /** A caption for tables and arrays (PCollections are captioned with their variable and label). */
  label?: string;
}

/** Element counts the pipeline's runner knows. */
export function knownCounts(p: Pipeline): Map<string, number> {
  const r = resolveRunner(p);
  return r instanceof InteractiveRunner ? r.knownCounts() : new Map();
}

/** The display bundle of a PCollection: computes it if needed. */
export async function pcollectionBundle(pcoll: PCollection<unknown>, opts: ShowOptions = {}): Promise<Record<string, unknown>> {
  const elements = await shownElements(pcoll);
  const names = variableNames();
  const bundle = tableBundle(
    { label: names.get(pcoll.id) ? `${names.get(pcoll.id)} (${pcoll.label})` : pcoll.label, pipeline: { id: pcoll.pipeline.id, name: names.get(pcoll.pipeline.id) ?? pcoll.pipeline.name }, pcollection: pcoll.id, elements, total: elements.length, schema: pcoll.schema },
    opts,
  );
  // The extension writes code with this name (quick charts of a column).
  const varName = names.get(pcoll.id);
  if (varName) (bundle[PCOLLECTION_MIME] as PCollectionPayload).varName = varName;
  return bundle;
}

/**
 * The elements a show renders. The interactive runner's cache is read as it is: a table hands
 * no element to user code, so a show does not pay for freezing what it computed.
 */
async function shownElements(pcoll: PCollection<unknown>): Promise<readonly unknown[]> {
  const r = resolveRunner(pcoll.pipeline);
  return r instanceof InteractiveRunner ? r.elementsToRender(pcoll) : elementsOf(pcoll);
}

/** The display bundle of an arquero table ("query result" with its column types when a warehouse query returned it). */
export function arqueroBundle(table: aq.ColumnTable, opts: ShowOptions = {}): Record<string, unknown> {
  const limit = Math.min(opts.n ?? 1000, table.numRows());
  const query = queryResultInfo(table);
  const label = opts.label ?? (query ? "query result" : "arquero table");
  return tableBundle({ label, pipeline: null, pcollection: null, elements: table.objects({ limit }), total: table.numRows(), columns: table.columnNames(), schema: query?.columns, unit: "row" }, opts);
}

/** What an array holds, in a caption: "array of 3 records", "array of 1 number", "array of 2 values". */
export function arrayCaption(values: readonly unknown[]): string {
  const kinds = new Set(values.map((v) => (v === null || v === undefined ? null : isRecord(v) ? "record" : Array.isArray(v) ? "array" : v instanceof Date ? "date" : typeof v)));
  kinds.delete(null);
  const only = kinds.size === 1 ? [...kinds][0] : null;
  const noun = only === "record" || only === "array" || only === "date" || only === "number" || only === "string" || only === "boolean" ? only : "value";
  return `array of ${plural(values.length, noun)}`;
}

/** The display bundle of a pipeline's graph, with the interactive runner's state when it has one. */
export function pipelineGraphBundle(p: Pipeline, state: RunState | undefined = runStateOf(p)): Record<string, unknown> {
  return graphBundle(p, { counts: knownCounts(p), varNames: variableNames(), state });
}

function runStateOf(p: Pipeline): RunState | undefined {
  const r = resolveRunner(p);
  return r instanceof InteractiveRunner ? r.runState() : undefined;
}

/** At most one redraw of a live graph per this many milliseconds (dagre lays out the SVG each time). */
const GRAPH_UPDATE_MS = 400;

/**
 * The live graph display of each pipeline: only the latest one follows the run state.
 * Keyed weakly, so a pipeline no notebook variable holds any more is collected together
 * with its subscription.
 */
const liveGraphs = new WeakMap<Pipeline, () => void>();

/** Keeps the graph output `id` in step with the runner's state, at most every {@link GRAPH_UPDATE_MS}. */
function followRunState(p: Pipeline, runner: InteractiveRunner, id: string): () => void {
  let timer: NodeJS.Timeout | null = null;
  let pending: RunState | null = null;
  let last = 0;
  const flush = () => {
    timer = null;
    if (!pending) return;
    const state = pending;
    pending = null;
    last = Date.now();
    try {
      displayBundle(pipelineGraphBundle(p, state), { id, update: true });
    } catch {
      // A graph that cannot be redrawn keeps its last picture; the run itself is unaffected.
    }
  };
  const unsubscribe = runner.onRunState((state) => {
    pending = state;
    if (timer) return;
    const wait = Math.max(0, GRAPH_UPDATE_MS - (Date.now() - last));
    timer = setTimeout(flush, wait);
    // Never keep the kernel process alive for a redraw.
    timer.unref();
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

/**
 * Displays a PCollection (computing only what it needs), an arquero table, an array of
 * records, a pipeline (its graph) or a chart. In a notebook: `await beam.show(x)`.
 *
 * @example
 * await beam.show(teachers);            // the PCollection as a table
 * await beam.show(teachers, { n: 5 });  // only five rows
 */
export async function show(x: unknown, opts: ShowOptions = {}): Promise<void> {
  checkRowLimit(opts?.n, "beam.show");
  if (x instanceof Pipeline) return showGraph(x);
  displayBundle(await bundleOf(x, opts));
}

/** The display bundle for anything `show` accepts. */
export async function bundleOf(x: unknown, opts: ShowOptions = {}): Promise<Record<string, unknown>> {
  if (x instanceof PCollection) return pcollectionBundle(x, opts);
  if (x instanceof Pipeline) return pipelineGraphBundle(x);
  if (x instanceof aq.ColumnTable) return arqueroBundle(x, opts);
  if (isDisplayable(x)) return x[DISPLAY_SYMBOL]();
  if (Array.isArray(x)) return tableBundle({ label: opts.label ?? arrayCaption(x), pipeline: null, pcollection: null, elements: x, total: x.length }, opts);
  // The `{ main, ... }` record of a multi-output ParDo: the error says which output to pick.
  if (taggedOutputs(x)) expectPCollection(x, "beam.show", variableNames());
  return error(`beam.show() cannot display ${describeValue(x)}`, {
    hint:
      x === undefined
        ? "pass the variable that holds what .apply(...) returned, e.g. beam.show(teachers); a variable is undefined until the cell that assigns it has run."
        : "pass a PCollection, an arquero table, an array, a pipeline or a chart.",
  });
}

/**
 * Displays a pipeline as a graph: transforms and PCollections with their labels and, once
 * computed, element counts. With the notebook (interactive) runner the graph follows the
 * runs that come after: running steps pulse, counts fill in, a failed step turns red.
 * Only the latest graph of a pipeline follows it.
 *
 * @example
 * beam.showGraph(p);
 */
export function showGraph(p: Pipeline): void {
  liveGraphs.get(p)?.();
  liveGraphs.delete(p);
  const runner = resolveRunner(p);
  if (!(runner instanceof InteractiveRunner)) {
    displayBundle(pipelineGraphBundle(p));
    return;
  }
  const id = newDisplayId();
  if (displayBundle(pipelineGraphBundle(p), { id })) liveGraphs.set(p, followRunState(p, runner, id));
}
