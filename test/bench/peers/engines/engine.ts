/**
 * What an engine of the benchmark is: a name, a family (for the report), and a way to run
 * one case over an input directory, writing each output as text files `out/<output>*` (one
 * canonical line per record, any order, any number of shards): every engine does the work
 * a pipeline does, read to write. The child process (../child.ts) times `run` and measures
 * start-up (`load`: the engine's modules) apart.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { CaseName } from "../cases";

export interface Engine {
  /** e.g. "beamlab direct" */
  name: string;
  /** Loads what the engine needs (timed as start-up). */
  load?(): Promise<void> | void;
  /**
   * Runs one case over the inputs in `input`, writing its outputs under `out`. An engine
   * whose timed part is only a piece of the run (a cached re-show) returns that piece's
   * milliseconds; otherwise the whole call is timed.
   */
  run(c: CaseName, input: string, out: string): Promise<number | void>;
  /** Cases this engine cannot express, with why. */
  skips?: Partial<Record<CaseName, string>>;
}

/** Writes one output's lines as one file. */
export function writeLines(out: string, name: string, lines: readonly string[]): void {
  fs.writeFileSync(path.join(out, name), lines.length ? `${lines.join("\n")}\n` : "");
}
