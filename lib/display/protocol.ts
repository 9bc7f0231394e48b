/**
 * The wire format between the kernel library and the JupyterLab extension.
 *
 * This module has no Node imports on purpose: the extension (browser) imports it too,
 * so the payload types cannot drift apart. Every payload carries `version` so an old
 * notebook's saved outputs can still be recognised after the format moves on.
 */
// The lineage reply's payload lives with the other teaching payloads (type-only, no cycle at run time).
import type { LineageReplyPayload } from "../teaching/protocol";

import type { PortablePipeline } from "../pipeline/portable";

/** One PCollection (or table) as a page of rows. */
export const PCOLLECTION_MIME = "application/vnd.beamlab.pcollection.v1+json";
/** A pipeline graph: transforms, PCollections and the edges between them. */
export const GRAPH_MIME = "application/vnd.beamlab.graph.v1+json";
/** A run's live progress / final summary (per-step counts). */
export const PROGRESS_MIME = "application/vnd.beamlab.progress.v1+json";
/** The kernel's answer to an inspector or paging request. */
export const REPLY_MIME = "application/vnd.beamlab.reply.v1+json";
/** A vega-lite chart spec produced by `beam.chart`. */
export const CHART_MIME = "application/vnd.beamlab.chart.v1+json";

/** `beam.explain(p)`: the pipeline as written, as submitted, validated and fused into stages. */
export const EXPLAIN_MIME = "application/vnd.beamlab.explain.v1+json";

/** A run's live job view: stages, steps, workers, options, user metrics and logs. */
export const JOB_MIME = "application/vnd.beamlab.job.v1+json";

/** Runs side by side (`beam.compareRuns`): each run's job view under its title. */
export const RUNS_MIME = "application/vnd.beamlab.runs.v1+json";

export const PROTOCOL_VERSION = 1;


/** The inferred type of a column, for the header of a table. */
export type ColumnType =
  | "string"
  | "number"
  | "integer"
  | "bigint"
  | "boolean"
  | "date"
  | "null"
  | "array"
  | "record"
  | "group"
  | "mixed";

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  /** True when at least one value in the sample is null or undefined. */
  nullable: boolean;
}

/**
 * A cell value made JSON-safe. Strings, finite numbers, booleans and null travel as
 * themselves, arrays as arrays and records as objects; everything JSON cannot carry
 * (undefined, NaN, ±Infinity, BigInt, Date, binary) travels as a tagged object:
 * `{ "$beamlab": tag, "v": text }`. A user record that happens to own a `$beamlab` key is
 * wrapped as `{ "$beamlab": "record", "v": {...} }` so it is never mistaken for a tag.
 */
export type EncodedValue =
  | string
  | number
  | boolean
  | null
  | EncodedValue[]
  | { [key: string]: EncodedValue }
  | TaggedValue;

export type ValueTag = "undefined" | "nan" | "inf" | "-inf" | "bigint" | "date" | "bytes" | "record" | "function" | "symbol";

export interface TaggedValue {
  $beamlab: ValueTag;
  v?: string | { [key: string]: EncodedValue };
}

export interface PipelineRef {
  /** Stable id of the pipeline within the kernel session. */
  id: string;
  /** The variable name or a readable name for the pipeline. */
  name: string;
}

/** Payload of {@link PCOLLECTION_MIME}. */
export interface PCollectionPayload {
  version: typeof PROTOCOL_VERSION;
  pipeline: PipelineRef | null;
  /** Transform label that produced the PCollection (or a caption for plain tables). */
  label: string;
  /** Id of the PCollection inside its pipeline, for paging requests. */
  pcollection: string | null;
  columns: ColumnSchema[];
  /** How each element maps to columns: a record, a `[key, value]` pair or a bare element. */
  shape: "record" | "kv" | "element";
  rows: Record<string, EncodedValue>[];
  /** Index of the first embedded row in the whole PCollection. */
  offset: number;
  /** Total element count, or null when it is not known. */
  total: number | null;
  /** Code the front end may execute in the kernel to fetch more rows (see {@link PageRequest}). */
  pageCode: string | null;
  /** Variable name the PCollection is bound to in the notebook, when known (for generated code). */
  varName?: string | null;
}

