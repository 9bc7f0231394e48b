/**
 * The functions and DoFns the fuzzed pipelines are built from. They live in a module of their
 * own and are exported so that the local runner's workers can require them (a function
 * defined in the test itself could not move), and every one of them is deterministic and
 * blind to a record's field order: equal keys may reach a runner's GroupByKey in any order,
 * and whichever copy of a key comes first is the one the group carries.
 */
import * as beam from "../../../lib";
import { encodeKey } from "../../../lib/keys";

/** A stable hash of a value's canonical encoding (FNV-1a over its UTF-16 units). */
export function hashOf(x: unknown): number {
  const s = encodeKey(x);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x) || x instanceof Date) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

// Each function is a top-level export, so a worker finds it by module and name.
export const wrap = (x: unknown) => ({ w: x, n: 1 });
export const pair = (x: unknown) => [x, x];
/** The field that sorts first (a record), the first item (an array), else the value. */
export const pick = (x: unknown) => (Array.isArray(x) ? (x.length ? x[0] : null) : isRecord(x) ? (Object.keys(x).sort().map((k) => x[k])[0] ?? null) : x);
export const size = (x: unknown) => encodeKey(x).length;
export const bucket = (x: unknown) => hashOf(x) % 5;
export const none = (_x: unknown) => [] as unknown[];
export const twice = (x: unknown) => [x, x];
export const spread = (x: unknown) => (Array.isArray(x) ? x : [x]);
export const half = (x: unknown) => hashOf(x) % 2 === 0;
export const third = (x: unknown) => hashOf(x) % 3 !== 0;
export const notNull = (x: unknown) => x !== null;
export const keySelf = (x: unknown): [unknown, unknown] => [x, x];
export const keyPick = (x: unknown): [unknown, unknown] => [pick(x), x];
export const keyBucket = (x: unknown): [unknown, unknown] => [hashOf(x) % 3, x];

/** Element-wise functions for Map, by name. */
export const MAP_FNS = { wrap, pair, pick, size, bucket } as const;
/** Functions for FlatMap. */
export const FLAT_MAP_FNS = { none, twice, spread } as const;
/** Predicates for Filter. */
export const FILTER_FNS = { half, third, notNull } as const;
/** What a keyed step keys an element by. */
export const KEY_FNS = { self: keySelf, pick: keyPick, bucket: keyBucket } as const;

export type MapFn = keyof typeof MAP_FNS;
export type FlatMapFn = keyof typeof FLAT_MAP_FNS;
export type FilterFn = keyof typeof FILTER_FNS;
export type KeyFn = keyof typeof KEY_FNS;

function byEncoding(a: unknown, b: unknown): number {
  const x = encodeKey(a);
  const y = encodeKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A group's values in a canonical order: runners may deliver them in any order. */
export function sortGroup([k, vs]: [unknown, unknown[]]): [unknown, unknown[]] {
  return [k, [...vs].sort(byEncoding)];
}

/** Each side of a CoGroupByKey result in a canonical order. */
export function sortJoin([k, sides]: [unknown, Record<string, unknown[]>]): [unknown, Record<string, unknown[]>] {
  return [k, Object.fromEntries(Object.entries(sides).map(([tag, vs]) => [tag, [...vs].sort(byEncoding)]))];
}

/** An element and the size of a side input (the side's order is not defined, its size is). */
export function withSideSize(x: unknown, side: readonly unknown[]): [unknown, number] {
  return [x, side.length];
}

/** The partition of an element. */
export function partitionOf(x: unknown, n: number): number {
  return hashOf(x) % n;
}

/** The one per key that a combine adds up. */
export function one(kv: [unknown, unknown]): [unknown, number] {
  return [kv[0], 1];
}

export function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** What the runs compare: an element's canonical encoding (the key encoding, which is injective over data). */
export function encoded(x: unknown): string {
  return encodeKey(x);
}

/** A DoFn that applies a named Map function: its field is copied to the workers. */
export class ApplyMap extends beam.DoFn<unknown, unknown> {
  constructor(readonly fn: MapFn) {
    super();
  }
  process(x: unknown) {
    return [MAP_FNS[this.fn](x)];
  }
}

/** Odd hashes to the tagged output "odd", the rest to the main output. */
export class SplitByHash extends beam.DoFn<unknown, unknown> {
  *process(x: unknown) {
    yield hashOf(x) % 2 ? beam.TaggedOutput("odd", x) : x;
  }
}
