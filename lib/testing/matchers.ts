/**
 * Matchers for `assertThat`: what a PCollection's elements must be. Each one checks the
 * computed elements and, when they do not match, says what differs and what to do.
 */
import * as aq from "arquero";
import { shapeOf } from "../collect";
import { plural } from "../display/encode";
import { diffRows, type DiffOptions, type RowDiff } from "./diff";
import { formatDiff, formatRow, type FormatDiffOptions } from "./format";

/** How the elements under test were given; matchers compare tables with tables. */
export interface MatchContext {
  /** True when the actual elements are the rows of an arquero table. */
  readonly actualIsTable: boolean;
  /** Names what is checked, for messages (`PCollection "Format dob"`). */
  readonly subject: string;
  /** The label of the transform that produced the PCollection, when a PCollection is checked. */
  readonly producer?: string;
}

/** What a matcher found. */
export interface MatchResult {
  readonly ok: boolean;
  /** What did not match, first line and detail lines (empty when ok). */
  readonly message: string;
  /** What the student can do about it. */
  readonly hint: string;
  /** The row diff, for matchers that compare rows. */
  readonly diff?: RowDiff<unknown>;
  /** The error a user function threw, if that is why it failed. */
  readonly cause?: unknown;
}

/**
 * A condition on all elements of a PCollection (or array, or table) of `T`, checked by
 * {@link assertThat}. `match` is a property, not a method, so that a matcher for one element
 * type is not accepted for another.
 */
export interface Matcher<T> {
  /** The matcher's name (`equalTo`, `hasCount`, ...). */
  readonly name: string;
  /** What it expects, in words ("equal to 12 expected rows"). */
  readonly description: string;
  readonly match: (actual: readonly T[], ctx: MatchContext) => MatchResult | Promise<MatchResult>;
}

/** Options of {@link equalTo} and {@link containsInAnyOrder}. */
export interface EqualToOptions extends DiffOptions, FormatDiffOptions {}

/** Rows as a table would show them: `[key, value]` pairs as `{ key, value }`, plain values as `{ element }`. */
function asTableRows(elements: readonly unknown[]): unknown[] {
  const shape = shapeOf(elements);
  if (shape === "record") return [...elements];
  if (shape === "kv") return elements.map((e) => ({ key: (e as unknown[])[0], value: (e as unknown[])[1] }));
  return elements.map((element) => ({ element }));
}

function multisetMatcher<T>(name: string, expected: Iterable<T> | aq.ColumnTable, opts: EqualToOptions): Matcher<T> {
  const expectedIsTable = expected instanceof aq.ColumnTable;
  const rows: unknown[] = expectedIsTable ? [...(expected as aq.ColumnTable).objects()] : [...(expected as Iterable<T>)];
  return {
    name,
    description: `equal to ${plural(rows.length, "expected row")} in any order`,
    match: (actual, ctx) => {
      // A table turns pairs and plain values into columns; compare the other side the same way.
      const exp = ctx.actualIsTable && !expectedIsTable ? asTableRows(rows) : rows;
      const act = expectedIsTable && !ctx.actualIsTable ? asTableRows(actual) : actual;
      const diff = diffRows<unknown>(exp, act, opts);
      if (diff.equal) return { ok: true, message: "", hint: "" };
      return {
        ok: false,
        diff,
        message: `${ctx.subject} is not equal to the expected rows: ${formatDiff(diff, opts)}`,
        hint:
          `compare the rows above with what ${ctx.producer ? `"${ctx.producer}" and the steps before it do` : "produced them"} ` +
          "(changed fields show expected → actual); order does not matter, but each row must appear as many times as expected.",
      };
    },
  };
}

/**
 * Passes when the elements are exactly the expected rows in any order, each as many times
 * (a multiset). Rows compare by value as GroupByKey keys do: records in any field order,
 * dates by time, `NaN` equals `NaN`. The expected rows may be an array or an arquero table;
 * a table compared with pairs or plain values sees them as `{ key, value }` / `{ element }` rows.
 * Pass `keyFields` to pair rows by key in the diff.
 *
 * @example
 * await beam.testing.assertThat(adults, beam.testing.equalTo([
 *   { name: "Ada", age: 36 },
 *   { name: "Alan", age: 41 },
 * ]));
 */
