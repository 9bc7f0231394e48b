/**
 * Which student notebook `beam.grader.check` reads its public tests from, and what its
 * `metadata.beamlab.assignment` says. The kernel does not know its notebook's file, so it is
 * found in this order: the path the student passes, the notebook Jupyter started the kernel
 * for (`JPY_SESSION_NAME`, set by jupyter_server), and the assignment notebooks in the
 * kernel's working directory (the notebook's folder).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StudentAssignmentInfo } from "./student";

/** Where to look; every field defaults to the running process's. */
export interface NotebookLookup {
  /** A notebook path given by the student (relative to `cwd`). */
  notebook?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** A student notebook and its assignment. */
export interface FoundNotebook {
  /** Absolute path of the notebook. */
  path: string;
  /** How it was found, for messages and tests. */
  via: "option" | "session" | "folder";
  info: StudentAssignmentInfo;
}

/** A mistake `check` cannot get past: the message says what to do. No internals' stack. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckError";
    this.stack = `${this.name}: ${message}`;
  }

  /** How Node (and so tslab) prints it: the message, never our stack (Node would bracket a frameless one). */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === "string";

/**
 * The assignment of a parsed notebook: its `metadata.beamlab.assignment` checked field by
 * field, `null` when it has none (not a student notebook), or what is wrong with it.
 */
export function assignmentInfo(json: unknown): StudentAssignmentInfo | null | string {
  const meta = isObj(json) && isObj(json.metadata) ? json.metadata : null;
  const beamlab = meta && isObj(meta.beamlab) ? meta.beamlab : null;
  const a = beamlab?.assignment;
  // A source notebook has `assignment` too (its hidden_data), but no questions.
  if (!isObj(a) || a.questions === undefined) return null;
  if (!isStr(a.name) || !Array.isArray(a.questions)) return "its beamlab.assignment metadata has no name or no list of questions";
  for (const q of a.questions as unknown[]) {
    if (!isObj(q) || !isStr(q.id) || !isNum(q.points) || !isNum(q.hidden_tests)) return "a question in its beamlab.assignment metadata is incomplete";
    if (!Array.isArray(q.tests)) return `it was written by an older \`beamlab assign\` that did not record the public tests of ${q.id}; ask for the notebook again (your answers can be copied over)`;
    if (!(q.tests as unknown[]).every((t) => isObj(t) && isStr(t.name) && isStr(t.source))) return `a public test of ${q.id} in its beamlab.assignment metadata is incomplete`;
  }
  return a as unknown as StudentAssignmentInfo;
}

function read(file: string): { info: StudentAssignmentInfo | null | string; mtime: number } | null {
  try {
    const text = fs.readFileSync(file, "utf8");
    return { info: assignmentInfo(JSON.parse(text)), mtime: fs.statSync(file).mtimeMs };
  } catch {
    return null;
  }
}

const shown = (file: string, cwd: string) => {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
};

const knownIds = (info: StudentAssignmentInfo) => info.questions.map((q) => q.id).join(", ");

/** Throws for a question the notebook does not have, naming the ones it has. */
export function requireQuestion(found: FoundNotebook, question: string, cwd = process.cwd()): StudentAssignmentInfo["questions"][number] {
  const q = found.info.questions.find((x) => x.id === question);
  if (q) return q;
  throw new CheckError(`unknown question ${JSON.stringify(question)}: ${shown(found.path, cwd)} has ${knownIds(found.info)}; check one of those`);
}

/** A notebook named by the student or by Jupyter: it must exist and be a student notebook. */
function named(file: string, via: "option" | "session", cwd: string): FoundNotebook {
  const r = read(file);
  const name = shown(file, cwd);
  if (!r) throw new CheckError(`cannot read ${name}${fs.existsSync(file) ? " as a notebook" : `: there is no such file in ${cwd}`}; pass the path of your assignment notebook, e.g. { notebook: "a1.ipynb" }`);
  if (r.info === null) throw new CheckError(`${name} is not an assignment notebook (it has no beamlab.assignment metadata); pass the notebook you were given, e.g. { notebook: "a1.ipynb" }`);
  if (typeof r.info === "string") throw new CheckError(`${name} cannot be checked: ${r.info}`);
  return { path: file, via, info: r.info };
}

/** The notebook Jupyter started this kernel for, when that file (still) exists. */
function sessionNotebook(env: Record<string, string | undefined>, cwd: string): string | null {
  const name = env.JPY_SESSION_NAME;
  if (!name || !/\.ipynb$/i.test(name)) return null;
  const file = path.resolve(cwd, name);
  // Renamed since the kernel started: the variable is stale, so the folder decides.
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

/**
 * The student notebook to read `question`'s tests from (any assignment notebook when
 * `question` is null, for `checkAll`). Throws a {@link CheckError} saying what to pass when
 * there is none, and naming the known ids for an unknown question.
 */
export function findNotebook(question: string | null, lookup: NotebookLookup = {}): FoundNotebook {
  const cwd = lookup.cwd ?? process.cwd();
  const env = lookup.env ?? process.env;
  if (lookup.notebook !== undefined) return withQuestion(named(path.resolve(cwd, lookup.notebook), "option", cwd), question, cwd);
  const session = sessionNotebook(env, cwd);
  if (session) return withQuestion(named(session, "session", cwd), question, cwd);

  let files: string[] = [];
  try {
    files = fs.readdirSync(cwd).filter((f) => /\.ipynb$/i.test(f)).map((f) => path.join(cwd, f));
  } catch {
    // An unreadable folder has no notebooks to offer; the error below says what to pass.
  }
  const candidates: Array<FoundNotebook & { mtime: number }> = [];
  for (const file of files) {
    const r = read(file);
    if (r && r.info !== null && typeof r.info !== "string") candidates.push({ path: file, via: "folder", info: r.info, mtime: r.mtime });
  }
  // Copies of a notebook (a1-Copy1.ipynb) share its questions: the one edited last is the one in use.
  candidates.sort((a, b) => b.mtime - a.mtime);
  const match = candidates.find((c) => question === null || c.info.questions.some((q) => q.id === question));
  if (match) return { path: match.path, via: match.via, info: match.info };
  if (candidates.length && question !== null) return withQuestion(candidates[0], question, cwd);
  throw new CheckError(`found no assignment notebook in ${cwd}; pass yours, e.g. \`await beam.grader.${question === null ? "checkAll(" : `check(${JSON.stringify(question)}, `}{ notebook: "a1.ipynb" })\``);
}

function withQuestion(found: FoundNotebook, question: string | null, cwd: string): FoundNotebook {
  if (question !== null) requireQuestion(found, question, cwd);
  return { path: found.path, via: found.via, info: found.info };
}
