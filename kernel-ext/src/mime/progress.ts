/** Renderer of run progress: one row per step with element counts and time. */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { PROGRESS_MIME } from "../../../lib/display/protocol";
import { h } from "../dom";
import { asProgressPayload } from "../model/payloads";
import { formatCount } from "../model/table-model";

export class ProgressView extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass("bl-Progress");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asProgressPayload(model.data[PROGRESS_MIME]);
    this.node.replaceChildren();
    if (!p) {
      this.node.textContent = "This progress output was written by a different beamlab version.";
      return;
    }
    const head = h("div", "bl-Progress-head");
    head.append(
      h("span", "bl-Table-title", p.pipeline?.name ?? "pipeline"),
      h("span", `bl-Progress-state bl-mod-${p.state.toLowerCase()}`, p.state),
      h("span", "bl-Table-count", `${(p.elapsedMillis / 1000).toFixed(2)} s`),
    );
    const table = h("table", "bl-Progress-table");
    const thead = h("thead");
    const tr = h("tr");
    for (const c of ["Step", "In", "Out", "ms", ""]) {
      const th = h("th", undefined, c);
      th.scope = "col";
      tr.append(th);
    }
    thead.append(tr);
    const tbody = h("tbody");
    for (const s of p.steps) {
      const row = h("tr");
      row.append(
        h("td", "bl-Progress-label", s.label),
        h("td", "bl-num", formatCount(s.elementsIn ?? 0)),
        h("td", "bl-num", formatCount(s.elementsOut ?? 0)),
        h("td", "bl-num", formatCount(s.millis ?? 0)),
        h("td", undefined, s.done ? "✓" : "…"),
      );
      tbody.append(row);
    }
    table.append(thead, tbody);
    this.node.append(head, table);
  }
}

export const progressRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PROGRESS_MIME],
  defaultRank: 10,
  createRenderer: () => new ProgressView(),
};
