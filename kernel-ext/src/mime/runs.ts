/**
 * Renderer of `beam.compareRuns`: a summary table of the runs' wall times, then one column
 * per run holding its full job view (the same renderer as a run's own output), so a reader
 * compares the stages, workers and logs of the direct runner, local workers and Spark across
 * the page. Columns wrap under each other when the notebook is narrow. Every value is text.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { runSummaries } from "../../../lib/display/job-text";
import { JOB_MIME, RUNS_MIME } from "../../../lib/display/protocol";
import { h } from "../dom";
import { asRunsPayload } from "../model/payloads";
import { JobView } from "./job";

const HEAD: [string, boolean][] = [
  ["Run", false],
  ["Runner", false],
  ["State", false],
  ["Wall time", true],
  ["Against the first", true],
  ["Stages", true],
  ["Workers", true],
];

export class RunsView extends Widget implements IRenderMime.IRenderer {
  private views: JobView[] = [];

  constructor() {
    super();
    this.addClass("bl-Runs");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asRunsPayload(model.data[RUNS_MIME]);
    for (const v of this.views) v.dispose();
    this.views = [];
    this.node.replaceChildren();
    if (!p) {
      this.node.textContent = "This comparison was written by a different beamlab version.";
      return;
    }
    const table = h("table", "bl-Progress-table bl-Runs-summary");
    const tr = h("tr");
    for (const [label, numeric] of HEAD) {
      const th = h("th", numeric ? "bl-num" : undefined, label);
      th.scope = "col";
      tr.append(th);
    }
    const thead = h("thead");
    thead.append(tr);
    const tbody = h("tbody");
    for (const r of runSummaries(p.runs)) {
      const row = h("tr");
      const title = h("th", undefined, r.title);
      title.scope = "row";
      row.append(title);
      for (const [c, numeric] of [[r.runner, false], [r.state, false], [r.wall, true], [r.relative, true], [r.stages, true], [r.workers, true]] as [string, boolean][]) row.append(h("td", numeric ? "bl-num" : undefined, c));
      tbody.append(row);
    }
    table.append(thead, tbody);
    const columns = h("div", "bl-Runs-columns");
    for (const run of p.runs) {
      const column = h("section", "bl-Runs-column");
      column.setAttribute("aria-label", `Job view of ${run.title}`);
      column.append(h("h3", "bl-Runs-title", run.title));
      if (run.job) {
        const view = new JobView();
        await view.renderModel({ data: { [JOB_MIME]: run.job } } as unknown as IRenderMime.IMimeModel);
        this.views.push(view);
        column.append(view.node);
      } else column.append(h("p", "bl-Runs-none", "No job view: this run was not made in a notebook."));
      columns.append(column);
    }
    this.node.append(table, columns);
  }

  protected onBeforeDetach(): void {
    for (const v of this.views) v.dispose();
    this.views = [];
  }
}

export const runsRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [RUNS_MIME],
  defaultRank: 9,
  createRenderer: () => new RunsView(),
};
