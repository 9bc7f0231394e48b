/**
 * `beamlab grade`: grades many submissions in parallel, each in its own sandboxed worker
 * (`sandbox.ts`), against the autograder bundle that `beamlab assign` wrote. The
 * reference solution is graded first, the same way, on the same data: it must pass all of
 * its own tests, and its labelled PCollections are what each submission is compared with,
 * stage by stage.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { open as openWarehouse } from "../warehouse";
import { HIDDEN_DATA_DIR, MANIFEST_FILE, ManifestError, readManifest, type AutograderManifest } from "./manifest";
import { asNotebook, type Notebook } from "./notebook";
import { planSubmission, type GradingPlan } from "./plan";
import type { GradeReport, QuestionGrade, SubmissionGrade, TestResult } from "./results";
import { DEFAULT_LIMITS, privateDir, runWorker, type Crash, type Limits, type StepOutcome, type WorkerSetup } from "./sandbox";
import { compareStage, stageSummary, type StageValues } from "./stages";
import type { StageRecord, StageTarget } from "./worker-protocol";

/** Grading could not run at all (as opposed to a submission that scored low). */
export class GradeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GradeError";
  }
}

/** Options of {@link grade}. */
export interface GradeOptions {
  /** Submissions graded at once (default: the machine's cores). */
  workers?: number;
  limits?: Partial<Limits>;
  /** Progress lines, one per graded submission. */
  log?: (line: string) => void;
  /** The warehouse used when the assignment has no hidden data (default: BEAMLAB_WAREHOUSE, else notebooks/warehouse.duckdb). */
  warehouse?: string;
}

/** Everything one submission's workers share. */
interface Batch {
  manifest: AutograderManifest;
  limits: Limits;
  root: string;
  entry: string;
  workerScript: string;
  template: string | null;
  tmp: string;
}

/** What the workers of one notebook reported, put together. */
interface NotebookRun {
  plan: GradingPlan;
  outcomes: Map<number, StepOutcome>;
  /** The first crash of each question (or "setup", "preamble", "start"). */
  crashes: Map<string, Crash & { at: string }>;
  output: string;
  seconds: number;
}

const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The folder whose node_modules resolves `beamlab` (this repository, or a course folder that installed it). */
function moduleRoot(): string {
  for (let dir = PACKAGE_ROOT; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", "beamlab"))) return dir;
    if (path.dirname(dir) === dir) return PACKAGE_ROOT;
  }
}

function stepName(plan: GradingPlan, i: number): string {
  const s = plan.steps[i];
  if (s.kind === "setup") return `setup cell ${s.cell}`;
  if (s.kind === "cell") return `cell ${s.cell}`;
  if (s.kind === "test") return `test ${s.test}`;
  return `the stage comparison of ${s.question}`;
}

function ownerOf(plan: GradingPlan, i: number): string {
  const s = plan.steps[i];
  if (s.kind === "setup") return "setup";
  if (s.kind === "cell") return s.question ?? "preamble";
  return s.question;
}

