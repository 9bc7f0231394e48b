/**
 * Validation of the JSON payloads that arrive in MIME bundles.
 *
 * Payloads come from saved notebooks and from whatever version of the kernel library
 * is running, so nothing is trusted: each guard checks `version` and the fields the
 * front end relies on, and returns null instead of throwing.
 */
import {
  GRAPH_MIME,
  JOB_MIME,
  PCOLLECTION_MIME,
  PROGRESS_MIME,
  PROTOCOL_VERSION,
  REPLY_MIME,
  type ExplainPayload,
  type GraphPayload,
  type JobPayload,
  type PCollectionPayload,
  type ProgressPayload,
  type ReplyPayload,
  type RunsPayload,
} from "../../../lib/display/protocol";
import type { LineagePayload, PairsPayload, StepThroughPayload } from "../../../lib/teaching/protocol";

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

/** MIME bundles store JSON either parsed or (rarely, from some front ends) as a string. */
function parseMaybe(x: unknown): unknown {
  if (typeof x !== "string") return x;
  try {
    return JSON.parse(x);
  } catch {
    return null;
  }
}

function hasVersion(x: unknown): x is Record<string, unknown> {
  return isObject(x) && x.version === PROTOCOL_VERSION;
}

/** Returns the payload when it is a PCollection payload this front end understands. */
export function asPCollectionPayload(raw: unknown): PCollectionPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x)) return null;
  if (!Array.isArray(x.columns) || !Array.isArray(x.rows) || typeof x.label !== "string") return null;
  const columnsOk = x.columns.every((c) => isObject(c) && typeof c.name === "string");
  if (!columnsOk || !x.rows.every(isObject)) return null;
  return x as unknown as PCollectionPayload;
}

/** Returns the payload when it is a graph payload this front end understands. */
export function asGraphPayload(raw: unknown): GraphPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x) || !isObject(x.pipeline) || !Array.isArray(x.nodes) || !Array.isArray(x.edges)) return null;
  const nodesOk = x.nodes.every((n) => isObject(n) && typeof n.id === "string" && (n.kind === "transform" || n.kind === "pcollection"));
  const edgesOk = x.edges.every((e) => isObject(e) && typeof e.from === "string" && typeof e.to === "string");
  return nodesOk && edgesOk ? (x as unknown as GraphPayload) : null;
}

/** Returns the payload when it is an explain payload this front end understands. */
export function asExplainPayload(raw: unknown): ExplainPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x) || !isObject(x.pipeline) || !asGraphPayload(x.graph) || !isObject(x.submitted) || !isObject(x.submitted.components)) return null;
  if (!Array.isArray(x.findings) || !Array.isArray(x.stages) || !Array.isArray(x.checks)) return null;
  const findingsOk = x.findings.every((f) => isObject(f) && typeof f.message === "string" && (f.severity === "error" || f.severity === "warning"));
  const stagesOk = x.stages.every((s) => isObject(s) && typeof s.id === "string" && Array.isArray(s.steps) && Array.isArray(s.inputs) && Array.isArray(s.outputs) && Array.isArray(s.sideInputs));
  return findingsOk && stagesOk ? (x as unknown as ExplainPayload) : null;
}

/** Returns the payload when it is a progress payload this front end understands. */
export function asProgressPayload(raw: unknown): ProgressPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x) || !Array.isArray(x.steps) || typeof x.state !== "string") return null;
  return x.steps.every((s) => isObject(s) && typeof s.label === "string") ? (x as unknown as ProgressPayload) : null;
}

