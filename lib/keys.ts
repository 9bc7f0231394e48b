/**
 * Keys compared by value, as Beam compares encoded keys: `["a", 1]` and another array
 * with the same items are one key, and so are records with the same fields in another order.
 */

/** A Map keyed by value: primitives by themselves, everything else by a canonical encoding. */
export class KeyedMap<K, V> {
  // Strings and numbers are the common case and need no encoding; they also never collide
  // with structured keys because those live in their own map.
  private readonly primitives = new Map<unknown, { key: K; value: V }>();
  private readonly structured = new Map<string, { key: K; value: V }>();

  get size(): number {
    return this.primitives.size + this.structured.size;
  }

  /** The entry for `key`, created with `init()` when absent. */
  upsert(key: K, init: () => V): { key: K; value: V } {
    if (isPrimitive(key)) {
      let e = this.primitives.get(key);
      if (!e) this.primitives.set(key, (e = { key, value: init() }));
      return e;
    }
    const enc = encodeKey(key);
    let e = this.structured.get(enc);
    if (!e) this.structured.set(enc, (e = { key, value: init() }));
    return e;
  }

  get(key: K): V | undefined {
    return (isPrimitive(key) ? this.primitives.get(key) : this.structured.get(encodeKey(key)))?.value;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const e of this.primitives.values()) yield [e.key, e.value];
    for (const e of this.structured.values()) yield [e.key, e.value];
  }
}

function isPrimitive(v: unknown): boolean {
  return v === null || (typeof v !== "object" && typeof v !== "function");
}

/** A canonical string for a structured key: arrays in order, record fields sorted. */
export function encodeKey(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(v: unknown): unknown {
  if (v === undefined) return { $u: 1 };
  if (typeof v === "bigint") return { $n: v.toString() };
  if (typeof v === "number" && !Number.isFinite(v)) return { $f: String(v) };
  if (v instanceof Date) return { $d: v.getTime() };
  if (Array.isArray(v)) return v.map(canonical);
  if (v instanceof Map) return { $m: [...v.entries()].map(canonical).sort(byJson) };
  if (v instanceof Set) return { $s: [...v].map(canonical).sort(byJson) };
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return { $o: out };
  }
  return v;
}

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
