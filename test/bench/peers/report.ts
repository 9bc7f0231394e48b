/**
 * RESULTS.md from a run of the peers benchmark: one table per case and size (median time,
 * ratio to beamlab direct, start-up, peak memory, whether the outputs equal the loop's),
 * the headline ratios, the machine, the date, the command, and a chart of time against
 * rows per engine, rendered to SVG with beamlab's own chart code.
 */
import * as os from "node:os";
import * as beam from "../../../lib";
import { renderSvg } from "../../../lib/display/chart";
import type { CaseName } from "./cases";
import { ENGINE_NAMES, type EngineId } from "./engines";
import { machineName, type CaseRun } from "./run-case";

const ms = (v: number | null) => (v === null ? "–" : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`);
const times = (x: number) => (x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);

/** What a cell of the time column says: the median, "> limit", or the error. */
function timeCell(r: CaseRun): string {
  if (r.skipped) return `> ${ms(r.timedOut)} (not run: ${r.skipped})`;
  if (r.timedOut !== null) return `> ${ms(r.timedOut)}`;
  if (r.error) return `failed: ${r.error.split("\n").pop()?.slice(0, 80).replace(/\|/g, "/")}`;
  return `${ms(r.medianMs)} (${r.runs.length} run${r.runs.length === 1 ? "" : "s"})`;
}

/** Time of `r` over beamlab direct's on the same case and size (a lower bound when `r` hit the limit). */
export function ratioToDirect(r: CaseRun, all: CaseRun[]): string {
  const d = all.find((x) => x.engine === "beamlab-direct" && x.case === r.case && x.rows === r.rows);
  if (!d?.medianMs) return "–";
  // Over the limit on fewer rows: the ratio at this size is unknown, only that it is slower.
  if (r.skipped) return "–";
  if (r.timedOut !== null) return `> ${times(r.timedOut / d.medianMs)}`;
  return r.medianMs ? times(r.medianMs / d.medianMs) : "–";
}

function equalCell(r: CaseRun, all: CaseRun[]): string {
  const loop = all.find((x) => x.engine === "loop" && x.case === r.case && x.rows === r.rows);
  if (!r.digest || !loop?.digest) return "–";
  return JSON.stringify(r.digest) === JSON.stringify(loop.digest) ? "yes" : "**NO**";
}

/** The same-run ratios the README quotes: how many times slower each peer is than beamlab direct (or faster, below 1). */
export function headlines(all: CaseRun[]): string[] {
  const out: string[] = [];
  const pairs: [EngineId, string][] = [
    ["loop", "the hand-written loop"],
    ["arquero", "arquero"],
    ["duckdb", "DuckDB"],
    ["npm-beam", "the apache-beam npm SDK"],
    ["beam-python-direct", "Beam Python's DirectRunner"],
    ["beam-python-prism", "Beam Python on Prism"],
    ["beam-python-ib", "Interactive Beam's ib.collect"],
    ["beamlab-spark", "beamlab on Spark local[2]"],
  ];
  for (const rows of [...new Set(all.map((r) => r.rows))].sort((a, b) => a - b)) {
    for (const [id, name] of pairs) {
      const cells = all.filter((r) => r.engine === id && r.rows === rows).map((r) => `${r.case} ${ratioToDirect(r, all)}`);
      if (cells.length) out.push(`- ${rows.toLocaleString("en-US")} rows, ${name} / beamlab direct: ${cells.join(", ")}`);
    }
  }
  return out;
}

/** The chart's vega-lite spec: median time against rows, one line per engine, log scales. */
export async function chartSpec(all: CaseRun[], c: CaseName): Promise<Record<string, unknown>> {
  const points = all.filter((r) => r.case === c && r.medianMs !== null && r.timedOut === null).map((r) => ({ rows: r.rows, seconds: (r.medianMs as number) / 1000, engine: ENGINE_NAMES[r.engine] }));
  const spec = await beam.chart(points).line({ x: "rows", y: "seconds", color: "engine" }).title(`${c}: median time against rows (log scales)`).size(640, 360).toSpec();
  const enc = spec.encoding as Record<string, Record<string, unknown>>;
  enc.x = { ...enc.x, type: "quantitative", scale: { type: "log" }, title: "rows", axis: { format: "~s" } };
  enc.y = { ...enc.y, type: "quantitative", scale: { type: "log" }, title: "seconds" };
  // Twelve engines: a palette of ten would give two of them one colour.
  enc.color = { ...enc.color, scale: { scheme: "tableau20" } };
  spec.mark = { type: "line", point: true };
  // A file read on its own (a dark page too) needs its own background; engine names are long.
  spec.background = "white";
  spec.config = { ...(spec.config as object), legend: { labelLimit: 360 } };
  return spec;
}

export async function chartSvg(all: CaseRun[], c: CaseName): Promise<string> {
  return renderSvg(await chartSpec(all, c));
}

/**
 * When (and where) each engine was measured, for a report that merges runs made at different
 * times (`--update`): a ratio between runs on two machines compares the machines too.
 */
function runTimes(all: CaseRun[], merged: boolean): string[] {
  if (!merged) return [];
  const spans = new Map<string, { times: string[]; machines: Set<string> }>();
  for (const r of all) {
    const s = spans.get(ENGINE_NAMES[r.engine]) ?? { times: [], machines: new Set<string>() };
    s.times.push(r.measuredAt);
    s.machines.add(r.machine ?? "machine not recorded");
    spans.set(ENGINE_NAMES[r.engine], s);
  }
  const machines = new Set([...spans.values()].flatMap((s) => [...s.machines]));
  const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  const span = (t: string[]) => `${when(t.reduce((a, b) => (a < b ? a : b)))} to ${when(t.reduce((a, b) => (a > b ? a : b)))}`;
  const one = machines.size === 1;
  return [
    one
      ? "Measured in more than one run (`--update`), on the same machine and input files (UTC):"
      : `Measured in more than one run (\`--update\`) on ${machines.size} machines, with the same input files (UTC). **A ratio between engines measured on different machines compares the machines too**: read those as a guide only.`,
    "",
    ...[...spans].map(([e, s]) => `- ${e}: ${span(s.times)}${one ? "" : ` (${[...s.machines].join("; ")})`}`),
    "",
  ];
}

