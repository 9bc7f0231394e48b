/**
 * The shuffle of GroupByKey and CombinePerKey across workers: each worker cuts its part of
 * the input by a hash of each key's canonical encoding (`keys.ts`), so that equal keys meet
 * on one worker, which then groups them. For a combine, values are combined per key before
 * the shuffle (combiner lifting) and only accumulators travel, merged on arrival.
 */
import { PipelineError, stepFailure } from "../../errors";
import { encodeKey, KeyedMap } from "../../keys";
import type { CombineFn } from "../../transforms/combine-fn";
import { badPair } from "../operators/group";

const KEY_HINT =
  "keys must be data (strings, numbers, bigints, booleans, null, dates, and arrays or plain records of them): " +
  "key by a field that is, e.g. beam.Map((x) => [x.id, x]), or filter such elements out before grouping.";

/** The worker (0..n-1) a key belongs to. */
export function partitionOf(key: unknown, n: number): number {
  const s = typeof key === "string" ? key : encodeKey(key);
  // FNV-1a: cheap and well spread over short strings.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % n;
}

function combineFailure(label: string, el: unknown, err: unknown, what: string): PipelineError {
  if (err instanceof PipelineError && err.label) return err;
  return new PipelineError("The combine function failed", { label, element: el, hasElement: true, cause: err, hint: `fix ${what} of the combine function.` });
}

/** A worker's part of a shuffle's input cut into `n` parts; with a CombineFn, `[key, accumulator]` pairs. */
export function cut(elements: readonly unknown[], n: number, label: string, fn: CombineFn<unknown, unknown, unknown> | null): unknown[][] {
  const parts: unknown[][] = Array.from({ length: n }, () => []);
  if (!fn) {
    for (const el of elements) {
      if (!Array.isArray(el) || el.length !== 2) throw badPair(label, el);
      parts[keyPartition(el, n, label)].push(el);
    }
    return parts;
  }
  const accs = Array.from({ length: n }, () => new KeyedMap<unknown, { acc: unknown }>());
  let current: unknown;
  const init = () => {
    try {
      return { acc: fn.createAccumulator() };
    } catch (e) {
      throw combineFailure(label, current, e, "createAccumulator()");
    }
  };
  for (const el of elements) {
    if (!Array.isArray(el) || el.length !== 2) throw badPair(label, el);
    current = el;
    const e = accs[keyPartition(el, n, label)].obtain(el[0], init);
    try {
      e.acc = fn.addInput(e.acc, el[1]);
    } catch (err) {
      throw combineFailure(label, el, err, "addInput()");
    }
  }
  accs.forEach((m, i) => {
    for (const [k, e] of m.entries()) parts[i].push([k, e.acc]);
  });
  return parts;
}

function keyPartition(el: unknown[], n: number, label: string): number {
  try {
    return partitionOf(el[0], n);
  } catch (e) {
    throw stepFailure(e, { label, element: el, hasElement: true, message: "The key of this element cannot be compared with other keys", hint: KEY_HINT });
  }
}

/** What one worker makes of the parts it received: `[key, values[]]`, or `[key, output]` for a combine. */
export function gather(parts: readonly (readonly unknown[])[], label: string, fn: CombineFn<unknown, unknown, unknown> | null): unknown[] {
  const out: unknown[] = [];
  if (!fn) {
    const groups = new KeyedMap<unknown, unknown[]>();
    const init = () => [] as unknown[];
    for (const part of parts) for (const kv of part as [unknown, unknown][]) groups.obtain(kv[0], init).push(kv[1]);
    for (const kv of groups.entries()) out.push(kv);
    return out;
  }
  const accs = new KeyedMap<unknown, unknown[]>();
  const init = () => [] as unknown[];
  for (const part of parts) for (const kv of part as [unknown, unknown][]) accs.obtain(kv[0], init).push(kv[1]);
  for (const [k, list] of accs.entries()) {
    let merged: unknown;
    try {
      merged = list.length === 1 ? list[0] : fn.mergeAccumulators(list);
    } catch (e) {
      throw combineFailure(label, k, e, "mergeAccumulators()");
    }
    try {
      out.push([k, fn.extractOutput(merged)]);
    } catch (e) {
      throw combineFailure(label, k, e, "extractOutput()");
    }
  }
  return out;
}
