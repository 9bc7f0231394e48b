/**
 * Shared helpers of the teaching tests (not a test file itself): the course's college data
 * in a temporary warehouse, and interactive pipelines over it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import { loadCollege } from "../../datasets/load";
import { InteractiveRunner } from "../../lib/runners/interactive";
import { resolveRunner } from "../../lib/runners/registry";

let warehouse: Promise<string> | null = null;

/** A warehouse with the college data set loaded, made once per test file and removed at exit. */
export function collegeWarehouse(): Promise<string> {
  warehouse ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-teaching-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "warehouse.duckdb");
    await loadCollege(file);
    return file;
  })();
  return warehouse;
}

/** A notebook-like pipeline (interactive runner) reading from the college warehouse. */
export async function collegePipeline(opts: beam.PipelineOptions = {}): Promise<{ p: beam.Pipeline; wh: string }> {
  const wh = await collegeWarehouse();
  return { p: new beam.Pipeline({ runner: "interactive", warehouse: wh, ...opts }), wh };
}

/** The interactive runner of a pipeline. */
export function runnerOf(p: beam.Pipeline): InteractiveRunner {
  const r = resolveRunner(p);
  if (!(r instanceof InteractiveRunner)) throw new Error("expected the interactive runner");
  return r;
}

/** Expects `f` to reject with a PipelineError whose message matches every pattern; returns it. */
export async function rejectsWith(f: () => Promise<unknown>, ...patterns: RegExp[]): Promise<beam.PipelineError> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof beam.PipelineError)) throw new Error(`expected a PipelineError, got ${String(e)}`);
    for (const p of patterns) if (!p.test(e.message)) throw new Error(`the message does not match ${p}:\n${e.message}`);
    return e;
  }
  throw new Error("expected a rejection");
}