export interface GraphNode {
  id: string;
  kind: "transform" | "pcollection";
  label: string;
  /** `Parent/Child` label of a transform; the producer's label for a PCollection. */
  fullLabel: string;
  /** Primitive kind (ParDo, GroupByKey, ...) or "Composite" for transforms. */
  primitive?: string;
  /** Declarative parameters of the transform, as short display strings. */
  params?: Record<string, string>;
  /** Enclosing composite transform id, if any. */
  parent?: string | null;
  /** Element count, once computed. */
  count?: number | null;
  /** Variable name a PCollection is bound to in the notebook, when known. */
  varName?: string | null;
  /** What the runner knows of the node; absent when the runner keeps no state (structure only). */
  state?: GraphNodeState;
  /** The error of a failed transform (its whole message, shown on hover and click). */
  message?: string | null;
  /** Why a PCollection is drawn faded, e.g. "nothing emitted: the DoFn sends only tagged outputs". */
  note?: string | null;
}

/**
 * A node's state in the interactive runner: a PCollection not yet computed, computed
 * (count known) or cached (a show computes nothing); a transform running or failed.
 */
export type GraphNodeState = "pending" | "computed" | "cached" | "running" | "failed";

export interface GraphEdge {
  from: string;
  to: string;
  /** "main" or "side" input. */
  kind: "main" | "side" | "output";
  count?: number | null;
}

/** Payload of {@link GRAPH_MIME}. */
export interface GraphPayload {
  version: typeof PROTOCOL_VERSION;
  pipeline: PipelineRef;
  nodes: GraphNode[];
  /**
   * Edges between PCollections and the innermost transforms that read or produce them;
   * a composite's edges follow from its parts (a viewer reroutes them to a collapsed
   * composite). Outputs saved by earlier beamlab versions may name composites too.
   */
  edges: GraphEdge[];
  /** True when the nodes carry the interactive runner's state (absent: structure only). */
  live?: boolean;
}

export interface StepProgress {
  label: string;
  elementsIn: number;
  elementsOut: number;
  millis: number;
  done: boolean;
  /**
   * What became of the step: computed ("done"), served from the cache ("cached"),
   * "running", "waiting" to start, stopped by an interrupt or another step's failure
   * ("cancelled"), or the step whose error ended the run ("failed"). Absent in old outputs.
   */
  status?: StepStatus;
}

export type StepStatus = "done" | "cached" | "running" | "waiting" | "cancelled" | "failed";

/** Payload of {@link PROGRESS_MIME}. */
export interface ProgressPayload {
  version: typeof PROTOCOL_VERSION;
  pipeline: PipelineRef;
  state: "RUNNING" | "DONE" | "FAILED" | "CANCELLED";
  elapsedMillis: number;
  steps: StepProgress[];
  /** False when the runner keeps nothing a failed run finished (every runner but the interactive one). */
  keepsCache?: boolean;
}

/** What became of a stage of a job ("cancelled": running when the run was interrupted). */
export type StageStatus = "pending" | "running" | "done" | "failed" | "cancelled";

/** One stage of a job, in run order, as any runner reports it. */
export interface JobStage {
  index: number;
  /** What the stage does (`workers`, `shuffle`, `coordinator` on the local runner; a fused stage's root role on the direct runner). */
  kind: string;
  status: StageStatus;
  /** Full labels of the steps it runs. */
  steps: string[];
  elementsIn: number;
  wallMillis: number;
  /** Figures a runner adds beyond these (a Spark stage id), shown as they are. */
  extra?: Record<string, string | number | boolean>;
  /** Indices of the stages whose output it reads (it starts after them): the edges of the stage graph. */
  after?: number[];
}

