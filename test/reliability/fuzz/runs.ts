/**
 * One fuzzed program on each runner, reduced to what the runners must agree on: for every
 * step, the multiset of its elements' canonical encodings (or the error that stopped it).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../../lib";
import { elementsOf } from "../../../lib/collect";
import { encodeKey } from "../../../lib/keys";
import * as ops from "./ops";
import { applyStep, build, type Program } from "./program";

/** Per step, its elements' encodings sorted; or the first line of the error that stopped the run. */
export type Outcome = { outputs: string[][] } | { error: string };

export type RunnerName = "direct" | "interactive" | "local";

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0];

/** Runs the program on a runner that writes its outputs: each step's encodings to a text sink. */
async function viaSinks(prog: Program, runner: "direct" | "local", workers: number): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `beamlab-fuzz-${runner}-`));
  try {
    const p = new beam.Pipeline({ runner, workers });
    const pcs = build(p, prog);
    pcs.forEach((pc, at) => pc.apply(`S${at} encode`, beam.Map(ops.encoded)).apply(`S${at} write`, beam.io.WriteToText(path.join(dir, `out-${at}.txt`))));
    await p.run();
    const names = fs.readdirSync(dir);
    const outputs = pcs.map((_, at) => {
      const lines: string[] = [];
      for (const n of names.filter((n) => n.startsWith(`out-${at}.txt`))) {
        for (const l of fs.readFileSync(path.join(dir, n), "utf8").split("\n")) if (l !== "") lines.push(l);
      }
      return lines.sort();
    });
    return { outputs };
  } catch (e) {
    return { error: firstLine(e) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the program cell by cell on the interactive runner: collects some steps first (so
 * later collects read their caches), builds the re-applied step with another function,
 * collects below it, then re-applies the real step under the same label (which must drop
 * exactly the caches downstream of it) and collects every step.
 */
async function interactively(prog: Program): Promise<Outcome> {
  try {
    const p = new beam.Pipeline({ runner: "interactive" });
    const pcs = build(p, prog, prog.reapply);
    for (const c of prog.cacheFirst) await elementsOf(pcs[c]);
    if (prog.reapply !== null) {
      await elementsOf(pcs[pcs.length - 1]);
      const again = applyStep(p, prog.steps[prog.reapply], pcs, prog.reapply);
      if (again !== pcs[prog.reapply]) throw new Error("re-applying a label gave a new PCollection instead of replacing the transform");
    }
    const outputs: string[][] = [];
    for (const pc of pcs) outputs.push((await elementsOf(pc)).map((x) => encodeKey(x)).sort());
    return { outputs };
  } catch (e) {
    return { error: firstLine(e) };
  }
}

/** The program's outcome on one runner. */
export function runOn(prog: Program, runner: RunnerName, workers = 2): Promise<Outcome> {
  return runner === "interactive" ? interactively(prog) : viaSinks(prog, runner, workers);
}
