/**
 * The job view of a run, as Dataflow's job page: the progress table of the steps, the
 * stages with their status, the workers, the user metrics, the options and the log panel.
 * One output, updated in place while the run goes on (throttled) and left as the summary;
 * its static fallback is the same summary as escaped HTML (and as text).
 */
import type { Job } from "../runners/job";
import { displayBundle, newDisplayId } from "./emit";
import { escapeHtml } from "./html";
import { afterText, droppedText, extraText, linkHref, linkText, logTime, millisText, stageName, stageTally, STAGE_STATUS_TEXT, throughputText, workerText } from "./job-text";
import { progressBundle } from "./progress";
import { JOB_MIME, PROGRESS_MIME, type JobLink, type JobPayload } from "./protocol";

/** Least time between two updates of a live job view. */
export const JOB_UPDATE_MILLIS = 250;

const esc = (v: unknown) => escapeHtml(String(v));
const num = (v: string | number) => `<td style="text-align:right">${esc(v)}</td>`;

function table(head: string[], rows: string[][], numeric: ReadonlySet<number> = new Set()): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => (numeric.has(i) ? num(c) : `<td>${esc(c)}</td>`)).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A live http(s) page as a link that opens apart; any other as its text. */
function linkHtml(l: JobLink): string {
  const href = linkHref(l);
  return href ? `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(l.label)}</a>` : esc(linkText(l));
}

/** The display bundle of a job: our MIME type, the progress payload (older front ends), escaped HTML and text. */
export function jobBundle(job: JobPayload): Record<string, unknown> {
  const progress = progressBundle(job.progress);
  const stageRows = job.stages.map((s) => [stageName(s), STAGE_STATUS_TEXT[s.status], s.steps.join(", "), s.after?.length ? afterText(s) : "", String(s.elementsIn), millisText(s.wallMillis), throughputText(s.elementsIn, s.wallMillis), extraText(s.extra, ", ")]);
  const workerRows = job.workers.map((w) => [workerText(w.worker), String(w.elementsOut), millisText(w.busyMillis), extraText(w.extra, ", ")]);
  const metricRows = job.metrics.map((m) => [m.step, m.name, m.kind === "counter" ? String(m.value) : `count ${m.count}, sum ${m.sum}, min ${m.min}, max ${m.max}, mean ${m.mean.toFixed(2)}`]);
  const logRows = job.logs.lines.map((l) => [logTime(l.time), l.level, l.step, workerText(l.worker), l.text]);
  const dropped = droppedText(job.logs.dropped);
  const section = (title: string, body: string) => `<h4>${esc(title)}</h4>${body}`;
  const html = [
    `<div class="beamlab-job"><p>${esc(`Job on the ${job.runner} runner: ${stageTally(job)}`)}</p>`,
    job.links?.length ? `<p>${job.links.map((l) => linkHtml(l)).join(" · ")}</p>` : "",
    progress["text/html"],
    section("Stages", table(["stage", "status", "steps", "reads", "in", "wall", "throughput", ""], stageRows, new Set([4, 5, 6]))),
    job.workers.length ? section("Workers", table(["worker", "elements", "busy", ""], workerRows, new Set([1, 2]))) : "",
    job.metrics.length ? section("Metrics", table(["step", "name", "value"], metricRows)) : "",
    section("Options", table(["option", "value"], job.options)),
    section(`Logs (${job.logs.total}, newest first)`, `${dropped ? `<p>${esc(dropped)}</p>` : ""}${table(["time", "level", "step", "worker", "text"], logRows)}`),
    "</div>",
  ].join("");
  const text = [
    String(progress["text/plain"]),
    `job on the ${job.runner} runner: ${stageTally(job)}`,
    ...(job.links ?? []).map((l) => `  ${linkText(l)}`),
    ...job.stages.map((s) => `  ${stageName(s)} ${STAGE_STATUS_TEXT[s.status]}: ${s.steps.join(", ")}; ${s.elementsIn} in, ${millisText(s.wallMillis)}`),
    ...job.workers.map((w) => `  ${workerText(w.worker)}: ${w.elementsOut} elements, busy ${millisText(w.busyMillis)}`),
    ...job.metrics.map((m) => `  ${m.step} · ${m.name}: ${m.kind === "counter" ? m.value : `mean ${m.mean.toFixed(2)} of ${m.count}`}`),
    ...(job.logs.total ? [`  ${job.logs.total} log line${job.logs.total === 1 ? "" : "s"}: see result.logs()`] : []),
  ].join("\n");
  return { [JOB_MIME]: job, [PROGRESS_MIME]: job.progress, "text/html": html, "text/plain": text };
}

/**
 * Shows a job in one output and keeps it up to date: at most every
 * {@link JOB_UPDATE_MILLIS} while it runs (a change in between is shown by a timer), and
 * once more when it ends.
 */
export class JobDisplay {
  private readonly id = newDisplayId();
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly stop: () => void;

  constructor(private readonly job: Job) {
    this.stop = job.onChange(() => this.changed());
    this.flush(false);
  }

  private changed(): void {
    if (this.job.finished) return this.end();
    const wait = JOB_UPDATE_MILLIS - (performance.now() - this.last);
    if (wait <= 0) return this.flush(true);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      if (!this.job.finished) this.flush(true);
    }, wait);
  }

  private end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stop();
    this.flush(true);
  }

  private flush(update: boolean): void {
    this.last = performance.now();
    displayBundle(jobBundle(this.job.snapshot()), { id: this.id, update });
  }
}
