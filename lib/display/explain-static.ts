/**
 * The static forms of `beam.explain`: HTML (for exported notebooks and viewers without the
 * extension; every value escaped, no script, sections instead of tabs) and plain text.
 */
import { graphSvg, graphText } from "./graph";
import { escapeHtml } from "./html";
import type { ExplainPayload } from "./protocol";
import { stageGraph, stageTitle } from "./stage-graph";
import { codeOf, inputText, outputText, roleText } from "./explain-text";

function findingsText(p: ExplainPayload): string[] {
  if (p.findings.length === 0) return [`  no problems found (${p.checks.length} checks)`];
  return p.findings.map((f) => `  ${f.severity.toUpperCase()} ${f.label ? `[${f.label}] ` : ""}${f.message}: ${f.hint}`);
}

/** The plain-text form. */
export function explainText(p: ExplainPayload): string {
  const t = Object.values(p.submitted.components.transforms);
  const lines = [`Explain ${p.pipeline.name}`, "", "As written:", ...graphText(p.graph).split("\n").slice(1), ""];
  lines.push(`As submitted: ${t.length} transforms, ${Object.keys(p.submitted.components.pcollections).length} PCollections, environment ${Object.keys(p.submitted.components.environments).join(", ")} (p.toJSON())`);
  for (const x of t) if (x.spec) lines.push(`  ${x.unique_name}: ${x.spec.urn}`);
  lines.push("", "Validation:", ...findingsText(p), "", `Optimized: ${p.stages.length} stages`);
  for (const s of p.stages) {
    lines.push(`  ${s.id}${s.dependsOn.length ? ` (after ${s.dependsOn.join(", ")})` : ""}: ${s.inputs.map(inputText).join("; ")}`);
    for (const st of s.steps) lines.push(`    ${st.label} — ${roleText(st.role)}`);
    for (const o of s.outputs) lines.push(`    → ${outputText(o)}`);
  }
  return lines.join("\n");
}

const CSS = [
  ".bl-explain{font-family:system-ui,sans-serif;font-size:13px;color:#1a1a1a}",
  ".bl-explain h3{font-size:14px;margin:14px 0 6px}",
  ".bl-explain pre{background:#f5f5f5;padding:6px 8px;overflow:auto;max-height:240px;font-size:12px}",
  ".bl-explain table{border-collapse:collapse}",
  ".bl-explain td,.bl-explain th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}",
  ".bl-explain .error{color:#b71c1c}.bl-explain .warning{color:#8a5a00}",
].join("");

/** The static HTML form: four sections. */
export function explainHtml(p: ExplainPayload): string {
  const e = escapeHtml;
  const parts: string[] = [`<div class="bl-explain"><style>${CSS}</style>`, `<h3>As written: ${e(p.pipeline.name)}</h3>`, graphSvg(p.graph)];
  const transforms = Object.values(p.submitted.components.transforms);
  parts.push(`<h3>As submitted</h3><p>${transforms.length} transforms, ${Object.keys(p.submitted.components.pcollections).length} PCollections, environment ${e(Object.keys(p.submitted.components.environments).join(", "))} — <code>p.toJSON()</code></p>`);
  parts.push("<table><tr><th>unique_name</th><th>urn</th><th>inputs → outputs</th></tr>");
  for (const t of transforms) {
    parts.push(`<tr><td>${e(t.unique_name)}</td><td>${e(t.spec?.urn ?? "(composite)")}</td><td>${e(Object.keys(t.inputs).join(", ") || "—")} → ${e(Object.keys(t.outputs).join(", ") || "—")}</td></tr>`);
  }
  parts.push("</table>");
  for (const t of transforms) {
    const code = codeOf(t);
    if (code) parts.push(`<p><b>${e(t.unique_name)}</b>: ${e(code.name)}</p><pre>${e(code.source)}</pre>`);
  }
  parts.push("<h3>Validation</h3>");
  if (p.findings.length === 0) parts.push(`<p>No problems found (${p.checks.length} checks).</p>`);
  else {
    parts.push("<ul>");
    for (const f of p.findings) parts.push(`<li class="${f.severity}"><b>${f.severity}</b> ${f.label ? `[${e(f.label)}] ` : ""}${e(f.message)}: ${e(f.hint)}</li>`);
    parts.push("</ul>");
  }
  parts.push(`<h3>Optimized: ${p.stages.length} stages</h3>`, graphSvg(stageGraph(p.pipeline, p.stages)));
  parts.push("<table><tr><th>stage</th><th>reads</th><th>steps</th><th>hands on</th></tr>");
  for (const s of p.stages) {
    const steps = s.steps.map((st) => `${e(st.label)} <i>(${e(roleText(st.role))})</i>`).join("<br>");
    const reads = [...s.inputs.map(inputText), ...s.sideInputs.map((x) => `side input ${x.label}`)].map(e).join("<br>");
    parts.push(`<tr><td>${e(stageTitle(s))}</td><td>${reads}</td><td>${steps}</td><td>${s.outputs.map((o) => e(outputText(o))).join("<br>")}</td></tr>`);
  }
  parts.push("</table></div>");
  return parts.join("");
}
