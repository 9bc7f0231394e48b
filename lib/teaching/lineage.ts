/**
 * `beam.lineage`: where one element of a PCollection came from, step by step back to the
 * source rows, and what it led to downstream. Computes what is missing first, through the
 * interactive runner, and shows the trace in a notebook.
 */
import { displayBundle, inKernel } from "../display/emit";
import { DISPLAY_SYMBOL } from "../display/displayable";
import { PipelineError } from "../errors";
import type { PCollection } from "../pipeline/pvalue";
import type { InteractiveRunner } from "../runners/interactive";
import { buildTrace, offMessage, type LineageTrace } from "./lineage-trace";
import { checkPCollection, interactiveRunnerOf, lineageStoreOf, pcollectionName, pipelineRef } from "./runner-lineage";
import { downstreamOutputs, outputLabel, stepOf } from "./steps";
import { traceBundle } from "./trace-view";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Which element: its index in the PCollection, or the first element for which the predicate is true. */
export type ElementSelector<T> = number | ((element: T, index: number) => unknown);

/** Options of {@link lineage}. */
export interface TraceOptions {
  /** Show the trace (default: in a notebook, yes; elsewhere, no). */
  readonly show?: boolean;
}

/**
 * Where an element came from and what it led to. Selects the element (by index, or the
 * first for which `select` is true), computes whatever upstream and downstream is not
 * computed yet, shows the trace in a notebook and returns it: `upstream` and `downstream`
 * map each top-level transform label to the elements of its output the element came from
 * (back to the source rows) or led to; `steps` has the same with indexes and links.
 *
 * Needs the interactive runner (the notebook default) and lineage on (the default, for
 * PCollections up to 1,000,000 elements; see the pipeline option `lineage`).
 *
 * @example
 * const t = await beam.lineage(students, (s) => s.sid === "kev18");
 * t.element.dob;                    // "1999-05-10"
 * t.upstream["Read student"];       // [{ sid: "kev18", ..., dob: "May-10-1999", ... }]
 * await beam.lineage(classes, 0);   // the first class row, traced to every enrolment row that fed it
 */
export async function lineage<T>(pcoll: PCollection<T>, select: ElementSelector<T>, opts: TraceOptions = {}): Promise<LineageTrace<T>> {
  checkPCollection(pcoll, "beam.lineage", "beam.lineage(students, 0)");
  const pc = pcoll as PCollection<unknown>;
  const runner = interactiveRunnerOf(pc, "beam.lineage");
  const store = lineageStoreOf(runner, pc, "beam.lineage");
  const elements = (await runner.elementsOf(pc)) as readonly T[];
  const index = selectElement(pcoll, elements, select);
  const notes: string[] = [];
  const selectedOff = store.get(pc.id)?.off;
  if (selectedOff) notes.push(offMessage(outputLabel(pc), selectedOff));
  await computeDownstream(runner, pc, notes);
  const trace = buildTrace({ pipeline: pc.pipeline, store, elements: (x) => runner.cached(x) }, pcoll, index, notes);
  const bundle = () => traceBundle(trace as LineageTrace<unknown>, pipelineRef(pc.pipeline));
  // `beam.show(trace)` shows it again; not enumerable, so the trace stays plain data.
  Object.defineProperty(trace, DISPLAY_SYMBOL, { value: bundle, enumerable: false });
  // tslab prints a cell's last value: one line, not a dump of every element under the display.
  const up = trace.steps.filter((s) => s.side === "upstream").length;
  const down = trace.steps.filter((s) => s.side === "downstream").length;
  const line = `LineageTrace of element #${index} of "${trace.pcollection}": ${up} step${up === 1 ? "" : "s"} upstream, ${down} downstream${trace.complete ? "" : " (incomplete: see .notes)"}; see .upstream, .downstream, .steps`;
  Object.defineProperty(trace, INSPECT, { value: () => line, enumerable: false });
  if (opts.show ?? inKernel()) displayBundle(bundle());
  return trace;
}

/** The index of the selected element, or an error naming the PCollection, what was asked and what to do. */
export function selectElement<T>(pcoll: PCollection<T>, elements: readonly T[], select: ElementSelector<T>): number {
  const name = pcollectionName(pcoll as PCollection<unknown>);
  if (typeof select === "number") {
    if (!Number.isInteger(select)) {
      throw new PipelineError(`beam.lineage() needs a whole element index or a predicate, got ${select}`, { label: stepOf(pcoll as PCollection<unknown>).fullLabel, hint: "pass an index such as 0, or a predicate such as (s) => s.sid === \"kev18\"." });
    }
    if (select < 0 || select >= elements.length) {
      const range = elements.length ? `an index from 0 to ${elements.length - 1}` : "another PCollection: this one is empty";
      throw new PipelineError(`There is no element #${select} in ${name}: it has ${elements.length} element${elements.length === 1 ? "" : "s"}`, { label: stepOf(pcoll as PCollection<unknown>).fullLabel, hint: `pass ${range}, or a predicate.` });
    }
    return select;
  }
  if (typeof select !== "function") {
    throw new PipelineError(`beam.lineage() needs an element index or a predicate, got ${select === null ? "null" : typeof select}`, { label: stepOf(pcoll as PCollection<unknown>).fullLabel, hint: "pass an index such as 0, or a predicate such as (s) => s.sid === \"kev18\"." });
  }
  for (let i = 0; i < elements.length; i++) {
    let hit: unknown;
    try {
      hit = select(elements[i], i);
    } catch (e) {
      throw new PipelineError(`The predicate given to beam.lineage() failed on element #${i} of ${name}`, { label: stepOf(pcoll as PCollection<unknown>).fullLabel, element: elements[i], hasElement: true, cause: e, hint: "fix the predicate for this element (a field may be null)." });
    }
    if (hit) return i;
  }
  const code = String(select).replace(/\s+/g, " ");
  throw new PipelineError(`No element of ${name} matches the predicate ${code.length > 100 ? `${code.slice(0, 99)}…` : code}`, {
    label: stepOf(pcoll as PCollection<unknown>).fullLabel,
    hint: `it was tried on all ${elements.length} element${elements.length === 1 ? "" : "s"}; look at them with await beam.show(...) and change the predicate, or pass an index.`,
  });
}

/** Computes the steps downstream that are not computed yet; a step that fails there leaves a note, not an error: upstream is still worth showing. */
async function computeDownstream(runner: InteractiveRunner, pc: PCollection<unknown>, notes: string[]): Promise<void> {
  const below = downstreamOutputs(pc.pipeline, pc);
  try {
    await runner.computeMissing(below);
  } catch (e) {
    const first = e instanceof Error ? e.message.split("\n")[0] : String(e);
    notes.push(`Downstream of "${outputLabel(pc)}" could not be computed (${first}), so "led to" shows only what was computed before.`);
  }
}
