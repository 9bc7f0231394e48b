/**
 * `beam.teaching.pairs`: an element-wise step's output paired with its input, element by
 * element: what each input became, what changed in it, which inputs a Filter dropped and
 * which a FlatMap fanned out. The data of the player's before/after view.
 */
import { PipelineError } from "../errors";
import type { PCollection } from "../pipeline/pvalue";
import { presented, comparePCollections } from "./diff";
import type { Pairs } from "./pairing";
import { variableNames } from "../interactive/names";
import { checkPCollection, interactiveRunnerOf } from "./runner-lineage";
import { elementWiseKind, isStepOutput, stepOf } from "./steps";

/** Options of {@link pairs}. */
export interface PairsOptions {
  /** Show the table (default: in a notebook, yes; elsewhere, no). */
  readonly show?: boolean;
}

/**
 * Each output element of an element-wise step (ParDo, Map, FlatMap, Filter) paired with the
 * input element that produced it, with the changed fields; inputs that produced nothing are
 * `dropped`, and the outputs of an input that produced several carry `fanOut`. Computes
 * what is missing; needs the interactive runner (with lineage off, it pairs by value).
 *
 * @example
 * const p = await beam.teaching.pairs(students);   // the output of "Format dob"
 * p.rows[0];          // { status: "changed", before: {..., dob: "May-10-1999"}, after: {..., dob: "1999-05-10"}, changes: [...] }
 * p.counts.dropped;   // for a Filter: how many inputs it dropped
 */
export async function pairs<O>(step: PCollection<O>, opts: PairsOptions = {}): Promise<Pairs<unknown, O>> {
  checkPCollection(step, "beam.teaching.pairs", "beam.teaching.pairs(students)");
  const pc = step as PCollection<unknown>;
  interactiveRunnerOf(pc, "beam.teaching.pairs");
  const root = stepOf(pc);
  const kind = elementWiseKind(root);
  if (!kind || !isStepOutput(pc) || root.inputs.length !== 1) {
    throw new PipelineError(`beam.teaching.pairs() needs the output of an element-wise step (ParDo, Map, FlatMap or Filter), and "${root.fullLabel}" is a ${root.kind}`, {
      label: root.fullLabel,
      hint: `to see where its elements came from, use await beam.lineage(${variableNames().get(pc.id) ?? "pcoll"}, 0); to compare two PCollections, await beam.diff(before, after).`,
    });
  }
  const input = root.inputs[0];
  const result = await comparePCollections<unknown, O>(input, step, { step: { label: root.fullLabel, kind } });
  return presented(result, opts.show);
}
