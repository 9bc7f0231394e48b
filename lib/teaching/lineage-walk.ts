/**
 * Walks over recorded lineage, by PCollection id and element index: upstream to every
 * element an element came from, downstream to every element it led to. Pure data over a
 * {@link LineageStore}; what the walks reach is turned into a trace elsewhere.
 */
import type { LineageOff } from "./lineage-record";
import type { LineageStore } from "./lineage-store";

/** Element indexes reached, by PCollection id. */
export type Reached = Map<string, Set<number>>;

/** Where a walk could not go on, and why. */
export interface WalkStop {
  readonly pcollection: string;
  /** "off": over the size limit; "missing": no lineage was recorded for it. */
  readonly why: "off" | "missing";
  readonly off: LineageOff | null;
}

export interface WalkResult {
  /** Every PCollection reached (the start included) with the indexes reached in it. */
  readonly reached: Reached;
  readonly stops: WalkStop[];
}

/**
 * Everything `indexes` of `start` came from, back to the sources. With `stopAt`, the walk
 * does not go past those PCollections (they are reached, not crossed), which gives one
 * top-level step's inputs when `stopAt` holds the top-level PCollections.
 */
export function walkUpstream(store: LineageStore, start: string, indexes: Iterable<number>, stopAt?: ReadonlySet<string>): WalkResult {
  const reached: Reached = new Map([[start, new Set(indexes)]]);
  const stops = new Map<string, WalkStop>();
  const queue: [string, number[]][] = [[start, [...reached.get(start)!]]];
  while (queue.length) {
    const [pc, idx] = queue.pop()!;
    if (pc !== start && stopAt?.has(pc)) continue;
    const rec = store.get(pc);
    if (!rec) {
      stops.set(pc, { pcollection: pc, why: "missing", off: null });
      continue;
    }
    if (rec.off) {
      stops.set(pc, { pcollection: pc, why: "off", off: rec.off });
      continue;
    }
    if (rec.source) continue;
    const fresh = new Map<string, number[]>();
    for (const j of idx) {
      rec.forEachSource(j, (slot, i) => {
        const input = rec.inputs[slot];
        let set = reached.get(input);
        if (!set) reached.set(input, (set = new Set()));
        if (set.has(i)) return;
        set.add(i);
        let list = fresh.get(input);
        if (!list) fresh.set(input, (list = []));
        list.push(i);
      });
    }
    for (const entry of fresh) queue.push(entry);
  }
  return { reached, stops: [...stops.values()] };
}

/** Everything `indexes` of `start` led to, in every PCollection computed from it. */
export function walkDownstream(store: LineageStore, start: string, indexes: Iterable<number>): WalkResult {
  const reached: Reached = new Map([[start, new Set(indexes)]]);
  const stops = new Map<string, WalkStop>();
  const queue: [string, Set<number>][] = [[start, new Set(reached.get(start))]];
  while (queue.length) {
    const [pc, fresh] = queue.pop()!;
    for (const rec of store.consumersOf(pc)) {
      if (rec.off) {
        stops.set(rec.pcollection, { pcollection: rec.pcollection, why: "off", off: rec.off });
        continue;
      }
      let set = reached.get(rec.pcollection);
      const next = new Set<number>();
      rec.inputs.forEach((input, slot) => {
        if (input !== pc) return;
        for (const j of rec.outputsFrom(slot, (i) => fresh.has(i))) {
          if (!set) reached.set(rec.pcollection, (set = new Set()));
          if (set.has(j)) continue;
          set.add(j);
          next.add(j);
        }
      });
      if (next.size) queue.push([rec.pcollection, next]);
    }
  }
  return { reached, stops: [...stops.values()] };
}

/**
 * For an element-wise descent: the index in `ancestor` of every element of `descendant`
 * (-1 when it came from no element of `ancestor`), or null when some step between them
 * brings several elements together or has no lineage.
 */
export function elementWiseAncestors(store: LineageStore, ancestor: string, descendant: string): Int32Array | null {
  const memo = new Map<string, Int32Array | null | "none">();
  const resolve = (pc: string): Int32Array | null | "none" => {
    if (memo.has(pc)) return memo.get(pc)!;
    memo.set(pc, null); // a cycle cannot happen in a pipeline; this only guards the recursion
    const rec = store.get(pc);
    let result: Int32Array | null | "none";
    if (!rec || rec.off) result = null;
    else if (pc === ancestor) {
      result = new Int32Array(rec.size);
      for (let j = 0; j < rec.size; j++) result[j] = j;
    } else if (rec.source) result = "none";
    else if (!rec.elementWise) result = reachesAncestor(store, pc, ancestor) ? null : "none";
    else {
      // Only the inputs that sources are in count (a side input a ParDo merely reads does not).
      const inputs = new Map<number, Int32Array | null | "none">();
      const out = new Int32Array(rec.size).fill(-1);
      let broken = false;
      let any = false;
      for (let j = 0; j < rec.size && !broken; j++) {
        rec.forEachSource(j, (slot, i) => {
          if (!inputs.has(slot)) inputs.set(slot, resolve(rec.inputs[slot]));
          const m = inputs.get(slot)!;
          if (m === null) broken = true;
          else if (m !== "none") {
            any = true;
            out[j] = m[i];
          }
        });
      }
      const descends = any || [...inputs.values()].some((m) => m !== "none") || (inputs.size === 0 && reachesAncestor(store, pc, ancestor));
      result = broken ? null : descends ? out : "none";
    }
    memo.set(pc, result);
    return result;
  };
  const r = resolve(descendant);
  return r === "none" ? null : r;
}

/** True when `ancestor` is upstream of `pc` in the recorded lineage. */
function reachesAncestor(store: LineageStore, pc: string, ancestor: string): boolean {
  const seen = new Set<string>();
  const stack = [pc];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === ancestor) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(store.get(id)?.inputs ?? []));
  }
  return false;
}
