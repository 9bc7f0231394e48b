/**
 * The live progress display of a run: per-step counts, updated in place, ending as a summary.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { TransformNode } from "../pipeline/transform";
import type { ProgressSnapshot } from "../runners/executor";
import { escapeHtml } from "./html";
import { PROGRESS_MIME, PROTOCOL_VERSION, type ProgressPayload, type StepProgress } from "./protocol";

function rootOf(n: TransformNode): TransformNode {
  let r = n;
  while (r.parent) r = r.parent;
  return r;
}

/** Per top-level step: counts so far and whether it has finished. */
export function progressPayload(p: Pipeline, snap: ProgressSnapshot, state: ProgressPayload["state"]): ProgressPayload {
  const millis = new Map<TransformNode, number>();
  const ran = new Set<TransformNode>();
  const done = new Set<TransformNode>();
  for (const [e, ms] of snap.millis) {
    const r = rootOf(e.node);
    millis.set(r, (millis.get(r) ?? 0) + ms);
    ran.add(r);
  }
  for (const e of snap.done) done.add(rootOf(e.node));
  const count = (ids: string[]) => ids.reduce((a, id) => a + (snap.counts.get(id) ?? 0), 0);
  const steps: StepProgress[] = p.roots
    .filter((r) => ran.has(r))
    .map((r) => ({
      label: r.fullLabel,
      elementsIn: count(r.inputs.map((pc) => pc.id)),
      elementsOut: count([...r.outputs.values()].map((pc) => pc.id)),
      millis: Math.round(millis.get(r) ?? 0),
      done: state !== "RUNNING" || done.has(r),
    }));
  return { version: PROTOCOL_VERSION, pipeline: { id: p.id, name: p.name }, state, elapsedMillis: Math.round(snap.elapsedMillis), steps };
}

/** The display bundle (our MIME type, HTML and text) of a progress payload. */
export function progressBundle(payload: ProgressPayload): Record<string, unknown> {
  const head = `${payload.pipeline.name}: ${payload.state} after ${(payload.elapsedMillis / 1000).toFixed(1)} s`;
  const rows = payload.steps.map((s) => `<tr><td>${escapeHtml(s.label)}</td><td>${s.elementsIn}</td><td>${s.elementsOut}</td><td>${s.millis} ms</td><td>${s.done ? "done" : "running"}</td></tr>`);
  const html = `<div class="beamlab-progress"><p><strong>${escapeHtml(head)}</strong></p><table><thead><tr><th>step</th><th>in</th><th>out</th><th>time</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
  const text = [head, ...payload.steps.map((s) => `  ${s.label}: ${s.elementsIn} in, ${s.elementsOut} out, ${s.millis} ms${s.done ? "" : " (running)"}`)].join("\n");
  return { [PROGRESS_MIME]: payload, "text/html": html, "text/plain": text };
}