/** One worker of a job. */
export interface JobWorker {
  worker: number;
  elementsOut: number;
  busyMillis: number;
  extra?: Record<string, string | number | boolean>;
}

/** A user counter or distribution of one step (`beam.metrics`). */
export type JobMetric =
  | { kind: "counter"; step: string; name: string; value: number }
  | { kind: "distribution"; step: string; name: string; count: number; sum: number; min: number; max: number; mean: number };

/** One DoFn log line, as `result.logs()` holds it. */
export interface JobLogLine {
  time: number;
  level: "log" | "info" | "warn" | "error";
  step: string;
  worker: number | null;
  text: string;
}

/** A page of the engine a job runs on (the Spark UI), as the job view links it. */
export interface JobLink {
  label: string;
  href: string;
  /** False once the page is gone (the driver's UI ends with the run): shown, not linked, with `note`. */
  live: boolean;
  note?: string;
}

/** Payload of {@link JOB_MIME}: a runner-independent snapshot of a job. */
export interface JobPayload {
  version: typeof PROTOCOL_VERSION;
  /** The runner's name (`direct`, `interactive`, `local`, ...). */
  runner: string;
  /** The per-step table, headline and state, as the progress display has them. */
  progress: ProgressPayload;
  stages: JobStage[];
  workers: JobWorker[];
  /** The pipeline's options, as text. */
  options: [string, string][];
  metrics: JobMetric[];
  /** The newest log lines, newest first; `dropped` older ones are not in the view; `total` were logged. */
  logs: { lines: JobLogLine[]; dropped: number; total: number };
  /** The engine's own pages for this job (absent when it has none). */
  links?: JobLink[];
}

/** One run of {@link RunsPayload}. */
export interface ComparedRun {
  /** What the notebook called it ("2 local workers"). */
  title: string;
  state: string;
  /** Wall time of the whole run, start-up included, in milliseconds. */
  millis: number;
  /** Its job view as the run left it; null when the run showed none (outside a notebook). */
  job: JobPayload | null;
}

/** Payload of {@link RUNS_MIME}. */
export interface RunsPayload {
  version: typeof PROTOCOL_VERSION;
  runs: ComparedRun[];
}

/** What the inspector lists for one PCollection. */
export interface InspectorPCollection {
  id: string;
  label: string;
  varName: string | null;
  count: number | null;
  /** Why the PCollection is empty when that is expected (as on graph nodes), else null/absent. */
  note?: string | null;
}

export interface InspectorPipeline {
  /** `name` is the notebook variable when there is one, else the pipeline's own name. */
  pipeline: PipelineRef;
  /** The pipeline's own name (option `name`, or its id) when the title is its variable. */
  subtitle?: string | null;
  runner: string;
  pcollections: InspectorPCollection[];
}

/** Payload of {@link REPLY_MIME}: every kernel call of the extension answers with one. */
export type ReplyPayload =
  | { version: typeof PROTOCOL_VERSION; ok: true; kind: "inspect"; pipelines: InspectorPipeline[] }
  | { version: typeof PROTOCOL_VERSION; ok: true; kind: "page"; page: PCollectionPayload }
  | { version: typeof PROTOCOL_VERSION; ok: false; kind: "inspect" | "page"; error: string }
  | QueryReply
  | { version: typeof PROTOCOL_VERSION; ok: false; kind: "query"; error: string }
  | { version: typeof PROTOCOL_VERSION; ok: true; kind: "lineage"; lineage: LineageReplyPayload }
  | { version: typeof PROTOCOL_VERSION; ok: false; kind: "lineage"; error: string };

/**
 * A page of a filtered and/or sorted view of a whole PCollection (answers {@link QueryRequest}).
 * `page.offset` / `page.total` count positions in the view (`page.total` = `matched`).
 */
export interface QueryReply {
  version: typeof PROTOCOL_VERSION;
  ok: true;
  kind: "query";
  page: PCollectionPayload;
  /** Index in the PCollection of each row of the page. */
  indices: number[];
  /** Elements that match the filter (all of them when there is none). */
  matched: number;
  /** Elements in the PCollection. */
  total: number;
}