/** Runs one notebook's plan, restarting the worker after each crash without the step that crashed it. */
async function runNotebook(batch: Batch, plan: GradingPlan, name: string, stages: Record<string, StageTarget[]> | "all"): Promise<NotebookRun> {
  const started = Date.now();
  const workDir = privateDir(batch.tmp, name);
  const warehouse = path.join(workDir, "warehouse.duckdb");
  if (batch.template) fs.copyFileSync(batch.template, warehouse);
  const setup: WorkerSetup = {
    root: batch.root,
    entry: batch.entry,
    workerScript: batch.workerScript,
    workDir,
    // Nothing of the grader's environment: no tokens, no credentials.
    env: { PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: workDir, TMPDIR: workDir, LANG: "C.UTF-8", TZ: "UTC", BEAMLAB_WAREHOUSE: warehouse, BEAMLAB_GRADING: "1" },
    limits: batch.limits,
    deadline: started + batch.limits.submissionSeconds * 1000,
  };
  const skip = new Set<number>();
  const outcomes = new Map<number, StepOutcome>();
  const crashes = new Map<string, Crash & { at: string }>();
  let output = "";
  try {
    for (let attempt = 0; attempt <= plan.steps.length; attempt++) {
      const run = await runWorker(setup, plan.steps, skip, stages);
      output += run.output;
      for (const [i, o] of run.outcomes) {
        outcomes.set(i, o);
        // Cells run again after a restart (they rebuild the state); what tests found stands.
        if (plan.steps[i].kind !== "cell" && plan.steps[i].kind !== "setup") skip.add(i);
      }
      const crash = run.crash;
      if (!crash) break;
      if (crash.step === null) {
        crashes.set("start", { ...crash, at: "start-up" });
        break;
      }
      const owner = ownerOf(plan, crash.step);
      if (!crashes.has(owner)) crashes.set(owner, { ...crash, at: stepName(plan, crash.step) });
      skip.add(crash.step);
      if (owner === "setup" || crash.submissionTimeout) break;
      // The question's remaining tests would meet the same loop or bomb: they fail with it.
      if (plan.steps[crash.step].kind !== "stages" && owner !== "preamble") {
        plan.steps.forEach((s, i) => {
          if ((s.kind === "test" || s.kind === "stages") && s.question === owner) skip.add(i);
        });
      }
      if (Date.now() >= setup.deadline) break;
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return { plan, outcomes, crashes, output, seconds: (Date.now() - started) / 1000 };
}

function decodeStages(records: StageRecord[] | undefined): StageValues[] {
  return (records ?? []).map((r) => {
    let elements: unknown[] | null = null;
    if (r.data !== null) {
      try {
        elements = v8.deserialize(Buffer.from(r.data, "base64")) as unknown[];
      } catch {
        elements = null;
      }
    }
    return { label: r.label, variable: r.variable, foundBy: r.foundBy, count: r.count, elements, error: r.error };
  });
}

function stageStep(plan: GradingPlan, question: string): number {
  return plan.steps.findIndex((s) => s.kind === "stages" && s.question === question);
}

/** The grade of one notebook run against the reference's stages. */
function gradeOf(batch: Batch, run: NotebookRun, name: string, file: string, reference: Map<string, StageValues[]>): SubmissionGrade {
  const { plan, outcomes, crashes } = run;
  const setupCrash = crashes.get("setup") ?? crashes.get("start");
  const setupFailed = plan.steps.map((s, i) => [s, i] as const).find(([s, i]) => s.kind === "setup" && outcomes.get(i)?.passed === false);
  const problems: string[] = [];
  const questions: QuestionGrade[] = batch.manifest.questions.map((q) => {
    const missing = plan.missing.includes(q.id);
    const crash = crashes.get(q.id) ?? setupCrash;
    const status = missing ? "missing" : crash ? crash.reason : "ok";
    const reason = missing
      ? `the cell of ${q.id} was not found (by its metadata or by its \`//# question ${q.id}\` line)`
      : crash
        ? `${crash.at} ${crash.detail}; ${q.id} earns 0 points`
        : setupFailed
          ? `the setup cell failed: ${outcomes.get(setupFailed[1])?.message ?? ""}`
          : null;
    if (missing) problems.push(`damaged: ${q.id} missing`);
    else if (crash) problems.push(`${crash.reason} ${q.id}`);
    // A test of a question whose own cell failed says so first: that is what to fix.
    const cellFailure = plan.steps
      .map((s, i) => [s, outcomes.get(i)] as const)
      .find(([s, o]) => s.kind === "cell" && s.question === q.id && o && !o.passed);
    const because = cellFailure && cellFailure[0].kind === "cell" ? `cell ${cellFailure[0].cell} (the answer to ${q.id}) failed: ${cellFailure[1]!.message ?? ""}\n` : "";
    const tests: TestResult[] = q.tests.map((t) => {
      const i = plan.steps.findIndex((s) => s.kind === "test" && s.test === t.name);
      const o = outcomes.get(i);
      const passed = status === "ok" && o?.passed === true;
      const message = status !== "ok" ? reason! : o ? (o.passed ? "passed" : `${because}${o.message ?? "failed"}`) : "not run";
      return { name: t.name, question: q.id, hidden: t.hidden, passed, points: passed ? t.points : 0, maxPoints: t.points, message };
    });
    const refStages = reference.get(q.id) ?? [];
    const mine = decodeStages(outcomes.get(stageStep(plan, q.id))?.stages);
    const stages = status === "ok" && refStages.length ? refStages.map((ref) => compareStage(ref, mine.find((m) => m.label === ref.label))) : [];
    return { id: q.id, points: tests.reduce((s, t) => s + t.points, 0), maxPoints: q.points, status, reason, tests, stages, stageSummary: stageSummary(stages) };
  });
  const preamble = crashes.get("preamble");
  const status =
    (setupCrash && `${setupCrash.reason} setup`) ??
    problems[0] ??
    (plan.damage.length ? `damaged: ${plan.damage[0]}` : null) ??
    (setupFailed ? "error: the setup cell failed" : null) ??
    (preamble ? `${preamble.reason} (${preamble.at}, before the first question)` : "ok");
  return {
    submission: name,
    file,
    total: round(questions.reduce((s, q) => s + q.points, 0)),
    max: batch.manifest.totalPoints,
    status,
    damage: plan.damage,
    questions,
    output: run.output,
    seconds: Math.round(run.seconds * 10) / 10,
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The notebook files named on the command line: files as given, folders' `*.ipynb` (not checkpoints). */
export function submissionFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    const st = fs.statSync(a, { throwIfNoEntry: false });
    if (!st) throw new GradeError(`${a} does not exist`);
    if (st.isDirectory()) {
      files.push(...fs.readdirSync(a).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(a, f)));
    } else files.push(a);
  }
  return files;
}

/** Distinct names from file names without `.ipynb` (`a`, `a-2` when two folders both have a.ipynb). */
function submissionNames(files: readonly string[]): string[] {
  const used = new Map<string, number>();
  return files.map((f) => {
    const base = path.basename(f).replace(/\.ipynb$/i, "");
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

function readSubmission(file: string): Notebook | string {
  try {
    const nb = asNotebook(JSON.parse(fs.readFileSync(file, "utf8")));
    return nb;
  } catch (e) {
    return `not a notebook: ${(e as Error).message}`;
  }
}

function unreadable(batch: Batch, name: string, file: string, why: string): SubmissionGrade {
  return {
    submission: name,
    file,
    total: 0,
    max: batch.manifest.totalPoints,
    status: `unreadable: ${why}`,
    damage: [],
    questions: batch.manifest.questions.map((q) => ({
      id: q.id,
      points: 0,
      maxPoints: q.points,
      status: "missing",
      reason: `the submission could not be read: ${why}`,
      tests: q.tests.map((t) => ({ name: t.name, question: q.id, hidden: t.hidden, passed: false, points: 0, maxPoints: t.points, message: "not run" })),
      stages: [],
      stageSummary: null,
    })),
    output: "",
    seconds: 0,
  };
}

async function loadTemplate(autograderDir: string, manifest: AutograderManifest, tmp: string, fallback: string | undefined): Promise<string | null> {
  const template = path.join(tmp, "template.duckdb");
  if (manifest.hiddenData) {
    const wh = openWarehouse(template);
    for (const t of manifest.hiddenData.tables) await wh.load(t.table, path.join(autograderDir, HIDDEN_DATA_DIR, t.csv), t.schema);
    return template;
  }
  const from = fallback ?? process.env.BEAMLAB_WAREHOUSE ?? path.join(PACKAGE_ROOT, "notebooks", "warehouse.duckdb");
  if (!fs.existsSync(from)) return null;
  fs.copyFileSync(from, template);
  return template;
}

/** Runs `f` over `items` with at most `n` at once, keeping the order of results. */
async function pool<T, R>(items: readonly T[], n: number, f: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i], i);
      }
    }),
  );
  return out;
}

