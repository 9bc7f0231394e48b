/**
 * Before/after pairs ({@link PAIRS_MIME}, and the player's element-wise steps): each
 * element and what it became, field by field. A changed field reads `before → after`,
 * highlighted (and struck through before, so colour is not the only cue); a dropped
 * element is struck through and marked, a fanned-out one says `1 of 3`; "Changed rows only"
 * hides the unchanged ones. Values are text (`textContent`), never markup.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import type { EncodedValue } from "../../../lib/display/protocol";
import { PAIRS_MIME, pairsSummaryText, type PairRowPayload, type PairsPayload } from "../../../lib/teaching/protocol";
import { h } from "../dom";
import { asPairsPayload } from "../model/payloads";
import { decodeValue } from "../model/values";

const isRecord = (v: EncodedValue): v is { [key: string]: EncodedValue } => v !== null && typeof v === "object" && !Array.isArray(v) && !("$beamlab" in v);

/** The fields of the record rows, in first-seen order; null when some side is not a record (then each side is one column). */
function fieldsOf(rows: readonly PairRowPayload[]): string[] | null {
  const names = new Set<string>();
  for (const r of rows) {
    for (const v of [r.status === "added" ? undefined : r.before, r.status === "dropped" ? undefined : r.after]) {
      if (v === undefined || v === null) continue;
      if (!isRecord(v)) return null;
      for (const k of Object.keys(v)) names.add(k);
    }
  }
  return [...names];
}

const text = (v: EncodedValue | undefined): string => (v === undefined ? "" : decodeValue(v).text);

function statusText(r: PairRowPayload): string {
  return r.fanOut ? `${r.status}, ${r.fanOut.position + 1} of ${r.fanOut.of}` : r.status;
}

/** A changed value: the old one struck through, an arrow, the new one, all marked. */
function changedCell(before: string, after: string): HTMLElement {
  const mark = h("mark", "bl-Pairs-changed");
  mark.title = "changed";
  mark.append(h("s", "bl-Pairs-old", before), document.createTextNode(" → "), h("span", "bl-Pairs-new", after));
  return mark;
}

export interface PairsViewOptions {
  /** A click on a row: the indexes of its element before and after (a player traces it). */
  onSelect?: (beforeIndex: number | null, afterIndex: number | null) => void;
}

export class PairsView extends Widget implements IRenderMime.IRenderer {
  private payload: PairsPayload | null = null;
  private readonly summaryEl = h("div", "bl-Pairs-summary");
  private readonly toggle = h("input");
  private readonly tableEl = h("table", "bl-Pairs-table");
  private readonly footEl = h("div", "bl-Pairs-foot");
  private marks = { before: new Set<number>(), after: new Set<number>() };

  constructor(private readonly options: PairsViewOptions = {}) {
    super();
    this.addClass("bl-Pairs");
    const bar = h("div", "bl-Pairs-toolbar");
    const label = h("label", "bl-Pairs-toggle");
    this.toggle.type = "checkbox";
    this.toggle.addEventListener("change", () => this.draw());
    label.append(this.toggle, document.createTextNode(" Changed rows only"));
    bar.append(this.summaryEl, label);
    this.tableEl.addEventListener("click", (e) => {
      const tr = (e.target as HTMLElement).closest<HTMLElement>("tr[data-row]");
      const r = tr && this.payload?.rows[Number(tr.dataset.row)];
      if (r) this.options.onSelect?.(r.beforeIndex, r.afterIndex);
    });
    this.node.append(bar, this.tableEl, this.footEl);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asPairsPayload(model.data[PAIRS_MIME]);
    if (!p) {
      this.summaryEl.textContent = "These before/after pairs were written by a different beamlab version and cannot be shown.";
      return;
    }
    this.setPayload(p);
  }

  setPayload(p: PairsPayload): void {
    this.payload = p;
    this.summaryEl.textContent = pairsSummaryText(p);
    this.draw();
  }

  /** Shows only changed, dropped, added and fanned-out rows. */
  setChangedOnly(on: boolean): void {
    this.toggle.checked = on;
    this.draw();
  }

  /** Marks the rows whose element before or after is in the sets (a traced element's lineage). */
  markElements(before: ReadonlySet<number>, after: ReadonlySet<number>): void {
    this.marks = { before: new Set(before), after: new Set(after) };
    for (const tr of this.tableEl.querySelectorAll<HTMLElement>("tr[data-row]")) {
      const r = this.payload!.rows[Number(tr.dataset.row)];
      tr.classList.toggle("bl-mod-linked", this.isMarked(r));
    }
  }

  private isMarked(r: PairRowPayload): boolean {
    return (r.beforeIndex !== null && this.marks.before.has(r.beforeIndex)) || (r.afterIndex !== null && this.marks.after.has(r.afterIndex));
  }

  private draw(): void {
    const p = this.payload;
    if (!p) return;
    const only = this.toggle.checked;
    const fields = fieldsOf(p.rows);
    const head = h("tr");
    const cols = ["#", "change", ...(fields ?? [`before: ${p.before}`, `after: ${p.after}`])];
    for (const c of cols) head.append(h("th", undefined, c));
    const body = h("tbody");
    let shown = 0;
    p.rows.forEach((r, i) => {
      if (only && r.status === "unchanged" && !r.fanOut) return;
      shown++;
      const tr = h("tr", `bl-Pairs-row bl-mod-${r.status}${r.fanOut ? " bl-mod-fanout" : ""}`);
      tr.dataset.row = String(i);
      if (this.isMarked(r)) tr.classList.add("bl-mod-linked");
      tr.append(h("td", "bl-Pairs-index", `${r.beforeIndex === null ? "–" : `#${r.beforeIndex}`} → ${r.afterIndex === null ? "–" : `#${r.afterIndex}`}`));
      tr.append(h("td", "bl-Pairs-status", statusText(r)));
      const changed = new Set(r.changed);
      if (fields) {
        const before = r.before !== null && isRecord(r.before) ? r.before : {};
        const after = r.after !== null && isRecord(r.after) ? r.after : {};
        for (const f of fields) {
          const td = h("td");
          if (changed.has(f)) td.append(changedCell(text(before[f]), text(after[f])));
          else td.textContent = text(r.status === "added" ? after[f] : before[f]);
          tr.append(td);
        }
      } else {
        const whole = changed.has("");
        const b = h("td", undefined, r.status === "added" ? "" : text(r.before));
        const a = h("td");
        if (whole && r.status !== "dropped") a.append(changedCell(text(r.before), text(r.after)));
        else a.textContent = r.status === "dropped" ? "" : text(r.after);
        tr.append(b, a);
      }
      body.append(tr);
    });
    const thead = h("thead");
    thead.append(head);
    this.tableEl.replaceChildren(thead, body);
    const cut = p.truncated ? ` The notebook holds ${p.rows.length} rows of the pairs (every changed, dropped and fanned-out row first).` : "";
    this.footEl.textContent = `${only ? `${shown} changed of ${p.rows.length} rows shown.` : `${shown} rows.`}${cut}${p.notes.length ? ` ${p.notes.join(" ")}` : ""}`;
  }
}

/** Renderer factory for {@link PAIRS_MIME}. */
export const pairsRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PAIRS_MIME],
  defaultRank: 10,
  createRenderer: () => new PairsView(),
};
