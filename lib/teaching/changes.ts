/**
 * What changed between an element and the one it became: records field by field, `[key,
 * value]` pairs as `key` and `value`, anything else as a whole. Values are compared as keys
 * compare (records in any field order, dates by time), so an unchanged copy is unchanged.
 */
import { isRecord } from "../collect";
import { sameValue } from "../testing/diff";

/** One changed field; `field` is null when the whole value changed (a number, a string, a different shape). */
export interface FieldChange {
  readonly field: string | null;
  /** The value before (undefined when the field was absent). */
  readonly before: unknown;
  /** The value after (undefined when the field is absent). */
  readonly after: unknown;
}

/** The changes from `before` to `after`; empty when they are equal. */
export function changesBetween(before: unknown, after: unknown): FieldChange[] {
  const a = fieldsOf(before);
  const b = fieldsOf(after);
  if (a && b && a.pair === b.pair) {
    const out: FieldChange[] = [];
    for (const name of new Set([...a.fields.keys(), ...b.fields.keys()])) {
      const x = a.fields.get(name);
      const y = b.fields.get(name);
      // An absent field and one holding undefined read the same in a table.
      if (!sameValue(x, y)) out.push({ field: name, before: x, after: y });
    }
    return out;
  }
  return sameValue(before, after) ? [] : [{ field: null, before, after }];
}

function fieldsOf(v: unknown): { fields: Map<string, unknown>; pair: boolean } | null {
  try {
    if (isRecord(v)) return { fields: new Map(Object.keys(v).map((k) => [k, v[k]])), pair: false };
    if (Array.isArray(v) && v.length === 2) return { fields: new Map([["key", v[0]], ["value", v[1]]]), pair: true };
  } catch {
    // A record that cannot be read field by field (a throwing getter) is compared whole.
  }
  return null;
}
