/**
 * Gradescope's `results.json` for one submission (the autograder specification at
 * gradescope-autograders.readthedocs.io/en/latest/specs/): the score, one entry per test,
 * and a text output over the whole submission. Students read it, so it carries nothing a
 * hidden test knows.
 */
import type { QuestionGrade, SubmissionGrade, TestResult } from "../results";
import { formatPoints, roundPoints } from "./numbers";

/** Who sees an entry on Gradescope, and when. */
export type GradescopeVisibility = "hidden" | "after_due_date" | "after_published" | "visible";

/** One test case of `results.json`. */
export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: GradescopeVisibility;
}

/** The whole `results.json`. */
export interface GradescopeResults {
  /** The submission's total: Gradescope uses it over the sum of the tests. */
  score: number;
  execution_time: number;
  output: string;
  /** Plain text everywhere: Gradescope would otherwise read outputs as (sanitized) HTML or markdown. */
  output_format: "text";
  test_output_format: "text";
  test_name_format: "text";
  visibility: GradescopeVisibility;
  /** The grader's stdout holds the student's cell output: the instructor's only. */
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
}

const STATUS_WORDS: Record<Exclude<QuestionGrade["status"], "ok">, string> = {
  timeout: "a cell ran past the time limit",
  memory: "a cell used more memory than allowed",
  exited: "a cell ended the process",
  missing: "its cell was not found in the notebook",
};

/** `a cell ran past the time limit (cell 7 ran past 10 s)`, or null for a question that ran. */
export function questionProblem(q: QuestionGrade): string | null {
  if (q.status === "ok") return null;
  return `${STATUS_WORDS[q.status] ?? q.status}${q.reason ? ` (${q.reason})` : ""}`;
}

function testEntry(t: TestResult, q: QuestionGrade): GradescopeTest {
  const problem = questionProblem(q);
  // A hidden test's message can quote expected values or its own source: never sent.
  const body = t.hidden ? `hidden test ${t.passed ? "passed" : "failed"}` : t.passed ? "passed" : t.message;
  return {
    name: t.name,
    score: roundPoints(t.points),
    max_score: roundPoints(t.maxPoints),
    status: t.passed ? "passed" : "failed",
    output: problem ? `${q.id}: ${problem}\n\n${body}` : body,
    visibility: t.hidden ? "after_published" : "visible",
  };
}

/** The text over the whole submission: total, status, damage, then each question with its stage summary. */
function summary(s: SubmissionGrade): string {
  const lines = [`Total: ${formatPoints(s.total)} / ${formatPoints(s.max)} points`, `Status: ${s.status}`];
  if (s.damage.length) lines.push("", "Problems found in the notebook:", ...s.damage.map((d) => `  - ${d}`));
  for (const q of s.questions) {
    lines.push("", `${q.id}: ${formatPoints(q.points)} / ${formatPoints(q.maxPoints)}`);
    const problem = questionProblem(q);
    if (problem) lines.push(`  ${problem}`);
    if (q.stageSummary) lines.push(`  stages: ${q.stageSummary}`);
  }
  return lines.join("\n");
}

/**
 * Gradescope's `results.json` of a submission. Public tests show their message when they
 * fail; hidden tests show their name, score and whether they passed, and only once grades
 * are published (`after_published`). A question that did not run (`timeout`, …) says why
 * in each of its tests.
 */
export function gradescopeResults(s: SubmissionGrade): GradescopeResults {
  return {
    score: roundPoints(s.total),
    execution_time: Math.round(s.seconds),
    output: summary(s),
    output_format: "text",
    test_output_format: "text",
    test_name_format: "text",
    visibility: "visible",
    stdout_visibility: "hidden",
    tests: s.questions.flatMap((q) => q.tests.map((t) => testEntry(t, q))),
  };
}
