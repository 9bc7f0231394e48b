/**
 * Renderer of `beam.explain(p)`: four tabs. As written (the pipeline graph, composites
 * open and close), As submitted (`p.toJSON()`: transforms with their URNs and the source of
 * each DoFn / function / CombineFn, the environment, the whole JSON), Validation (the checks
 * and what they found) and Optimized (the stage graph and each fused stage: what it reads,
 * its steps, what it hands on). Tabs follow the WAI-ARIA tabs pattern (arrow keys move).
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Panel, Widget } from "@lumino/widgets";
import { EXPLAIN_MIME, type ExplainPayload, type ExplainStage } from "../../../lib/display/protocol";
import { codeOf, inputText, outputText, roleText } from "../../../lib/display/explain-text";
import { stageGraph, stageTitle } from "../../../lib/display/stage-graph";
import type { IBeamlabContext } from "../context";
import { h } from "../dom";
import { asExplainPayload } from "../model/payloads";
import { GraphView } from "./graph";

let nextView = 0;

const TABS = ["As written", "As submitted", "Validation", "Optimized"] as const;

export class ExplainView extends Panel implements IRenderMime.IRenderer {
  private readonly uid = `bl-explain-${++nextView}`;
  private readonly bar = new Widget({ node: h("div", "bl-Explain-tabs") });
  private readonly written: GraphView;
  private readonly submitted = new Widget({ node: h("div", "bl-Explain-panel") });
  private readonly validation = new Widget({ node: h("div", "bl-Explain-panel") });
  private readonly optimized = new Panel();
  private readonly stageView: GraphView;
  private readonly stageList = new Widget({ node: h("div", "bl-Explain-stages") });
  private readonly tabs: HTMLButtonElement[] = [];

  constructor(ctx: IBeamlabContext) {
    super();
    this.addClass("bl-Explain");
    this.written = new GraphView(ctx);
    this.stageView = new GraphView(ctx);
    this.optimized.addClass("bl-Explain-panel");
    this.optimized.addWidget(this.stageView);
    this.optimized.addWidget(this.stageList);
    this.bar.node.setAttribute("role", "tablist");
    const panels = [this.written, this.submitted, this.validation, this.optimized];
    TABS.forEach((name, i) => {
      const tab = h("button", "bl-Explain-tab", name);
      tab.type = "button";
      tab.id = `${this.uid}-tab-${i}`;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", `${this.uid}-panel-${i}`);
      tab.addEventListener("click", () => this.select(i));
      tab.addEventListener("keydown", (e) => this.onKey(e, i));
      this.tabs.push(tab);
      this.bar.node.append(tab);
      panels[i].id = `${this.uid}-panel-${i}`;
      panels[i].node.setAttribute("role", "tabpanel");
      panels[i].node.setAttribute("aria-labelledby", tab.id);
    });
    this.addWidget(this.bar);
    for (const p of panels) this.addWidget(p);
    this.select(0);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asExplainPayload(model.data[EXPLAIN_MIME]);
    if (!p) {
      this.submitted.node.textContent = "This explain output was written by a different beamlab version and cannot be shown.";
      this.select(1);
      return;
    }
    const errors = p.findings.filter((f) => f.severity === "error").length;
    const warnings = p.findings.length - errors;
    this.tabs[2].textContent = `Validation${errors ? ` (${errors} error${errors === 1 ? "" : "s"})` : warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : " ✓"}`;
    this.tabs[2].classList.toggle("bl-mod-error", errors > 0);
    this.tabs[3].textContent = `Optimized (${p.stages.length} stage${p.stages.length === 1 ? "" : "s"})`;
    this.written.setPayload(p.graph);
    this.renderSubmitted(p);
    this.renderValidation(p);
    this.stageView.setPayload(stageGraph(p.pipeline, p.stages));
    this.renderStages(p.stages);
  }

  /** Shows tab `i` (hidden panels keep their state: open composites, zoom). */
  select(i: number): void {
    const panels = [this.written, this.submitted, this.validation, this.optimized];
    this.tabs.forEach((t, j) => {
      t.setAttribute("aria-selected", String(i === j));
      t.tabIndex = i === j ? 0 : -1;
      t.classList.toggle("bl-mod-selected", i === j);
    });
    panels.forEach((p, j) => (j === i ? p.show() : p.hide()));
  }

  private onKey(e: KeyboardEvent, i: number): void {
    const n = this.tabs.length;
    const to = e.key === "ArrowRight" ? (i + 1) % n : e.key === "ArrowLeft" ? (i + n - 1) % n : e.key === "Home" ? 0 : e.key === "End" ? n - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    this.select(to);
    this.tabs[to].focus();
  }

  private renderSubmitted(p: ExplainPayload): void {
    const c = p.submitted.components;
    const node = this.submitted.node;
    node.replaceChildren();
    const transforms = Object.values(c.transforms);
    const env = Object.entries(c.environments)
      .map(([id, e]) => `${id} (${e.urn}: ${e.payload.sdk} ${e.payload.sdk_version} on ${e.payload.runtime} ${e.payload.version})`)
      .join(", ");
    node.append(
      h("p", "bl-Explain-lead", `What the runner receives: ${transforms.length} transforms, ${Object.keys(c.pcollections).length} PCollections, ${Object.keys(c.coders).length} coders; environment ${env}. From code: p.toJSON().`),
    );
    const table = h("table", "bl-Explain-table");
    const head = h("tr");
    for (const t of ["unique_name", "spec urn", "inputs", "outputs → coder"]) {
      const th = h("th", undefined, t);
      th.scope = "col";
      head.append(th);
    }
    table.append(head);
    for (const t of transforms) {
      const tr = h("tr");
      const outs = Object.entries(t.outputs).map(([tag, id]) => `${tag} → ${c.pcollections[id]?.coder_id ?? "?"}`);
      tr.append(
        h("td", "bl-Explain-name", t.unique_name),
        h("td", "bl-Explain-urn", t.spec?.urn ?? `composite of ${t.subtransforms.length}`),
        h("td", undefined, Object.keys(t.inputs).join(", ") || "—"),
        h("td", undefined, outs.join(", ") || "—"),
      );
      table.append(tr);
      const code = codeOf(t);
      if (code) {
        const row = h("tr", "bl-Explain-coderow");
        const td = h("td");
        td.colSpan = 4;
        const details = h("details", "bl-Explain-code");
        const fields = code.fields && Object.keys(code.fields).length ? ` — fields ${Object.entries(code.fields).map(([k, v]) => `${k} = ${v}`).join(", ")}` : "";
        details.append(h("summary", undefined, `${code.name} (source)${fields}`), h("pre", undefined, code.source));
        td.append(details);
        row.append(td);
        table.append(row);
      }
    }
    node.append(table);
    const json = h("details", "bl-Explain-json");
    json.append(h("summary", undefined, "The whole JSON"), h("pre", undefined, JSON.stringify(p.submitted, null, 2)));
    node.append(json);
  }

  private renderValidation(p: ExplainPayload): void {
    const node = this.validation.node;
    node.replaceChildren();
    const errors = p.findings.filter((f) => f.severity === "error").length;
    node.append(
      h(
        "p",
        `bl-Explain-lead${errors ? " bl-mod-error" : ""}`,
        errors
          ? `${errors} error${errors === 1 ? "" : "s"}: a run fails before doing any work until ${errors === 1 ? "it is" : "they are"} fixed.`
          : p.findings.length
            ? "No errors: the pipeline can run. Warnings:"
            : "No problems found: the pipeline can run.",
      ),
    );
    if (p.findings.length) {
      const list = h("ul", "bl-Explain-findings");
      for (const f of p.findings) {
        const li = h("li", `bl-Explain-finding bl-mod-${f.severity}`);
        li.append(h("span", "bl-Explain-severity", f.severity), h("span", "bl-Explain-where", f.label ? f.label : "pipeline"), h("span", "bl-Explain-message", f.message), h("span", "bl-Explain-hint", `What to do: ${f.hint}`));
        list.append(li);
      }
      node.append(list);
    }
    const found = new Set(p.findings.map((f) => f.check));
    const checks = h("ul", "bl-Explain-checks");
    for (const c of p.checks) checks.append(h("li", undefined, `${found.has(c.name) ? "✕" : "✓"} ${c.description} (${c.name})`));
    node.append(h("p", "bl-Explain-sub", "Checked before every run:"), checks);
  }

  private renderStages(stages: ExplainStage[]): void {
    const node = this.stageList.node;
    node.replaceChildren();
    node.append(h("p", "bl-Explain-lead", `${stages.length} stage${stages.length === 1 ? "" : "s"} after fusion, in the order the direct runner runs them. Element-wise steps are fused into the stage that feeds them; a GroupByKey, a combine, a side input and a sink end a stage.`));
    for (const s of stages) {
      const card = h("section", "bl-Explain-stage");
      card.setAttribute("aria-label", `Stage ${s.id}`);
      card.append(h("h4", undefined, `${stageTitle(s)}${s.dependsOn.length ? ` — after ${s.dependsOn.join(", ")}` : ""}`));
      const reads = [...s.inputs.map(inputText), ...s.sideInputs.map((x) => `side input ${x.label}${x.fromStages.length ? ` (from ${x.fromStages.join(", ")})` : ""}`)];
      card.append(h("div", "bl-Explain-reads", `Reads: ${reads.join("; ")}`));
      const steps = h("ol", "bl-Explain-steps");
      for (const st of s.steps) {
        const li = h("li", `bl-mod-${st.role}`);
        li.append(h("span", "bl-Explain-name", st.label), h("span", "bl-Explain-role", ` — ${roleText(st.role)}`));
        steps.append(li);
      }
      card.append(steps);
      if (s.outputs.length) card.append(h("div", "bl-Explain-outs", `Hands on: ${s.outputs.map(outputText).join("; ")}`));
      node.append(card);
    }
  }
}

/** Renderer factory for {@link EXPLAIN_MIME}, ranked above the text/html fallback sent alongside. */
export function explainRendererFactory(ctx: IBeamlabContext): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [EXPLAIN_MIME],
    defaultRank: 10,
    createRenderer: () => new ExplainView(ctx),
  };
}
