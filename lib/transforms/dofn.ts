/**
 * DoFn: the user's per-element code, with Beam's lifecycle.
 */

/** What `process` may return: an array, any iterable, a generator, nothing, or a promise of those. */
export type ProcessResult<Out> =
  | Iterable<Out>
  | AsyncIterable<Out>
  | void
  | undefined
  | null
  | Promise<Iterable<Out> | AsyncIterable<Out> | void | undefined | null>;

/**
 * Per-element processing with Beam's lifecycle: `setup` once per instance, `startBundle`
 * and `finishBundle` around each bundle, `process` per element, `teardown` at the end.
 * Every method may be async. `finishBundle` may return elements to emit, like `process`.
 *
 * @example
 * class Multiply extends beam.DoFn<number, number> {
 *   process(element: number) { return [element * 10]; }
 * }
 * nums.apply("Multiply", beam.ParDo(new Multiply()));
 */
export abstract class DoFn<In, Out = unknown> {
  /** Called once before the first bundle, e.g. to open a connection. */
  setup(): void | Promise<void> {}
  /** Called at the start of each bundle. */
  startBundle(): void | Promise<void> {}
  /** Called for each element; returns the outputs (array, iterable, generator) or nothing. */
  abstract process(element: In, ...sideInputs: any[]): ProcessResult<Out | TaggedOutputValue<string, unknown>>;
  /** Called at the end of each bundle; may return elements to emit. */
  finishBundle(): ProcessResult<Out | TaggedOutputValue<string, unknown>> {}
  /** Called once after the last bundle, also when the pipeline fails. */
  teardown(): void | Promise<void> {}
  /** A readable name for labels and errors. */
  displayName(): string {
    return this.constructor.name || "DoFn";
  }
}

/** An element sent to a tagged output of a multi-output ParDo. */
export class TaggedOutputValue<K extends string, V> {
  constructor(readonly tag: K, readonly value: V) {}
}

/**
 * Sends `value` to the output named `tag`; apply the ParDo with `.withOutputs(tag, ...)`.
 *
 * @example
 * *process(row: Row) {
 *   yield beam.TaggedOutput("takes", { sid: row.sid, cno: row.cno });
 *   yield beam.TaggedOutput("classes", [row.cno, row]);
 * }
 */
export function TaggedOutput<K extends string, V>(tag: K, value: V): TaggedOutputValue<K, V> {
  return new TaggedOutputValue(tag, value);
}

/** The kind of a function-backed DoFn, so runners can run it without the generic protocol. */
export type ElementFnKind = "map" | "flatMap" | "filter";

/** A DoFn made from a plain function by Map, FlatMap or Filter. */
export class FunctionDoFn<In, Out> extends DoFn<In, Out> {
  /**
   * @internal For lineage: each output comes from every element of the side inputs, not
   * from the main element (CombineGlobally's default step, whose main input is a dummy).
   */
  lineageFromSideInputs = false;

  constructor(readonly elementKind: ElementFnKind, readonly fn: (element: In, ...sides: any[]) => any, private readonly verb: string) {
    super();
  }
  process(element: In, ...sides: any[]): ProcessResult<Out> {
    const r: any = this.fn(element, ...sides);
    switch (this.elementKind) {
      case "map":
        return isPromise(r) ? r.then((v) => [v as Out]) : [r];
      case "filter":
        return isPromise(r) ? r.then((keep: unknown) => (keep ? [element as unknown as Out] : [])) : r ? [element as unknown as Out] : [];
      default:
        return r;
    }
  }
  displayName(): string {
    return `${this.verb}(${this.fn.name || "lambda"})`;
  }
}

/** Element type of what a `process` method returns. */
export type Emitted<R> = R extends Promise<infer U>
  ? Emitted<U>
  : R extends string
    ? never
    : R extends Iterable<infer E>
      ? E
      : R extends AsyncIterable<infer E>
        ? E
        : never;

/** The untagged part of what a DoFn emits. */
export type MainOf<E> = Exclude<E, TaggedOutputValue<string, unknown>>;
/** The element type of tag `K` among what a DoFn emits. */
export type TagOf<E, K extends string> = E extends TaggedOutputValue<K, infer V> ? V : never;

/** True for a promise (any thenable). A value whose `then` cannot be read (a hostile Proxy) is not one. */
export function isPromise(v: unknown): v is Promise<unknown> {
  if (v === null || typeof v !== "object") return false;
  try {
    return typeof (v as { then?: unknown }).then === "function";
  } catch {
    return false;
  }
}