/** Arguments of a paging request, as the front end sends them. */
export interface PageRequest {
  pipeline: string;
  pcollection: string;
  offset: number;
  limit: number;
}

/**
 * A page of a PCollection seen through a filter (see lib/display/filter.ts) and a sort,
 * computed in the kernel over all of its elements.
 */
export interface QueryRequest extends PageRequest {
  /** Filter text; empty for none. */
  filter: string;
  sort: { column: string; descending: boolean } | null;
}

/** Payload of {@link CHART_MIME}. */
export interface ChartPayload {
  version: typeof PROTOCOL_VERSION;
  /** A complete vega-lite spec with its data inlined. */
  spec: Record<string, unknown>;
  /** Rows embedded / rows in the source, when the chart shows a sample. */
  sampled: { shown: number; total: number } | null;
}

/**
 * The kernel library installs one global object under this name when it is imported.
 * The extension calls it through tslab with hidden execute requests; because tslab
 * resets its queue when a request errors, these calls never throw: a missing library
 * evaluates to `undefined` and failures come back inside the reply payload.
 */
export const KERNEL_GLOBAL = "__beamlab";

// `Reflect.get` rather than `(globalThis as any)`: tslab parses `await (` as a call of a
// function named await and then fails at run time, and a cast needs the parentheses.

/** Code for an inspector request: lists pipelines and PCollections (answers {@link REPLY_MIME}). */
export function inspectCode(): string {
  return `Reflect.get(globalThis, "${KERNEL_GLOBAL}")?.inspect()`;
}

/** Code for a paging request (answers {@link REPLY_MIME} with a page; awaited so the reply belongs to the request). */
export function pageCode(req: PageRequest): string {
  return `await Reflect.get(globalThis, "${KERNEL_GLOBAL}")?.page(${JSON.stringify(JSON.stringify(req))})`;
}

/** Code for a filter/sort request (answers {@link REPLY_MIME} with a {@link QueryReply}). */
export function queryCode(req: QueryRequest): string {
  return `await Reflect.get(globalThis, "${KERNEL_GLOBAL}")?.query(${JSON.stringify(JSON.stringify(req))})`;
}

/** One finding of validation, as `beam.explain` shows it. */
export interface ExplainFinding {
  severity: "error" | "warning";
  check: string;
  label: string | null;
  message: string;
  hint: string;
}

/** One step of a fused stage, as shown (the role says which half of a barrier runs there). */
export interface ExplainStep {
  role: string;
  label: string;
  kind: string;
}

/** A fused stage, as shown: what it reads, runs and hands on. */
export interface ExplainStage {
  id: string;
  steps: ExplainStep[];
  /** What it reads: `source`, `shuffle`, `buffer`, `sink` or `cached`, with the root's label and the stages that write it. */
  inputs: { kind: string; label: string; fromStages: string[] }[];
  sideInputs: { label: string; readBy: string; fromStages: string[] }[];
  /** What it hands on: `shuffle` (with `lifted` for a combine's partial accumulators), `buffer`, `sink`, `side-input` or `result`. */
  outputs: { kind: string; label: string; to: string | null; lifted?: boolean }[];
  dependsOn: string[];
  transforms: string[];
}

/** Payload of {@link EXPLAIN_MIME}. */
export interface ExplainPayload {
  version: typeof PROTOCOL_VERSION;
  pipeline: PipelineRef;
  /** As written: the user's graph. */
  graph: GraphPayload;
  /** As submitted: `p.toJSON()` (see `lib/pipeline/portable.ts` for its shape). */
  submitted: PortablePipeline;
  /** Validation: the checks made and what they found. */
  checks: { name: string; description: string }[];
  findings: ExplainFinding[];
  /** Optimized: the stages the direct runner executes, in run order. */
  stages: ExplainStage[];
}
