/**
 * The payloads of a lineage trace and of before/after pairs, as the display bundles carry
 * them for a front end (the step-through player). No Node imports, like
 * lib/display/protocol.ts, so the extension can compile it in. Bounded: a payload holds at
 * most {@link PAYLOAD_LIMITS} of each list and says when it was cut.
 */
import { KERNEL_GLOBAL, type EncodedValue, type GraphPayload, type PCollectionPayload, type PipelineRef } from "../display/protocol";

/** A lineage trace (`beam.lineage`). */
export const LINEAGE_MIME = "application/vnd.beamlab.lineage.v1+json";
/** Before/after pairs (`beam.diff`, `beam.teaching.pairs`). */
export const PAIRS_MIME = "application/vnd.beamlab.pairs.v1+json";

export const PAYLOAD_LIMITS = { elementsPerStep: 100, linksPerInput: 1000, rows: 500 };

/** Which way a step is from the selected element. */
export type TraceSide = "upstream" | "selected" | "downstream";

/** Links from one input of a step to the step's traced elements. */
export interface TraceInputPayload {
  pcollectionId: string;
  pcollection: string;
  /** The input's name: a CoGroupByKey's tag; null for an unnamed input. */
  tag: string | null;
  /** True for a side input. */
  side: boolean;
  /** `[input element index, output element index]` pairs. */
  links: [number, number][];
  truncated: boolean;
}

export interface TraceStepPayload {
  side: TraceSide;
  label: string;
  kind: string;
  pcollectionId: string;
  pcollection: string;
  /** A Create or Read: indexes are row positions, nothing comes before. */
  source: boolean;
  /** How many elements of this step are in the trace. */
  total: number;
  /** Their indexes in the PCollection (ascending) and the elements, the first PAYLOAD_LIMITS.elementsPerStep of them. */
  indexes: number[];
  elements: EncodedValue[];
  inputs: TraceInputPayload[];
}

/** Payload of {@link LINEAGE_MIME}. */
export interface LineagePayload {
  version: 1;
  pipeline: PipelineRef;
  pcollectionId: string;
  pcollection: string;
  index: number;
  element: EncodedValue;
  steps: TraceStepPayload[];
  complete: boolean;
  notes: string[];
}

export type PairStatusPayload = "changed" | "unchanged" | "dropped" | "added";

export interface PairRowPayload {
  status: PairStatusPayload;
  beforeIndex: number | null;
  afterIndex: number | null;
  before: EncodedValue;
  after: EncodedValue;
  /** Names of the changed fields; "" for a whole value. */
  changed: string[];
  fanOut: { position: number; of: number } | null;
}

/** Payload of {@link PAIRS_MIME}. */
export interface PairsPayload {
  version: 1;
  before: string;
  after: string;
  step: { label: string; kind: string } | null;
  method: "lineage" | "row diff";
  counts: { before: number; after: number; changed: number; unchanged: number; dropped: number; added: number; fannedOut: number };
  /** Rows in order; when cut, the rows that are not unchanged come first. */
  rows: PairRowPayload[];
  truncated: boolean;
  notes: string[];
}

/** A step-through player (`beam.stepThrough`). */
export const STEPTHROUGH_MIME = "application/vnd.beamlab.stepthrough.v1+json";

/** One PCollection a step reads or writes, with its first rows (the player pages through the rest). */
export interface StepPCollectionPayload {
  id: string;
  /** How a student names it: the variable and the producing step's label. */
  label: string;
  varName: string | null;
  /** Its role in the step: a CoGroupByKey's tag, a Partition's number, an output's tag; null when it has none. */
  role: string | null;
  side: boolean;
  count: number | null;
  /** The first rows as a table (null when the PCollection is not materialised, e.g. inside a lifted combine). */
  table: PCollectionPayload | null;
  /** Why there is no table. */
  note: string | null;
}

/** For a step that is not element-wise: which input elements made each output element (a group, a join, a combine, a Flatten). */
export interface StepFormationPayload {
  /** Output element index (in the step's first output). */
  output: number;
  /** Per input of the step (by position in `inputs`, side inputs after main ones): the input element indexes, the first PAYLOAD_LIMITS.linksPerInput. */
  from: { input: number; indexes: number[]; total: number }[];
}

