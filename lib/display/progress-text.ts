/**
 * The words of a run summary, shared by the kernel's text and HTML fallbacks and the
 * extension's renderer (no Node imports: the extension compiles this module too).
 */
import type { ProgressPayload, StepProgress, StepStatus } from "./protocol";

/** How each step status reads. */
export const STATUS_TEXT: Record<StepStatus, string> = {
  done: "done",
  cached: "cached",
  running: "running…",
  waiting: "waiting",
  cancelled: "cancelled",
  failed: "failed",
};

/** How a step's status reads in a run that ended in `state` (a failure stops the other steps, an interrupt cancels them). */
export function statusText(status: StepStatus, state: ProgressPayload["state"]): string {
  return status === "cancelled" && state === "FAILED" ? "stopped" : STATUS_TEXT[status];
}

/** The status of a step, also for payloads saved before steps carried one. */
export function statusOf(s: StepProgress, state: ProgressPayload["state"]): StepStatus {
  return s.status ?? (s.done ? "done" : state === "RUNNING" ? "running" : "cancelled");
}

/** One line saying how the run ended: `p: interrupted after 2.3 s; 1 step finished, 2 cancelled`. */
export function progressHeadline(payload: ProgressPayload): string {
  const seconds = `${(payload.elapsedMillis / 1000).toFixed(1)} s`;
  const tally = new Map<StepStatus, number>();
  for (const s of payload.steps) tally.set(statusOf(s, payload.state), (tally.get(statusOf(s, payload.state)) ?? 0) + 1);
  const n = (k: StepStatus) => tally.get(k) ?? 0;
  const steps = (k: number) => `${k} step${k === 1 ? "" : "s"}`;
  const parts: string[] = [];
  if (payload.state === "RUNNING") return `${payload.pipeline.name}: running for ${seconds}`;
  if (payload.state === "DONE") {
    parts.push(`${steps(n("done"))} computed`);
    if (n("cached")) parts.push(`${n("cached")} from the cache`);
    return `${payload.pipeline.name}: done in ${seconds}; ${parts.join(", ")}`;
  }
  parts.push(`${steps(n("done"))} finished${n("done") && payload.keepsCache !== false ? " (kept in the cache)" : ""}`);
  if (n("cached")) parts.push(`${n("cached")} from the cache`);
  if (n("failed")) parts.push(`${n("failed")} failed`);
  if (n("cancelled")) parts.push(`${n("cancelled")} ${statusText("cancelled", payload.state)}`);
  return `${payload.pipeline.name}: ${payload.state === "CANCELLED" ? "interrupted" : "failed"} after ${seconds}; ${parts.join(", ")}`;
}