export function equalTo<T>(expected: Iterable<T> | aq.ColumnTable, opts: EqualToOptions = {}): Matcher<T> {
  return multisetMatcher("equalTo", expected, opts);
}

/**
 * Beam's name for {@link equalTo}, and the same matcher: the elements must be exactly these
 * rows, in any order, each as many times (Beam's `containsInAnyOrder` is also exact, not
 * "contains at least"). Only the name in messages differs.
 *
 * @example
 * await beam.testing.assertThat(words, beam.testing.containsInAnyOrder(["to", "be", "or", "not", "to", "be"]));
 */
export function containsInAnyOrder<T>(expected: Iterable<T> | aq.ColumnTable, opts: EqualToOptions = {}): Matcher<T> {
  return multisetMatcher("containsInAnyOrder", expected, opts);
}

const SAMPLE = 5;

function sample(actual: readonly unknown[]): string {
  const lines = actual.slice(0, SAMPLE).map((r) => `\n    ${formatRow(r)}`);
  if (actual.length > SAMPLE) lines.push(`\n    … and ${actual.length - SAMPLE} more`);
  return lines.join("");
}

/**
 * Passes when there are exactly `n` elements.
 *
 * @example
 * await beam.testing.assertThat(students, beam.testing.hasCount(120));
 */
export function hasCount<T = unknown>(n: number): Matcher<T> {
  return {
    name: "hasCount",
    description: `exactly ${plural(n, "element")}`,
    match: (actual, ctx) =>
      actual.length === n
        ? { ok: true, message: "", hint: "" }
        : {
            ok: false,
            message: `${ctx.subject} has ${plural(actual.length, "element")}, expected ${n}${actual.length ? `; the first ones:${sample(actual)}` : ""}`,
            hint:
              actual.length > n
                ? "look for duplicated rows (a join or Flatten that repeats them) or a filter that keeps too much."
                : "look for a filter that drops too much, or a join that loses rows without a match.",
          },
  };
}

/**
 * Passes when there are no elements; otherwise shows (up to 20 of) them.
 *
 * @example
 * const invalid = rows.apply("Invalid dob", beam.Filter((r) => isNaN(Date.parse(r.dob))));
 * await beam.testing.assertThat(invalid, beam.testing.isEmpty());
 */
export function isEmpty<T = unknown>(): Matcher<T> {
  return {
    name: "isEmpty",
    description: "no elements",
    match: (actual, ctx) => {
      if (!actual.length) return { ok: true, message: "", hint: "" };
      const diff = diffRows<unknown>([], actual);
      return {
        ok: false,
        diff,
        message: `${ctx.subject} is not empty: ${formatDiff(diff)}`,
        hint: `these rows should not be there: check ${ctx.producer ? `"${ctx.producer}" and the steps before it` : "what produced them"}.`,
      };
    },
  };
}

/**
 * Passes when `check(elements)` returns anything but `false` and does not throw: for
 * conditions on the whole collection (sums, uniqueness, ranges). `check` may be async.
 *
 * @example
 * await beam.testing.assertThat(totals, beam.testing.satisfiesAll((rows) => {
 *   if (rows.some((r) => r.credits < 0)) throw new Error("negative credits");
 * }));
 */
export function satisfiesAll<T>(check: (elements: readonly T[]) => boolean | void | Promise<boolean | void>): Matcher<T> {
  const name = check.name ? ` ${check.name}` : "";
  return {
    name: "satisfiesAll",
    description: `satisfying the check${name}`,
    match: async (actual, ctx) => {
      let verdict: boolean | void;
      try {
        verdict = await check(actual);
      } catch (cause) {
        return {
          ok: false,
          cause,
          message: `${ctx.subject} failed the check${name} (${plural(actual.length, "element")})`,
          hint: "the check threw the error above (cause); fix the pipeline or the check.",
        };
      }
      if (verdict !== false) return { ok: true, message: "", hint: "" };
      return {
        ok: false,
        message: `${ctx.subject} failed the check${name}: it returned false (${plural(actual.length, "element")})`,
        hint: "throw an Error from the check that says which rows are wrong, to see them here.",
      };
    },
  };
}
