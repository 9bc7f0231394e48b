/**
 * `beamlab init <dir>`: a course folder of one's own, outside the beamlab repository. It
 * depends on the beamlab package (a registry version or a tarball from `npm pack`), and the
 * package brings everything else: the compiled library, the CLI, the bootstrap that makes
 * the folder's own `.venv`, and the JupyterLab extension as a wheel.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { courseName, gitignore, packageJson, readme, startNotebook, tsconfigJson, type CourseTemplate } from "./template";

/** The beamlab package this module belongs to (dist/lib/course → the package root). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The course notebooks a course folder gets with `--with-course-notebooks`. */
const COURSE_NOTEBOOK = /^0[1-6]-[\w-]+\.ipynb$/;
/** The sample graded assignment `--with-assignment` copies. */
const SAMPLE_ASSIGNMENT = path.join("assignments", "a1-college-cleanup");
/** Never copied: outputs of earlier runs, editor checkpoints, warehouses. */
const NOT_COPIED = /(^|[\\/])(out|\.ipynb_checkpoints|__pycache__)$|\.duckdb(\.wal)?$/;

/** What `beamlab init` is asked to make. */
export interface InitOptions {
  /** The course folder (made when missing; must be empty when it exists). */
  dir: string;
  /** Copy the six course notebooks (01-hello-world … 06-check-the-result). */
  withCourseNotebooks?: boolean;
  /** Copy the sample graded assignment (notebooks/assignments/a1-college-cleanup). */
  withAssignment?: boolean;
  /**
   * What the course depends on beamlab with: a version range (default `^` this package's
   * version) or a tarball made by `npm pack`, which is copied into the course folder.
   */
  beamlab?: string;
}

/** What `beamlab init` made. */
export interface InitResult {
  dir: string;
  /** The dependency written into package.json. */
  beamlab: string;
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

/** A problem the teacher can fix (the folder is not empty, a tarball is missing, ...). */
export class InitError extends Error {}

/** This package's version (from its package.json). */
export function packageVersion(): string {
  return String(JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")).version);
}

/**
 * Scaffolds a course folder (see {@link InitOptions}); does not run `npm install`.
 * Throws an {@link InitError} naming what to change when it cannot.
 *
 * @example
 * scaffoldCourse({ dir: "cs327e", withCourseNotebooks: true, withAssignment: true, beamlab: "./beamlab-0.1.0.tgz" });
 */
export function scaffoldCourse(opts: InitOptions): InitResult {
  const dir = path.resolve(opts.dir);
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new InitError(`${dir} already exists and is not an empty folder: give 'beamlab init' a new folder's name`);
  }
  const src = (...p: string[]) => path.join(PACKAGE_ROOT, ...p);
  const college = src("datasets", "college");
  if (!fs.existsSync(college)) throw new InitError(`this beamlab package has no datasets/college (${college}); reinstall beamlab`);

  const beamlab = dependencySpec(opts.beamlab);
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    files.push(rel);
  };
  const copy = (from: string, rel: string) => {
    fs.cpSync(from, path.join(dir, rel), { recursive: true, filter: (p) => !NOT_COPIED.test(p) });
    for (const f of filesBelow(path.join(dir, rel))) files.push(path.relative(dir, f));
  };

  const template: CourseTemplate = {
    name: courseName(path.basename(dir)),
    beamlab: beamlab.spec,
    withCourseNotebooks: !!opts.withCourseNotebooks,
    withAssignment: !!opts.withAssignment,
  };
  if (beamlab.tarball) {
    fs.copyFileSync(beamlab.tarball, path.join(dir, path.basename(beamlab.tarball)));
    files.push(path.basename(beamlab.tarball));
  }
  write("package.json", packageJson(template));
  write("tsconfig.json", tsconfigJson());
  write(".gitignore", gitignore());
  write("README.md", readme(template));
  copy(college, path.join("datasets", "college"));
  if (opts.withCourseNotebooks) {
    const names = fs.readdirSync(src("notebooks")).filter((n) => COURSE_NOTEBOOK.test(n)).sort();
    if (names.length !== 6) throw new InitError(`this beamlab package has ${names.length} course notebooks instead of 6; reinstall beamlab`);
    for (const n of names) copy(src("notebooks", n), path.join("notebooks", n));
  } else {
    write(path.join("notebooks", "00-start.ipynb"), startNotebook());
  }
  if (opts.withAssignment) copy(src("notebooks", SAMPLE_ASSIGNMENT), path.join("notebooks", SAMPLE_ASSIGNMENT));
  return { dir, beamlab: beamlab.spec, files: files.sort() };
}

/** The package.json dependency for `--beamlab`: a range as given, or a tarball copied in. */
function dependencySpec(given: string | undefined): { spec: string; tarball?: string } {
  if (!given) return { spec: `^${packageVersion()}` };
  if (!given.endsWith(".tgz")) return { spec: given };
  const tarball = path.resolve(given.replace(/^file:/, ""));
  if (!fs.existsSync(tarball)) throw new InitError(`no such tarball: ${tarball} (make one with 'npm pack' in the beamlab repository)`);
  return { spec: `file:${path.basename(tarball)}`, tarball };
}

function filesBelow(p: string): string[] {
  if (!fs.statSync(p).isDirectory()) return [p];
  return fs.readdirSync(p).flatMap((n) => filesBelow(path.join(p, n)));
}

const USAGE = "usage: beamlab init <dir> [--with-course-notebooks] [--with-assignment] [--beamlab SPEC|FILE.tgz] [--no-install]";

/** The command line of `beamlab init`; resolves to the exit status (0 made, 1 failed, 2 usage). */
export async function initCli(argv: readonly string[]): Promise<number> {
  const opts: InitOptions = { dir: "" };
  let install = true;
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--with-course-notebooks") opts.withCourseNotebooks = true;
    else if (a === "--with-assignment") opts.withAssignment = true;
    else if (a === "--no-install") install = false;
    else if (a === "--beamlab" && argv[i + 1] !== undefined) opts.beamlab = argv[++i];
    else if (a.startsWith("--beamlab=")) opts.beamlab = a.slice("--beamlab=".length);
    else if (a === "-h" || a === "--help") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith("-")) {
      process.stderr.write(`beamlab: unknown option for 'init': ${a}\n${USAGE}\n`);
      return 2;
    } else dirs.push(a);
  }
  if (dirs.length !== 1) {
    process.stderr.write(`beamlab: 'init' needs the course folder to make\n${USAGE}\n`);
    return 2;
  }
  opts.dir = dirs[0];
  let result: InitResult;
  try {
    result = scaffoldCourse(opts);
  } catch (e) {
    if (!(e instanceof InitError)) throw e;
    process.stderr.write(`beamlab: ${e.message}\n`);
    return 1;
  }
  const shown = path.relative(process.cwd(), result.dir) || ".";
  process.stdout.write(`[beamlab] made ${shown}/ (${result.files.length} files; beamlab ${result.beamlab})\n`);
  if (install) {
    process.stdout.write(`[beamlab] npm install in ${shown}/\n`);
    const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: result.dir, stdio: "inherit", env: { ...process.env, npm_config_update_notifier: "false" } });
    if (npm.status !== 0) {
      process.stderr.write(`beamlab: 'npm install' in ${shown} failed (${npm.error?.message ?? `exit ${npm.status ?? npm.signal}`}); fix what it says and run it again there\n`);
      return 1;
    }
  }
  process.stdout.write(`[beamlab] next: cd ${shown} && ${install ? "" : "npm install && "}npm start\n`);
  return 0;
}
