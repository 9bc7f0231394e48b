/**
 * How `check` and `checkAll` results read: a text form (what a plain script prints, and
 * what viewers without HTML show) and an HTML form for the notebook. Every value is
 * escaped; colours are JupyterLab's theme variables, so both read in light and dark themes,
 * and a result never depends on colour alone (each mark comes with its word). Pure.
 */
import { plural } from "../display/encode";
import { escapeHtml } from "../display/html";
import type { CheckResult } from "./check";

const PASS = "✓";
const FAIL = "✗";
const OK_COLOR = "var(--jp-success-color1)";
const BAD_COLOR = "var(--jp-error-color1)";
const PRE_STYLE =
  "white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere; margin: 2px 0 6px 1.4em; padding: 4px 8px; font-family: var(--jp-code-font-family); font-size: var(--jp-code-font-size); " +
  `color: var(--jp-content-font-color1); background: var(--jp-layout-color2); border-left: 3px solid ${BAD_COLOR}`;

/** `3 points`, `1 point`, `1.50 points`. */
export function pointsText(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(2)} ${n === 1 ? "point" : "points"}`;
}

const numberText = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** How the public tests went: "2 public tests passed", "1 of 2 public tests failed". */
function publicPart(total: number, failed: number): string {
  if (total === 0) return "no public tests";
  return failed === 0 ? `${plural(total, "public test")} passed` : `${failed} of ${plural(total, "public test")} failed`;
}

/** The sentence a check ends with: how the public tests went, and what grading adds. */
export function summarySentence(publicTotal: number, publicFailed: number, hidden: number): string {
  const graded = hidden === 0 ? "no hidden tests" : `${plural(hidden, "hidden test")} ${hidden === 1 ? "runs" : "run"} when graded`;
  return `${publicPart(publicTotal, publicFailed)}; ${graded}`;
}

/** The public half of the sentence for some results (what a cell prints as their value). */
export function publicSentence(results: readonly CheckResult[]): string {
  const tests = results.flatMap((r) => r.tests);
  return publicPart(tests.length, tests.filter((t) => !t.passed).length);
}

function sentenceOf(results: readonly CheckResult[]): string {
  const tests = results.flatMap((r) => r.tests);
  return summarySentence(tests.length, tests.filter((t) => !t.passed).length, results.reduce((s, r) => s + r.hiddenTests, 0));
}

const indent = (text: string, pad: string) => text.split("\n").map((l) => pad + l).join("\n");

/** One question's result as text: each public test, a failure's message below it, the sentence. */
export function checkText(r: CheckResult): string {
  const lines = [`${r.question} (${pointsText(r.points)})`];
  for (const t of r.tests) {
    lines.push(t.passed ? `  ${PASS} ${t.name} passed` : `  ${FAIL} ${t.name} failed:\n${indent(t.message, "      ")}`);
  }
  lines.push(sentenceOf([r]));
  return lines.join("\n");
}

function testHtml(t: CheckResult["tests"][number]): string {
  if (t.passed) return `<li><span style="color: ${OK_COLOR}" aria-hidden="true">${PASS}</span> ${escapeHtml(t.name)} passed</li>`;
  return (
    `<li><span style="color: ${BAD_COLOR}" aria-hidden="true">${FAIL}</span> ${escapeHtml(t.name)} <strong style="color: ${BAD_COLOR}">failed</strong>` +
    `<pre style="${PRE_STYLE}">${escapeHtml(t.message)}</pre></li>`
  );
}

/** One question's result as HTML. */
export function checkHtml(r: CheckResult): string {
  return (
    `<div class="beamlab-check" style="color: var(--jp-content-font-color1)">` +
    `<p style="margin: 0 0 4px"><strong>${escapeHtml(r.question)}</strong> (${escapeHtml(pointsText(r.points))})</p>\n` +
    `<ul style="list-style: none; margin: 0; padding: 0">\n${r.tests.map(testHtml).join("\n")}\n</ul>\n` +
    `<p style="margin: 4px 0 0">${escapeHtml(sentenceOf([r]))}</p></div>`
  );
}

interface Row {
  question: string;
  points: string;
  passed: string;
  hidden: string;
}

const HEAD: Row = { question: "question", points: "points", passed: "public tests passed", hidden: "hidden tests" };

function rowsOf(results: readonly CheckResult[]): { rows: Row[]; total: Row } {
  const rows = results.map((r) => ({
    question: r.question,
    points: numberText(r.points),
    passed: `${r.tests.filter((t) => t.passed).length}/${r.tests.length}`,
    hidden: String(r.hiddenTests),
  }));
  const tests = results.flatMap((r) => r.tests);
  const total = {
    question: "total",
    points: numberText(results.reduce((s, r) => s + r.points, 0)),
    passed: `${tests.filter((t) => t.passed).length}/${tests.length}`,
    hidden: String(results.reduce((s, r) => s + r.hiddenTests, 0)),
  };
  return { rows, total };
}

function failuresText(results: readonly CheckResult[]): string[] {
  return results.flatMap((r) => r.tests.filter((t) => !t.passed).map((t) => `${FAIL} ${t.name} failed:\n${indent(t.message, "    ")}`));
}

/** Every question's result as text: the table with its total line, then each failure, then the sentence. */
export function checkAllText(results: readonly CheckResult[]): string {
  const { rows, total } = rowsOf(results);
  const all = [HEAD, ...rows, total];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  // The question column reads left to right; numbers line up on the right.
  const line = (r: Row) => `${r.question.padEnd(w("question"))}  ${r.points.padStart(w("points"))}  ${r.passed.padStart(w("passed"))}  ${r.hidden.padStart(w("hidden"))}`;
  return [...all.map(line), ...failuresText(results), sentenceOf(results)].join("\n");
}

const cell = (tag: "td" | "th", text: string, right: boolean, extra = "") =>
  `<${tag}${right ? ' align="right"' : ' align="left"'} style="text-align: ${right ? "right" : "left"}; padding: 2px 10px${extra}">${escapeHtml(text)}</${tag}>`;

function rowHtml(r: Row, tag: "td" | "th", extra = ""): string {
  return `<tr>${cell(tag, r.question, false, extra)}${cell(tag, r.points, true, extra)}${cell(tag, r.passed, true, extra)}${cell(tag, r.hidden, true, extra)}</tr>`;
}

/** Every question's result as HTML: the table, each failure with its message, the sentence. */
export function checkAllHtml(results: readonly CheckResult[]): string {
  const { rows, total } = rowsOf(results);
  const failures = results.flatMap((r) => r.tests.filter((t) => !t.passed));
  const line = (side: "top" | "bottom") => `; border-${side}: 1px solid var(--jp-border-color2)`;
  return (
    `<div class="beamlab-check" style="color: var(--jp-content-font-color1)">\n<table>\n` +
    `<thead>${rowHtml(HEAD, "th", line("bottom"))}</thead>\n` +
    `<tbody>\n${rows.map((r) => rowHtml(r, "td")).join("\n")}\n</tbody>\n` +
    `<tfoot>${rowHtml(total, "th", line("top"))}</tfoot>\n</table>\n` +
    (failures.length ? `<ul style="list-style: none; margin: 6px 0 0; padding: 0">\n${failures.map(testHtml).join("\n")}\n</ul>\n` : "") +
    `<p style="margin: 4px 0 0">${escapeHtml(sentenceOf(results))}</p></div>`
  );
}
