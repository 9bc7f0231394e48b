/**
 * CombinePerKey and CombineGlobally.
 */
import type { PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";
import { combineFnName, toCombineFn, type CombineFn, type Combiner } from "./combine-fn";
import { Create } from "./create";
import { GroupByKey } from "./group";
import { Map as MapT } from "./map";
import { DoFn } from "./dofn";
import { ParDoTransform } from "./pardo";
import { AsList } from "./side-inputs";

class CombinePerKeyTransform<K, I, O> extends PTransform<PCollection<readonly [K, I]>, PCollection<[K, O]>> {
  readonly name: string;
  private readonly fn: CombineFn<I, any, O>;
  constructor(private readonly combiner: Combiner<I, O>) {
    super();
    this.fn = toCombineFn(combiner);
    this.name = `CombinePerKey(${combineFnName(combiner)})`;
  }
  expand(input: PCollection<readonly [K, I]>, ctx: ExpandContext): PCollection<[K, O]> {
    // Runners that know CombinePerKey accumulate per key as values arrive (combiner
    // lifting); the others run the GroupByKey + ParDo it expands to.
    ctx.override({ kind: "CombinePerKey", combineFn: this.fn });
    const fn = this.fn;
    return input
      .apply("GroupByKey", GroupByKey<K, I>())
      .apply(
        "Combine",
        MapT(([k, values]: [K, I[]]) => {
          let acc = fn.createAccumulator();
          for (const v of values) acc = fn.addInput(acc, v);
          return [k, fn.extractOutput(acc)] as [K, O];
        }),
      );
  }
  params(): Record<string, string> {
    return { combineFn: combineFnName(this.combiner) };
  }
}

/**
 * Combines the values of each key: a function over the values, or a CombineFn.
 *
 * @example
 * pairs.apply("Sum", beam.CombinePerKey((counts: number[]) => counts.reduce((a, b) => a + b, 0)));
 */
export function CombinePerKey<K, I, O>(combiner: Combiner<I, O>): PTransform<PCollection<readonly [K, I]> | PCollection<[K, I]>, PCollection<[K, O]>> {
  return new CombinePerKeyTransform<K, I, O>(combiner) as PTransform<PCollection<readonly [K, I]> | PCollection<[K, I]>, PCollection<[K, O]>>;
}

/**
 * CombineGlobally's last step: the combined value, or the combiner's result for no
 * elements. A DoFn with the CombineFn in a field (not a closure), so it can move to a worker.
 */
export class InjectDefaultFn<O> extends DoFn<null, O> {
  /** @internal Its result is the combined value, so lineage follows the side input, not the dummy. */
  readonly lineageFromSideInputs = true;
  constructor(readonly combineFn: CombineFn<any, any, O>) {
    super();
  }
  process(_: null, results: O[]): O[] {
    return [results.length ? results[0] : this.combineFn.extractOutput(this.combineFn.createAccumulator())];
  }
  displayName(): string {
    return "Map(lambda)";
  }
}

class CombineGloballyTransform<I, O> extends PTransform<PCollection<I>, PCollection<O>> {
  readonly name: string;
  private readonly fn: CombineFn<I, any, O>;
  constructor(private readonly combiner: Combiner<I, O>) {
    super();
    this.fn = toCombineFn(combiner);
    this.name = `CombineGlobally(${combineFnName(combiner)})`;
  }
  expand(input: PCollection<I>): PCollection<O> {
    const fn = this.fn;
    const combined = input
      .apply("KeyWithVoid", MapT((v: I) => [null, v] as [null, I]))
      .apply("CombinePerKey", CombinePerKey<null, I, O>(this.fn))
      .apply("UnKey", MapT(([, v]: [null, O]) => v));
    // Beam gives the combiner's empty result when the input is empty (InjectDefault).
    const inject = new ParDoTransform<null, O>(new InjectDefaultFn(fn), [AsList(combined)]);
    return input.pipeline.apply("DoOnce", Create([null])).apply("InjectDefault", inject);
  }
  params(): Record<string, string> {
    return { combineFn: combineFnName(this.combiner) };
  }
}

/**
 * Combines all elements into one: a function over the elements, or a CombineFn. An empty
 * input gives the combiner's result for no elements.
 *
 * @example
 * nums.apply("Total", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
 */
export function CombineGlobally<I, O>(combiner: Combiner<I, O>): PTransform<PCollection<I>, PCollection<O>> {
  return new CombineGloballyTransform(combiner);
}
