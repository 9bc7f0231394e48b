/**
 * A lineage trace: from the walks over recorded lineage to what a student reads, step by
 * step (top-level transforms), with the elements themselves and, for each step, which of
 * its inputs' elements led to which of its traced elements (the links a player draws).
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { LineageOff } from "./lineage-record";
import type { LineageStore } from "./lineage-store";
import { walkDownstream, walkUpstream, type WalkStop } from "./lineage-walk";
import type { TraceSide } from "./protocol";
import { elementWiseKind, outputLabel, pcollectionsById, stepOf, stepOrder, stepOutputIds } from "./steps";

/** Which elements of one input of a step led to the step's traced elements. */
export interface TraceInput {
  readonly pcollectionId: string;
  /** The input PCollection's label (`Split takes and classes.takes`). */
  readonly pcollection: string;
  /** The input's name in the step: a CoGroupByKey's tag; null for an unnamed input. */
  readonly tag: string | null;
  /** True for a side input (CombineGlobally's result comes from one). */
  readonly side: boolean;
  /** `[input element index, traced element index]` pairs, by index in each PCollection. */
  readonly links: readonly (readonly [number, number])[];
}

/** One step of a trace: the elements of its output that the selected element came from or led to. */
export interface TraceStep {
  readonly side: TraceSide;
  /** The top-level transform's label. */
  readonly label: string;
  /** What kind of step: `Map`, `FlatMap`, `Filter` or `ParDo` for element-wise steps, else as graphs show it (`GroupByKey`, `CoGroupByKey`, `Create`, ...). */
  readonly kind: string;
  readonly pcollectionId: string;
  readonly pcollection: string;
  /** A Create or Read: the indexes are row positions in the source, and nothing comes before. */
  readonly source: boolean;
  /** Indexes of the traced elements in the PCollection, ascending. */
  readonly indexes: readonly number[];
  /** The traced elements, in the order of `indexes`. */
  readonly elements: readonly unknown[];
  /** Where the traced elements came from, by input of the step (empty for a source). */
  readonly inputs: readonly TraceInput[];
}

/**
 * Where one element came from and what it led to. `upstream` and `downstream` map each
 * top-level transform label to the elements of that step's output the element came from
 * or led to; neither holds the selected element's own step.
 */
export interface LineageTrace<T> {
  /** Label of the PCollection the element is in. */
  readonly pcollection: string;
  readonly pcollectionId: string;
  /** The element's index in it. */
  readonly index: number;
  readonly element: T;
  /** Ends at the sources (Create, Read): their rows are the elements' origins. */
  readonly upstream: Readonly<Record<string, readonly unknown[]>>;
  readonly downstream: Readonly<Record<string, readonly unknown[]>>;
  /** Every step of the trace in pipeline order: upstream, the selected element's, downstream. */
  readonly steps: readonly TraceStep[];
  /** False when lineage was off or missing somewhere the trace had to go through (see `notes`). */
  readonly complete: boolean;
  /** What the trace could not follow, and what to do about it. */
  readonly notes: readonly string[];
}

/** What a trace is built from. */
export interface TraceSource {
  readonly pipeline: Pipeline;
  readonly store: LineageStore;
  /** The cached elements of a top-level step's output, if computed. */
  elements(pc: PCollection<unknown>): readonly unknown[] | undefined;
}

