/**
 * A submission's feedback page for its student: one self-contained HTML file with the
 * total, what went wrong, each question's tests and the stage-by-stage comparison with the
 * reference solution. It never shows a hidden test's message (those can quote expected
 * values), nor the student's cell output.
 */
import type { QuestionGrade, StageComparison, SubmissionGrade, TestResult } from "../results";
import { formatPoints, pointsOutOf } from "./numbers";
import { bdi, esc, htmlPage, prose } from "./page";
import { sampleRowsHtml } from "./sample-rows";
import { chartPicture, type StageChart } from "./stage-chart";

/** Stage labels are the reference's: longer ones are cut, so the table keeps room for its numbers. */
const LABEL_TEXT = 120;

/** Options of {@link feedbackHtml}. */
export interface FeedbackOptions {
  /** The assignment's name, for the heading. */
  assignment: string;
  /**
   * Stage charts by question id, from `stageCharts(s)` (stage-chart.ts). vega renders SVG
   * asynchronously, so they are made beforehand and the page itself stays a pure function;
   * a question without one gets the table alone.
   */
  charts?: ReadonlyMap<string, StageChart>;
}

/** What a submission's status word means, for a student who never saw the grader. */
const SUBMISSION_STATUS: Record<string, string> = {
  timeout: "a cell ran past the time limit, so the grader stopped it",
  memory: "a cell used more memory than allowed, so the grader stopped it",
  exited: "a cell ended the process (process.exit or a crash)",
  damaged: "the notebook was changed in ways the grader had to work around",
  unreadable: "the file could not be read as a notebook, so nothing was run",
};

const QUESTION_STATUS: Record<Exclude<QuestionGrade["status"], "ok">, string> = {
  timeout: "Ran past the time limit",
  memory: "Used more memory than allowed",
  exited: "Ended the process",
  missing: "Not found in your notebook",
};

function statusLine(status: string): string {
  if (status === "ok") return '<p><span class="badge ok">✓ graded</span> Every question ran.</p>';
  // `timeout q2`, `damaged: q4 missing`: the first word says what kind of problem.
  const word = status.split(/[\s:]/)[0];
  const meaning = Object.hasOwn(SUBMISSION_STATUS, word) ? ` — ${SUBMISSION_STATUS[word]}.` : "";
  return `<p><span class="badge bad">! ${bdi(word, 40)}</span> Status: <code>${bdi(status)}</code>${meaning}</p>`;
}

function overview(s: SubmissionGrade): string {
  if (!s.questions.length) return "";
  const rows = s.questions
    .map((q) => {
      const state = q.status === "ok" ? (q.points >= q.maxPoints ? '<span class="badge ok">✓ full marks</span>' : '<span class="badge warn">partly</span>') : `<span class="badge bad">${esc(QUESTION_STATUS[q.status] ?? q.status)}</span>`;
      return `<tr><td><a href="#q-${esc(q.id, 100)}">${bdi(q.id, 100)}</a></td><td class="num">${esc(formatPoints(q.points))} / ${esc(formatPoints(q.maxPoints))}</td><td>${state}</td></tr>`;
    })
    .join("");
  return `<table class="overview"><thead><tr><th>question</th><th class="num">points</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function damage(s: SubmissionGrade): string {
  if (!s.damage.length) return "";
  const items = s.damage.map((d) => `<li>${prose(d)}</li>`).join("");
  return `<section class="notice" aria-label="Problems found in your notebook"><strong>Problems found in your notebook</strong><ul>${items}</ul><p>The grader graded what it found; restore the missing or changed cells from the assignment's notebook next time.</p></section>`;
}

function testItem(t: TestResult): string {
  const mark = t.passed ? '<span class="badge ok">✓ passed</span>' : '<span class="badge bad">✗ failed</span>';
  const kind = t.hidden ? ' <span class="muted">hidden test</span>' : "";
  const head = `<div class="test-head">${mark} <code>${bdi(t.name, 120)}</code>${kind}<span class="pts">${esc(pointsOutOf(t.points, t.maxPoints))}</span></div>`;
  // A hidden test shows that it ran and how it went: its message is the instructor's.
  if (t.hidden) return `<li class="test hidden">${head}${t.passed ? "" : '<p class="muted">Hidden tests check cases you were not shown; reread the question and test your code on more inputs.</p>'}</li>`;
  const body = t.passed && (t.message === "passed" || !t.message) ? "" : `<pre>${esc(t.message)}</pre>`;
  return `<li class="test">${head}${body}</li>`;
}

const STAGE_STATUS: Record<StageComparison["status"], string> = {
  match: '<span class="badge ok">✓ matches</span>',
  differs: '<span class="badge bad">≠ differs</span>',
  missing: '<span class="badge warn">? not found</span>',
  error: '<span class="badge bad">! failed</span>',
};