export interface StepPayload {
  /** The transform node's id (also the graph node's). */
  id: string;
  label: string;
  fullLabel: string;
  /** `Map`, `FlatMap`, `Filter`, `ParDo`, `GroupByKey`, `CoGroupByKey`, `Flatten`, `Partition`, `Create`, a composite's name, ... */
  kind: string;
  /** The enclosing composite's step id (null: top level). */
  parent: string | null;
  /** Ids of the steps inside a composite, in order (empty: not a composite). */
  children: string[];
  /** The top-level step this one is in (itself at top level): the node the graph highlights with composites folded. */
  top: string;
  inputs: StepPCollectionPayload[];
  sideInputs: StepPCollectionPayload[];
  outputs: StepPCollectionPayload[];
  /** Elements in (main inputs) and out (all outputs), when known. */
  counts: { in: number | null; out: number | null };
  /** The transform's code (a DoFn's `process`, the function given to Map/Filter/...), as the kernel compiled it; null when it has none. */
  code: string | null;
  /** What the code is: `FormatDobFn.process`, `Map function`, `query`. */
  codeTitle: string | null;
  /** One sentence on what the step did to the elements. */
  summary: string;
  /** Before/after pairs of an element-wise step, one per output that received elements. */
  pairs: PairsPayload[];
  /** The output PCollection id of each of `pairs`. */
  pairsOutputs: string[];
  /** Group / join / combine / Flatten formation for the first output elements. */
  formation: StepFormationPayload[];
  notes: string[];
}

/** Payload of {@link STEPTHROUGH_MIME}. */
export interface StepThroughPayload {
  version: 1;
  pipeline: PipelineRef;
  /** The pipeline's graph; the player highlights the current step in it. */
  graph: GraphPayload;
  /** Every step, top-level ones and those inside composites, in play order (a composite before its children). */
  steps: StepPayload[];
  /** Ids of the top-level steps, in order. */
  top: string[];
  /** Rows embedded per table. */
  sample: number;
  notes: string[];
}

/** A lineage request of the player: which elements element `index` of `pcollection` came from and led to. */
export interface LineageRequest {
  pipeline: string;
  pcollection: string;
  index: number;
}

/** The answer to a {@link LineageRequest} (inside REPLY_MIME, kind "lineage"). */
export interface LineageReplyPayload {
  pcollection: string;
  index: number;
  /** Every PCollection reached, inner ones included: the linked element indexes (the first PAYLOAD_LIMITS.linksPerInput) and how many there are. */
  linked: { pcollection: string; indexes: number[]; total: number }[];
  /** The trace as `beam.lineage` shows it, when the PCollection is a top-level step's output. */
  trace: LineagePayload | null;
  notes: string[];
}

/** Code for a lineage request (answers REPLY_MIME with kind "lineage"; never throws). */
export function lineageCode(req: LineageRequest): string {
  return `await Reflect.get(globalThis, "${KERNEL_GLOBAL}")?.lineage(${JSON.stringify(JSON.stringify(req))})`;
}

/** `3 elements`: the wording both the kernel's text and the extension use. */
function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

/** `Format dob (ParDo): 12 → 12 elements, paired by lineage: 9 changed, 3 unchanged`: the line above pairs, kernel and extension alike. */
export function pairsSummaryText(p: Pick<PairsPayload, "step" | "before" | "after" | "method" | "counts">): string {
  const c = p.counts;
  const what = p.step ? `${p.step.label} (${p.step.kind})` : `"${p.before}" → "${p.after}"`;
  const parts = [`${c.changed} changed`, `${c.unchanged} unchanged`];
  if (c.dropped) parts.push(`${c.dropped} dropped`);
  if (c.added) parts.push(`${c.added} added`);
  if (c.fannedOut) parts.push(`${count(c.fannedOut, "element")} fanned out`);
  return `${what}: ${c.before} → ${count(c.after, "element")}, paired by ${p.method}: ${parts.join(", ")}`;
}

/** The parts of a trace step {@link tracedFromText} reads (a kernel TraceStep or a payload's). */
export interface TracedStepLike {
  source: boolean;
  inputs: readonly { tag: string | null; pcollection: string; links: readonly (readonly [number, number])[] }[];
}

/** Where traced element `j` of a step came from, in words: `from #0, #3 of "rows"`, `from takes: #1; students: #0`. */
export function tracedFromText(step: TracedStepLike, j: number, listed = 5): string {
  const parts: string[] = [];
  for (const input of step.inputs) {
    const from = input.links.filter((l) => l[1] === j).map((l) => l[0]);
    if (!from.length) continue;
    const list = from.length <= listed ? from.map((i) => `#${i}`).join(", ") : count(from.length, "element");
    parts.push(input.tag !== null ? `${input.tag}: ${list}` : `${list} of "${input.pcollection}"`);
  }
  return parts.length ? `from ${parts.join("; ")}` : step.source ? "source row" : "";
}
