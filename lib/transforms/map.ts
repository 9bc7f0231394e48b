/**
 * Map, FlatMap and Filter: ParDo with a plain function instead of a DoFn class.
 */
import { error } from "../errors";
import type { KeepsSchema, PCollection } from "../pipeline/pvalue";
import type { PTransform } from "../pipeline/transform";
import { FunctionDoFn, type ElementFnKind } from "./dofn";
import { ParDoTransform } from "./pardo";
import type { WithErrors } from "./exception-handling";
import type { SideInput, SideValues } from "./side-inputs";

/** Map, FlatMap or Filter: a one-input, one-output step that can also route failures aside. */
export interface ElementwiseTransform<I, O> extends PTransform<PCollection<I>, PCollection<O>> {
  /** `{ good, bad }`: failing elements go to `bad` with their error instead of failing the run (see ParDo's). */
  withExceptionHandling(): PTransform<PCollection<I>, WithErrors<I, O>>;
}

type Side = readonly SideInput<any, any>[];

function fromFunction(kind: ElementFnKind, verb: string, fn: unknown, sides: Side): ParDoTransform<any, any> {
  if (typeof fn !== "function") error(`${verb} needs a function, got ${typeof fn}`, { hint: `write beam.${verb}((element) => ...).` });
  return new ParDoTransform(new FunctionDoFn(kind, fn as (e: unknown) => unknown, verb), [...sides]);
}

/**
 * One output per element: `fn(element, ...sideInputValues)` (may be async).
 *
 * @example
 * nums.apply("Times ten", beam.Map((n) => n * 10));
 * rows.apply("Dept name", beam.Map((row, depts) => depts.get(row.dept), beam.pvalue.AsDict(deptNames)));
 */
export function Map<I, O, S extends Side = []>(fn: (element: I, ...sides: SideValues<S>) => O | Promise<O>, ...sideInputs: S): ElementwiseTransform<I, O> {
  return fromFunction("map", "Map", fn, sideInputs);
}

/**
 * Zero or more outputs per element: `fn` returns an array, any iterable or a generator.
 *
 * @example
 * lines.apply("Split words", beam.FlatMap((line) => line.split(" ")));
 */
export function FlatMap<I, O, S extends Side = []>(
  fn: (element: I, ...sides: SideValues<S>) => Iterable<O> | AsyncIterable<O> | Promise<Iterable<O>>,
  ...sideInputs: S
): ElementwiseTransform<I, O> {
  return fromFunction("flatMap", "FlatMap", fn, sideInputs);
}

/**
 * Keeps the elements for which `fn` is truthy. A type-guard predicate narrows the type.
 *
 * @example
 * rows.apply("Has a class", beam.Filter((row) => row.cno !== null));
 */
export function Filter<I, O extends I, S extends Side = []>(fn: (element: I, ...sides: SideValues<S>) => element is O, ...sideInputs: S): ElementwiseTransform<I, O>;
export function Filter<I, S extends Side = []>(fn: (element: I, ...sides: SideValues<S>) => unknown, ...sideInputs: S): ElementwiseTransform<I, I>;
export function Filter(fn: (element: unknown, ...sides: unknown[]) => unknown, ...sideInputs: SideInput<any, any>[]): ElementwiseTransform<unknown, unknown> {
  const keeps: KeepsSchema = { keepsSchema: true };
  return Object.assign(fromFunction("filter", "Filter", fn, sideInputs), keeps);
}
