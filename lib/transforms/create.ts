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
  let copy: readonly T[];
  try {
    copy = copyOf(values);
  } catch (e) {
    error("Create could not read its values", { cause: e, hint: "pass an array of elements, e.g. beam.Create([1, 2, 3]), or fix the iterable it was given." });
  }
  return new CreateTransform(copy);
}

/**
 * The last copy Create made of each array. A notebook builds its pipeline again over the same
 * rows on every run: when the array still holds the same elements, the copy is shared, and
 * the runner knows from it that they were all frozen already (`operators/sources.ts`). Looking
 * at each element's frozenness again costs 40 ms per million; comparing them, 5 to 19.
 */
const lastCopies = new WeakMap<readonly unknown[], readonly unknown[]>();

function copyOf<T>(values: Iterable<T>): readonly T[] {
  if (!Array.isArray(values)) return [...values];
  const last = lastCopies.get(values) as readonly T[] | undefined;
  if (last !== undefined && sameElements(last, values)) return last;
  const copy = [...values];
  lastCopies.set(values, copy);
  return copy;
}

function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
