/**
 * assertThat: checks a PCollection (computed through its pipeline's runner), an array or an
 * arquero table against a matcher, and fails with an error a student can act on.
 */
import * as aq from "arquero";
import { PCollection } from "../pipeline/pvalue";
import { elementsOf } from "../collect";
import { PipelineError } from "../errors";
import type { RowDiff } from "./diff";
import type { Matcher, MatchResult } from "./matchers";

/** A failed {@link assertThat}: says what was checked, what differs (the row diff) and what to do. */
export class PipelineAssertionError extends PipelineError {
  /** What was checked (`PCollection "Format dob"`, or the label given to assertThat). */
  readonly subject: string;
  /** The matcher's name (`equalTo`, `hasCount`, ...). */
  readonly matcher: string;
  /** The row diff, when the matcher compares rows (equalTo, containsInAnyOrder, isEmpty). */
  readonly diff: RowDiff<unknown> | null;

  constructor(subject: string, matcher: string, result: MatchResult) {
    super(`assertThat(${matcher}) failed: ${result.message}`, { hint: result.hint, cause: result.cause });
    this.name = "PipelineAssertionError";
    this.stack = `${this.name}: ${this.message}`;
    this.subject = subject;
    this.matcher = matcher;
    this.diff = result.diff ?? null;
  }
}

/**
 * Checks that a PCollection's elements match, and throws a {@link PipelineAssertionError}
 * with a readable diff when they do not. A PCollection is computed through its pipeline's
 * runner (reusing what the interactive runner already computed); an array or an arquero
 * table is checked as it is. `label` names what is checked in the message (default: the
 * PCollection's label).
 *
 * @example
 * import * as beam from "beamlab";
 * const { assertThat, equalTo } = beam.testing;
 * const p = new beam.Pipeline();
 * const doubled = p.apply("Create", beam.Create([1, 2, 3])).apply("Double", beam.Map((n) => n * 2));
 * await assertThat(doubled, equalTo([6, 2, 4]));
 */
export async function assertThat<T>(actual: PCollection<T> | readonly T[], matcher: Matcher<T>, label?: string): Promise<void>;
/** Checks the rows of an arquero table: their type is known only at run time, so any matcher goes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table's rows have no static type
export async function assertThat(actual: aq.ColumnTable, matcher: Matcher<any>, label?: string): Promise<void>;
export async function assertThat(actual: PCollection<unknown> | readonly unknown[] | aq.ColumnTable, matcher: Matcher<unknown>, label?: string): Promise<void> {
  if (!matcher || typeof matcher.match !== "function") {
    throw new PipelineError("assertThat needs a matcher as its second argument", {
      hint: "pass one of beam.testing.equalTo(rows), containsInAnyOrder(rows), hasCount(n), isEmpty() or satisfiesAll(fn).",
    });
  }
  let elements: readonly unknown[];
  let subject: string;
  let actualIsTable = false;
  let producer: string | undefined;
  if (actual instanceof PCollection) {
    subject = `PCollection "${label ?? actual.label}"`;
    producer = actual.producer.fullLabel;
    elements = await elementsOf(actual);
  } else if (actual instanceof aq.ColumnTable) {
    subject = label ? `"${label}"` : "the table";
    elements = [...actual.objects()];
    actualIsTable = true;
  } else if (Array.isArray(actual)) {
    subject = label ? `"${label}"` : "the array";
    elements = actual;
  } else {
    throw new PipelineError("assertThat checks a PCollection, an array or an arquero table", {
      element: actual,
      hint: "pass the PCollection itself (the value returned by apply), not the result of p.run().",
    });
  }
  const result = await matcher.match(elements, { actualIsTable, subject, producer });
  if (!result.ok) throw new PipelineAssertionError(subject, matcher.name, result);
}
