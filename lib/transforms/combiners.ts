/**
 * Ready-made combiners, as in Beam's `beam.combiners`.
 */
import { error, truncate } from "../errors";
import type { PCollection } from "../pipeline/pvalue";
import type { PTransform } from "../pipeline/transform";
import { ptransform } from "../pipeline/transform";
import { CombineGlobally, CombinePerKey } from "./combine";
import type { CombineFn } from "./combine-fn";
import { Map as MapT } from "./map";
import { PAIRS_WITH } from "./pairing";

/**
 * Count.PerElement's pairing of each element with 1, marked with the value it pairs with:
 * where its pairs go only into the CountPerKey beside it, the executor hands the combine the
 * elements as keys and the pairs are never made (`runners/lifting.ts`).
 */
const pairWithOne = Object.defineProperty(<T>(e: T): [T, number] => [e, 1], PAIRS_WITH, { value: { value: 1 } });

const countFn: CombineFn<unknown, number, number> & { displayName: string } = {
  displayName: "Count",
  createAccumulator: () => 0,
  addInput: (a) => a + 1,
  mergeAccumulators: (accs) => {
    let s = 0;
    for (const a of accs) s += a;
    return s;
  },
  extractOutput: (a) => a,
};

const meanFn: CombineFn<number, [number, number], number> & { displayName: string } = {
  displayName: "Mean",
  createAccumulator: () => [0, 0],
  addInput: (a, v) => {
    a[0] += Number(v);
    a[1] += 1;
    return a;
  },
  mergeAccumulators: (accs) => {
    const m: [number, number] = [0, 0];
    for (const [s, c] of accs) {
      m[0] += s;
      m[1] += c;
    }
    return m;
  },
  extractOutput: ([s, c]) => (c === 0 ? NaN : s / c),
};

const toListFn = <T>(): CombineFn<T, T[], T[]> & { displayName: string } => ({
  displayName: "ToList",
  createAccumulator: () => [],
  addInput: (a, v) => {
    a.push(v);
    return a;
  },
  mergeAccumulators: (accs) => ([] as T[]).concat(...accs),
  extractOutput: (a) => a,
});

/** Options of Top: rank by `key(element)` (default the element), largest first unless `reverse`. */
export interface TopOptions<T> {
  key?: (element: T) => number | string | bigint | Date;
  reverse?: boolean;
}

/** Top's CombineFn: fields, not closures, so the local runner can move it to a worker. */
export class TopCombineFn<T> implements CombineFn<T, T[], T[]> {
  readonly displayName: string;
  constructor(readonly n: number, readonly key: ((element: T) => number | string | bigint | Date) | null, readonly sign: 1 | -1) {
    this.displayName = `Top(${n})`;
  }
  private compare(a: T, b: T): number {
    const x = this.key ? this.key(a) : (a as unknown as number);
    const y = this.key ? this.key(b) : (b as unknown as number);
    return this.sign * (x < y ? 1 : x > y ? -1 : 0);
  }
  // Keep at most n per accumulator so memory stays bounded per key.
  private trim(a: T[]): T[] {
    return a.length > 2 * this.n ? a.sort((x, y) => this.compare(x, y)).slice(0, this.n) : a;
  }
  createAccumulator(): T[] {
    return [];
  }
  addInput(a: T[], v: T): T[] {
    a.push(v);
    return this.trim(a);
  }
  mergeAccumulators(accs: Iterable<T[]>): T[] {
    return this.trim(([] as T[]).concat(...accs));
  }
  extractOutput(a: T[]): T[] {
    return a.sort((x, y) => this.compare(x, y)).slice(0, this.n);
  }
}

function topFn<T>(n: number, opts: TopOptions<T> = {}): TopCombineFn<T> {
  // With 0, a negative or NaN count, Top would silently produce empty lists.
  if (!Number.isSafeInteger(n) || n < 1) error(`Top needs the number of elements to keep as a whole number of at least 1, got ${truncate(n, 40)}`, { hint: "write e.g. beam.combiners.Top.Of(3)." });
  return new TopCombineFn(n, opts.key ?? null, opts.reverse ? -1 : 1);
}

/** Counting. */
export const Count = {
  /** The number of elements, as one element. */
  Globally<T>(): PTransform<PCollection<T>, PCollection<number>> {
    return CombineGlobally<T, number>(countFn);
  },
  /** `[key, count]` for each key of a `[key, value]` PCollection. */
  PerKey<K, V>(): PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<[K, number]>> {
    return CombinePerKey<K, V, number>(countFn);
  },
  /** `[element, count]` for each distinct element. */
  PerElement<T>(): PTransform<PCollection<T>, PCollection<[T, number]>> {
    return ptransform("Count.PerElement", (input: PCollection<T>) =>
      input.apply("PairWithOne", MapT(pairWithOne<T>)).apply("CountPerKey", CombinePerKey<T, number, number>(countFn)),
    );
  },
};

/** Arithmetic mean. */
export const Mean = {
  /** The mean of all elements (NaN when empty). */
  Globally(): PTransform<PCollection<number>, PCollection<number>> {
    return CombineGlobally<number, number>(meanFn);
  },
  /** `[key, mean]` for each key. */
  PerKey<K>(): PTransform<PCollection<readonly [K, number]> | PCollection<[K, number]>, PCollection<[K, number]>> {
    return CombinePerKey<K, number, number>(meanFn);
  },
};

/** The n largest (or smallest) elements. */
export const Top = {
  /** One element: an array of the `n` largest elements (by `key`, reversed with `reverse`). */
  Of<T>(n: number, opts?: TopOptions<T>): PTransform<PCollection<T>, PCollection<T[]>> {
    return CombineGlobally<T, T[]>(topFn(n, opts));
  },
  /** `[key, topN[]]` for each key. */
  PerKey<K, V>(n: number, opts?: TopOptions<V>): PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<[K, V[]]>> {
    return CombinePerKey<K, V, V[]>(topFn(n, opts));
  },
  /** The n largest. */
  Largest<T>(n: number): PTransform<PCollection<T>, PCollection<T[]>> {
    return CombineGlobally<T, T[]>(topFn(n));
  },
  /** The n smallest. */
  Smallest<T>(n: number): PTransform<PCollection<T>, PCollection<T[]>> {
    return CombineGlobally<T, T[]>(topFn(n, { reverse: true }));
  },
};

/** All elements as one array. */
export function ToList<T>(): PTransform<PCollection<T>, PCollection<T[]>> {
  return CombineGlobally<T, T[]>(toListFn<T>());
}
