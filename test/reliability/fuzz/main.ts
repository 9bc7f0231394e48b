/**
 * `npm run fuzz [-- --runs N --seed S --steps K]`: the long runner-equivalence fuzz. Prints
 * the cases tried and, on a disagreement, the minimal program; exits non-zero then.
 */
import { fuzzRunners } from "./equivalence";

function flag(name: string, fallback?: number): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const started = Date.now();
  const report = await fuzzRunners({ runs: flag("runs", 500)!, seed: flag("seed"), maxSteps: flag("steps", 10) });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`fuzz: ${report.cases} random pipelines on direct, interactive and local (2 workers) in ${secs} s, seed ${report.seed}; ${report.refusedAlike} refused alike by every runner`);
  if (report.failure) {
    console.log(report.failure);
    process.exitCode = 1;
  } else console.log("fuzz: every runner gave the same multisets");
}

void main();
