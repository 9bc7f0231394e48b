/**
 * `beam.stepThrough`: a pipeline played step by step, for a lecture. Computes what is
 * missing (with the interactive runner's progress), then shows one output: the live
 * player for the extension ({@link STEPTHROUGH_MIME}), one static HTML frame per step and
 * a text outline for every other viewer.
 */
import { DISPLAY_SYMBOL } from "../display/displayable";
import { displayBundle, inKernel } from "../display/emit";
import { PipelineError } from "../errors";
import { Pipeline } from "../pipeline/pipeline";
import { PCollection } from "../pipeline/pvalue";
import { InteractiveRunner } from "../runners/interactive";
import { resolveRunner } from "../runners/registry";
import { STEPTHROUGH_MIME, type StepThroughPayload } from "./protocol";
import { pcollectionsOf, stepThroughPayload } from "./step-build";
import { stepThroughHtml, stepThroughText } from "./step-frames";
import { playOrder, stepsUpstreamOf } from "./step-list";
import { writes } from "./steps";

/** Options of {@link stepThrough}. */
export interface StepThroughOptions {
  /**
   * Rows of each input and output saved in the notebook per step (default 20). The live
   * player pages through all of them from the kernel; nbconvert and slides show the first 6.
   */
  readonly sample?: number;
  /** Show the player (default: in a notebook, yes; elsewhere, no). */
  readonly show?: boolean;
}

/** What `stepThrough` returns: the player's payload (steps in play order), shown again by `beam.show(it)`. */
export type StepThrough = StepThroughPayload;

const DEFAULT_SAMPLE = 20;

/**
 * Plays a pipeline step by step: the graph with the current step highlighted, its input
 * and output PCollections side by side (paged from the kernel), its code, counts in and
 * out, before/after pairs of element-wise steps (changed fields highlighted, dropped and
 * fanned-out elements marked), how groups, joins and Flattens formed, and, on a click on
 * an element, where it came from and what it led to. Composite steps can be stepped into
 * or over. For a PCollection, plays the steps it is computed from; for a pipeline, all of
 * them (writes are not played: run `p.run()` for those).
 *
 * @example
 * await beam.stepThrough(students);             // Read student → Format dob
 * await beam.stepThrough(p, { sample: 50 });    // every step of the pipeline, 50 rows saved per table
 */
export async function stepThrough(target: PCollection<unknown> | Pipeline, opts: StepThroughOptions = {}): Promise<StepThrough> {
  const sample = opts?.sample ?? DEFAULT_SAMPLE;
  if (!Number.isInteger(sample) || sample < 1) {
    throw new PipelineError(`beam.stepThrough() option sample must be a whole number of at least 1, got ${String(opts.sample).slice(0, 40)}`, { hint: "write e.g. beam.stepThrough(students, { sample: 20 }), or leave sample out (20 rows per table)." });
  }
  const pipeline = target instanceof Pipeline ? target : target instanceof PCollection ? target.pipeline : null;
  if (!pipeline) {
    throw new PipelineError(`beam.stepThrough() needs a PCollection or a pipeline, got ${target === null ? "null" : Array.isArray(target) ? "an array" : typeof target}`, {
      hint: "pass the variable a step's output is in, e.g. beam.stepThrough(students), or the pipeline: beam.stepThrough(p).",
    });
  }
  if (target instanceof PCollection) target.assertPresent();
  const runner = resolveRunner(pipeline);
  if (!(runner instanceof InteractiveRunner)) {
    throw new PipelineError(`beam.stepThrough() needs the interactive runner, and this pipeline runs on the ${runner.name} runner`, {
      hint: 'create the pipeline with new beam.Pipeline({ runner: "interactive" }) (the default in a notebook) and run its cells again.',
    });
  }
  const tops = target instanceof Pipeline ? pipeline.roots.filter((r) => !writes(r)) : stepsUpstreamOf(pipeline, target);
  if (!tops.length) {
    throw new PipelineError("beam.stepThrough() has no step to play: the pipeline has no transform yet (writes are not played)", { hint: "apply a source and a transform first, e.g. p.apply(\"Read\", beam.io.ReadFromSQL(...))." });
  }
  const steps = playOrder(tops);
  const notes: string[] = [];
  const skipped = pipeline.roots.filter(writes).length;
  if (target instanceof Pipeline && skipped) notes.push(`${skipped} write step${skipped === 1 ? " is" : "s are"} not played: they write files or tables when p.run() runs.`);
  // One run computes everything missing; the runner shows its progress when it takes a while.
  await runner.computeMissing(pcollectionsOf(steps));
  const { payload, pairs } = await stepThroughPayload(pipeline, runner, steps, tops, sample, notes);
  const byId = new Map(pipeline.pcollections().map((pc) => [pc.id, pc]));
  const source = { elements: (id: string) => (byId.has(id) ? runner.cached(byId.get(id)!) : undefined), pairs: (id: string) => pairs.get(id) ?? [] };
  const bundle = () => ({ [STEPTHROUGH_MIME]: payload, "text/html": stepThroughHtml(payload, source), "text/plain": stepThroughText(payload) });
  Object.defineProperty(payload, DISPLAY_SYMBOL, { value: bundle, enumerable: false });
  // tslab prints a cell's last value: one line, not the payload.
  const line = `StepThrough of ${payload.pipeline.name}: ${payload.steps.length} steps; see .steps`;
  Object.defineProperty(payload, Symbol.for("nodejs.util.inspect.custom"), { value: () => line, enumerable: false });
  if (opts.show ?? inKernel()) displayBundle(bundle());
  return payload;
}
