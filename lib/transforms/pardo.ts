/**
 * ParDo: runs a DoFn over every element; with `.withOutputs(...)`, one PCollection per tag.
 */
import { error, truncate } from "../errors";
import type { PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";
import { DoFn, type Emitted, type MainOf, type TagOf } from "./dofn";
import { BAD_TAG, ExceptionHandlingDoFn, type WithErrors } from "./exception-handling";
import { checkSideInputs, type SideInput } from "./side-inputs";

type ProcessOf<D> = D extends { process: (...args: any[]) => infer R } ? R : never;
type InputOf<D> = D extends { process: (element: infer I, ...rest: any[]) => any } ? I : never;
type EmittedBy<D> = Emitted<ProcessOf<D>> | Emitted<D extends { finishBundle: () => infer R } ? R : never>;

/** The outputs of a multi-output ParDo: `main` plus one PCollection per tag. */
export type TaggedOutputs<E, K extends string> = { main: PCollection<MainOf<E>> } & { [T in K]: PCollection<TagOf<E, T>> };

/** A ParDo transform; see {@link ParDo}. */
export class ParDoTransform<I, E> extends PTransform<PCollection<I>, PCollection<MainOf<E>>> {
  readonly name: string;
  constructor(readonly fn: DoFn<I, unknown>, readonly sideInputs: SideInput<any, any>[]) {
    super();
    this.name = `ParDo(${fn.displayName()})`;
  }

  /** Splits the output by tag: returns `{ main, [tag]: PCollection }`. */
  withOutputs<K extends string>(...tags: K[]): PTransform<PCollection<I>, TaggedOutputs<E, K>> {
    if (tags.length === 0) error("withOutputs() needs at least one tag", { hint: 'name the tags your DoFn emits, e.g. .withOutputs("takes", "classes").' });
    const bad = tags.find((t) => typeof t !== "string" || t.trim() === "");
    if (bad !== undefined) error(`withOutputs() tag ${truncate(bad)} is not a name`, { hint: 'tags are non-empty strings, e.g. .withOutputs("takes", "classes").' });
    const dup = tags.find((t, i) => tags.indexOf(t) !== i);
    if (dup !== undefined || tags.includes("main" as K)) {
      error(`withOutputs() tag "${dup ?? "main"}" is not allowed`, { hint: 'tags must be distinct and "main" is the untagged output.' });
    }
    return new MultiOutputParDo<I, E, K>(this.fn, this.sideInputs, tags);
  }

  /**
   * Keeps going when an element fails: returns `{ good, bad }`, where `bad` holds one
   * {@link BadElement} per element whose processing threw (the input, the error and the
   * label), so a pipeline can write bad rows to a dead-letter table. An element's outputs
   * are in `good` only when its whole processing succeeded.
   *
   * @example
   * const { good, bad } = rows.apply("Parse dob", beam.Map(parseDob).withExceptionHandling());
   * bad.apply("Dead letters", beam.io.WriteToTable("college.bad_rows"));
   */
  withExceptionHandling(): PTransform<PCollection<I>, WithErrors<I, MainOf<E>>> {
    return new ExceptionHandlingParDo<I, MainOf<E>>(this.fn, this.sideInputs);
  }

  expand(input: PCollection<I>, ctx: ExpandContext): PCollection<MainOf<E>> {
    checkSideInputs(this.sideInputs, input, ctx.node.fullLabel);
    return ctx.primitive({ kind: "ParDo", fn: this.fn, sideInputs: this.sideInputs, tags: [] }, { sideInputs: this.sideInputs.map((s) => s.pcoll) });
  }

  params(): Record<string, string> {
    return paramsOf(this.fn, this.sideInputs);
  }
}

class MultiOutputParDo<I, E, K extends string> extends PTransform<PCollection<I>, TaggedOutputs<E, K>> {
  readonly name: string;
  constructor(readonly fn: DoFn<I, unknown>, readonly sideInputs: SideInput<any, any>[], readonly tags: K[]) {
    super();
    this.name = `ParDo(${fn.displayName()})`;
  }
  expand(input: PCollection<I>, ctx: ExpandContext): TaggedOutputs<E, K> {
    checkSideInputs(this.sideInputs, input, ctx.node.fullLabel);
    return ctx.primitive(
      { kind: "ParDo", fn: this.fn, sideInputs: this.sideInputs, tags: this.tags },
      { tags: ["main", ...this.tags], sideInputs: this.sideInputs.map((s) => s.pcoll) },
    );
  }
  params(): Record<string, string> {
    return { ...paramsOf(this.fn, this.sideInputs), outputs: ["main", ...this.tags].join(", ") };
  }
}

class ExceptionHandlingParDo<I, O> extends PTransform<PCollection<I>, WithErrors<I, O>> {
  readonly name: string;
  constructor(readonly fn: DoFn<I, unknown>, readonly sideInputs: SideInput<any, any>[]) {
    super();
    this.name = `ParDo(${fn.displayName()})`;
  }
  expand(input: PCollection<I>, ctx: ExpandContext): WithErrors<I, O> {
    checkSideInputs(this.sideInputs, input, ctx.node.fullLabel);
    const fn = new ExceptionHandlingDoFn(this.fn, ctx.node.fullLabel);
    const out = ctx.primitive<Record<string, PCollection<any>>>(
      { kind: "ParDo", fn, sideInputs: this.sideInputs, tags: [BAD_TAG] },
      { tags: ["main", BAD_TAG], sideInputs: this.sideInputs.map((s) => s.pcoll) },
    );
    return { good: out.main, bad: out[BAD_TAG] };
  }
  params(): Record<string, string> {
    return { ...paramsOf(this.fn, this.sideInputs), outputs: `main (good), ${BAD_TAG}` };
  }
}

function paramsOf(fn: DoFn<any, any>, sides: SideInput<any, any>[]): Record<string, string> {
  const p: Record<string, string> = { fn: fn.displayName() };
  if (sides.length) p.sideInputs = sides.map((s) => `${s.kind}(${s.pcoll.label})`).join(", ");
  return p;
}

/**
 * Applies a DoFn to every element. Side inputs follow the DoFn and arrive as extra
 * arguments of `process`.
 *
 * @example
 * const out = nums.apply("Multiply", beam.ParDo(new Multiply()));
 * const { main, takes, classes } = rows.apply("Split", beam.ParDo(new SplitFn()).withOutputs("takes", "classes"));
 */
export function ParDo<D extends DoFn<any, any>>(fn: D, ...sideInputs: SideInput<any, any>[]): ParDoTransform<InputOf<D>, EmittedBy<D>> {
  if (!(fn instanceof DoFn)) {
    error(`ParDo needs a DoFn instance, got ${typeof fn === "function" ? "a function" : typeof fn}`, {
      hint: "write `beam.ParDo(new MyDoFn())`, or use beam.Map / beam.FlatMap for a plain function.",
    });
  }
  if (typeof (fn as { process?: unknown }).process !== "function") {
    error(`The DoFn ${fn.constructor?.name || "(anonymous)"} has no process method`, {
      hint: "give the class a process(element) method that returns or yields its outputs, e.g. `process(el) { return [el]; }`.",
    });
  }
  return new ParDoTransform(fn, sideInputs);
}
