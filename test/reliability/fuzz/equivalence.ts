/**
 * The property: every random program gives the same outcome on the direct, interactive and
 * local runners. A failure is shrunk by fast-check and reported as the minimal program's code.
 */
import fc from "fast-check";
import { isDeepStrictEqual } from "node:util";
import { program, programText, type Program } from "./program";
import { runOn, type Outcome, type RunnerName } from "./runs";

export const RUNNERS: readonly RunnerName[] = ["direct", "interactive", "local"];

/** What a fuzz run found. */
export interface FuzzReport {
  /** Programs tried (shrinking steps not counted). */
  cases: number;
  /** Programs that errored on every runner alike (a refusal is an outcome too). */
  refusedAlike: number;
  seed: number;
  /** The minimal failing program as code, with each runner's outcome; null when all agreed. */
  failure: string | null;
}

function outcomeText(o: Outcome): string {
  if ("error" in o) return `error: ${o.error}`;
  return o.outputs.map((lines, at) => `pc${at}: [${lines.join(", ")}]`).join("\n    ");
}

/** Runs `runs` random programs (seeded) on every runner and compares their outcomes. */
export async function fuzzRunners(opts: { runs: number; seed?: number; maxSteps?: number }): Promise<FuzzReport> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  let cases = 0;
  let refusedAlike = 0;
  let shrinking = false;
  const disagreement = async (prog: Program): Promise<Record<string, Outcome> | null> => {
    const outcomes: Record<string, Outcome> = {};
    for (const r of RUNNERS) outcomes[r] = await runOn(prog, r);
    const [first, ...rest] = RUNNERS.map((r) => outcomes[r]);
    const agree = rest.every((o) => isDeepStrictEqual(o, first));
    if (agree && "error" in first && !shrinking) refusedAlike++;
    return agree ? null : outcomes;
  };
  const result = await fc.check(
    fc.asyncProperty(program(opts.maxSteps), async (prog) => {
      if (!shrinking) cases++;
      const found = await disagreement(prog);
      if (found) shrinking = true;
      return found === null;
    }),
    { numRuns: opts.runs, seed, endOnFailure: false },
  );
  if (!result.failed || !result.counterexample) return { cases, refusedAlike, seed, failure: null };
  const [minimal] = result.counterexample;
  const outcomes = (await disagreement(minimal)) ?? {};
  const failure = [
    `the runners disagree on this program (seed ${seed}, path ${result.counterexamplePath}, shrunk ${result.numShrinks} times):`,
    programText(minimal),
    ...Object.entries(outcomes).map(([r, o]) => `  ${r}:\n    ${outcomeText(o)}`),
  ].join("\n");
  return { cases, refusedAlike, seed, failure };
}