function differences(st: StageComparison): string {
  if (st.status === "match") return '<span class="muted">none</span>';
  if (st.status !== "differs") return '<span class="muted">—</span>';
  const parts = [st.missingRows ? `${st.missingRows} lost` : "", st.unexpectedRows ? `${st.unexpectedRows} added` : "", st.changedRows ? `${st.changedRows} changed` : ""].filter(Boolean);
  return parts.length ? parts.map((p) => `<span>${esc(p)}</span>`).join("") : "—";
}

function stageRow(st: StageComparison, i: number): string {
  const found = st.foundBy === "variable" ? '<br><span class="muted">found by its variable name</span>' : "";
  const note = st.note ? `<br><span class="muted">${prose(st.note)}</span>` : "";
  return [
    `<tr class="${esc(st.status, 20)}">`,
    `<td class="num">${i + 1}</td>`,
    `<td class="label">${bdi(st.label, LABEL_TEXT)}</td>`,
    `<td class="name">${st.variable === null ? '<span class="muted">—</span>' : `<code>${bdi(st.variable)}</code>`}</td>`,
    `<td class="num">${esc(st.expectedCount)}</td>`,
    `<td class="num">${st.actualCount === null ? '<span class="muted">—</span>' : esc(st.actualCount)}</td>`,
    `<td class="counts">${differences(st)}</td>`,
    `<td class="name">${st.changedFields.length ? st.changedFields.slice(0, 12).map((f) => `<code>${bdi(f, 60)}</code>`).join(", ") : ""}</td>`,
    `<td class="name">${STAGE_STATUS[st.status] ?? esc(st.status)}${found}${note}</td>`,
    "</tr>",
  ].join("");
}

function stages(q: QuestionGrade, chart: StageChart | undefined): string {
  if (!q.stages.length) return "";
  const parts = ['<h3>Stage by stage</h3>', '<p class="muted">Each labelled step of the reference solution, next to the same step in yours (found by its label, or else by its variable name).</p>'];
  if (q.stageSummary) parts.push(`<p class="summary"><strong>${prose(q.stageSummary)}</strong></p>`);
  if (chart) parts.push(`<figure>${chartPicture(chart)}<figcaption>Rows at each stage: the reference solution's (expected) next to yours.</figcaption></figure>`);
  parts.push(
    '<div class="scroll"><table class="stages"><thead><tr><th class="num">#</th><th>stage</th><th>variable</th><th class="num">expected rows</th><th class="num">your rows</th><th>lost / added / changed</th><th>changed fields</th><th>status</th></tr></thead><tbody>',
    q.stages.map(stageRow).join(""),
    "</tbody></table></div>",
  );
  q.stages.forEach((st, i) => {
    if (st.status !== "differs" || !st.rows) return;
    parts.push(`<h4>Sample rows at stage ${i + 1}, ${bdi(st.label, LABEL_TEXT)}</h4>`, sampleRowsHtml(st));
  });
  return parts.join("\n");
}

function question(q: QuestionGrade, chart: StageChart | undefined): string {
  const problem = q.status === "ok" ? "" : `<p class="notice bad"><strong>${esc(QUESTION_STATUS[q.status] ?? q.status)}</strong>${q.reason ? `: ${prose(q.reason)}` : ""}</p>`;
  const tests = q.tests.length ? `<h3>Tests</h3><ul class="tests">${q.tests.map(testItem).join("")}</ul>` : "";
  return [
    `<section class="card question" id="q-${esc(q.id, 100)}">`,
    `<h2><span>Question ${bdi(q.id, 100)}</span><span class="pts">${esc(pointsOutOf(q.points, q.maxPoints))}</span></h2>`,
    problem,
    tests,
    stages(q, chart),
    "</section>",
  ].join("\n");
}

/**
 * The feedback page of one submission, for its student: a self-contained HTML file (no
 * script, no external resource, a strict CSP) that reads in light and dark mode. Every
 * string from the submission is escaped and isolated from the page's text direction.
 */
export function feedbackHtml(s: SubmissionGrade, opts: FeedbackOptions): string {
  const header = [
    "<header>",
    `<p class="eyebrow">Feedback on ${bdi(opts.assignment)}</p>`,
    `<h1>${bdi(s.submission)}</h1>`,
    `<p class="score"><strong>${esc(formatPoints(s.total))}</strong> / ${esc(formatPoints(s.max))} points</p>`,
    statusLine(s.status),
    "</header>",
  ].join("\n");
  const body = [header, damage(s), overview(s), ...s.questions.map((q) => question(q, opts.charts?.get(q.id)))].join("\n");
  return htmlPage({ title: `${opts.assignment}: ${s.submission} (${formatPoints(s.total)} / ${formatPoints(s.max)})`, body });
}