export function resultsMarkdown(all: CaseRun[], o: { commands: string[]; busy: string; charts: Record<string, string>; merged: boolean }): string {
  const lines = [
    "# beamlab against the engines a student or a teacher would pick instead",
    "",
    `Written ${new Date().toISOString().slice(0, 10)} on ${machineName()}, ${os.type()} ${os.release()}, Node ${process.version}. ${o.busy}`,
    "",
    `Reproduce: ${o.commands.map((c) => `\`${c}\``).join(", then ")}. Every engine reads the same generated files and writes the same canonical lines (test/bench/peers/cases.ts says what each case does); "equal" compares each output with the hand-written loop's as a sorted multiset. Times are medians of the runs made (up to 3; fewer when a case is slow); start-up (the child's wall time less its runs: process start, imports, engine start, and once what a run spends before its own timing begins: the first show, which fills the cache, for the cached re-show; the SparkContext's start for Spark, which every Spark run pays) is apart; peak memory is the child process's maximum RSS (Beam Python's includes its largest child, e.g. Prism; Spark's is the kernel-side Node process only, not Spark's JVM, its Python workers or their Node executors).`,
    "",
    ...runTimes(all, o.merged),
    "## Headline ratios (time / beamlab direct on the same machine and files; above 1 means beamlab direct is faster)",
    "",
    ...headlines(all),
    "",
  ];
  for (const c of [...new Set(all.map((r) => r.case))]) {
    lines.push(`## ${c}`, "", `![${c}: time against rows](${o.charts[c]})`, "");
    for (const rows of [...new Set(all.filter((r) => r.case === c).map((r) => r.rows))].sort((a, b) => a - b)) {
      lines.push(`### ${c}, ${rows.toLocaleString("en-US")} rows`, "", "| engine | time | / beamlab direct | start-up | peak memory | equal |", "| --- | --- | --- | --- | --- | --- |");
      for (const r of all.filter((x) => x.case === c && x.rows === rows)) {
        lines.push(`| ${ENGINE_NAMES[r.engine]} | ${timeCell(r)} | ${ratioToDirect(r, all)} | ${ms(r.startupMs)} | ${r.maxRssMiB === null ? "–" : `${r.maxRssMiB.toFixed(0)} MiB`} | ${equalCell(r, all)} |`);
      }
      lines.push("");
    }
  }
  return lines.join("\n");
}
