/**
 * `grades.csv`: one row per submission, one column per question, for a spreadsheet or an
 * LMS import.
 */
import type { GradeReport } from "../results";
import { formatPoints } from "./numbers";

/** Characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * A text cell: defused (a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` in front, so
 * `=HYPERLINK(…)` as a submission name stays text) and quoted per RFC 4180 when it holds a
 * comma, a quote or a line break. Only text cells are defused: the numbers are ours, and a
 * `'` would turn a negative score into text.
 */
export function csvText(s: string): string {
  const defused = FORMULA_START.test(s) ? `'${s}` : s;
  return NEEDS_QUOTES.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

/**
 * The grades as CSV: the header `submission,total,max,status,<question ids in the
 * assignment's order>`, then one row per submission in the report's order. Points are
 * printed without trailing zeros (`2.5`, `3`, `0.33`); a question the submission has no
 * grade for is an empty cell. Lines end in LF (not RFC 4180's CRLF: every spreadsheet
 * reads LF, and the file diffs cleanly); quoted cells may hold line breaks as they are.
 */
export function gradesCsv(report: GradeReport): string {
  const ids = report.questions.map((q) => q.id);
  const lines = [["submission", "total", "max", "status", ...ids].map(csvText).join(",")];
  for (const s of report.submissions) {
    const byId = new Map(s.questions.map((q) => [q.id, q]));
    const perQuestion = ids.map((id) => {
      const q = byId.get(id);
      return q ? formatPoints(q.points) : "";
    });
    lines.push([csvText(s.submission), formatPoints(s.total), formatPoints(s.max), csvText(s.status), ...perQuestion].join(","));
  }
  return `${lines.join("\n")}\n`;
}
