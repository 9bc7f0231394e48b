/**
 * `beamlab test` (a course folder's `npm test`): every notebook under notebooks/ runs
 * headless with the real tslab kernel, and every assignment with sample submissions is
 * built and graded, its grades checked against `submissions/expected.json` when there is one.
 *
 * The course's own files stay as they are: the notebooks run on a copy of the warehouse and
 * their executed copies go to a temporary folder.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Folders whose notebooks are not run: outputs, checkpoints, and the submissions graded instead. */
const SKIPPED_DIRS = new Set(["node_modules", "out", ".ipynb_checkpoints", "submissions"]);

/** Where `beamlab test` runs, and with which CLI. */
export interface CourseTestOptions {
  /** The course folder (its notebooks/ and notebooks/warehouse.duckdb). */
  project: string;
  /** bin/beamlab.js, run for `run`, `assign` and `grade`. */
  cli: string;
  /** Seconds per cell when grading; the samples include an infinite loop. Default 20. */
  gradeTimeout?: number;
}

/** The grades of one submission as `expected.json` states them. */
export type ExpectedGrade = { total: number; status: string; questions: Record<string, number> };

/** The .ipynb files below `dir`, sorted by path (so 01-… runs before 02-…), skipping {@link SKIPPED_DIRS}. */
export function notebooksBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) walk(p);
      } else if (e.name.endsWith(".ipynb")) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Source notebooks of assignments (metadata `beamlab.assignment`) that have a submissions/ folder next to them. */
export function gradedAssignments(notebooks: readonly string[]): string[] {
  return notebooks.filter((nb) => {
    if (!fs.existsSync(path.join(path.dirname(nb), "submissions"))) return false;
    try {
      return !!JSON.parse(fs.readFileSync(nb, "utf8")).metadata?.beamlab?.assignment;
    } catch {
      return false;
    }
  });
}

/**
 * The submissions whose grades differ from `expected`, one line each ("partial: expected
 * 9 ok {q1: 4, ...}, got ..."); a submission missing on either side counts too.
 */
export function gradeMismatches(expected: Record<string, ExpectedGrade>, actual: Record<string, ExpectedGrade>): string[] {
  const shown = (g: ExpectedGrade | undefined) =>
    g ? `${g.total} ${g.status} {${Object.entries(g.questions).map(([q, p]) => `${q}: ${p}`).join(", ")}}` : "nothing";
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names
    .filter((n) => shown(expected[n]) !== shown(actual[n]))
    .map((n) => `${n}: expected ${shown(expected[n])}, got ${shown(actual[n])}`);
}

/** Runs the course's notebooks and grades its assignments; resolves to the exit status (0 all well). */
export async function courseTest(opts: CourseTestOptions): Promise<number> {
  const notebooksDir = path.join(opts.project, "notebooks");
  const notebooks = notebooksBelow(notebooksDir);
  if (notebooks.length === 0) {
    process.stderr.write(`beamlab: no notebooks under ${notebooksDir}\n`);
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-course-test-"));
  const failures: string[] = [];
  try {
    const warehouse = path.join(tmp, "warehouse.duckdb");
    const course = path.join(notebooksDir, "warehouse.duckdb");
    if (fs.existsSync(course)) fs.copyFileSync(course, warehouse);
    const env = { ...process.env, BEAMLAB_WAREHOUSE: warehouse };
    const cli = (args: string[]) => spawnSync(process.execPath, [opts.cli, ...args], { cwd: opts.project, stdio: "inherit", env });

    // One `beamlab run` per folder, in path order: later notebooks read what earlier ones wrote.
    const byDir = new Map<string, string[]>();
    for (const nb of notebooks) byDir.set(path.dirname(nb), [...(byDir.get(path.dirname(nb)) ?? []), nb]);
    for (const [dir, group] of byDir) {
      const rel = path.relative(opts.project, dir);
      say(`running ${group.length} notebook(s) in ${rel}/`);
      const r = cli(["run", "--out", path.join(tmp, "executed", rel), ...group]);
      if (r.status !== 0) failures.push(`notebooks in ${rel}/ (failing cells above)`);
    }

    for (const source of gradedAssignments(notebooks)) {
      const dir = path.dirname(source);
      const rel = path.relative(opts.project, dir);
      const build = path.join(tmp, "assignments", rel);
      say(`grading the sample submissions of ${rel}/`);
      if (cli(["assign", source, "--out", build]).status !== 0) {
        failures.push(`beamlab assign ${path.relative(opts.project, source)}`);
        continue;
      }
      const grades = path.join(tmp, "grades", rel);
      const graded = cli(["grade", path.join(build, "autograder"), path.join(dir, "submissions"), "--out", grades, "--timeout", String(opts.gradeTimeout ?? 20)]);
      if (graded.status !== 0) {
        failures.push(`beamlab grade of ${rel}/submissions`);
        continue;
      }
      const expectedFile = path.join(dir, "submissions", "expected.json");
      if (!fs.existsSync(expectedFile)) {
        say(`${rel}/submissions has no expected.json: graded, not compared`);
        continue;
      }
      const report = JSON.parse(fs.readFileSync(path.join(grades, "grades.json"), "utf8")) as {
        submissions: Array<{ submission: string; total: number; status: string; questions: Array<{ id: string; points: number }> }>;
      };
      const actual = Object.fromEntries(
        report.submissions.map((s) => [s.submission, { total: s.total, status: s.status, questions: Object.fromEntries(s.questions.map((q) => [q.id, q.points])) }]),
      );
      const mismatches = gradeMismatches(JSON.parse(fs.readFileSync(expectedFile, "utf8")) as Record<string, ExpectedGrade>, actual);
      if (mismatches.length) failures.push(`grades of ${rel}/submissions differ from expected.json:\n${mismatches.map((m) => `    ${m}`).join("\n")}`);
      else say(`${report.submissions.length} submissions of ${rel}/ got the grades expected.json states`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length) {
    process.stderr.write(`beamlab test: ${failures.length} failure(s):\n${failures.map((f) => `  ${f}`).join("\n")}\n`);
    return 1;
  }
  say(`all ${notebooks.length} notebook(s) ran`);
  return 0;
}

function say(text: string): void {
  process.stdout.write(`[beamlab] ${text}\n`);
}
