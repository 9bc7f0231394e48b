/**
 * Side inputs: a whole PCollection handed to every call of a DoFn or function, as a list,
 * a Map or a single value (Beam's `beam.pvalue.AsList` / `AsDict` / `AsSingleton`).
 */
import { error } from "../errors";
import { variableNames } from "../interactive/names";
import { PCollection } from "../pipeline/pvalue";
import { describeValue } from "../pipeline/validate";

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

const VIEW_NAMES: Record<SideInputKind, string> = { list: "AsList", iter: "AsIter", dict: "AsDict", singleton: "AsSingleton" };

/**
 * @internal Checks the side inputs of a ParDo (Map, FlatMap, Filter) when it is applied:
 * each must be a view (`AsList`, ...) of a PCollection of the main input's pipeline.
 * A bare PCollection would reach the function as itself, and another pipeline's would
 * arrive empty, so both are errors that say how to fix them.
 */
export function checkSideInputs(sides: readonly unknown[], main: PCollection<unknown>, label: string): void {
  sides.forEach((side, i) => {
    const n = i + 1;
    if (side instanceof PCollection) {
      const name = variableNames().get(side.id) ?? "pc";
      error(`Side input ${n} is a PCollection (${JSON.stringify(side.label)}), not a side input`, {
        label,
        hint: `wrap it: beam.pvalue.AsList(${name}) hands the function an array of its elements (AsDict: a Map of its [key, value] pairs; AsSingleton: its one element; AsIter: an iterable).`,
      });
    }
    if (!(side instanceof SideInput)) {
      error(`Side input ${n} is ${describeValue(side)}, not a side input`, {
        label,
        hint: "side inputs are beam.pvalue.AsList(pc), AsDict(pc), AsIter(pc) or AsSingleton(pc) of a PCollection; a constant needs no side input: use it in the function directly.",
      });
    }
    const view = VIEW_NAMES[side.kind];
    if (!(side.pcoll instanceof PCollection)) {
      error(`Side input ${n} is beam.pvalue.${view} of ${describeValue(side.pcoll)}, not of a PCollection`, {
        label,
        hint: `pass a PCollection of this pipeline: beam.pvalue.${view}(teachers), where teachers = p.apply(...).`,
      });
    }
    side.pcoll.assertPresent(label);
    if (side.pcoll.pipeline !== main.pipeline) {
      error(`Side input ${n} (${view} of ${JSON.stringify(side.pcoll.label)}) belongs to another pipeline`, {
        label,
        hint: "a run computes only its own pipeline, so this side input would arrive empty: build it in the same pipeline as the main input, or use one Pipeline object for both.",
      });
    }
  });
}
