/**
 * `grades.json`: the whole {@link GradeReport}, for the instructor and for tools. It holds
 * everything, hidden tests' messages and the students' cell output included: keep it private.
 */
import { encodeValue } from "../../display/encode";
import type { GradeReport, QuestionGrade, StageComparison, SubmissionGrade, TestResult } from "../results";

// Each object is rebuilt field by field in the order of results.ts, so the file's key
// order never depends on how the grader happened to build its objects (diffs stay small).

function test(t: TestResult) {
  return { name: t.name, question: t.question, hidden: t.hidden, passed: t.passed, points: t.points, maxPoints: t.maxPoints, message: t.message };
}

function stage(c: StageComparison) {
  return {
    label: c.label,
    variable: c.variable,
    foundBy: c.foundBy,
    status: c.status,
    expectedCount: c.expectedCount,
    actualCount: c.actualCount,
    missingRows: c.missingRows,
    unexpectedRows: c.unexpectedRows,
    changedRows: c.changedRows,
    changedFields: [...c.changedFields],
    // Sample rows are the pipelines' own values (dates, BigInt, Maps): encoded as the
    // notebook displays encode them (tagged values, strings cut at 1,000 characters), so
    // JSON can carry them and a cycle cannot hang us.
    rows: c.rows
      ? {
          missing: c.rows.missing.map((r) => encodeValue(r)),
          unexpected: c.rows.unexpected.map((r) => encodeValue(r)),
          changed: c.rows.changed.map((ch) => ({ expected: encodeValue(ch.expected), actual: encodeValue(ch.actual), fields: [...ch.fields] })),
        }
      : null,
    note: c.note,
  };
}

function question(q: QuestionGrade) {
  return {
    id: q.id,
    points: q.points,
    maxPoints: q.maxPoints,
    status: q.status,
    reason: q.reason,
    tests: q.tests.map(test),
    stages: q.stages.map(stage),
    stageSummary: q.stageSummary,
  };
}

function submission(s: SubmissionGrade) {
  return {
    submission: s.submission,
    file: s.file,
    total: s.total,
    max: s.max,
    status: s.status,
    damage: [...s.damage],
    questions: s.questions.map(question),
    output: s.output,
    seconds: s.seconds,
  };
}

/** The report as pretty JSON (two-space indent, a final newline), keys in a fixed order. */
export function gradesJson(report: GradeReport): string {
  const ordered = {
    format: report.format,
    version: report.version,
    assignment: report.assignment,
    questions: report.questions.map((q) => ({ id: q.id, points: q.points })),
    totalPoints: report.totalPoints,
    gradedAt: report.gradedAt,
    workers: report.workers,
    submissions: report.submissions.map(submission),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
