/**
 * The command line of `beamlab grade <autograder-dir> <submission.ipynb or folder>... --out DIR
 * [--workers N] [--timeout S] [--submission-timeout S] [--memory MiB]`.
 * Exit 0 when every submission was graded (whatever the scores), 1 when grading could not
 * run, 2 for a usage error.
 */
import * as path from "node:path";
import { grade, GradeError, submissionFiles } from "./grade";
import { writeReports } from "./report";
import type { Limits } from "./sandbox";

const USAGE = "usage: beamlab grade <autograder-dir> <submission.ipynb or folder>... --out DIR [--workers N] [--timeout S] [--submission-timeout S] [--memory MiB]";

function positive(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!v || !Number.isFinite(n) || n <= 0) throw new UsageError(`${name} takes a positive number, not ${JSON.stringify(v ?? "")}`);
  return n;
}

class UsageError extends Error {}

interface Args {
  bundle: string;
  inputs: string[];
  out: string;
  workers?: number;
  limits: Partial<Limits>;
}

function parse(argv: readonly string[]): Args {
  const positional: string[] = [];
  const limits: Partial<Limits> = {};
  let out: string | undefined;
  let workers: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--out") out = value();
    else if (flag === "--workers") workers = Math.floor(positive(flag, value()));
    else if (flag === "--timeout") limits.cellSeconds = positive(flag, value());
    else if (flag === "--submission-timeout") limits.submissionSeconds = positive(flag, value());
    else if (flag === "--memory") limits.memoryMiB = positive(flag, value());
    else if (flag.startsWith("-")) throw new UsageError(`unknown option for 'grade': ${flag}`);
    else positional.push(flag);
  }
  if (positional.length < 2 || !out) throw new UsageError("'grade' needs the autograder folder, at least one submission and --out <dir>");
  return { bundle: positional[0], inputs: positional.slice(1), out, workers, limits };
}

/** Runs `beamlab grade`; resolves to the exit status. */
export async function gradeCli(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`beamlab: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const files = submissionFiles(args.inputs);
    if (files.length === 0) throw new GradeError(`no .ipynb file in ${args.inputs.join(", ")}`);
    const report = await grade(path.resolve(args.bundle), files, { workers: args.workers, limits: args.limits, log: (l) => process.stdout.write(`${l}\n`) });
    const out = path.resolve(args.out);
    await writeReports(out, report);
    const rel = path.relative(process.cwd(), out) || ".";
    process.stdout.write(`[beamlab] ${report.submissions.length} graded: ${rel}/grades.csv, grades.json, results/<submission>/results.json, feedback/<submission>.html\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof GradeError)) throw e;
    process.stderr.write(`beamlab: grading could not run: ${e.message}\n`);
    return 1;
  }
}
