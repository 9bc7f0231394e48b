/**
 * The words and the log filter of the job view, shared by the kernel's text and HTML
 * fallbacks and the extension's renderer (no Node imports: the extension compiles this
 * module too).
 */
import type { ComparedRun, JobLink, JobLogLine, JobPayload, JobStage, StageStatus } from "./protocol";

/** How each stage status reads. */
export const STAGE_STATUS_TEXT: Record<StageStatus, string> = {
  pending: "pending",
  running: "running…",
  done: "done",
  failed: "failed",
  cancelled: "cancelled",
};

/** A log filter: each field absent (or null) matches every line. */
export interface LogFilter {
  level?: JobLogLine["level"] | null;
  step?: string | null;
  /** A worker's index, or "main" for lines logged on the main thread. */
  worker?: number | "main" | null;
}

/** The lines that pass `filter`, in the order given. */
export function filterLogLines(lines: readonly JobLogLine[], filter: LogFilter): JobLogLine[] {
  return lines.filter(
    (l) =>
      (filter.level == null || l.level === filter.level) &&
      (filter.step == null || l.step === filter.step) &&
      (filter.worker == null || (filter.worker === "main" ? l.worker === null : l.worker === filter.worker)),
  );
}

/** What the filters offer: the levels, steps and workers that occur in `lines`, sorted. */
export function logChoices(lines: readonly JobLogLine[]): { levels: JobLogLine["level"][]; steps: string[]; workers: (number | "main")[] } {
  const order: JobLogLine["level"][] = ["error", "warn", "info", "log"];
  const levels = new Set(lines.map((l) => l.level));
  const workers = new Set(lines.map((l) => l.worker));
  return {
    levels: order.filter((l) => levels.has(l)),
    steps: [...new Set(lines.map((l) => l.step))].sort(),
    workers: [...[...workers].filter((w): w is number => w !== null).sort((a, b) => a - b), ...(workers.has(null) ? ["main" as const] : [])],
  };
}

/** Who logged a line: `worker 1`, or `main thread`. */
export function workerText(worker: number | null): string {
  return worker === null ? "main thread" : `worker ${worker}`;
}

/** A line's time of day, to the millisecond, in UTC (the same in every browser and in the saved notebook). */
export function logTime(time: number): string {
  return new Date(time).toISOString().slice(11, 23);
}

/** Elements per second through a stage, or "—" when it ran too briefly to say. */
export function throughputText(elements: number, millis: number): string {
  if (millis < 1 || elements === 0) return "—";
  const perSecond = (elements * 1000) / millis;
  return `${perSecond >= 100 ? Math.round(perSecond).toLocaleString("en-US") : perSecond.toFixed(1)}/s`;
}

/** A wall or busy time: `12 ms`, `3.4 s`. */
export function millisText(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/** `S1 · workers`: a stage's short name. */
export function stageName(s: JobStage): string {
  return `S${s.index + 1} · ${s.kind}`;
}

/** `after S1, S3`: the stages a stage reads from. */
export function afterText(s: JobStage): string {
  return `after ${(s.after ?? []).map((i) => `S${i + 1}`).join(", ")}`;
}

/**
 * The stages in columns by depth: a stage's column is one past the deepest stage it reads
 * from, so branches that can run side by side share a column. Stages that say nothing of
 * what they read from get a column each, in run order.
 */
export function stageColumns(stages: readonly JobStage[]): JobStage[][] {
  if (!stages.some((s) => s.after?.length)) return stages.map((s) => [s]);
  const byIndex = new Map(stages.map((s) => [s.index, s]));
  const depth = new Map<number, number>();
  const depthOf = (s: JobStage, seen: Set<number>): number => {
    const known = depth.get(s.index);
    if (known !== undefined) return known;
    // A cycle cannot come from a plan; guard anyway so a bad payload cannot hang the view.
    if (seen.has(s.index)) return 0;
    seen.add(s.index);
    const d = Math.max(-1, ...(s.after ?? []).map((i) => (byIndex.has(i) ? depthOf(byIndex.get(i)!, seen) : -1))) + 1;
    depth.set(s.index, d);
    return d;
  };
  const columns: JobStage[][] = [];
  for (const s of stages) (columns[depthOf(s, new Set())] ??= []).push(s);
  return columns.filter((c) => c !== undefined);
}

/** `2 of 5 stages done` (and how many failed), for the view's headline. */
export function stageTally(p: JobPayload): string {
  const n = (st: StageStatus) => p.stages.filter((s) => s.status === st).length;
  const parts = [`${n("done")} of ${p.stages.length} stage${p.stages.length === 1 ? "" : "s"} done`];
  if (n("running")) parts.push(`${n("running")} running`);
  if (n("failed")) parts.push(`${n("failed")} failed`);
  return parts.join(", ");
}

/** `3 lines not shown (older)` when the view holds fewer lines than were logged, else null. */
export function droppedText(dropped: number): string | null {
  return dropped > 0 ? `${dropped.toLocaleString("en-US")} older line${dropped === 1 ? "" : "s"} not shown (the view keeps the newest)` : null;
}

/** One row of the runs-side-by-side summary: what a reader compares first. */
export interface RunSummary {
  title: string;
  runner: string;
  state: string;
  wall: string;
  /** The run's time against the first run's (`1.00×` for the first). */
  relative: string;
  stages: string;
  workers: string;
}

/** `1.35×`, `12.4×`, `492×`: as many digits as a reader compares. */
function ratioText(x: number): string {
  return `${x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString("en-US")}×`;
}

/** The summary rows of runs compared side by side, each against the first. */
export function runSummaries(runs: readonly ComparedRun[]): RunSummary[] {
  const first = runs[0];
  return runs.map((r) => ({
    title: r.title,
    runner: r.job?.runner ?? "",
    state: r.state,
    wall: millisText(r.millis),
    relative: first && first.millis > 0 ? `${ratioText(r.millis / first.millis)} ${r === first ? "" : first.title}`.trim() : "",
    stages: r.job ? String(r.job.stages.length) : "",
    workers: r.job ? String(r.job.workers.length || "in process") : "",
  }));
}

/** A runner's own figures (`sparkStages: 0 · tasks: 2`), as the job views show them. */
export function extraText(extra: Record<string, string | number | boolean> | undefined, sep = " · "): string {
  return extra ? Object.entries(extra).map(([k, v]) => `${k}: ${v}`).join(sep) : "";
}

/** The address a view may make a link of: an http(s) URL, else null (the label is then shown as text). */
export function linkHref(link: JobLink): string | null {
  if (!link.live) return null;
  try {
    const u = new URL(link.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** `Spark UI: http://127.0.0.1:4040 (closed with the run)`, for text. */
export function linkText(link: JobLink): string {
  return `${link.label}: ${link.href}${link.note ? ` (${link.note})` : ""}`;
}
