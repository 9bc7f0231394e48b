/**
 * Elements are immutable in Beam. Freezing the ones the runner hands out more than once
 * (Create's values, cached PCollections) turns a DoFn that changes its input into a clear
 * error instead of a silently different result on the next run.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}

/**
 * Freezes an element's own fields only. Cached PCollections can hold millions of
 * elements: a shallow freeze catches the common mistake (`row.field = ...`) at a fraction
 * of a deep freeze's cost.
 */
export function freezeShallow<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) Object.freeze(value);
  return value;
}