/** Returns the payload when it is a job payload this front end understands (its progress part included). */
export function asJobPayload(raw: unknown): JobPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x) || typeof x.runner !== "string" || !asProgressPayload(x.progress)) return null;
  if (!Array.isArray(x.stages) || !Array.isArray(x.workers) || !Array.isArray(x.options) || !Array.isArray(x.metrics) || !isObject(x.logs) || !Array.isArray(x.logs.lines)) return null;
  const stagesOk = x.stages.every((s) => isObject(s) && typeof s.index === "number" && typeof s.status === "string" && Array.isArray(s.steps));
  const linesOk = x.logs.lines.every((l) => isObject(l) && typeof l.text === "string" && typeof l.step === "string" && typeof l.level === "string");
  const linksOk = x.links === undefined || (Array.isArray(x.links) && x.links.every((l) => isObject(l) && typeof l.label === "string" && typeof l.href === "string" && typeof l.live === "boolean"));
  return stagesOk && linesOk && linksOk ? (x as unknown as JobPayload) : null;
}

/** Returns the payload when it is a runs-side-by-side payload this front end understands (each job view included). */
export function asRunsPayload(raw: unknown): RunsPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x) || !Array.isArray(x.runs) || x.runs.length === 0) return null;
  const ok = x.runs.every((r) => isObject(r) && typeof r.title === "string" && typeof r.state === "string" && typeof r.millis === "number" && (r.job === null || asJobPayload(r.job) !== null));
  return ok ? (x as unknown as RunsPayload) : null;
}

/** Returns the payload when it is a reply payload this front end understands. */
export function asReplyPayload(raw: unknown): ReplyPayload | null {
  const x = parseMaybe(raw);
  if (!hasVersion(x) || typeof x.ok !== "boolean") return null;
  if (x.ok === false) return typeof x.error === "string" ? (x as unknown as ReplyPayload) : null;
  if (x.kind === "inspect") return Array.isArray(x.pipelines) ? (x as unknown as ReplyPayload) : null;
  if (x.kind === "page") return asPCollectionPayload(x.page) ? (x as unknown as ReplyPayload) : null;
  if (x.kind === "query") {
    const ok = asPCollectionPayload(x.page) && Array.isArray(x.indices) && typeof x.matched === "number" && typeof x.total === "number";
    return ok ? (x as unknown as ReplyPayload) : null;
  }
  if (x.kind === "lineage") {
    const l = x.lineage;
    return isObject(l) && Array.isArray(l.linked) && typeof l.pcollection === "string" ? (x as unknown as ReplyPayload) : null;
  }
  return null;
}

/** Returns the payload when it is a step-through payload this front end understands. */
export function asStepThroughPayload(raw: unknown): StepThroughPayload | null {
  const x = parseMaybe(raw);
  if (!isObject(x) || x.version !== 1 || !Array.isArray(x.steps) || !Array.isArray(x.top) || !asGraphPayload(x.graph)) return null;
  const stepsOk = x.steps.every((s) => isObject(s) && typeof s.id === "string" && typeof s.label === "string" && Array.isArray(s.inputs) && Array.isArray(s.outputs) && Array.isArray(s.children));
  return stepsOk && x.steps.length > 0 ? (x as unknown as StepThroughPayload) : null;
}

/** Returns the payload when it is a before/after pairs payload this front end understands. */
export function asPairsPayload(raw: unknown): PairsPayload | null {
  const x = parseMaybe(raw);
  if (!isObject(x) || x.version !== 1 || !Array.isArray(x.rows) || !isObject(x.counts)) return null;
  return x.rows.every((r) => isObject(r) && typeof r.status === "string" && Array.isArray(r.changed)) ? (x as unknown as PairsPayload) : null;
}

/** Returns the payload when it is a lineage trace payload this front end understands. */
export function asLineagePayload(raw: unknown): LineagePayload | null {
  const x = parseMaybe(raw);
  if (!isObject(x) || x.version !== 1 || !Array.isArray(x.steps) || typeof x.pcollection !== "string") return null;
  return x.steps.every((s) => isObject(s) && typeof s.label === "string" && Array.isArray(s.indexes) && Array.isArray(s.elements)) ? (x as unknown as LineagePayload) : null;
}

/** Our MIME types, for scanning a bundle. */
export const BEAMLAB_MIMES = [PCOLLECTION_MIME, GRAPH_MIME, PROGRESS_MIME, JOB_MIME, REPLY_MIME] as const;
