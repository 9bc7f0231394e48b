/**
 * The progress display of a run: per top-level step, counts so far and what became of the
 * step (computed, cached, running, cancelled, failed), updated in place, ending as a summary.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { TransformNode } from "../pipeline/transform";
import type { ProgressSnapshot } from "../runners/executor";
import { escapeHtml } from "./html";
import { PROGRESS_MIME, PROTOCOL_VERSION, type ProgressPayload, type StepProgress, type StepStatus } from "./protocol";
import { progressHeadline, statusOf, statusText } from "./progress-text";

/** What the summary shows besides the executor's snapshot. */
export interface ProgressFacts {
  /** The name to show (the notebook variable), default the pipeline's name. */
  name?: string;
  /** Counts of PCollections served from the cache in this run rather than computed. */
  cached?: ReadonlyMap<string, number>;
  /** A run of the whole pipeline lists every cached step; a show lists only those it read. */
  wholeRun?: boolean;
  /** Full label of the transform whose error ended the run. */
  failed?: string | null;
  /** False for a runner without a cache: a failed run's finished steps are not kept. */
  keepsCache?: boolean;
}

function rootOf(n: TransformNode): TransformNode {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}

/** Per top-level step: counts so far and its status. */
export function progressPayload(p: Pipeline, snap: ProgressSnapshot, state: ProgressPayload["state"], facts: ProgressFacts = {}): ProgressPayload {
  const millis = new Map<TransformNode, number>();
  const unfinished = new Set<TransformNode>();
  const read = new Set<string>();
  for (const [e, ms] of snap.millis) {
    const r = rootOf(e.node);
    millis.set(r, (millis.get(r) ?? 0) + ms);
    if (!snap.done.has(e)) unfinished.add(r);
    for (const pc of [...e.inputs, ...e.sideInputs]) read.add(pc.id);
  }
  const cached = facts.cached ?? new Map<string, number>();
  const failedRoot = facts.failed ? facts.failed.split("/")[0] : null;
  const countOf = (id: string) => snap.counts.get(id) ?? cached.get(id) ?? 0;
  const count = (ids: string[]) => ids.reduce((a, id) => a + countOf(id), 0);
  const steps: StepProgress[] = [];
  for (const r of p.roots) {
    const outs = [...r.outputs.values()];
    const elementsIn = count(r.inputs.map((pc) => pc.id));
    const elementsOut = count(outs.map((pc) => pc.id));
    if (millis.has(r)) {
      const started = (millis.get(r) ?? 0) > 0 || outs.some((pc) => (snap.counts.get(pc.id) ?? 0) > 0);
      const status: StepStatus = !unfinished.has(r)
        ? "done"
        : state === "RUNNING"
          ? started ? "running" : "waiting"
          : state === "FAILED" && r.fullLabel === failedRoot
            ? "failed"
            : "cancelled";
      steps.push({ label: r.fullLabel, elementsIn, elementsOut, millis: Math.round(millis.get(r) ?? 0), done: status === "done", status });
    } else if (outs.length > 0 && outs.every((pc) => cached.has(pc.id)) && (facts.wholeRun || outs.some((pc) => read.has(pc.id)))) {
      steps.push({ label: r.fullLabel, elementsIn, elementsOut, millis: 0, done: true, status: "cached" });
    }
  }
  return { version: PROTOCOL_VERSION, pipeline: { id: p.id, name: facts.name ?? p.name }, state, elapsedMillis: Math.round(snap.elapsedMillis), steps, ...(facts.keepsCache === false ? { keepsCache: false } : {}) };
}

function timeText(s: StepProgress, status: StepStatus): string {
  return status === "cached" ? "—" : `${s.millis} ms`;
}

/** The display bundle (our MIME type, HTML and text) of a progress payload. */
export function progressBundle(payload: ProgressPayload): Record<string, unknown> {
  const head = progressHeadline(payload);
  const rows = payload.steps.map((s) => {
    const status = statusOf(s, payload.state);
    return `<tr class="beamlab-step-${status}"><td>${escapeHtml(s.label)}</td><td style="text-align:right">${s.elementsIn}</td><td style="text-align:right">${s.elementsOut}</td><td style="text-align:right">${timeText(s, status)}</td><td>${statusText(status, payload.state)}</td></tr>`;
  });
  const html = `<div class="beamlab-progress"><p><strong>${escapeHtml(head)}</strong></p><table><thead><tr><th>step</th><th>in</th><th>out</th><th>time</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
  const text = [
    head,
    ...payload.steps.map((s) => {
      const status = statusOf(s, payload.state);
      const tail = status === "cached" ? "cached" : `${s.millis} ms${status === "done" ? "" : ` (${statusText(status, payload.state)})`}`;
      return `  ${s.label}: ${s.elementsIn} in, ${s.elementsOut} out, ${tail}`;
    }),
  ].join("\n");
  return { [PROGRESS_MIME]: payload, "text/html": html, "text/plain": text };
}