/** The trace of element `index` of `pc`; `notes` are added to the trace's own (e.g. downstream that could not be computed). */
export function buildTrace<T>(src: TraceSource, pc: PCollection<T>, index: number, notes: readonly string[] = []): LineageTrace<T> {
  const pcs = pcollectionsById(src.pipeline);
  const visible = stepOutputIds(src.pipeline);
  const order = stepOrder(src.pipeline);
  const up = walkUpstream(src.store, pc.id, [index]);
  const down = walkDownstream(src.store, pc.id, [index]);
  const stops = new Map<string, WalkStop>();
  for (const s of [...up.stops, ...down.stops]) stops.set(s.pcollection, s);

  const inTrace = (id: string, i: number) => (id === pc.id ? i === index : up.reached.get(id)?.has(i) === true || down.reached.get(id)?.has(i) === true);
  const make = (side: TraceSide, id: string, set: ReadonlySet<number>): TraceStep => {
    const out = pcs.get(id)!;
    const root = stepOf(out);
    const indexes = [...set].sort((a, b) => a - b);
    const cached = src.elements(out);
    const inputs = new Map<string, [number, number][]>();
    // Inputs in the step's order (a CoGroupByKey's tags as written), side inputs last.
    const slotOf = (inId: string) => {
      const k = root.inputs.findIndex((x) => x.id === inId);
      return k < 0 ? root.inputs.length : k;
    };
    for (const j of indexes) {
      // One top-level step up: the walk stops at the first step outputs it meets.
      const w = walkUpstream(src.store, id, [j], visible);
      for (const s of w.stops) if (s.pcollection !== id) stops.set(s.pcollection, s);
      for (const [inId, ins] of w.reached) {
        if (inId === id || !visible.has(inId)) continue;
        for (const i of ins) {
          // Downstream, a group also holds elements that have nothing to do with the selection.
          if (side === "downstream" && !inTrace(inId, i)) continue;
          let links = inputs.get(inId);
          if (!links) inputs.set(inId, (links = []));
          links.push([i, j]);
        }
      }
    }
    return {
      side,
      label: root.fullLabel,
      kind: elementWiseKind(root) ?? root.kind,
      pcollectionId: id,
      pcollection: outputLabel(out),
      source: src.store.get(id)?.source === true,
      indexes,
      elements: indexes.map((i) => cached?.[i]),
      inputs: [...inputs].sort((x, y) => slotOf(x[0]) - slotOf(y[0])).map(([inId, links]) => {
        const k = root.inputs.findIndex((x) => x.id === inId);
        return {
          pcollectionId: inId,
          pcollection: labelOf(pcs.get(inId), inId),
          tag: k >= 0 ? root.inputTags?.[k] ?? null : null,
          side: k < 0,
          links: links.sort((a, b) => a[1] - b[1] || a[0] - b[0]),
        };
      }),
    };
  };

  const rank = (s: TraceStep) => order.get(stepOf(pcs.get(s.pcollectionId)!)) ?? 0;
  // Outputs of one step in the order the step declares them (main, then its tags).
  const position = (s: TraceStep) => [...stepOf(pcs.get(s.pcollectionId)!).outputs.values()].findIndex((o) => o.id === s.pcollectionId);
  const byOrder = (a: TraceStep, b: TraceStep) => rank(a) - rank(b) || position(a) - position(b);
  const stepsOf = (side: TraceSide, reached: Map<string, Set<number>>) =>
    [...reached].filter(([id, set]) => id !== pc.id && visible.has(id) && set.size > 0).map(([id, set]) => make(side, id, set)).sort(byOrder);
  const upstreamSteps = stepsOf("upstream", up.reached);
  const selected = make("selected", pc.id, new Set([index]));
  const downstreamSteps = stepsOf("downstream", down.reached);
  const steps = [...upstreamSteps, selected, ...downstreamSteps];

  const cached = src.elements(pc as PCollection<unknown>);
  const allNotes = [...notes, ...[...stops.values()].map((s) => stopNote(s, pcs.get(s.pcollection)))];
  for (const s of [...upstreamSteps, selected]) {
    const root = stepOf(pcs.get(s.pcollectionId)!);
    const read = root.sideInputs.filter((side) => !s.inputs.some((i) => i.pcollectionId === side.id));
    if (read.length) {
      allNotes.push(`"${root.fullLabel}" also read every element of its side input${read.length > 1 ? "s" : ""} ${read.map((x) => `"${outputLabel(x)}"`).join(", ")}; side inputs are not part of the trace.`);
    }
  }
  return {
    pcollection: outputLabel(pc as PCollection<unknown>),
    pcollectionId: pc.id,
    index,
    element: cached?.[index] as T,
    upstream: grouped(upstreamSteps),
    downstream: grouped(downstreamSteps),
    steps,
    complete: stops.size === 0 && notes.length === 0,
    notes: [...new Set(allNotes)],
  };
}

function labelOf(pc: PCollection<unknown> | undefined, id: string): string {
  return pc ? outputLabel(pc) : id;
}

/** Elements by step label (a step with several outputs in the trace gets them all, output after output). */
function grouped(steps: readonly TraceStep[]): Record<string, readonly unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const s of steps) (out[s.label] ??= []).push(...s.elements);
  return out;
}

/** Why the trace stops at a PCollection, and what to do about it. */
function stopNote(s: WalkStop, pc: PCollection<unknown> | undefined): string {
  const label = labelOf(pc, s.pcollection);
  if (s.why === "off" && s.off) return offMessage(label, s.off);
  const step = pc ? stepOf(pc).fullLabel : label;
  return `No lineage was recorded for "${label}", so the trace stops there; run the cell that applies "${step}" again to recompute it with lineage.`;
}

/** The plain sentence for a PCollection over the lineage limit, with the option that would trace it. */
export function offMessage(label: string, off: LineageOff): string {
  const count = (n: number) => n.toLocaleString("en-US");
  const over = off.elements > off.limit ? `it has ${count(off.elements)} elements` : `its step read ${count(off.sources)} elements`;
  return (
    `Lineage is off for "${label}": ${over}, over the limit of ${count(off.limit)} (the pipeline's lineage.maxElements), so the trace stops there. ` +
    `To trace through it, raise the limit: new beam.Pipeline({ lineage: { maxElements: ${suggestedLimit(Math.max(off.elements, off.sources))} } }) and run the cells again.`
  );
}

/** A round limit above `n`: 1_234_567 → 2_000_000. */
function suggestedLimit(n: number): string {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, n))));
  const v = Math.ceil((n + 1) / unit) * unit;
  return v.toLocaleString("en-US").replace(/,/g, "_");
}
