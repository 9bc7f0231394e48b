/**
 * `feedback/index.html`: every submission of a batch with its total and status, each
 * linking to its feedback page, for the instructor to look over before sending them out.
 */
import type { GradeReport } from "../results";
import { formatPoints } from "./numbers";
import { bdi, esc, htmlPage } from "./page";

/**
 * The index page. `fileNames[i]` is the file name (without `.html`) of submission `i`'s
 * feedback page beside it, and of its folder under `../results/`.
 */
export function feedbackIndexHtml(report: GradeReport, fileNames: readonly string[]): string {
  const problems = report.submissions.filter((s) => s.status !== "ok").length;
  const rows = report.submissions
    .map((s, i) => {
      const file = encodeURIComponent(fileNames[i]);
      const badge = s.status === "ok" ? '<span class="badge ok">ok</span>' : `<span class="badge bad">${bdi(s.status, 120)}</span>`;
      return [
        "<tr>",
        `<td><a href="${file}.html">${bdi(s.submission)}</a></td>`,
        `<td class="num">${esc(formatPoints(s.total))}</td>`,
        `<td class="num">${esc(formatPoints(s.max))}</td>`,
        `<td>${badge}</td>`,
        `<td><a href="../results/${file}/results.json">results.json</a></td>`,
        "</tr>",
      ].join("");
    })
    .join("\n");
  const body = [
    "<header>",
    '<p class="eyebrow">Grades (instructor view)</p>',
    `<h1>${bdi(report.assignment)}</h1>`,
    `<p>${report.submissions.length} submissions, ${problems} with problems; ${esc(formatPoints(report.totalPoints))} points in all. Graded ${bdi(report.gradedAt, 40)}.</p>`,
    "</header>",
    '<div class="scroll"><table><thead><tr><th>submission</th><th class="num">total</th><th class="num">max</th><th>status</th><th>Gradescope</th></tr></thead><tbody>',
    rows,
    "</tbody></table></div>",
  ].join("\n");
  return htmlPage({ title: `${report.assignment}: grades`, body });
}
