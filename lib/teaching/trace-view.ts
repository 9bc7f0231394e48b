/**
 * A lineage trace as a display bundle: plain text, an escaped HTML table per side (came
 * from / led to) for nbconvert and GitHub, and the bounded JSON payload for a player.
 */
import { encodeValue, plural } from "../display/encode";
import { escapeHtml } from "../display/html";
import type { PipelineRef } from "../display/protocol";
import { formatRow } from "../testing/format";
import type { LineageTrace, TraceStep } from "./lineage-trace";
import { LINEAGE_MIME, PAYLOAD_LIMITS, tracedFromText, type LineagePayload } from "./protocol";

const TEXT_PER_STEP = 10;
const HTML_PER_STEP = 20;
/** Inputs listed one by one up to this many; beyond, counted. */
const LISTED_LINKS = 5;

/** The display bundle of a trace. */
export function traceBundle(trace: LineageTrace<unknown>, pipeline: PipelineRef): Record<string, unknown> {
  return {
    [LINEAGE_MIME]: tracePayload(trace, pipeline),
    "text/html": traceHtml(trace),
    "text/plain": traceText(trace),
  };
}

function heading(trace: LineageTrace<unknown>): string {
  return `Lineage of element #${trace.index} of "${trace.pcollection}"`;
}

/** Where traced element `j` of `step` came from, in words: `from #0, #3 of "rows"`, `takes: #1; students: #0`. */
function fromText(step: TraceStep, j: number): string {
  return tracedFromText(step, j, LISTED_LINKS);
}

function sideTitle(side: TraceStep["side"]): string {
  return side === "upstream" ? "came from (upstream)" : side === "downstream" ? "led to (downstream)" : "selected";
}

/** The trace as plain text. */
export function traceText(trace: LineageTrace<unknown>): string {
  const lines = [`${heading(trace)}: ${formatRow(trace.element)}`];
  for (const side of ["upstream", "downstream"] as const) {
    const steps = trace.steps.filter((s) => s.side === side);
    lines.push(`${sideTitle(side)}:${steps.length ? "" : " nothing"}`);
    for (const s of steps) {
      lines.push(`  ${s.label} (${s.kind}${s.pcollection !== s.label ? `, ${s.pcollection}` : ""}): ${plural(s.indexes.length, "element")}`);
      s.indexes.slice(0, TEXT_PER_STEP).forEach((j, k) => {
        const from = fromText(s, j);
        lines.push(`    #${j}  ${formatRow(s.elements[k])}${from ? `  (${from})` : ""}`);
      });
      if (s.indexes.length > TEXT_PER_STEP) lines.push(`    … and ${s.indexes.length - TEXT_PER_STEP} more`);
    }
  }
  const selected = trace.steps.find((s) => s.side === "selected");
  const from = selected ? fromText(selected, trace.index) : "";
  if (from) lines.splice(1, 0, `  (${from})`);
  for (const n of trace.notes) lines.push(`note: ${n}`);
  return lines.join("\n");
}

/** The trace as escaped HTML: every label, element and note is text. */
export function traceHtml(trace: LineageTrace<unknown>): string {
  const esc = escapeHtml;
  const selected = trace.steps.find((s) => s.side === "selected");
  const from = selected ? fromText(selected, trace.index) : "";
  const parts = [
    `<div class="beamlab-lineage">`,
    `<p><strong>${esc(heading(trace))}</strong>: <code>${esc(formatRow(trace.element))}</code>${from ? ` <small>(${esc(from)})</small>` : ""}</p>`,
  ];
  for (const side of ["upstream", "downstream"] as const) {
    const steps = trace.steps.filter((s) => s.side === side);
    parts.push(`<p><strong>${esc(sideTitle(side))}</strong>${steps.length ? "" : ": nothing"}</p>`);
    if (!steps.length) continue;
    parts.push(`<table>`, `<thead><tr><th align="left" style="text-align: left">#</th><th align="left" style="text-align: left">element</th><th align="left" style="text-align: left">from</th></tr></thead>`, `<tbody>`);
    for (const s of steps) {
      const what = `${s.kind}${s.pcollection !== s.label ? `, ${s.pcollection}` : ""}`;
      parts.push(`<tr><th colspan="3" align="left" style="text-align: left">${esc(s.label)} <small>(${esc(what)}) — ${esc(plural(s.indexes.length, "element"))}</small></th></tr>`);
      s.indexes.slice(0, HTML_PER_STEP).forEach((j, k) => {
        parts.push(`<tr><td align="right" style="text-align: right">${j}</td><td align="left" style="text-align: left"><code>${esc(formatRow(s.elements[k]))}</code></td><td align="left" style="text-align: left">${esc(fromText(s, j))}</td></tr>`);
      });
      if (s.indexes.length > HTML_PER_STEP) parts.push(`<tr><td></td><td colspan="2" align="left" style="text-align: left"><em>… and ${s.indexes.length - HTML_PER_STEP} more</em></td></tr>`);
    }
    parts.push(`</tbody>`, `</table>`);
  }
  if (trace.notes.length) parts.push(`<ul>${trace.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`);
  parts.push(`</div>`);
  return parts.join("\n");
}

/** The bounded JSON payload of a trace. */
export function tracePayload(trace: LineageTrace<unknown>, pipeline: PipelineRef): LineagePayload {
  const per = PAYLOAD_LIMITS.elementsPerStep;
  return {
    version: 1,
    pipeline,
    pcollectionId: trace.pcollectionId,
    pcollection: trace.pcollection,
    index: trace.index,
    element: encodeValue(trace.element),
    steps: trace.steps.map((s) => ({
      side: s.side,
      label: s.label,
      kind: s.kind,
      pcollectionId: s.pcollectionId,
      pcollection: s.pcollection,
      source: s.source,
      total: s.indexes.length,
      indexes: s.indexes.slice(0, per),
      elements: s.elements.slice(0, per).map((e) => encodeValue(e)),
      inputs: s.inputs.map((i) => ({
        pcollectionId: i.pcollectionId,
        pcollection: i.pcollection,
        tag: i.tag,
        side: i.side,
        links: i.links.slice(0, PAYLOAD_LIMITS.linksPerInput).map((l) => [l[0], l[1]] as [number, number]),
        truncated: i.links.length > PAYLOAD_LIMITS.linksPerInput,
      })),
    })),
    complete: trace.complete,
    notes: [...trace.notes],
  };
}
