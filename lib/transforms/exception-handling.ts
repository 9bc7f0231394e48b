/**
 * Dead-letter outputs: `ParDo(fn).withExceptionHandling()` (and Map, FlatMap, Filter) sends
 * an element whose processing throws to a `bad` PCollection, with the error and the step's
 * label, instead of failing the run, as Beam Python's `with_exception_handling` does.
 */
import { findUserFrame } from "../errors";
import { describeThrown, isError } from "../render";
import type { PCollection } from "../pipeline/pvalue";
import { DoFn, isPromise, TaggedOutput, type ProcessResult, type TaggedOutputValue } from "./dofn";

/** An element that failed, as `withExceptionHandling()` sends it to `bad`. */
export interface BadElement<I> {
  /** The input element, as the step received it. */
  element: I;
  /** The full label of the step that failed on it. */
  label: string;
  error: {
    /** The error's name (`TypeError`), or the type of a thrown non-Error. */
    name: string;
    /** `Name: message`, at most 500 characters. */
    message: string;
    /** The student's line that threw ("line 3 of cell [5]"), when it can be found. */
    at: string | null;
  };
}

/** The outputs of a step with exception handling: what succeeded, and what failed with why. */
// A type, not an interface: a record of PCollections must be assignable to PValue's index signature.
export type WithErrors<I, O> = {
  good: PCollection<O>;
  bad: PCollection<BadElement<I>>;
};

/** The tag the failed elements leave on; "main" carries the good ones. */
export const BAD_TAG = "bad";

/**
 * Runs `inner` and turns a throw in `process` into one `bad` element. An element's outputs
 * are kept only when its whole `process` succeeded (a generator that fails half-way emits
 * nothing), so `good` never holds a fragment of a failed element. Failures in setup,
 * startBundle, finishBundle or teardown are not an element's: they still fail the run.
 */
export class ExceptionHandlingDoFn<I> extends DoFn<I, unknown> {
  constructor(
    readonly inner: DoFn<I, unknown>,
    readonly label: string,
  ) {
    super();
  }
  setup(): void | Promise<void> {
    return this.inner.setup();
  }
  startBundle(): void | Promise<void> {
    return this.inner.startBundle();
  }
  process(element: I, ...sides: any[]): ProcessResult<unknown> {
    let r: unknown;
    try {
      r = this.inner.process(element, ...sides);
      if (isPromise(r)) return r.then((v) => this.whole(v, element), (e) => [this.bad(element, e)]) as ProcessResult<unknown>;
      return this.whole(r, element) as ProcessResult<unknown>;
    } catch (e) {
      return [this.bad(element, e)];
    }
  }
  finishBundle(): ProcessResult<unknown> {
    return this.inner.finishBundle();
  }
  teardown(): void | Promise<void> {
    return this.inner.teardown();
  }
  displayName(): string {
    return this.inner.displayName();
  }

  /** Every output of one element, read to the end, or its failure. */
  private whole(r: unknown, element: I): unknown[] | Promise<unknown[]> | unknown {
    if (r === undefined || r === null || Array.isArray(r) || typeof r === "string") return r;
    try {
      if (typeof (r as Iterable<unknown>)[Symbol.iterator] === "function") return Array.from(r as Iterable<unknown>);
      if (typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") return this.wholeAsync(r as AsyncIterable<unknown>, element);
    } catch (e) {
      return [this.bad(element, e)];
    }
    // Not iterable: the ParDo reports it as a mistake in the DoFn, not in the element.
    return r;
  }

  private async wholeAsync(r: AsyncIterable<unknown>, element: I): Promise<unknown[]> {
    const out: unknown[] = [];
    try {
      for await (const v of r) out.push(v);
      return out;
    } catch (e) {
      return [this.bad(element, e)];
    }
  }

  private bad(element: I, e: unknown): TaggedOutputValue<typeof BAD_TAG, BadElement<I>> {
    return TaggedOutput(BAD_TAG, { element, label: this.label, error: describeError(e) });
  }
}

/** A thrown value as plain data: it travels in a PCollection, to tables and sinks. */
function describeError(e: unknown): BadElement<unknown>["error"] {
  const err = isError(e) ? e : null;
  let name: string;
  try {
    name = err ? String(err.name) : e === null ? "null" : typeof e;
  } catch {
    name = "Error";
  }
  return { name: name.slice(0, 80), message: describeThrown(e, 500), at: err ? findUserFrame(err) : null };
}
