/**
 * Elements are immutable in Beam. Freezing the ones the runner hands out more than once
 * (Create's values, cached PCollections) turns a DoFn that changes its input into a clear
 * error instead of a silently different result on the next run.
 */

/**
 * Freezes a value and everything it holds. It walks with a stack of its own rather than
 * recursing, so a structure nested 200k levels deep is frozen like any other. Throws what
 * reading the value throws (a getter, a Proxy's trap, a revoked Proxy).
 */
export function deepFreeze<T>(value: T): T {
  // Create freezes every element on every run: a primitive or an element frozen by an
  // earlier run is the common case, and needs no stack of its own.
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  const pending: unknown[] = [value];
  while (pending.length) {
    const v = pending.pop();
    if (v === null || typeof v !== "object" || Object.isFrozen(v) || ArrayBuffer.isView(v)) continue;
    Object.freeze(v);
    const fields = Object.values(v as object);
    for (let i = 0; i < fields.length; i++) pending.push(fields[i]);
  }
  return value;
}

/**
 * Freezes an element's own fields only. Cached PCollections can hold millions of
 * elements: a shallow freeze catches the common mistake (`row.field = ...`) at a fraction
 * of a deep freeze's cost. Never throws: an element that cannot be frozen (a Proxy that
 * refuses) has already gone through the pipeline and is kept as it is.
 */
export function freezeShallow<T>(value: T): T {
  try {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) Object.freeze(value);
  } catch {
    // Freezing is a guard against mistakes, not a condition for keeping the element.
  }
  return value;
}
