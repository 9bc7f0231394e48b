/**
 * The interactive runner and the lineage it keeps for a PCollection's pipeline, or an
 * error that says what to change: lineage lives next to the interactive runner's cache.
 */
import { PipelineError } from "../errors";
import type { PipelineRef } from "../display/protocol";
import { variableNames } from "../interactive/names";
import type { Pipeline } from "../pipeline/pipeline";
import { PCollection } from "../pipeline/pvalue";
import { InteractiveRunner } from "../runners/interactive";
import { resolveRunner } from "../runners/registry";
import { DEFAULT_MAX_ELEMENTS } from "./lineage-options";
import type { LineageStore } from "./lineage-store";
import { outputLabel, stepOf } from "./steps";

/** Refuses anything but a PCollection that is still in its pipeline; `what` names the call (`beam.lineage`). */
export function checkPCollection(x: unknown, what: string, example: string): asserts x is PCollection<unknown> {
  if (!(x instanceof PCollection)) {
    throw new PipelineError(`${what}() needs a PCollection, got ${x === null ? "null" : Array.isArray(x) ? "an array" : typeof x}`, { hint: `pass the variable a step's output is in, e.g. ${example}.` });
  }
  x.assertPresent();
}

/** The interactive runner of the PCollection's pipeline; the direct runner keeps no elements to trace. */
export function interactiveRunnerOf(pc: PCollection<unknown>, what: string): InteractiveRunner {
  const runner = resolveRunner(pc.pipeline);
  if (runner instanceof InteractiveRunner) return runner;
  throw new PipelineError(`${what}() needs the interactive runner, and this pipeline runs on the ${runner.name} runner`, {
    label: stepOf(pc).fullLabel,
    hint: 'create the pipeline with new beam.Pipeline({ runner: "interactive" }) (the default in a notebook) and run its cells again.',
  });
}

/** The runner's lineage, or an error saying that lineage is off for the pipeline and how to turn it on. */
export function lineageStoreOf(runner: InteractiveRunner, pc: PCollection<unknown>, what: string): LineageStore {
  const store = runner.lineage();
  if (store) return store;
  throw new PipelineError(`Lineage is off for this pipeline (it was created with lineage: false), so ${what}() has nothing to follow`, {
    label: stepOf(pc).fullLabel,
    hint: `create it without lineage: false (new beam.Pipeline() records lineage for PCollections up to ${DEFAULT_MAX_ELEMENTS.toLocaleString("en-US")} elements) and run its cells again.`,
  });
}

/** How a display names the pipeline: its notebook variable, else its name. */
export function pipelineRef(p: Pipeline): PipelineRef {
  return { id: p.id, name: variableNames().get(p.id) ?? p.name };
}

/** How a display names a PCollection: `students ("Format dob")` in a notebook, else its label. */
export function pcollectionName(pc: PCollection<unknown>): string {
  const v = variableNames().get(pc.id);
  return v ? `${v} ("${outputLabel(pc)}")` : `"${outputLabel(pc)}"`;
}
