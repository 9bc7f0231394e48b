/**
 * `beam.compareRuns`: the job views of several runs of a pipeline side by side (the direct
 * runner, local workers, a Spark cluster), under one summary of their wall times. In
 * JupyterLab the extension lays the job views out in columns; elsewhere the same summary
 * and each run's stages are escaped HTML and text.
 */
import { inspect } from "node:util";
import type { PipelineResult } from "../runners/result";
import { DISPLAY_SYMBOL, type Displayable } from "./displayable";
import { displayBundle, inKernel } from "./emit";
import { escapeHtml } from "./html";
import { millisText, runSummaries, stageName, STAGE_STATUS_TEXT } from "./job-text";
import { PROTOCOL_VERSION, RUNS_MIME, type RunsPayload } from "./protocol";

const esc = (v: unknown) => escapeHtml(String(v));
const HEAD = ["run", "runner", "state", "wall time", "against the first", "stages", "workers"];

/** Runs compared side by side: the payload, and the bundle that shows it. */
export class RunsComparison implements Displayable {
  constructor(readonly payload: RunsPayload) {}

  /** The display bundle: columns of job views in JupyterLab with the extension, a summary table and each run's stages elsewhere. */
  bundle(): Record<string, unknown> {
    return { [RUNS_MIME]: this.payload, "text/html": this.html(), "text/plain": this.toString() };
  }

  [DISPLAY_SYMBOL](): Record<string, unknown> {
    return this.bundle();
  }

  private html(): string {
    const rows = runSummaries(this.payload.runs).map((r) => `<tr>${[r.title, r.runner, r.state, r.wall, r.relative, r.stages, r.workers].map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`);
    const columns = this.payload.runs.map((r) => {
      const stages = (r.job?.stages ?? []).map((s) => `<li>${esc(`${stageName(s)} (${s.kind}) ${STAGE_STATUS_TEXT[s.status]}: ${s.steps.join(", ")}; ${s.elementsIn} in, ${millisText(s.wallMillis)}`)}</li>`);
      return `<td style="vertical-align:top"><b>${esc(r.title)}</b>${stages.length ? `<ol>${stages.join("")}</ol>` : `<p>${esc("no job view")}</p>`}</td>`;
    });
    return `<div class="beamlab-runs"><table><thead><tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table><table><tbody><tr>${columns.join("")}</tr></tbody></table></div>`;
  }

  toString(): string {
    return runSummaries(this.payload.runs)
      .map((r) => `${r.title}: ${r.runner ? `${r.runner} runner, ` : ""}${r.state}, ${r.wall}${r.relative ? ` (${r.relative})` : ""}${r.stages ? `, ${r.stages} stages` : ""}${r.workers ? `, workers: ${r.workers}` : ""}`)
      .join("\n");
  }

  /** What a notebook prints for the value itself, below the display: one line (the display has the rest). */
  [inspect.custom](): string {
    return `RunsComparison of ${this.payload.runs.length} run${this.payload.runs.length === 1 ? "" : "s"}: ${runSummaries(this.payload.runs).map((r) => `${r.title} ${r.wall}`).join(", ")}`;
  }
}

/**
 * Shows the job views of runs side by side, each under its title, with their wall times
 * against the first run's: in a notebook, one output with a column per run.
 *
 * @param runs title → the result of `await p.run()` (in the order to show them; the first is the baseline)
 * @example
 * const direct = await pDirect.run();
 * const local = await pLocal.run();
 * beam.compareRuns({ "direct": direct, "2 local workers": local });
 */
export function compareRuns(runs: Record<string, PipelineResult>): RunsComparison {
  const entries = Object.entries(runs);
  if (!entries.length) throw new TypeError("beam.compareRuns needs at least one run: pass { title: await p.run(), ... }");
  const c = new RunsComparison({
    version: PROTOCOL_VERSION,
    runs: entries.map(([title, r]) => ({ title, state: r.state, millis: r.millis, job: r.job() })),
  });
  if (inKernel()) displayBundle(c.bundle());
  return c;
}
