/**
 * Renderer of a run's job view, as Dataflow's job page: the stages in run order with their
 * status and figures, the steps' progress table, the workers, the user metrics, the
 * options, and the log panel (newest first, filterable by level, step and worker). The
 * kernel updates the output in place while the run goes on; the filters, and where the log
 * panel was scrolled to, survive each update. Every value is set as text.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { Widget } from "@lumino/widgets";
import { JOB_MIME, type JobLogLine, type JobPayload, type JobStage, type StageStatus } from "../../../lib/display/protocol";
import { afterText, droppedText, extraText, filterLogLines, linkHref, logChoices, logTime, millisText, stageColumns, stageName, stageTally, STAGE_STATUS_TEXT, throughputText, workerText, type LogFilter } from "../../../lib/display/job-text";
import { h } from "../dom";
import { asJobPayload } from "../model/payloads";
import { formatCount } from "../model/table-model";
import { progressHead, progressTable } from "./progress";

/** A glyph that repeats the status word, never replaces it. */
const STAGE_GLYPH: Record<StageStatus, string> = { pending: "·", running: "…", done: "✓", failed: "✕", cancelled: "■" };

type FilterKey = keyof LogFilter;

export class JobView extends Widget implements IRenderMime.IRenderer {
  private filter: LogFilter = {};
  private logScroll = 0;
  private last: JobPayload | null = null;

  constructor() {
    super();
    this.addClass("bl-Job");
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const p = asJobPayload(model.data[JOB_MIME]);
    const list = this.node.querySelector(".bl-Job-logList");
    if (list) this.logScroll = list.scrollTop;
    this.node.replaceChildren();
    if (!p) {
      this.node.textContent = "This job output was written by a different beamlab version.";
      return;
    }
    this.last = p;
    this.node.dataset.state = p.progress.state.toLowerCase();
    const title = h("div", "bl-Job-title", `Job on the ${p.runner} runner · ${stageTally(p)}`);
    // The steps are the progress view itself, so what reads a run summary reads this one too.
    const progress = h("div", "bl-Progress");
    progress.dataset.state = p.progress.state.toLowerCase();
    progress.append(progressHead(p.progress), this.section("Steps", progressTable(p.progress)));
    this.node.append(title);
    if (p.links?.length) this.node.append(this.links(p));
    this.node.append(progress, this.section("Stages", this.stages(p.stages)));
    if (p.workers.length) this.node.append(this.section("Workers", this.workers(p)));
    if (p.metrics.length) this.node.append(this.section("Metrics", this.metrics(p)));
    this.node.append(this.section("Options", this.options(p)), this.logs(p));
    const after = this.node.querySelector(".bl-Job-logList");
    if (after) after.scrollTop = this.logScroll;
  }

  /** The engine's pages: a link while the page lives (http(s) only), its label and why not once it is gone. */
  private links(p: JobPayload): HTMLElement {
    const row = h("div", "bl-Job-links");
    for (const l of p.links ?? []) {
      const href = linkHref(l);
      if (href) {
        const a = h("a", "bl-Job-link", `${l.label} ↗`);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.title = href;
        row.append(a);
      } else {
        const span = h("span", "bl-Job-link bl-mod-gone", l.note ? `${l.label} (${l.note})` : l.label);
        span.title = l.href;
        row.append(span);
      }
    }
    return row;
  }

  private section(title: string, body: HTMLElement): HTMLElement {
    const s = h("section", "bl-Job-section");
    s.append(h("h4", "bl-Job-sectionTitle", title), body);
    return s;
  }

  /**
   * The stage graph: stages in columns by depth (a stage stands right of every stage it
   * reads from, so parallel branches share a column), each a box with its status, steps,
   * figures and the stages it comes after; without that, one column per stage in run order.
   */
  private stages(stages: readonly JobStage[]): HTMLElement {
    const flow = h("ol", "bl-Job-stages");
    flow.setAttribute("aria-label", "Stage graph, from the sources on the left");
    for (const column of stageColumns(stages)) {
      const level = h("li", "bl-Job-level");
      const boxes = h("ol", "bl-Job-levelStages");
      for (const s of column) boxes.append(this.stageBox(s));
      level.append(boxes);
      flow.append(level);
    }
    return flow;
  }

  private stageBox(s: JobStage): HTMLElement {
    const box = h("li", `bl-Job-stage bl-mod-${s.status}`);
    box.dataset.stage = String(s.index);
    const head = h("div", "bl-Job-stageHead");
    const status = h("span", "bl-Job-stageStatus");
    const glyph = h("span", "bl-Job-glyph", STAGE_GLYPH[s.status]);
    glyph.setAttribute("aria-hidden", "true");
    status.append(glyph, h("span", undefined, STAGE_STATUS_TEXT[s.status]));
    head.append(h("span", "bl-Job-stageName", stageName(s)), status);
    const steps = h("ul", "bl-Job-stageSteps");
    for (const label of s.steps) steps.append(h("li", undefined, label));
    const figures = h("div", "bl-Job-stageFigures", `${formatCount(s.elementsIn)} in · ${millisText(s.wallMillis)} · ${throughputText(s.elementsIn, s.wallMillis)}`);
    box.append(head, steps, figures);
    if (s.after?.length) box.append(h("div", "bl-Job-after", afterText(s)));
    if (s.extra) box.append(h("div", "bl-Job-extra", extraText(s.extra)));
    return box;
  }

