/**
 * Checking a pipeline's options when the Pipeline is created: an option that cannot run
 * (`bundleSize: 0` loops forever, `NaN` produces nothing) or a misspelt one (silently
 * ignored) is an error then, naming the option and a value that works.
 */
import { error, truncate } from "../errors";
import type { PipelineOptions } from "./pipeline";
import { lineageProblem } from "../teaching/lineage-options";
import { jobEndpointProblem } from "../runners/portable/endpoint";

/** Elements per bundle when the options do not say. */
export const DEFAULT_BUNDLE_SIZE = 1024;

/** What is wrong with a value of the option (null when nothing), and an example of a good one. */
interface OptionCheck {
  problem(value: unknown): string | null;
  example: string;
}

// Typed by PipelineOptions: a new option does not compile until it says how it is checked.
const CHECKS: { readonly [K in keyof Required<PipelineOptions>]: OptionCheck } = {
  runner: {
    problem: (v) =>
      typeof v === "string"
        ? v.trim() === "" ? "is empty" : null
        : isRunnerObject(v) ? null : `must be a runner name or a runner object with a run(pipeline) method, got ${describe(v)}`,
    example: 'runner: "direct" (or "interactive", "local", "portable", "spark")',
  },
  warehouse: {
    problem: (v) => (typeof v !== "string" ? `must be the path of a warehouse file, got ${describe(v)}` : v.trim() === "" ? "is empty" : null),
    example: 'warehouse: "notebooks/warehouse.duckdb"',
  },
  name: {
    problem: (v) => (typeof v === "string" ? null : `must be a string, got ${describe(v)}`),
    example: 'name: "teacher"',
  },
  bundleSize: {
    problem: (v) => bundleSizeProblem(v),
    example: `bundleSize: 100 (or leave it out for ${DEFAULT_BUNDLE_SIZE})`,
  },
  workers: {
    problem: (v) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 1 && v <= 256 ? null : `must be a whole number from 1 to 256, got ${describe(v)}`),
    example: 'runner: "local", workers: 2',
  },
  jobEndpoint: {
    problem: (v) => jobEndpointProblem(v),
    example: 'runner: "portable", jobEndpoint: "localhost:8073"',
  },
  sparkMaster: {
    problem: (v) => (typeof v !== "string" ? `must be a string, got ${describe(v)}` : /^(local(\[(\d+|\*)\])?|spark:\/\/[^\s/]+:\d+)$/.test(v) ? null : `must be local[N] or spark://host:port, got ${describe(v)}`),
    example: 'runner: "spark", sparkMaster: "local[2]" (or "spark://127.0.0.1:7077")',
  },
  sparkConf: {
    problem: (v) =>
      typeof v !== "object" || v === null || Array.isArray(v)
        ? `must be a record of Spark settings, got ${describe(v)}`
        : Object.entries(v).every(([k, x]) => k.startsWith("spark.") && typeof x === "string") ? null : "must map Spark setting names (spark.…) to strings",
    example: 'sparkConf: { "spark.executor.memory": "1g" }',
  },
  lineage: {
    problem: (v) => lineageProblem(v),
    example: "lineage: false (or { maxElements: 1_000_000 })",
  },
};

/**
 * The options of a new Pipeline, checked and frozen (a run reads them as they were when
 * checked). Throws a PipelineError naming the first option that cannot work.
 */
export function checkedOptions(options: unknown): Readonly<PipelineOptions> {
  if (options === undefined) return Object.freeze({});
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    error(`Pipeline options must be a record of options, got ${describe(options)}`, {
      hint: 'write new beam.Pipeline() or new beam.Pipeline({ runner: "direct", bundleSize: 100 }).',
    });
  }
  const given = { ...(options as Record<string, unknown>) };
  const known = Object.keys(CHECKS) as (keyof PipelineOptions)[];
  for (const [key, value] of Object.entries(given)) {
    if (!(known as string[]).includes(key)) {
      const near = closest(key, known);
      error(`Unknown pipeline option "${key}"`, {
        hint: `${near ? `did you mean ${near}? ` : ""}the options are ${known.join(", ")}.`,
      });
    }
    // An option given as undefined is the same as leaving it out.
    if (value === undefined) continue;
    const check = CHECKS[key as keyof PipelineOptions];
    const problem = check.problem(value);
    if (problem) error(`Pipeline option ${key} ${problem}`, { hint: `write e.g. ${check.example}.` });
  }
  return Object.freeze(given as PipelineOptions);
}

/**
 * The elements per bundle a run uses: `value` when it is a whole number of at least 1,
 * else a PipelineError (a run with 0 would never end, with NaN it would produce nothing).
 */
export function checkedBundleSize(value: unknown): number {
  const problem = bundleSizeProblem(value);
  if (problem) error(`Pipeline option bundleSize ${problem}`, { hint: `write e.g. ${CHECKS.bundleSize.example}.` });
  return value as number;
}

function bundleSizeProblem(v: unknown): string | null {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 1) return null;
  return `must be a whole number of at least 1, got ${describe(v)}`;
}

function isRunnerObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && typeof (v as { run?: unknown }).run === "function";
}

/** A value and its kind, for messages: `0`, `NaN`, `"3" (a string)`, `an object`. */
function describe(v: unknown): string {
  if (typeof v === "string") return `${truncate(v, 60)} (a string)`;
  if (typeof v === "function") return "a function";
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "an array" : "an object";
  return truncate(v, 60);
}

/** The known option closest to a misspelt one (case, a letter or two), if any. */
function closest(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}
