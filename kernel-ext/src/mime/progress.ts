/**
 * Renderer of a run's progress and summary: one row per top-level step with element
 * counts, time and what became of it (computed, cached, running, cancelled, failed).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { PROGRESS_MIME, type ProgressPayload, type StepStatus } from "../../../lib/display/protocol";
import { progressHeadline, statusOf, statusText } from "../../../lib/display/progress-text";
import { h } from "../dom";
import { asProgressPayload } from "../model/payloads";
import { formatCount } from "../model/table-model";

/** A glyph that repeats the status word, never replaces it (the word is what is read out). */
const STATUS_GLYPH: Record<StepStatus, string> = {
  done: "✓",
  cached: "◆",
  running: "…",
  waiting: "·",
  cancelled: "■",
  failed: "✕",
};

/** The headline of a run (read out as a status). */
export function progressHead(p: ProgressPayload): HTMLElement {
  const head = h("div", `bl-Progress-head bl-mod-${p.state.toLowerCase()}`, progressHeadline(p));
  head.setAttribute("role", "status");
  return head;
}

/** One row per top-level step: counts, time and what became of it. */
export function progressTable(p: ProgressPayload): HTMLTableElement {
  const table = h("table", "bl-Progress-table");
  const thead = h("thead");
  const tr = h("tr");
  for (const [c, cls] of [["Step", ""], ["In", "bl-num"], ["Out", "bl-num"], ["Time", "bl-num"], ["", ""]]) {
    const th = h("th", cls || undefined, c);
    th.scope = "col";
    tr.append(th);
  }
  thead.append(tr);
  const tbody = h("tbody");
  for (const s of p.steps) {
    const status = statusOf(s, p.state);
    const row = h("tr", `bl-Progress-step bl-mod-${status}`);
    const badge = h("td", "bl-Progress-status");
    badge.append(h("span", "bl-Progress-glyph", STATUS_GLYPH[status]), h("span", undefined, statusText(status, p.state)));
    badge.firstElementChild!.setAttribute("aria-hidden", "true");
    row.append(
      h("td", "bl-Progress-label", s.label),
      h("td", "bl-num", formatCount(s.elementsIn ?? 0)),
      h("td", "bl-num", formatCount(s.elementsOut ?? 0)),
      h("td", "bl-num", status === "cached" ? "—" : formatMillis(s.millis ?? 0)),
      badge,
    );
    tbody.append(row);
  }
  table.append(thead, tbody);
  return table;
}

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
    this.node.dataset.state = p.state.toLowerCase();
    this.node.append(progressHead(p), progressTable(p));
  }
}

function formatMillis(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${formatCount(ms)} ms`;
}

export const progressRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PROGRESS_MIME],
  defaultRank: 10,
  createRenderer: () => new ProgressView(),
};
