/**
 * The `lineage` option of a pipeline: whether the interactive runner records where each
 * element came from, and up to which PCollection size.
 */
import { error } from "../errors";

/** PCollections with more elements than this get no lineage unless the option says otherwise. */
export const DEFAULT_MAX_ELEMENTS = 1_000_000;

/** Limits of lineage recording. */
export interface LineageLimits {
  /**
   * Largest PCollection (in elements) whose lineage is recorded; a bigger one gets none,
   * and `beam.lineage` says so. Default 1,000,000.
   */
  readonly maxElements?: number;
}

/**
 * `true` (the default with the interactive runner) records lineage up to
 * {@link DEFAULT_MAX_ELEMENTS} per PCollection, `false` records none, and
 * `{ maxElements }` sets the size limit.
 */
export type LineageOption = boolean | LineageLimits;

/** The largest PCollection lineage is recorded for, or null when lineage is off. */
export function lineageLimit(option: LineageOption | undefined): number | null {
  if (option === false) return null;
  if (option === undefined || option === true) return DEFAULT_MAX_ELEMENTS;
  return option.maxElements ?? DEFAULT_MAX_ELEMENTS;
}

/** What is wrong with a `lineage` option (null when it is one of the forms above). */
export function lineageProblem(option: unknown): string | null {
  if (option === undefined || typeof option === "boolean") return null;
  if (option === null || typeof option !== "object" || Array.isArray(option)) {
    return `must be true, false or { maxElements }, got ${option === null ? "null" : Array.isArray(option) ? "an array" : typeof option}`;
  }
  const extra = Object.keys(option).filter((k) => k !== "maxElements");
  if (extra.length) return `has no field ${extra.join(", ")} (only maxElements)`;
  const max = (option as LineageLimits).maxElements;
  if (max !== undefined && (typeof max !== "number" || !Number.isSafeInteger(max) || max < 0)) {
    return `maxElements must be a whole number of elements (0 or more), got ${String(max)}`;
  }
  return null;
}
