/**
 * beam.testing: assertions on what a pipeline computes, for tests and graded assignments.
 *
 * @example
 * const { assertThat, equalTo, hasCount } = beam.testing;
 * await assertThat(cleaned, equalTo([{ sid: "s1", dob: "1990-01-02" }]));
 * await assertThat(cleaned, hasCount(1));
 */
export { assertThat, PipelineAssertionError } from "./assert";
export {
  equalTo,
  containsInAnyOrder,
  hasCount,
  isEmpty,
  satisfiesAll,
  type Matcher,
  type MatchContext,
  type MatchResult,
  type EqualToOptions,
} from "./matchers";
export { diffRows, rowKey, sameValue, type RowDiff, type ChangedRow, type FieldChange, type DiffOptions } from "./diff";
export { formatDiff, formatRow, formatValue, summarizeDiff, type FormatDiffOptions } from "./format";
