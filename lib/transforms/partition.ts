/**
 * Partition: splits one PCollection into n by a function of the element.
 */
import { error } from "../errors";
import type { KeepsSchema, PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";
import { DoFn, TaggedOutput } from "./dofn";

/** Partition's DoFn (exported so the local runner can move it to a worker). */
export class PartitionFn<T> extends DoFn<T, never> {
  constructor(private readonly fn: (element: T, n: number) => number, private readonly n: number) {
    super();
  }
  process(element: T) {
    const i = this.fn(element, this.n);
    if (!Number.isInteger(i) || i < 0 || i >= this.n) {
      error(`Partition function returned ${String(i)}; it must be an integer from 0 to ${this.n - 1}`, {
        element,
        hasElement: true,
        hint: `make the function return a partition index below ${this.n}.`,
      });
    }
    return [TaggedOutput(String(i), element)];
  }
  displayName(): string {
    return `Partition(${this.fn.name || "lambda"})`;
  }
}

class PartitionTransform<T> extends PTransform<PCollection<T>, PCollection<T>[]> implements KeepsSchema {
  readonly name = "Partition";
  readonly keepsSchema = true;
  constructor(private readonly fn: (element: T, n: number) => number, private readonly n: number) {
    super();
  }
  expand(_input: PCollection<T>, ctx: ExpandContext): PCollection<T>[] {
    const tags = Array.from({ length: this.n }, (_, i) => String(i));
    const out = ctx.primitive<Record<string, PCollection<T>>>(
      { kind: "ParDo", fn: new PartitionFn(this.fn, this.n), sideInputs: [], tags },
      { tags: ["main", ...tags] },
    );
    return tags.map((t) => out[t]);
  }
  params(): Record<string, string> {
    return { partitions: String(this.n) };
  }
}

/**
 * `n` PCollections; each element goes to partition `fn(element, n)`.
 *
 * @example
 * const [cs, math] = teachers.apply("By dept", beam.Partition((t) => (t.dept === "CS" ? 0 : 1), 2));
 */
export function Partition<T>(fn: (element: T, n: number) => number, n: number): PTransform<PCollection<T>, PCollection<T>[]> {
  if (!Number.isInteger(n) || n < 1) error(`Partition needs a positive number of partitions, got ${n}`, { hint: "write beam.Partition(fn, 2)." });
  return new PartitionTransform(fn, n);
}
