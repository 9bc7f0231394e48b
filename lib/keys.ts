/**
 * Keys compared by value, as Beam compares encoded keys: `["a", 1]` and another array
 * with the same items are one key, and so are records with the same fields in another order.
 *
 * A key must be data, because Beam keys are compared by their encoding, never by identity:
 *
 * - `null`, `undefined`, booleans, strings;
 * - numbers, with `-0` equal to `0` and `NaN` equal to `NaN` (as in a JavaScript `Map`);
 * - bigints, never equal to numbers (`1n` is not `1`);
 * - `Date`s, by their time (every invalid date is one key);
 * - arrays (a hole is `undefined`), plain records (`{...}` or `Object.create(null)`, in any
 *   field order, own enumerable string fields only, `__proto__` included), `Map`s and `Set`s
 *   (by their entries, in any order), of the above.
 *
 * Refused, with an error naming the value and where in the key it is: functions, symbols,
 * class instances and other objects (a `RegExp`, a `Promise`, a `Buffer`: their state is not
 * their fields), records with symbol-keyed fields, cycles, and nesting deeper than
 * {@link MAX_KEY_DEPTH}. Accepting them would merge keys that differ (every function once
 * encoded as nothing) or make equality depend on object identity, which no runner can keep.
 */
import * as util from "node:util";
import { PipelineError } from "./errors";

/** The deepest nesting a key may have; deeper ones are refused rather than overflowing the stack. */
export const MAX_KEY_DEPTH = 1000;

const HINT =
  "a key must be data: strings, numbers, bigints, booleans, null, dates, and arrays, plain records, Maps or Sets of them. " +
  "Key by a field that is data instead, e.g. beam.Map((x) => [x.id, x]), or turn the value into a record of its fields first.";

/** Options of {@link encodeKey}. */
export interface EncodeKeyOptions {
  /**
   * What to do with a value that is not data (a function, a symbol, a class instance):
   * by default it is refused; with `"identity"` it equals only itself (used by the row
   * diff, which compares whatever a test hands it).
   */
  readonly opaque?: "refuse" | "identity";
  /** The transform label to name when refusing a key. */
  readonly label?: string;
}

/** Why a key cannot be encoded, and where in it. */
class Refusal {
  constructor(readonly what: string, readonly path: string) {}
}

/**
 * A canonical string for a key: equal for values equal as keys (see the module's rules),
 * different for all others. Throws a {@link PipelineError} naming the value for a key that
 * is not data.
 */
export function encodeKey(value: unknown, opts: EncodeKeyOptions = {}): string {
  const ancestors = new Set<object>();
  const identity = opts.opaque === "identity";
  const enc = (v: unknown, at: string, depth: number): string => {
    switch (typeof v) {
      case "string":
        return JSON.stringify(v);
      case "number":
        // String(x) round-trips every double, so distinct numbers give distinct texts.
        return Number.isNaN(v) ? "N" : `d${v === 0 ? 0 : v}`;
      case "bigint":
        return `b${v}`;
      case "boolean":
        return v ? "t" : "f";
      case "undefined":
        return "u";
      case "symbol":
        if (identity) return opaqueId(v);
        throw new Refusal(`a symbol (${String(v)})`, at);
      case "function":
        if (identity) return opaqueId(v);
        throw new Refusal(`a function (${v.name || "anonymous"})`, at);
    }
    if (v === null) return "n";
    const obj = v as object;
    if (util.types.isDate(obj)) return `D${(obj as Date).getTime()}`;
    if (depth >= MAX_KEY_DEPTH) throw new Refusal(`nested more than ${MAX_KEY_DEPTH} levels deep`, at);
    if (ancestors.has(obj)) throw new Refusal("a cycle (the value contains itself)", at);
    const kind = Array.isArray(obj) ? "array" : util.types.isMap(obj) ? "map" : util.types.isSet(obj) ? "set" : isPlainRecord(obj) ? "record" : null;
    if (kind === null) {
      if (identity) return opaqueId(obj);
      throw new Refusal(`an instance of ${className(obj)}`, at);
    }
    ancestors.add(obj);
    try {
      const d = depth + 1;
      switch (kind) {
        case "array": {
          const a = obj as unknown[];
          const parts = new Array<string>(a.length);
          for (let i = 0; i < a.length; i++) parts[i] = enc(a[i], `${at}[${i}]`, d);
          return `[${parts.join(",")}]`;
        }
        case "map": {
          const parts: string[] = [];
          for (const [k, x] of obj as Map<unknown, unknown>) parts.push(`${enc(k, `${at}.<key>`, d)}:${enc(x, `${at}.get(…)`, d)}`);
          return `M[${parts.sort().join(",")}]`;
        }
        case "set": {
          const parts: string[] = [];
          for (const x of obj as Set<unknown>) parts.push(enc(x, `${at}.<item>`, d));
          return `S[${parts.sort().join(",")}]`;
        }
        default: {
          if (Object.getOwnPropertySymbols(obj).some((s) => Object.prototype.propertyIsEnumerable.call(obj, s))) {
            if (identity) return opaqueId(obj);
            throw new Refusal("a record with symbol-keyed fields", at);
          }
          const rec = obj as Record<string, unknown>;
          const names = Object.keys(rec).sort();
          const parts = new Array<string>(names.length);
          for (let i = 0; i < names.length; i++) parts[i] = `${JSON.stringify(names[i])}:${enc(rec[names[i]], `${at}.${names[i]}`, d)}`;
          return `{${parts.join(",")}}`;
        }
      }
    } finally {
      ancestors.delete(obj);
    }
  };
  try {
    return enc(value, "key", 0);
  } catch (e) {
    if (e instanceof Refusal) {
      const where = e.path === "key" ? "" : ` (at ${e.path})`;
      throw new PipelineError(`A key cannot be ${e.what}${where}`, { label: opts.label, element: value, hasElement: true, hint: HINT });
    }
    // A throwing getter or a Proxy: the key cannot be read, so it cannot be compared.
    throw new PipelineError("A key could not be read to compare it", { label: opts.label, element: value, hasElement: true, cause: e, hint: HINT });
  }
}

