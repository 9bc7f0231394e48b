/**
 * The static fallback of a step-through: one HTML frame per step (the graph with the step
 * highlighted, the first rows of its inputs and outputs, what it changed, its code), so
 * `jupyter nbconvert --to html`, GitHub and `beamlab slides` show every step without
 * JavaScript. Every value and label is escaped; no script, no external resource.
 * `beamlab slides` cuts the HTML at {@link FRAME_OPEN}: escaped data can never contain it.
 */
import { withAltText } from "../display/alt-text";
import { plural } from "../display/encode";
import { graphAltText, graphSvg } from "../display/graph";
import { escapeHtml } from "../display/html";
import { tableHtml } from "../display/table";
import type { Pairs } from "./pairing";
import { pairsHtml } from "./pairs-view";
import type { StepPCollectionPayload, StepPayload, StepThroughPayload } from "./protocol";

/** The opening of every frame; `beamlab slides` finds the frames by it. */
export const FRAME_OPEN = `<section class="beamlab-step"`;
/** Rows of each table in a frame. */
const FRAME_ROWS = 6;
/** Before/after rows of a frame (changed, dropped and fanned-out ones first). */
const FRAME_PAIR_ROWS = 8;
/** Groups listed in a frame's formation. */
const FRAME_GROUPS = 8;

const BOX = `style="flex: 1 1 320px; min-width: 0; overflow-x: auto"`;

/** What a frame needs besides the payload: the raw elements (for the tables) and the raw pairs (for the before/after table). */
export interface FrameSource {
  elements(pcollection: string): readonly unknown[] | undefined;
  pairs(step: string): readonly Pairs<unknown, unknown>[];
}

function countText(n: number | null): string {
  return n === null ? "not computed" : plural(n, "element");
}

/** `in`, `side input`, `out` and the role; the table's own caption names the PCollection and counts it. */
function pcHeading(what: string, pc: StepPCollectionPayload, withLabel: boolean): string {
  const role = pc.role !== null ? ` <code>${escapeHtml(pc.role)}</code>` : "";
  const label = withLabel ? `: ${escapeHtml(pc.label)}</strong> — ${escapeHtml(countText(pc.count))}` : "</strong>";
  return `<p style="margin: 0"><strong>${escapeHtml(what)}${role}${label}</p>`;
}

function pcTable(src: FrameSource, what: string, pc: StepPCollectionPayload): string {
  const elements = src.elements(pc.id);
  if (!pc.table || !elements) return `<div ${BOX}>${pcHeading(what, pc, true)}<p><em>${escapeHtml(pc.note ?? "no rows")}</em></p></div>`;
  return `<div ${BOX}>${pcHeading(what, pc, false)}${tableHtml(pc.table, { label: pc.label, pipeline: null, pcollection: pc.id, elements, total: elements.length }, FRAME_ROWS)}</div>`;
}

/** Which inputs formed the first outputs: `#0 ← takes: #1, #4; students: #0`. */
function formationHtml(step: StepPayload): string {
  if (!step.formation.length) return "";
  const ins = [...step.inputs, ...step.sideInputs];
  const items = step.formation.slice(0, FRAME_GROUPS).map((f) => {
    const parts = f.from
      .filter((x) => x.total > 0)
      .map((x) => {
        const name = ins[x.input]?.role ?? ins[x.input]?.label ?? "input";
        const list = x.indexes.slice(0, 12).map((i) => `#${i}`).join(", ");
        const more = x.total > 12 ? ` … (${x.total})` : "";
        return ins.length === 1 ? `${list}${more}` : `${name}: ${list}${more}`;
      });
    return `<li><code>#${f.output}</code> ← ${escapeHtml(parts.join("; ") || "nothing")}</li>`;
  });
  const more = step.formation.length > FRAME_GROUPS ? `<li>…</li>` : "";
  return `<div><p><strong>How each output element was formed</strong> (output ← input elements)</p><ul>${items.join("")}${more}</ul></div>`;
}

/** One step as a frame. */
export function stepFrame(payload: StepThroughPayload, k: number, src: FrameSource): string {
  const step = payload.steps[k];
  const svg = graphSvg(payload.graph, step.top);
  const where = step.top !== step.id ? ` (inside ${escapeHtml(payload.steps.find((s) => s.id === step.parent)?.fullLabel ?? "a composite")})` : "";
  const tables = [
    ...step.inputs.map((pc) => pcTable(src, "in", pc)),
    ...step.sideInputs.map((pc) => pcTable(src, "side input", pc)),
    ...step.outputs.map((pc) => pcTable(src, "out", pc)),
  ];
  const pairs = src.pairs(step.id).map((p) => `<div>${pairsHtml(p, FRAME_PAIR_ROWS)}</div>`).join("");
  const code = step.code !== null ? `<div><p><strong>Code</strong>: <code>${escapeHtml(step.codeTitle ?? "")}</code></p><pre style="white-space: pre-wrap"><code>${escapeHtml(step.code)}</code></pre></div>` : "";
  const notes = step.notes.length ? `<ul>${step.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
  return [
    `${FRAME_OPEN} data-step="${k}">`,
    `<h3>Step ${k + 1} of ${payload.steps.length}: ${escapeHtml(step.fullLabel)} <small>(${escapeHtml(step.kind)})</small>${where}</h3>`,
    `<p>${escapeHtml(step.summary)}</p>`,
    // The graph beside the tables: on a slide, the step and its data on one screen.
    `<div style="display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start">`,
    `<div style="overflow-x: auto; flex: 0 1 auto">${withAltText(svg, `${graphAltText(payload.graph)} Current step: ${step.fullLabel}.`)}</div>`,
    `<div style="display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; flex: 1 1 560px; min-width: 0">${tables.join("")}</div>`,
    `</div>`,
    pairs,
    formationHtml(step),
    code,
    notes,
    `</section>`,
  ].filter((x) => x !== "").join("\n");
}

/** Every frame, under a heading. */
export function stepThroughHtml(payload: StepThroughPayload, src: FrameSource): string {
  const frames = payload.steps.map((_, k) => stepFrame(payload, k, src));
  const notes = payload.notes.length ? `<ul>${payload.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
  return [
    `<div class="beamlab-stepthrough">`,
    `<p><strong>Step through ${escapeHtml(payload.pipeline.name)}</strong>: ${plural(payload.steps.length, "step")}, one frame each (a live JupyterLab with the beamlab extension plays them).</p>`,
    notes,
    frames.join("\n<hr/>\n"),
    `</div>`,
  ].filter((x) => x !== "").join("\n");
}

/** The steps as plain text: one line each. */
export function stepThroughText(payload: StepThroughPayload): string {
  const depth = (s: StepPayload): number => (s.parent ? 1 + depth(payload.steps.find((x) => x.id === s.parent)!) : 0);
  const lines = [`Step through ${payload.pipeline.name}: ${plural(payload.steps.length, "step")}`];
  payload.steps.forEach((s, k) => lines.push(`${"  ".repeat(depth(s) + 1)}${k + 1}. ${s.fullLabel} (${s.kind}): ${s.summary}`));
  for (const n of payload.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}
