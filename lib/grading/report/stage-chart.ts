/**
 * The stage-by-stage bar chart of a feedback page: rows per stage, the reference's next to
 * the student's. Built with beamlab's own chart code and rendered to a static SVG by vega
 * in Node (as chart displays are for nbconvert), once with light and once with dark colours.
 */
import { imageMarkdown, withAltText } from "../../display/alt-text";
import { chart, renderSvg } from "../../display/chart";
import type { QuestionGrade, SubmissionGrade } from "../results";
import { showControls } from "./page";

/** A rendered chart: two SVGs (for `prefers-color-scheme`) and the text that describes them. */
export interface StageChart {
  light: string;
  dark: string;
  alt: string;
}

const SERIES = ["expected", "yours"];
/** Axis labels longer than this are cut: the SVG must stay narrower than the page. */
const LABEL_CHARS = 40;

const THEMES = {
  light: { background: "#ffffff", text: "#1f2328", grid: "#d1d9e0", bars: ["#8c959f", "#0969da"] },
  dark: { background: "#151b23", text: "#e6edf3", grid: "#3d444d", bars: ["#6e7781", "#4493f8"] },
};

/** `2. Filter active`: numbered, so the bars follow the pipeline and equal labels stay apart. */
export function stageName(index: number, label: string): string {
  const short = label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
  return `${index + 1}. ${showControls(short)}`;
}

function describe(q: QuestionGrade): string {
  const shown = q.stages.slice(0, 12).map((st, i) => `${stageName(i, st.label)}: ${st.expectedCount} expected, ${st.actualCount === null ? "none found" : `${st.actualCount} in yours`}`);
  const more = q.stages.length > 12 ? `; and ${q.stages.length - 12} more stages` : "";
  return `Rows at each stage of ${q.id}, the reference solution's next to yours. ${shown.join("; ")}${more}.`;
}

async function render(q: QuestionGrade, theme: (typeof THEMES)["light"], alt: string): Promise<string> {
  const rows = q.stages.flatMap((st, i) => [
    { stage: stageName(i, st.label), series: SERIES[0], count: st.expectedCount },
    // A stage the submission lacks has no bar of its own; the table says why.
    ...(st.actualCount === null ? [] : [{ stage: stageName(i, st.label), series: SERIES[1], count: st.actualCount }]),
  ]);
  const axis = { labelColor: theme.text, titleColor: theme.text, gridColor: theme.grid, domainColor: theme.grid, tickColor: theme.grid, labelFontSize: 13, titleFontSize: 13 };
  const spec = await chart(rows)
    .spec({
      description: alt,
      width: 440,
      background: theme.background,
      padding: 12,
      mark: { type: "bar" },
      encoding: {
        y: { field: "stage", type: "nominal", sort: null, title: null, axis: { labelLimit: 280 } },
        yOffset: { field: "series", sort: SERIES },
        x: { field: "count", type: "quantitative", title: "rows", axis: { tickMinStep: 1, format: ",d" } },
        color: { field: "series", type: "nominal", title: null, sort: SERIES, scale: { domain: SERIES, range: theme.bars }, legend: { orient: "top", labelColor: theme.text, labelFontSize: 13 } },
      },
      config: { axis, view: { stroke: null } },
    })
    .toSpec();
  return renderSvg(spec);
}

/** The chart of a question's stages, or null for a question without stages. */
export async function stageChart(q: QuestionGrade): Promise<StageChart | null> {
  if (!q.stages.length) return null;
  const alt = describe(q);
  const [light, dark] = await Promise.all([render(q, THEMES.light, alt), render(q, THEMES.dark, alt)]);
  return { light: withAltText(light, alt), dark: withAltText(dark, alt), alt };
}

/** The charts of every question with stages, by question id (what {@link feedbackHtml} takes). */
export async function stageCharts(s: SubmissionGrade): Promise<Map<string, StageChart>> {
  const charts = new Map<string, StageChart>();
  for (const q of s.questions) {
    const c = await stageChart(q);
    if (c) charts.set(q.id, c);
  }
  return charts;
}

/**
 * The chart as a `<picture>`: the dark SVG when the reader prefers dark. Both travel as
 * base64 `data:` images, which the page's CSP allows and which can run nothing.
 */
export function chartPicture(c: StageChart): string {
  const img = imageMarkdown(c.light, c.alt);
  const dark = `data:image/svg+xml;base64,${Buffer.from(c.dark, "utf8").toString("base64")}`;
  return `<picture><source media="(prefers-color-scheme: dark)" srcset="${dark}">${img}</picture>`;
}
