/**
 * Side inputs: a whole PCollection handed to every call of a DoFn or function, as a list,
 * a Map or a single value (Beam's `beam.pvalue.AsList` / `AsDict` / `AsSingleton`).
 */
import { error } from "../errors";
import type { PCollection } from "../pipeline/pvalue";

export type SideInputKind = "list" | "iter" | "dict" | "singleton";

/** A PCollection viewed as one value `V` by the function that receives it. */
export class SideInput<T, V> {
  /** @internal */
  constructor(
    readonly kind: SideInputKind,
    public pcoll: PCollection<T>,
    private readonly defaultValue?: { value: T },
  ) {}

  /** @internal Builds the value handed to the function from all elements of the PCollection. */
  materialize(values: T[], label: string): V {
    switch (this.kind) {
      case "list":
      case "iter":
        return values as unknown as V;
      case "dict": {
        const m = new Map<unknown, unknown>();
        for (const kv of values as unknown as [unknown, unknown][]) {
          if (!Array.isArray(kv) || kv.length !== 2) {
            error("AsDict needs [key, value] pairs", { label, element: kv, hasElement: true, hint: "map the side input to [key, value] tuples before AsDict." });
          }
          m.set(kv[0], kv[1]);
        }
        return m as unknown as V;
      }
      case "singleton":
        if (values.length === 1) return values[0] as unknown as V;
        if (values.length === 0 && this.defaultValue) return this.defaultValue.value as unknown as V;
        return error(`AsSingleton needs exactly one element, found ${values.length}`, {
          label,
          hint: values.length === 0 ? "give AsSingleton a default value: AsSingleton(pcoll, defaultValue)." : "combine the side input to one element first, e.g. with beam.CombineGlobally.",
        });
    }
  }
}

/** The values a list of side inputs hands to the function, in order. */
export type SideValues<S extends readonly SideInput<any, any>[]> = { [K in keyof S]: S[K] extends SideInput<any, infer V> ? V : never };

/** The whole PCollection as an array. */
export function AsList<T>(pcoll: PCollection<T>): SideInput<T, T[]> {
  return new SideInput("list", pcoll);
}
/** The whole PCollection as an iterable (an array here). */
export function AsIter<T>(pcoll: PCollection<T>): SideInput<T, Iterable<T>> {
  return new SideInput("iter", pcoll);
}
/** A PCollection of `[key, value]` pairs as a `Map`. */
export function AsDict<K, V>(pcoll: PCollection<readonly [K, V]> | PCollection<[K, V]>): SideInput<[K, V], Map<K, V>> {
  return new SideInput("dict", pcoll as PCollection<[K, V]>);
}
/** A one-element PCollection as that element (or `defaultValue` when empty). */
export function AsSingleton<T>(pcoll: PCollection<T>, ...defaultValue: [] | [T]): SideInput<T, T> {
  return new SideInput("singleton", pcoll, defaultValue.length ? { value: defaultValue[0] as T } : undefined);
}
