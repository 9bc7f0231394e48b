/**
 * The values that flow between transforms: `PCollection<T>` and the pipeline's root.
 */
import type { BigQueryType } from "../io/schema";
import type { Pipeline } from "./pipeline";
import type { PTransform, TransformNode } from "./transform";
import type { Removal } from "./removal";
import { error } from "../errors";

let nextId = 0;

/**
 * A distributed, immutable collection of elements of type `T`, produced by one transform.
 *
 * @example
 * const nums = p.apply("Create", beam.Create([1, 2, 3]));
 * const doubled = nums.apply("Double", beam.Map((n) => n * 2));   // PCollection<number>
 */
export class PCollection<T> {
  /** Unique within the process; stable for the PCollection's life. */
  readonly id: string;
  /** Phantom field that carries `T` for the type checker (covariant, as reading elements is); never set. */
  declare readonly __elementType?: T;

  /** @internal */
  constructor(
    readonly pipeline: Pipeline,
    /** @internal The transform that produces this PCollection. */
    public producer: TransformNode,
    /** Output tag within the producer ("main" unless tagged). */
    readonly tag: string,
  ) {
    this.id = `pc${++nextId}`;
  }

  /** @internal Set when `pipeline.remove` took this PCollection's producer out of the pipeline. */
  removedBy: Removal | null = null;

  /** @internal Fails, saying why and what to do, when this PCollection's producer was removed. */
  assertPresent(usedBy: string | null = null): void {
    const r = this.removedBy;
    if (!r) return;
    const own = this.producer.fullLabel.split("/")[0];
    const how = own === r.target ? `remove(${JSON.stringify(r.target)})` : `remove(${JSON.stringify(r.target)}), downstream of "${r.target}"`;
    error(`The PCollection "${own}" was removed from the pipeline by ${how}`, {
      label: usedBy,
      hint: `re-run the cell that applies "${own}" (and the cells after it) to add it back, or use another PCollection.`,
    });
  }

  /** The producer's label, with the tag when it is a tagged output (`Split.takes`). */
  get label(): string {
    return this.tag === "main" ? this.producer.fullLabel : `${this.producer.fullLabel}.${this.tag}`;
  }

  /** Applies a transform to this PCollection under a label that is unique in the pipeline. */
  apply<O extends PValue>(label: string, transform: PTransform<PCollection<T>, O>): O;
  /** Applies a transform under its default label. */
  apply<O extends PValue>(transform: PTransform<PCollection<T>, O>): O;
  apply<O extends PValue>(a: string | PTransform<PCollection<T>, O>, b?: PTransform<PCollection<T>, O>): O {
    return typeof a === "string" ? this.pipeline.applyTransform(a, b!, this) : this.pipeline.applyTransform(null, a, this);
  }

  /**
   * The columns its elements are declared to have, or null: a source with a schema
   * (ReadFromSQL, ReadFromCsv with `schema`) declares them, and transforms that only pass
   * input elements on (Filter, Distinct, Flatten, Partition) keep them. Tables use them to
   * type columns, even when there are no elements.
   */
  get schema(): readonly DeclaredColumn[] | null {
    return declaredSchemaOf(this);
  }

  toString(): string {
    return `PCollection[${this.label}]`;
  }
}

/** A column a source declares (type null when it has no BigQuery name, e.g. a DuckDB LIST). */
export interface DeclaredColumn {
  name: string;
  type: BigQueryType | null;
  nullable: boolean;
}

/** Implemented by sources that know their elements' columns (maybe only once they have been read). */
export interface DeclaresSchema {
  schema(): readonly DeclaredColumn[] | null;
}

/** Marks a transform whose outputs hold only elements of its inputs, unchanged (Filter, Distinct, ...). */
export interface KeepsSchema {
  readonly keepsSchema: true;
}

function keepsSchema(t: unknown): boolean {
  return (t as Partial<KeepsSchema>)?.keepsSchema === true;
}

function declaredSchemaOf(pc: PCollection<unknown>, depth = 0): readonly DeclaredColumn[] | null {
  if (depth > 100) return null;
  // A composite's output is the output of one of its inner steps: look from that step up.
  for (let node: TransformNode | null = pc.producer; node; node = node.parent) {
    if (![...node.outputs.values()].includes(pc)) break;
    const source = node.primitive?.kind === "Read" ? (node.primitive.source as Partial<DeclaresSchema>) : null;
    if (source && typeof source.schema === "function") return source.schema();
    if (keepsSchema(node.transform)) {
      for (const input of node.inputs) {
        const s = declaredSchemaOf(input, depth + 1);
        if (s) return s;
      }
      return null;
    }
  }
  return null;
}

/** The input of root transforms such as `Create` and `ReadFromText`: the pipeline itself. */
export class PBegin {
  constructor(readonly pipeline: Pipeline) {}
}

/** Anything a transform can take or return. */
export type PValue =
  | PBegin
  | PCollection<any>
  | readonly PCollection<any>[]
  | { readonly [tag: string]: PCollection<any> }
  | void;

/** The element type of a PCollection. */
export type ElementOf<P> = P extends PCollection<infer T> ? T : never;

/** Every PCollection inside a PValue, in a stable order. */
export function pcollectionsOf(value: PValue): PCollection<unknown>[] {
  if (value === undefined || value === null || value instanceof PBegin) return [];
  if (value instanceof PCollection) return [value];
  if (Array.isArray(value)) return value.filter((v): v is PCollection<unknown> => v instanceof PCollection);
  return Object.values(value as Record<string, unknown>).filter((v): v is PCollection<unknown> => v instanceof PCollection);
}

/** PCollections of a PValue keyed by tag (arrays by index, single ones as "main"). */
export function taggedPCollections(value: PValue): Map<string, PCollection<unknown>> {
  const out = new Map<string, PCollection<unknown>>();
  if (value instanceof PCollection) out.set("main", value);
  else if (Array.isArray(value)) value.forEach((v, i) => out.set(String(i), v));
  else if (value && !(value instanceof PBegin)) {
    for (const [k, v] of Object.entries(value)) if (v instanceof PCollection) out.set(k, v);
  }
  return out;
}
