/**
 * Transforms and the nodes they leave in the pipeline graph.
 *
 * A handful of primitives (Create, Read, ParDo, GroupByKey, Flatten, Write) are what
 * runners execute; every other transform is a labelled composite that expands into them.
 * A composite may also name an `override`, a primitive kind a runner can execute
 * directly (CombinePerKey, lifted so values are never all held per key), as Beam's
 * runners do for Combine.
 */
import type { PCollection, PValue } from "./pvalue";
import type { DoFn } from "../transforms/dofn";
import type { SideInput } from "../transforms/side-inputs";
import type { CombineFn } from "../transforms/combine-fn";
import type { Source, Sink } from "../io/source-sink";

/** What a runner must be able to execute. */
export type PrimitiveSpec =
  | { kind: "Create"; values: readonly unknown[] }
  | { kind: "Read"; source: Source<unknown> }
  | { kind: "ParDo"; fn: DoFn<any, any>; sideInputs: SideInput<any, any>[]; tags: string[] }
  | { kind: "GroupByKey" }
  | { kind: "Flatten" }
  | { kind: "Write"; sink: Sink<unknown, unknown> }
  | { kind: "CombinePerKey"; combineFn: CombineFn<any, any, any> };

export type PrimitiveKind = PrimitiveSpec["kind"];

/** A transform applied in a pipeline: one node of the graph. */
export interface TransformNode {
  readonly id: string;
  /** The label given at apply time. */
  readonly label: string;
  /** `Outer/Inner` label, unique in the pipeline. */
  readonly fullLabel: string;
  readonly parent: TransformNode | null;
  readonly children: TransformNode[];
  readonly transform: PTransform<any, any>;
  /** Main inputs, in order. */
  inputs: PCollection<unknown>[];
  /** The names of the main inputs when the input was a record (`CoGroupByKey.of({ students, takes })`), in the order of `inputs`. */
  readonly inputTags?: readonly string[];
  /** Side inputs (ParDo only). */
  sideInputs: PCollection<unknown>[];
  /** Outputs by tag. */
  outputs: Map<string, PCollection<unknown>>;
  /** Set for primitives; for composites, a kind a runner may execute in place of the children. */
  primitive: PrimitiveSpec | null;
  /** True when `primitive` is an override of a composite rather than a leaf. */
  composite: boolean;
  /** Declarative metadata for graphs, panels and validation. */
  readonly kind: string;
  readonly params: Record<string, string>;
}

/** What a transform's `expand` gets to build its part of the graph. */
export interface ExpandContext {
  /** Makes the current node a primitive producing PCollections under `tags` (default ["main"]). */
  primitive<Out extends PValue = PCollection<any>>(spec: PrimitiveSpec, opts?: { tags?: string[]; sideInputs?: PCollection<unknown>[] }): Out;
  /** Marks the current composite as executable as one primitive by runners that know it. */
  override(spec: PrimitiveSpec): void;
  /** The node being expanded. */
  readonly node: TransformNode;
}

/**
 * A step of a pipeline, from input `In` to output `Out`. Subclasses implement `expand`,
 * either calling `ctx.primitive(...)` or applying other transforms to the input.
 */
export abstract class PTransform<In extends PValue, Out extends PValue> {
  /** The default label when applied without one, and the kind shown in graphs. */
  abstract readonly name: string;

  /** Builds the transform's part of the graph. */
  abstract expand(input: In, ctx: ExpandContext): Out;

  /** Declarative parameters, as short strings for graphs and panels. */
  params(): Record<string, string> {
    return {};
  }
}

/** A transform from a plain function over the input, for one-off composites. */
export class CompositeTransform<In extends PValue, Out extends PValue> extends PTransform<In, Out> {
  constructor(readonly name: string, private readonly body: (input: In) => Out, private readonly meta: Record<string, string> = {}) {
    super();
  }
  expand(input: In): Out {
    return this.body(input);
  }
  params(): Record<string, string> {
    return this.meta;
  }
}

/**
 * Wraps a function of a PCollection as a labelled composite transform.
 *
 * @example
 * const CountWords = beam.ptransform("CountWords", (lines: beam.PCollection<string>) =>
 *   lines.apply("Split", beam.FlatMap((l) => l.split(" "))).apply("Count", beam.combiners.Count.PerElement()));
 */
export function ptransform<In extends PValue, Out extends PValue>(name: string, body: (input: In) => Out): PTransform<In, Out> {
  return new CompositeTransform(name, body);
}
