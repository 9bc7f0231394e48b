/**
 * A lineage trace ({@link LINEAGE_MIME}, and under the player once an element is
 * clicked): the selected element, then step by step what it came from (back to the source
 * rows) and what it led to, each element with its index and where it came from.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { LINEAGE_MIME, tracedFromText, type LineagePayload } from "../../../lib/teaching/protocol";
import { h } from "../dom";
import { asLineagePayload } from "../model/payloads";
import { decodeValue, type DecodedValue } from "../model/values";

/** A record or array with every field on one line (a grid's short text cuts them: a trace is read field by field). */
function wholeText(d: DecodedValue): string {
  if (d.kind === "record") return `{${(d.entries ?? []).map(([k, v]) => `${k}: ${v.text}`).join(", ")}}`;
  if (d.kind === "array") return `[${(d.entries ?? []).map(([, v]) => v.text).join(", ")}]`;
  return d.text;
}

/** Elements listed per step; beyond, counted. */
const PER_STEP = 10;

export class LineageView extends Widget implements IRenderMime.IRenderer {
  constructor() {
    super();
    this.addClass("bl-Lineage");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asLineagePayload(model.data[LINEAGE_MIME]);
    if (!p) {
      this.node.textContent = "This lineage trace was written by a different beamlab version and cannot be shown.";
      return;
    }
    this.setPayload(p);
  }

  setPayload(p: LineagePayload): void {
    const title = h("div", "bl-Lineage-title");
    title.append(h("strong", undefined, `Lineage of element #${p.index} of "${p.pcollection}"`), document.createTextNode(`: ${wholeText(decodeValue(p.element))}`));
    const parts: HTMLElement[] = [title];
    for (const side of ["upstream", "downstream"] as const) {
      const steps = p.steps.filter((s) => s.side === side);
      const block = h("div", `bl-Lineage-side bl-mod-${side}`);
      block.append(h("div", "bl-Lineage-sideTitle", `${side === "upstream" ? "came from (upstream)" : "led to (downstream)"}${steps.length ? "" : ": nothing"}`));
      for (const s of steps) {
        const step = h("div", "bl-Lineage-step");
        step.append(h("div", "bl-Lineage-stepTitle", `${s.label} (${s.kind}${s.pcollection !== s.label ? `, ${s.pcollection}` : ""}): ${s.total} ${s.total === 1 ? "element" : "elements"}`));
        const list = h("ul", "bl-Lineage-elements");
        s.indexes.slice(0, PER_STEP).forEach((j, k) => {
          const from = tracedFromText(s, j);
          const li = h("li");
          li.append(h("code", "bl-Lineage-index", `#${j}`), document.createTextNode(` ${wholeText(decodeValue(s.elements[k]))}`));
          if (from) li.append(h("span", "bl-Lineage-from", `  (${from})`));
          list.append(li);
        });
        if (s.total > PER_STEP) list.append(h("li", "bl-Lineage-more", `… and ${s.total - PER_STEP} more`));
        step.append(list);
        block.append(step);
      }
      parts.push(block);
    }
    if (!p.complete || p.notes.length) {
      const notes = h("ul", "bl-Lineage-notes");
      for (const n of p.notes) notes.append(h("li", undefined, n));
      parts.push(notes);
    }
    this.node.replaceChildren(...parts);
  }
}

/** Renderer factory for {@link LINEAGE_MIME}. */
export const lineageRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [LINEAGE_MIME],
  defaultRank: 10,
  createRenderer: () => new LineageView(),
};