/** True for `{...}` and `Object.create(null)` records from any realm (a notebook cell's vm context too). */
function isPlainRecord(obj: object): boolean {
  const proto = Object.getPrototypeOf(obj);
  return proto === null || (Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(obj) === "[object Object]");
}

function className(obj: object): string {
  try {
    const name = (Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === "string" && name ? name : "an unnamed class";
  } catch {
    return "an unknown class";
  }
}

// Unregistered symbols are weak-map keys since Node 20 (ES2023); the ES2022 lib does not say so.
const identities = new WeakMap<object, number>() as unknown as { get(v: object | symbol): number | undefined; set(v: object | symbol, id: number): unknown };
let nextIdentity = 0;

/** A text that only this value encodes to: for values compared by identity. */
function opaqueId(v: object | symbol): string {
  // Registered symbols (Symbol.for) are one per key, and cannot be weak-map keys.
  if (typeof v === "symbol" && Symbol.keyFor(v) !== undefined) return `R${JSON.stringify(Symbol.keyFor(v))}`;
  let id = identities.get(v);
  if (id === undefined) identities.set(v, (id = ++nextIdentity));
  return `#${id}`;
}

/** A Map keyed by value: primitives by themselves, everything else by {@link encodeKey}. */
export class KeyedMap<K, V> {
  // Strings and numbers are the common case and need no encoding: a JavaScript Map
  // already compares them as keys compare (-0 is 0, NaN is NaN, 1n is not 1). They never
  // collide with structured keys because those live in their own map.
  private readonly primitives = new Map<unknown, { key: K; value: V }>();
  private readonly structured = new Map<string, { key: K; value: V }>();

  /** @param opts.label the transform to name when a key is refused. */
  constructor(private readonly opts: { label?: string } = {}) {}

  get size(): number {
    return this.primitives.size + this.structured.size;
  }

  /** The entry for `key`, created with `init()` when absent. Throws a PipelineError for a key that is not data. */
  upsert(key: K, init: () => V): { key: K; value: V } {
    if (isPrimitive(key)) {
      let e = this.primitives.get(key);
      if (!e) this.primitives.set(key, (e = { key, value: init() }));
      return e;
    }
    const enc = encodeKey(key, this.opts);
    let e = this.structured.get(enc);
    if (!e) this.structured.set(enc, (e = { key, value: init() }));
    return e;
  }

  get(key: K): V | undefined {
    return (isPrimitive(key) ? this.primitives.get(key) : this.structured.get(encodeKey(key, this.opts)))?.value;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const e of this.primitives.values()) yield [e.key, e.value];
    for (const e of this.structured.values()) yield [e.key, e.value];
  }
}

/** Values a Map compares correctly by itself; symbols are not among them (they are refused). */
function isPrimitive(v: unknown): boolean {
  const t = typeof v;
  return v === null || t === "string" || t === "number" || t === "boolean" || t === "bigint" || t === "undefined";
}