  private table(head: string[], rows: (string | HTMLElement)[][], numeric: ReadonlySet<number>): HTMLTableElement {
    const table = h("table", "bl-Progress-table bl-Job-table");
    const tr = h("tr");
    head.forEach((c, i) => {
      const th = h("th", numeric.has(i) ? "bl-num" : undefined, c);
      th.scope = "col";
      tr.append(th);
    });
    const thead = h("thead");
    thead.append(tr);
    const tbody = h("tbody");
    for (const r of rows) {
      const row = h("tr");
      r.forEach((c, i) => {
        const td = h("td", numeric.has(i) ? "bl-num" : undefined);
        td.append(c);
        row.append(td);
      });
      tbody.append(row);
    }
    table.append(thead, tbody);
    return table;
  }

  private workers(p: JobPayload): HTMLElement {
    const most = Math.max(1, ...p.workers.map((w) => w.busyMillis));
    const rows = p.workers.map((w) => {
      const bar = h("span", "bl-Job-bar");
      bar.style.width = `${Math.round((w.busyMillis / most) * 100)}%`;
      const track = h("span", "bl-Job-barTrack");
      track.setAttribute("aria-hidden", "true");
      track.append(bar);
      // A Spark executor's Node process: which executor, which process.
      const who = h("div", undefined, workerText(w.worker));
      if (w.extra) who.append(h("div", "bl-Job-extra", extraText(w.extra)));
      return [who, formatCount(w.elementsOut), millisText(w.busyMillis), track];
    });
    return this.table(["Worker", "Elements", "Busy", ""], rows, new Set([1, 2]));
  }

  private metrics(p: JobPayload): HTMLElement {
    const rows = p.metrics.map((m) => [m.step, m.name, m.kind === "counter" ? formatCount(m.value) : `mean ${m.mean.toFixed(2)} (count ${m.count}, min ${m.min}, max ${m.max}, sum ${m.sum})`]);
    return this.table(["Step", "Metric", "Value"], rows, new Set());
  }

  private options(p: JobPayload): HTMLElement {
    const list = h("dl", "bl-Job-options");
    for (const [k, v] of p.options) list.append(h("dt", undefined, k), h("dd", undefined, v));
    if (!p.options.length) list.append(h("dd", undefined, "(defaults)"));
    return list;
  }

  /** The log panel: filters, what is shown of how many, the lines newest first. */
  private logs(p: JobPayload): HTMLElement {
    const panel = h("section", "bl-Job-section bl-Job-logs");
    const choices = logChoices(p.logs.lines);
    const bar = h("div", "bl-Job-filters");
    bar.append(
      this.select("level", "Level", choices.levels.map((l) => [l, l])),
      this.select("step", "Step", choices.steps.map((s) => [s, s])),
      this.select("worker", "Worker", choices.workers.map((w) => [String(w), w === "main" ? "main thread" : `worker ${w}`])),
    );
    const shown = filterLogLines(p.logs.lines, this.filter);
    const count = h("div", "bl-Job-logCount", `${formatCount(shown.length)} of ${formatCount(p.logs.total)} line${p.logs.total === 1 ? "" : "s"}, newest first`);
    count.setAttribute("aria-live", "polite");
    panel.append(h("h4", "bl-Job-sectionTitle", "Logs"), bar, count);
    const dropped = droppedText(p.logs.dropped);
    if (dropped) panel.append(h("div", "bl-Job-dropped", dropped));
    const list = h("ol", "bl-Job-logList");
    list.tabIndex = 0;
    list.setAttribute("aria-label", "Log lines, newest first");
    for (const l of shown) list.append(this.line(l));
    if (!shown.length) list.append(h("li", "bl-Job-logEmpty", p.logs.total ? "No line matches the filters." : "Nothing was logged (console.log or beam.log inside a DoFn)."));
    panel.append(list);
    return panel;
  }

  private line(l: JobLogLine): HTMLElement {
    const li = h("li", `bl-Job-log bl-mod-${l.level}`);
    li.append(
      h("span", "bl-Job-logTime", logTime(l.time)),
      h("span", "bl-Job-logLevel", l.level),
      h("span", "bl-Job-logStep", l.step),
      h("span", "bl-Job-logWorker", workerText(l.worker)),
      h("span", "bl-Job-logText", l.text),
    );
    return li;
  }

  private select(key: FilterKey, label: string, options: [string, string][]): HTMLElement {
    const wrap = h("label", "bl-Job-filter");
    const select = h("select", "bl-Job-select");
    select.dataset.filter = key;
    const current = this.filter[key];
    const currentText = current == null ? "" : String(current);
    const all = h("option", undefined, "all");
    all.value = "";
    select.append(all);
    // A chosen value stays offered while the newest lines do not have it.
    const values = currentText && !options.some(([v]) => v === currentText) ? [...options, [currentText, currentText] as [string, string]] : options;
    for (const [value, text] of values) {
      const o = h("option", undefined, text);
      o.value = value;
      select.append(o);
    }
    select.value = currentText;
    select.addEventListener("change", () => {
      const v = select.value;
      this.filter = { ...this.filter, [key]: v === "" ? null : key === "worker" ? (v === "main" ? "main" : Number(v)) : v };
      const panel = this.node.querySelector(".bl-Job-logs");
      if (!panel || !this.last) return;
      panel.replaceWith(this.logs(this.last));
      this.node.querySelector<HTMLSelectElement>(`.bl-Job-select[data-filter="${key}"]`)?.focus();
    });
    wrap.append(h("span", undefined, label), select);
    return wrap;
  }
}

export const jobRendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [JOB_MIME],
  defaultRank: 9,
  createRenderer: () => new JobView(),
};