/** Reads and checks the bundle's manifest. */
export function readBundle(autograderDir: string): AutograderManifest {
  const file = path.join(autograderDir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new GradeError(`${autograderDir} is not an autograder folder (no ${MANIFEST_FILE}); run \`npx beamlab assign source.ipynb --out DIR\` and pass DIR/autograder`);
  try {
    return readManifest(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (e) {
    throw new GradeError(e instanceof ManifestError ? e.message : `${file} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Grades `files` against the bundle in `autograderDir` and returns the report (see
 * `report/` for the files written from it). Throws {@link GradeError} only when grading
 * cannot run: a bad bundle, or a reference solution that fails its own tests.
 */
export async function grade(autograderDir: string, files: readonly string[], opts: GradeOptions = {}): Promise<GradeReport> {
  const manifest = readBundle(autograderDir);
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const workers = Math.max(1, opts.workers ?? os.availableParallelism());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-grade-"));
  const log = opts.log ?? (() => {});
  try {
    const batch: Batch = {
      manifest,
      limits,
      root: moduleRoot(),
      entry: path.join(PACKAGE_ROOT, "dist", "lib", "index.js"),
      workerScript: path.join(__dirname, "worker.js"),
      template: await loadTemplate(autograderDir, manifest, tmp, opts.warehouse),
      tmp,
    };
    const source = readSubmission(path.join(autograderDir, manifest.source));
    if (typeof source === "string") throw new GradeError(`the bundle's ${manifest.source} is ${source}`);
    const refPlan = planSubmission(manifest, source);
    const refRun = await runNotebook(batch, refPlan, "reference", "all");
    const refGrade = gradeOf(batch, refRun, "reference", manifest.source, new Map());
    const setupFailure = refPlan.steps.findIndex((st, i) => st.kind === "setup" && refRun.outcomes.get(i)?.passed === false);
    if (setupFailure >= 0) {
      throw new GradeError(`the bundle's setup cell ${stepName(refPlan, setupFailure).replace("setup cell ", "")} fails, so nothing can be graded:\n  ${(refRun.outcomes.get(setupFailure)?.message ?? "").split("\n").join("\n  ")}`);
    }
    const failing = refGrade.questions.flatMap((q) => q.tests.filter((t) => !t.passed).map((t) => `${t.name}: ${q.status === "ok" ? t.message : q.reason}`));
    if (failing.length) {
      throw new GradeError(`the reference solution does not pass its own tests on the grading data, so nothing can be graded:\n${failing.map((f) => `  ${f.split("\n").slice(0, 6).join("\n    ")}`).join("\n")}\nfix the source notebook (or the hidden data) and run \`beamlab assign\` again`);
    }
    const reference = new Map(manifest.questions.map((q) => [q.id, decodeStages(refRun.outcomes.get(stageStep(refPlan, q.id))?.stages)]));
    const targets: Record<string, StageTarget[]> = Object.fromEntries([...reference].map(([q, s]) => [q, s.map(({ label, variable }) => ({ label, variable }))]));
    log(`[beamlab] reference solution: ${refGrade.total}/${manifest.totalPoints} in ${refGrade.seconds} s; grading ${files.length} submission${files.length === 1 ? "" : "s"} with ${workers} worker${workers === 1 ? "" : "s"}`);
    const names = submissionNames(files);
    const submissions = await pool(files, workers, async (file, i) => {
      const nb = readSubmission(file);
      const g = typeof nb === "string" ? unreadable(batch, names[i], file, nb) : gradeOf(batch, await runNotebook(batch, planSubmission(manifest, nb), names[i], targets), names[i], file, reference);
      log(`[beamlab] ${g.submission}: ${g.total}/${g.max} ${g.status} (${g.seconds} s)`);
      return g;
    });
    return {
      format: "beamlab-grades",
      version: 1,
      assignment: manifest.name,
      questions: manifest.questions.map((q) => ({ id: q.id, points: q.points })),
      totalPoints: manifest.totalPoints,
      gradedAt: new Date().toISOString(),
      workers,
      submissions,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
