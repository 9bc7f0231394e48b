/**
 * Records built from column names that come from data (a CSV header, a schema), where any
 * name is possible.
 */

/**
 * Sets `rec[name] = value` as a field: a column named `__proto__` becomes an own field
 * instead of replacing the record's prototype (and vanishing from it).
 */
export function setField(rec: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") Object.defineProperty(rec, name, { value, enumerable: true, writable: true, configurable: true });
  else rec[name] = value;
}
