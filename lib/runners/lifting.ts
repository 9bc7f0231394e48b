/**
 * Combiner lifting across a pairing: a Map that only pairs each element with one constant
 * (Count.PerElement's PairWithOne), whose pairs go into nothing but the CombinePerKey beside
 * it, need not make them. The combine is handed the Map's input as keys and the constant as
 * every value; the pairs' count is kept as if they had been emitted. The graph, the plan
 * and every count stay Beam's; only the execution skips the pairs, as Dataflow's lifting
 * skips work the graph names. On a million elements the pairs were about a seventh of what the
 * teacher pipeline allocated (test/bench/NOTES.md).
 *
 * Not lifted when anyone may look at the pairs: a PCollection collected or cached, a run that
 * observes every batch (step-through) or records lineage.
 */
import { FunctionDoFn } from "../transforms/dofn";
import { pairedValue } from "../transforms/pairing";
import type { Stage, StageStep } from "./fusion";

/** A pairing step lifted into the combine that reads its pairs. */
export interface LiftedPairing {
  /** The CombinePerKey's step, which takes the keys. */
  readonly combine: StageStep;
  /** What every key is paired with. */
  readonly value: unknown;
  /** The id of the pairs' PCollection, whose count goes on. */
  readonly pairs: string;
}

/** The pairing steps of `stage` that can be lifted; `observed(id)` tells a PCollection someone looks at. */
export function liftedPairings(stage: Stage, observed: (pcollId: string) => boolean): Map<StageStep, LiftedPairing> {
  const lifted = new Map<StageStep, LiftedPairing>();
  for (const step of stage.steps) {
    const spec = step.exec?.spec;
    if (step.role !== "pardo" || spec?.kind !== "ParDo" || spec.sideInputs.length || spec.tags.length || step.emits.length !== 1) continue;
    const fn = spec.fn;
    const paired = fn instanceof FunctionDoFn && fn.elementKind === "map" ? pairedValue(fn.fn) : undefined;
    const pairs = step.emits[0];
    if (!paired || observed(pairs)) continue;
    const readers = stage.steps.filter((s) => s.reads.includes(pairs));
    const combine = readers[0];
    if (readers.length === 1 && combine.role === "combine-partial" && combine.reads.length === 1) lifted.set(step, { combine, value: paired.value, pairs });
  }
  return lifted;
}
