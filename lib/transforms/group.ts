/**
 * GroupByKey and CoGroupByKey: elements with equal keys (compared by value) brought together.
 */
import { error, PipelineError } from "../errors";
import { PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";
import { describeValue, firstPCollection } from "../pipeline/validate";
import { Flatten } from "./flatten";
import { Map as MapT } from "./map";
import { DoFn } from "./dofn";
import { ParDoTransform } from "./pardo";

/** Key type of a `[key, value]` PCollection. */
export type KeyOf<E> = E extends readonly [infer K, unknown] ? K : never;
/** Value type of a `[key, value]` PCollection. */
export type ValueOf<E> = E extends readonly [unknown, infer V] ? V : never;

class GroupByKeyTransform<K, V> extends PTransform<PCollection<readonly [K, V]>, PCollection<[K, V[]]>> {
  readonly name = "GroupByKey";
  expand(_input: PCollection<readonly [K, V]>, ctx: ExpandContext): PCollection<[K, V[]]> {
    return ctx.primitive({ kind: "GroupByKey" });
  }
}

/**
 * Groups `[key, value]` pairs by key into `[key, values[]]`. Keys are compared by value.
 *
 * @example
 * pairs.apply("Group", beam.GroupByKey());   // [["cat", [1, 1]], ["dog", [1]]]
 */
export function GroupByKey<K, V>(): PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<[K, V[]]>> {
  return new GroupByKeyTransform<K, V>() as PTransform<PCollection<readonly [K, V]> | PCollection<[K, V]>, PCollection<[K, V[]]>>;
}

type Joined<R extends Record<string, PCollection<any>>> = { [T in keyof R]: ValueOf<R[T] extends PCollection<infer E> ? E : never>[] };
type JoinKey<R extends Record<string, PCollection<any>>> = KeyOf<R[keyof R] extends PCollection<infer E> ? E : never>;

/**
 * CoGroupByKey's tagging and joining steps: DoFns with their tags in fields (not closures),
 * so the local runner can move them to a worker. Their names are the Map's they replace.
 */
export class TagFn extends DoFn<readonly [unknown, unknown], [unknown, string, unknown]> {
  constructor(
    readonly tag: string,
    /** The CoGroupByKey's label, for the error. */
    readonly label: string,
  ) {
    super();
  }
  process(kv: readonly [unknown, unknown]): [unknown, string, unknown][] {
    // Destructuring would take a string's first two letters as key and value: a join of nonsense.
    if (!Array.isArray(kv) || kv.length !== 2) {
      throw new PipelineError(`CoGroupByKey needs [key, value] pairs; input "${this.tag}" has an element that is not one`, {
        label: this.label,
        element: kv,
        hasElement: true,
        hint: `map ${this.tag} to two-item arrays first, e.g. ${this.tag}.apply("Key ${this.tag}", beam.Map((x) => [x.key, x])).`,
      });
    }
    return [[kv[0], this.tag, kv[1]]];
  }
  displayName(): string {
    return "Map(lambda)";
  }
}

/** See {@link TagFn}. */
export class JoinFn extends DoFn<[unknown, [string, unknown][]], [unknown, Record<string, unknown[]>]> {
  constructor(readonly tags: readonly string[]) {
    super();
  }
  process([k, values]: [unknown, [string, unknown][]]): [unknown, Record<string, unknown[]>][] {
    const joined: Record<string, unknown[]> = {};
    for (const tag of this.tags) joined[tag] = [];
    for (const [tag, v] of values) joined[tag].push(v);
    return [[k, joined]];
  }
  displayName(): string {
    return "Map(lambda)";
  }
}

class CoGroupByKeyTransform<R extends Record<string, PCollection<any>>> extends PTransform<R, PCollection<[JoinKey<R>, Joined<R>]>> {
  readonly name = "CoGroupByKey";
  expand(inputs: R, ctx: ExpandContext): PCollection<[JoinKey<R>, Joined<R>]> {
    const tags = Object.keys(inputs);
    const label = ctx.node.fullLabel;
    const tagged = tags.map((tag) =>
      inputs[tag].apply(`Tag ${tag}`, new ParDoTransform<readonly [unknown, unknown], [unknown, string, unknown]>(new TagFn(tag, label), [])),
    );
    const flat = Flatten.of(tagged, "Flatten");
    const grouped = flat
      .apply("Key", MapT(([k, tag, v]: [unknown, string, unknown]) => [k, [tag, v]] as [unknown, [string, unknown]]))
      .apply("GroupByKey", GroupByKey<unknown, [string, unknown]>());
    return grouped.apply("Join", new ParDoTransform<[unknown, [string, unknown][]], [JoinKey<R>, Joined<R>]>(new JoinFn(tags), []));
  }
  params(): Record<string, string> {
    return {};
  }
}

/** Joins several `[key, value]` PCollections by key. */
export const CoGroupByKey = {
  /**
   * `[key, { tag1: values[], tag2: values[] }]` for every key in any input; a tag with no
   * value for a key gets an empty array. `inputs` must be a record of PCollections of one
   * pipeline (anything else is an error when it is applied).
   *
   * @example
   * const joined = beam.CoGroupByKey.of({ students, takes });   // [sid, { students: [...], takes: [...] }]
   */
  of<R extends Record<string, PCollection<readonly [any, any]> | PCollection<[any, any]>>>(inputs: R, label = "CoGroupByKey"): PCollection<[JoinKey<R>, Joined<R>]> {
    const example = "beam.CoGroupByKey.of({ students, takes })";
    if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs) || inputs instanceof PCollection) {
      error(`CoGroupByKey.of needs a record of tagged PCollections, got ${describeValue(inputs)}`, {
        label,
        hint: `name each input: ${example}; each tag becomes a field of the joined values.`,
      });
    }
    for (const tag of Object.keys(inputs)) {
      if (tag.trim() === "") error("CoGroupByKey.of: a tag is empty", { label, hint: `name each input, e.g. ${example}.` });
    }
    const pipeline = firstPCollection(Object.values(inputs), label, "CoGroupByKey.of", example).pipeline;
    return pipeline.applyTransform(label, new CoGroupByKeyTransform<R>(), inputs);
  },
};
