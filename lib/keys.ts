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
}

/** Why a key cannot be encoded, and where in it. */
class Refusal {
  constructor(readonly what: string, readonly path: readonly (string | number)[]) {}
}

/**
 * A canonical string for a key: equal for values equal as keys (see the module's rules),
 * different for all others. Throws a {@link PipelineError} naming the value and where in
 * it the problem is for a key that is not data (the operator using the key adds its label).
 */
export function encodeKey(value: unknown, opts: EncodeKeyOptions = {}): string {
  const ancestors = new Set<object>();
  // Where the encoder is inside the key, kept as segments and only made text for an error.
  const at: (string | number)[] = [];
  const identity = opts.opaque === "identity";
  const refuse = (what: string): never => {
    throw new Refusal(what, at.slice());
  };
  const enc = (v: unknown): string => {
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
        return identity ? opaqueId(v) : refuse(`a symbol: ${String(v)}`);
      case "function":
        return identity ? opaqueId(v) : refuse(`a function: ${v.name || "(anonymous)"}`);
    }
    if (v === null) return "n";
    const obj = v as object;
    if (util.types.isDate(obj)) return `D${(obj as Date).getTime()}`;
    if (at.length >= MAX_KEY_DEPTH) refuse(`nested more than ${MAX_KEY_DEPTH} levels deep`);
    if (ancestors.has(obj)) refuse("a cycle (a value that contains itself)");
    const kind = Array.isArray(obj) ? "array" : util.types.isMap(obj) ? "map" : util.types.isSet(obj) ? "set" : isPlainRecord(obj) ? "record" : null;
    if (kind === null) return identity ? opaqueId(obj) : refuse(`an instance of ${className(obj)}`);
    ancestors.add(obj);
    try {
      switch (kind) {
        case "array": {
          const a = obj as unknown[];
          const parts = new Array<string>(a.length);
          for (let i = 0; i < a.length; i++) {
            at.push(i);
            parts[i] = enc(a[i]);
            at.pop();
          }
          return `[${parts.join(",")}]`;
        }
        case "map": {
          const parts: string[] = [];
          at.push("<map entry>");
          for (const [k, x] of obj as Map<unknown, unknown>) parts.push(`${enc(k)}:${enc(x)}`);
          at.pop();
          return `M[${parts.sort().join(",")}]`;
        }
        case "set": {
          const parts: string[] = [];
          at.push("<set item>");
          for (const x of obj as Set<unknown>) parts.push(enc(x));
          at.pop();
          return `S[${parts.sort().join(",")}]`;
        }
        default: {
          if (Object.getOwnPropertySymbols(obj).some((s) => Object.prototype.propertyIsEnumerable.call(obj, s))) {
            return identity ? opaqueId(obj) : refuse("a record with symbol-keyed fields");
          }
          const rec = obj as Record<string, unknown>;
          const names = Object.keys(rec).sort();
          const parts = new Array<string>(names.length);
          for (let i = 0; i < names.length; i++) {
            at.push(names[i]);
            parts[i] = `${JSON.stringify(names[i])}:${enc(rec[names[i]])}`;
            at.pop();
          }
          return `{${parts.join(",")}}`;
        }
      }
    } finally {
      ancestors.delete(obj);
    }
  };
  try {
    return enc(value);
  } catch (e) {
    if (e instanceof Refusal) {
      const where = e.path.length ? ` (at ${pathText(e.path)})` : "";
      throw new PipelineError(`A key cannot be ${e.what}${where}`, { element: value, hasElement: true, hint: HINT });
    }
    // A throwing getter or a Proxy: the key cannot be read, so it cannot be compared.
    throw new PipelineError("A key could not be read to compare it", { element: value, hasElement: true, cause: e, hint: HINT });
  }
}

/** `key.owner[2].name`, shortened in the middle when deep. */
function pathText(path: readonly (string | number)[]): string {
  const seg = (s: string | number) => (typeof s === "number" ? `[${s}]` : s.startsWith("<") ? ` ${s}` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`);
  const shown = path.length > 12 ? [...path.slice(0, 4).map(seg), `…(${path.length - 8} more)…`, ...path.slice(-4).map(seg)] : path.map(seg);
  return `key${shown.join("")}`;
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

// Node 20 takes unregistered symbols as weak-map keys; ES2022's typings do not know it yet.
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/** A text that only this value encodes to: for values compared by identity. */
function opaqueId(v: object | symbol): string {
  // Registered symbols (Symbol.for) are one per key, and cannot be weak-map keys.
  if (typeof v === "symbol" && Symbol.keyFor(v) !== undefined) return `R${JSON.stringify(Symbol.keyFor(v))}`;
  const key = v as object;
  let id = identities.get(key);
  if (id === undefined) identities.set(key, (id = ++nextIdentity));
  return `#${id}`;
}

/** A Map keyed by value: primitives by themselves, everything else by {@link encodeKey}. */
export class KeyedMap<K, V extends object> {
  // Strings and numbers are the common case and need no encoding: a JavaScript Map
  // already compares them as keys compare (-0 is 0, NaN is NaN, 1n is not 1). They never
  // collide with structured keys because those live in their own map. Their values are
  // held directly (no entry object per key: a GroupByKey over many keys made one each).
  private readonly primitives = new Map<unknown, V>();
  private readonly structured = new Map<string, { key: K; value: V }>();

  get size(): number {
    return this.primitives.size + this.structured.size;
  }

  /**
   * The value for `key`, created with `init()` and kept when absent. Values are objects (a
   * group's array, a holder of an accumulator that changes), so a hit is one lookup.
   * Throws a PipelineError for a key that is not data.
   */
  obtain(key: K, init: () => V): V {
    if (isPrimitive(key)) {
      const v = this.primitives.get(key);
      if (v !== undefined) return v;
      const created = init();
      this.primitives.set(key, created);
      return created;
    }
    const enc = encodeKey(key);
    let e = this.structured.get(enc);
    if (!e) this.structured.set(enc, (e = { key, value: init() }));
    return e.value;
  }

  /**
   * Adds `value` to the group of `key` (a GroupByKey's map of arrays). A new group is made as
   * `[value]`, not `[]` and a push, which makes room for 17: with a group per one or two
   * values (the class pipeline's 574k classes over 1M rows) that was a fifth of the time.
   */
  append<E>(this: KeyedMap<K, E[]>, key: K, value: E): void {
    if (isPrimitive(key)) {
      const group = this.primitives.get(key);
      if (group !== undefined) group.push(value);
      else this.primitives.set(key, [value]);
      return;
    }
    const enc = encodeKey(key);
    const e = this.structured.get(enc);
    if (e) e.value.push(value);
    else this.structured.set(enc, { key, value: [value] });
  }

  get(key: K): V | undefined {
    return isPrimitive(key) ? this.primitives.get(key) : this.structured.get(encodeKey(key))?.value;
  }

  *entries(): IterableIterator<[K, V]> {
    yield* this.primitives as Map<K, V>;
    for (const e of this.structured.values()) yield [e.key, e.value];
  }
}

/** Values a Map compares correctly by itself; symbols are not among them (they are refused). */
function isPrimitive(v: unknown): boolean {
  const t = typeof v;
  return v === null || t === "string" || t === "number" || t === "boolean" || t === "bigint" || t === "undefined";
}
