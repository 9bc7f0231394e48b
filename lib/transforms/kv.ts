/**
 * Small transforms over `[key, value]` pairs and Distinct.
 */
import type { KeepsSchema, PCollection } from "../pipeline/pvalue";
import { ptransform, type PTransform } from "../pipeline/transform";
import { CombinePerKey } from "./combine";
import { Map as MapT } from "./map";

/** The keys of `[key, value]` pairs. */
export function Keys<K, V>(): PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<K>> {
  return MapT(([k]: readonly [K, V]) => k) as PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<K>>;
}

/** The values of `[key, value]` pairs. */
export function Values<K, V>(): PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<V>> {
  return MapT(([, v]: readonly [K, V]) => v) as PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<V>>;
}

/** `[value, key]` for each `[key, value]`. */
export function KvSwap<K, V>(): PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<[V, K]>> {
  return MapT(([k, v]: readonly [K, V]) => [v, k] as [V, K]) as PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<[V, K]>>;
}

/** Each distinct element once; elements are compared by value. */
export function Distinct<T>(): PTransform<PCollection<T>, PCollection<T>> {
  const keeps: KeepsSchema = { keepsSchema: true };
  const distinct = ptransform("Distinct", (input: PCollection<T>) =>
    input
      .apply("ToPairs", MapT((e: T) => [e, null] as [T, null]))
      .apply("Group", CombinePerKey<T, null, null>(() => null))
      .apply("Keys", MapT(([e]: [T, null]) => e)),
  );
  return Object.assign(distinct, keeps);
}
