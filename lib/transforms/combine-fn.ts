/**
 * CombineFn: an associative, commutative reduction in four steps, so a runner can combine
 * values as they arrive instead of holding them all.
 */

/** Beam's CombineFn. */
export interface CombineFn<I, A, O> {
  createAccumulator(): A;
  addInput(accumulator: A, input: I): A;
  mergeAccumulators(accumulators: Iterable<A>): A;
  extractOutput(accumulator: A): O;
}

/** A function over all values of a key, or a CombineFn. */
export type Combiner<I, O> = CombineFn<I, any, O> | ((values: I[]) => O);

/**
 * A CombineFn from a plain function over the whole array of values. A class with the
 * function in a field (not a closure), so the local runner can move it to a worker.
 */
export class FunctionCombineFn<I, O> implements CombineFn<I, I[], O> {
  readonly displayName: string;
  constructor(readonly fn: (values: I[]) => O) {
    this.displayName = fn.name || "lambda";
  }
  createAccumulator(): I[] {
    return [];
  }
  addInput(acc: I[], v: I): I[] {
    acc.push(v);
    return acc;
  }
  mergeAccumulators(accs: Iterable<I[]>): I[] {
    return ([] as I[]).concat(...accs);
  }
  extractOutput(acc: I[]): O {
    return this.fn(acc);
  }
}

/** A CombineFn from a plain function over the whole array of values. */
export function toCombineFn<I, O>(c: Combiner<I, O>): CombineFn<I, any, O> {
  if (typeof c !== "function") return c;
  return new FunctionCombineFn(c);
}

/** A name for graphs and errors. */
export function combineFnName(c: Combiner<any, any>): string {
  if (typeof c === "function") return c.name || "lambda";
  return (c as { displayName?: string }).displayName ?? c.constructor?.name ?? "CombineFn";
}
