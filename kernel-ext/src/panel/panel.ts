/**
 * The Pipeline Inspector side panel: the pipelines and PCollections of the current
 * notebook's kernel, from its {@link KernelModel}. Clicking a PCollection opens its rows.
 */
import { Widget } from "@lumino/widgets";
import type { IBeamlabContext } from "../context";
import { h } from "../dom";
import type { KernelModel } from "../model/kernel-model";
import { formatCount } from "../model/table-model";

export class InspectorPanel extends Widget {
  private model: KernelModel | null = null;
  private notebookName = "";
  private readonly subtitle = h("div", "bl-Inspector-subtitle");
  private readonly statusEl = h("div", "bl-Inspector-status");
  private readonly list = h("ul", "bl-Inspector-tree");
  private readonly refreshBtn = h("button", "bl-Button", "Refresh");
  private readonly clearBtn = h("button", "bl-Button", "Clear");

  constructor(private readonly ctx: IBeamlabContext) {
    super();
    this.addClass("bl-Inspector");
    const header = h("div", "bl-Inspector-header");
    const title = h("h2", "bl-Inspector-title", "Pipeline Inspector");
    this.refreshBtn.type = "button";
    this.refreshBtn.title = "Ask the kernel for its pipelines (runs a hidden request when the kernel is idle)";
    this.refreshBtn.addEventListener("click", () => this.model?.refresh());
    this.clearBtn.type = "button";
    this.clearBtn.title = "Empty this list; pipelines come back when a cell that uses them runs, or on Refresh";
    this.clearBtn.addEventListener("click", () => this.model?.clear());
    const actions = h("div", "bl-Inspector-actions");
    actions.append(this.refreshBtn, this.clearBtn);
    header.append(title, actions);
    this.statusEl.setAttribute("role", "status");
    this.list.setAttribute("role", "tree");
    this.list.setAttribute("aria-label", "Pipelines and PCollections");
    this.list.addEventListener("keydown", (e) => this.onKey(e));
    this.node.append(header, this.subtitle, this.statusEl, this.list);
  }

  /** Follows a notebook (or none). */
  setModel(model: KernelModel | null, notebookName: string): void {
    if (this.model === model && this.notebookName === notebookName) return;
    if (this.model) {
      this.model.changed.disconnect(this.update, this);
      this.model.active = false;
    }
    this.model = model;
    this.notebookName = notebookName;
    if (model) {
      model.changed.connect(this.update, this);
      model.active = this.isVisible;
    }
    this.update();
  }

  protected onAfterShow(): void {
    if (this.model) this.model.active = true;
    this.update();
  }

  protected onAfterHide(): void {
    if (this.model) this.model.active = false;
  }

  protected onUpdateRequest(): void {
    this.render();
  }

  private render(): void {
    const m = this.model;
    this.subtitle.textContent = m ? this.notebookName : "Open a notebook to see its pipelines.";
    this.list.replaceChildren();
    if (!m) {
      this.statusEl.textContent = "";
      return;
    }
    const state = m.state;
    this.statusEl.textContent =
      state === "no-kernel"
        ? "No kernel."
        : state === "requesting"
          ? "Asking the kernel…"
          : state === "busy"
            ? "Kernel busy."
            : (m.lastError ?? "");
    const pipelines = m.pipelines;
    if (pipelines.length === 0) {
      const empty = h("li", "bl-Inspector-empty", "No pipelines yet. Run a cell that builds one.");
      empty.setAttribute("role", "none");
      this.list.append(empty);
      return;
    }
    let first = true;
    for (const p of pipelines) {
      const item = h("li", "bl-Inspector-pipeline");
      item.setAttribute("role", "treeitem");
      item.setAttribute("aria-expanded", "true");
      const label = h("div", "bl-Inspector-pipelineLabel");
      label.append(h("span", "bl-Inspector-name", p.pipeline.name));
      if (p.subtitle) label.append(h("span", "bl-Inspector-subtitle-name", p.subtitle));
      if (p.runner) label.append(h("span", "bl-Inspector-runner", p.runner));
      label.title = p.subtitle ? `variable ${p.pipeline.name}, pipeline ${p.subtitle}` : `pipeline ${p.pipeline.name}`;
      const group = h("ul", "bl-Inspector-group");
      group.setAttribute("role", "group");
      for (const pc of p.pcollections) {
        const li = h("li", "bl-Inspector-pcoll");
        li.setAttribute("role", "treeitem");
        li.tabIndex = first ? 0 : -1;
        first = false;
        const name = pc.varName || pc.label;
        li.append(
          h("span", "bl-Inspector-var", name),
          h("span", "bl-Inspector-label", pc.note ? "nothing emitted" : pc.varName ? pc.label : ""),
          h("span", "bl-Inspector-countCell", pc.count === null ? "–" : formatCount(pc.count)),
        );
        li.title = `${p.pipeline.name} › ${pc.label}${pc.note ? ` (${pc.note})` : ""}: click or press Enter to open its rows`;
        // Expected to be empty: faded, like its node in the graph, not an alarming 0.
        if (pc.note) li.classList.add("bl-mod-faded");
        const open = () =>
          this.ctx.openPCollection({ pipeline: p.pipeline.id, pcollection: pc.id, label: `${name} (${p.pipeline.name})` }, m);
        li.addEventListener("click", open);
        li.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            open();
          }
        });
        group.append(li);
      }
      item.append(label, group);
      this.list.append(item);
    }
  }

  /** Up/Down moves between PCollections (roving tabindex). */
  private onKey(e: KeyboardEvent): void {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    const items = [...this.list.querySelectorAll<HTMLElement>(".bl-Inspector-pcoll")];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (i < 0) return;
    const next = items[Math.max(0, Math.min(items.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)))];
    items.forEach((x) => (x.tabIndex = -1));
    next.tabIndex = 0;
    next.focus();
    e.preventDefault();
  }
}
