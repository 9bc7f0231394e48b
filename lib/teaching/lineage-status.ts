/**
 * Whether lineage can be shown for a PCollection, without computing anything: for a front
 * end deciding whether to offer "where did this come from?", and for a plain answer.
 */
import type { PCollection } from "../pipeline/pvalue";
import { InteractiveRunner } from "../runners/interactive";
import { resolveRunner } from "../runners/registry";
import { offMessage } from "./lineage-trace";
import { outputLabel } from "./steps";

/** What is known of a PCollection's lineage. */
export type LineageStatus =
  /** Recorded: `beam.lineage` can trace its elements. */
  | { readonly state: "recorded"; readonly limit: number }
  /** Not computed yet: it will be recorded when it is (within the limit). */
  | { readonly state: "not computed"; readonly limit: number }
  /** Not recorded, and why, in a sentence that says what to do. */
  | { readonly state: "off"; readonly reason: string };

/**
 * @example
 * beam.teaching.lineageStatus(students);   // { state: "recorded", limit: 1000000 }
 */
export function lineageStatus(pcoll: PCollection<unknown>): LineageStatus {
  const runner = resolveRunner(pcoll.pipeline);
  if (!(runner instanceof InteractiveRunner)) {
    return { state: "off", reason: `The ${runner.name} runner records no lineage: create the pipeline with new beam.Pipeline({ runner: "interactive" }).` };
  }
  const store = runner.lineage();
  if (!store) return { state: "off", reason: "Lineage is off for this pipeline (lineage: false): create it without that option to record lineage." };
  const rec = store.get(pcoll.id);
  if (!rec) return { state: "not computed", limit: store.limit };
  if (rec.off) return { state: "off", reason: offMessage(outputLabel(pcoll), rec.off) };
  return { state: "recorded", limit: store.limit };
}
