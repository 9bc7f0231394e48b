/**
 * The reports `beamlab grade` writes from a {@link GradeReport}. Each report is a pure
 * function of the grades; {@link writeReports} puts them all in a folder.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GradeReport } from "../results";
import { gradesCsv } from "./csv";
import { feedbackHtml } from "./feedback";
import { safeFileNames } from "./file-names";
import { gradescopeResults } from "./gradescope";
import { feedbackIndexHtml } from "./instructor-index";
import { gradesJson } from "./json";
import { stageCharts } from "./stage-chart";

export { csvText, gradesCsv } from "./csv";
export { feedbackHtml, type FeedbackOptions } from "./feedback";
export { safeFileNames } from "./file-names";
export { gradescopeResults, type GradescopeResults, type GradescopeTest } from "./gradescope";
export { feedbackIndexHtml } from "./instructor-index";
export { gradesJson } from "./json";
export { stageChart, stageCharts, type StageChart } from "./stage-chart";

/** The files {@link writeReports} wrote (absolute or relative as `outDir` was given). */
export interface WrittenReports {
  csv: string;
  json: string;
  /** Per submission, in the report's order. */
  results: string[];
  feedback: string[];
  index: string;
}

/**
 * Writes every report of a batch under `outDir`:
 *
 * - `grades.csv`: one row per submission (see {@link gradesCsv});
 * - `grades.json`: everything, hidden tests' messages included (the instructor's);
 * - `results/<submission>/results.json`: Gradescope's per-submission results file, ready
 *   to be copied to `/autograder/results/results.json`;
 * - `feedback/<submission>.html`: the student's page, and `feedback/index.html`, the
 *   instructor's list of them.
 *
 * `<submission>` is the submission's name made safe for a file name (see
 * {@link safeFileNames}): nothing can escape `outDir`, and distinct names stay distinct.
 * Existing files of the same names are replaced; nothing else is removed.
 */
export async function writeReports(outDir: string, report: GradeReport): Promise<WrittenReports> {
  const names = safeFileNames(report.submissions.map((s) => s.submission));
  await mkdir(join(outDir, "feedback"), { recursive: true });
  const written: WrittenReports = {
    csv: join(outDir, "grades.csv"),
    json: join(outDir, "grades.json"),
    results: [],
    feedback: [],
    index: join(outDir, "feedback", "index.html"),
  };
  await writeFile(written.csv, gradesCsv(report));
  await writeFile(written.json, gradesJson(report));
  for (const [i, s] of report.submissions.entries()) {
    const dir = join(outDir, "results", names[i]);
    await mkdir(dir, { recursive: true });
    const results = join(dir, "results.json");
    await writeFile(results, `${JSON.stringify(gradescopeResults(s), null, 2)}\n`);
    const page = join(outDir, "feedback", `${names[i]}.html`);
    await writeFile(page, feedbackHtml(s, { assignment: report.assignment, charts: await stageCharts(s) }));
    written.results.push(results);
    written.feedback.push(page);
  }
  await writeFile(written.index, feedbackIndexHtml(report, names));
  return written;
}
