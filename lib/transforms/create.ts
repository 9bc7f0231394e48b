/**
 * Create: a PCollection from values in memory.
 */
import { error } from "../errors";
import type { PBegin, PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";

class CreateTransform<T> extends PTransform<PBegin, PCollection<T>> {
  readonly name = "Create";
  constructor(private readonly values: readonly T[]) {
    super();
  }
  expand(_input: PBegin, ctx: ExpandContext): PCollection<T> {
    return ctx.primitive({ kind: "Create", values: this.values });
  }
  params(): Record<string, string> {
    return { elements: String(this.values.length) };
  }
}

/**
 * A PCollection of the given values.
 *
 * @example
 * const nums = p.apply("Create", beam.Create([1, 2, 3, 4, 5]));
 */
export function Create<T>(values: Iterable<T>): PTransform<PBegin, PCollection<T>> {
  if (typeof values === "string") {
    error("Create needs an array of elements, got a string", { hint: `wrap it: beam.Create([${JSON.stringify(values).slice(0, 40)}]).` });
  }
  if (values === null || values === undefined || typeof (values as Iterable<T>)[Symbol.iterator] !== "function") {
    error(`Create needs an array (or iterable) of elements, got ${values === null ? "null" : typeof values}`, { hint: "write beam.Create([element1, element2, ...])." });
  }
  let copy: T[];
  try {
    copy = [...values];
  } catch (e) {
    error("Create could not read its values", { cause: e, hint: "pass an array of elements, e.g. beam.Create([1, 2, 3]), or fix the iterable it was given." });
  }
  return new CreateTransform(copy);
}
