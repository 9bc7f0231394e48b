/**
 * Flatten: several PCollections of the same type as one.
 */
import { error } from "../errors";
import type { KeepsSchema, PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";
import { firstPCollection } from "../pipeline/validate";

class FlattenTransform<T> extends PTransform<readonly PCollection<T>[], PCollection<T>> implements KeepsSchema {
  readonly name = "Flatten";
  readonly keepsSchema = true;
  expand(_inputs: readonly PCollection<T>[], ctx: ExpandContext): PCollection<T> {
    return ctx.primitive({ kind: "Flatten" });
  }
}

type Elem<P> = P extends PCollection<infer T> ? T : never;

/** Merges PCollections. */
export const Flatten = {
  /**
   * One PCollection with the elements of all of `pcolls`, which must all be PCollections
   * of one pipeline (anything else is an error when it is applied).
   *
   * @example
   * const all = beam.Flatten.of([cs, math, physics]);
   */
  of<P extends PCollection<any>>(pcolls: readonly P[], label = "Flatten"): PCollection<Elem<P>> {
    if (!Array.isArray(pcolls) || pcolls.length === 0) {
      error("Flatten.of needs a non-empty array of PCollections", { label, hint: "write beam.Flatten.of([a, b])." });
    }
    const pipeline = firstPCollection(pcolls, label, "Flatten.of", "beam.Flatten.of([a, b])").pipeline;
    return pipeline.applyTransform(label, new FlattenTransform<Elem<P>>(), pcolls as readonly PCollection<Elem<P>>[]);
  },
};
