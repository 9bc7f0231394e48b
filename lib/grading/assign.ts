/**
 * `beamlab assign <source.ipynb> --out <dir>`: from one source notebook, the student notebook
 * (`<dir>/student/<name>.ipynb`) and the autograder bundle (`<dir>/autograder/`: manifest,
 * the source with its solutions, hidden data). Refuses an invalid source, naming every problem.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatProblem, parseAssignment, type Assignment } from "./authoring";
import { copyHiddenData, readHiddenData, type HiddenTable } from "./hidden-data";
import { buildManifest, HIDDEN_DATA_DIR, MANIFEST_FILE, SOURCE_FILE, type AutograderManifest } from "./manifest";
import { asNotebook, cloneJson, type Notebook } from "./notebook";
import { studentNotebook, studentSource } from "./student";
import { studentSyntaxProblems } from "./syntax";

/** Raised when the source cannot be assigned; `problems` are one line each, cell named. */
export class AssignError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} cannot be assigned (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "AssignError";
  }
}

/** What `assign` wrote. */
export interface AssignResult {
  studentNotebook: string;
  autograderDir: string;
  manifest: AutograderManifest;
}

function readSource(source: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(source, "utf8"));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new AssignError(source, [err.code === "ENOENT" ? "the file does not exist" : `it is not valid JSON (${err.message})`]);
  }
  const nb = asNotebook(json);
  if (typeof nb === "string") throw new AssignError(source, [nb]);
  return nb;
}

/** The source notebook as the bundle keeps it: solutions in place, each cell marked with its id. */
function markedSource(a: Assignment): Notebook {
  const nb = cloneJson(a.notebook);
  const hidden = new Map(a.questions.flatMap((q) => q.tests.map((t) => [t.name, t.hidden] as const)));
  for (const c of a.cells) {
    const meta = { ...nb.cells[c.index].metadata };
    delete meta.beamlab;
    if (c.kind === "question") meta.beamlab = { question: c.question };
    else if (c.kind === "test") meta.beamlab = { test: c.test, question: c.question, hidden: hidden.get(c.test!) };
    else if (c.kind === "setup") meta.beamlab = { setup: true };
    nb.cells[c.index].metadata = meta;
  }
  return nb;
}

/** The autograder folder may be replaced only when it is ours (or empty). */
function checkAutograderDir(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir);
  if (entries.length === 0 || entries.includes(MANIFEST_FILE)) return [];
  return [`${dir} exists and was not written by beamlab assign; choose another --out folder`];
}

/**
 * Writes the student notebook and the autograder bundle of `source` into `outDir`.
 * Throws {@link AssignError} listing every problem when the source is invalid; nothing is
 * written then.
 */
export function assign(source: string, outDir: string): AssignResult {
  const nb = readSource(source);
  const name = path.basename(source).replace(/\.ipynb$/i, "");
  const parsed = parseAssignment(nb);
  if (!parsed.ok) throw new AssignError(source, parsed.problems.map(formatProblem));
  const a = parsed.assignment;
  const problems = studentSyntaxProblems(a).map(formatProblem);
  let tables: HiddenTable[] | null = null;
  const hiddenFrom = a.hiddenData ? path.resolve(path.dirname(source), a.hiddenData) : null;
  if (hiddenFrom) {
    const h = readHiddenData(hiddenFrom);
    problems.push(...h.problems.map((p) => `hidden data: ${p}`));
    tables = h.tables;
  }
  const autograderDir = path.join(outDir, "autograder");
  problems.push(...checkAutograderDir(autograderDir));
  if (problems.length) throw new AssignError(source, problems);

  const studentPath = path.join(outDir, "student", `${name}.ipynb`);
  fs.mkdirSync(path.dirname(studentPath), { recursive: true });
  fs.writeFileSync(studentPath, JSON.stringify(studentNotebook(a, name), null, 1) + "\n");

  // Replaced whole, so that no file of an earlier version (say, a removed hidden table) stays.
  fs.rmSync(autograderDir, { recursive: true, force: true });
  fs.mkdirSync(autograderDir, { recursive: true });
  const manifest = buildManifest(a, name, new Map(a.questions.map((q) => [q.id, studentSource(q)])), tables);
  fs.writeFileSync(path.join(autograderDir, SOURCE_FILE), JSON.stringify(markedSource(a), null, 1) + "\n");
  if (hiddenFrom && tables) copyHiddenData(hiddenFrom, path.join(autograderDir, HIDDEN_DATA_DIR), tables);
  fs.writeFileSync(path.join(autograderDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return { studentNotebook: studentPath, autograderDir, manifest };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const pts = (n: number) => `${Number.isInteger(n) ? n : n.toFixed(2)} ${n === 1 ? "point" : "points"}`;

/** The short summary `beamlab assign` prints. */
export function summaryText(r: AssignResult, cwd = process.cwd()): string {
  const m = r.manifest;
  const tests = m.questions.flatMap((q) => q.tests);
  const hidden = tests.filter((t) => t.hidden).length;
  // Below the working directory: relative, as typed; elsewhere: absolute.
  const rel = (p: string) => (path.relative(cwd, p).startsWith("..") ? p : path.relative(cwd, p) || ".");
  const lines = [`[beamlab] ${m.name}: ${plural(m.questions.length, "question")}, ${pts(m.totalPoints)}; ${plural(tests.length - hidden, "public test")}, ${plural(hidden, "hidden test")}`];
  const width = Math.max(...m.questions.map((q) => q.id.length));
  for (const q of m.questions) {
    const h = q.tests.filter((t) => t.hidden).length;
    lines.push(`  ${q.id.padEnd(width)}  ${pts(q.points).padEnd(10)}  ${q.tests.length - h} public, ${h} hidden`);
  }
  lines.push(`[beamlab] student notebook: ${rel(r.studentNotebook)}`);
  const data = m.hiddenData ? `, hidden data: ${plural(m.hiddenData.tables.length, "table")}` : "";
  lines.push(`[beamlab] autograder (keep it private): ${rel(r.autograderDir)}${path.sep} (solutions, all tests${data})`);
  return lines.join("\n");
}

const USAGE = "usage: beamlab assign <source.ipynb> --out <dir>";

/** The command line of `beamlab assign`; returns the exit status (0 written, 1 invalid source, 2 usage). */
export function assignCli(argv: readonly string[]): number {
  let out: string | undefined;
  const sources: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") out = argv[++i];
    else if (a.startsWith("--out=")) out = a.slice("--out=".length);
    else if (a.startsWith("-")) {
      process.stderr.write(`beamlab: unknown option for 'assign': ${a}\n${USAGE}\n`);
      return 2;
    } else sources.push(a);
  }
  if (sources.length !== 1 || !out) {
    process.stderr.write(`beamlab: 'assign' needs one source notebook and --out <dir>\n${USAGE}\n`);
    return 2;
  }
  try {
    const result = assign(path.resolve(sources[0]), path.resolve(out));
    process.stdout.write(summaryText(result) + "\n");
    return 0;
  } catch (e) {
    if (!(e instanceof AssignError)) throw e;
    process.stderr.write(`beamlab: ${sources[0]} cannot be assigned (${plural(e.problems.length, "problem")}):\n${e.problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 1;
  }
}
