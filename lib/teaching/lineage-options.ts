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

/** Refuses a `lineage` option that is not one of the forms above, saying which forms there are. */
export function checkLineageOption(option: unknown): void {
  if (option === undefined || typeof option === "boolean") return;
  const hint = "write lineage: true, lineage: false, or lineage: { maxElements: 1_000_000 }.";
  if (option === null || typeof option !== "object" || Array.isArray(option)) {
    error(`The pipeline option lineage must be true, false or { maxElements }, got ${option === null ? "null" : Array.isArray(option) ? "an array" : typeof option}`, { hint });
  }
  const extra = Object.keys(option).filter((k) => k !== "maxElements");
  if (extra.length) error(`The pipeline option lineage has no field ${extra.join(", ")}`, { hint });
  const max = (option as LineageLimits).maxElements;
  if (max !== undefined && (typeof max !== "number" || !Number.isSafeInteger(max) || max < 0)) {
    error(`lineage.maxElements must be a whole number of elements (0 or more), got ${String(max)}`, { hint });
  }
}
