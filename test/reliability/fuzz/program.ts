/**
 * Random pipelines for the runner-equivalence fuzz: a program is a list of steps, each
 * reading earlier steps by index, so fast-check can shrink it (fewer steps, fewer elements,
 * smaller indices) to a minimal failing pipeline, which {@link programText} prints as code.
 */
import fc from "fast-check";
import * as beam from "../../../lib";
import * as ops from "./ops";

export type Step =
  | { op: "create"; values: unknown[] }
  | { op: "map"; input: number; fn: ops.MapFn }
  | { op: "flatMap"; input: number; fn: ops.FlatMapFn }
  | { op: "filter"; input: number; fn: ops.FilterFn }
  | { op: "parDo"; input: number; fn: ops.MapFn }
  | { op: "tagged"; input: number; take: "main" | "odd" }
  | { op: "side"; input: number; side: number }
  | { op: "groupByKey"; input: number; key: ops.KeyFn }
  | { op: "coGroupByKey"; inputs: [number, number]; key: ops.KeyFn }
  | { op: "combinePerKey"; input: number; key: ops.KeyFn }
  | { op: "combineGlobally"; input: number }
  | { op: "flatten"; inputs: [number, number] }
  | { op: "partition"; input: number; n: number; take: number }
  | { op: "distinct"; input: number };

/** A program and, for the interactive runner, what to do on the way. */
export interface Program {
  steps: Step[];
  /** Steps whose output the interactive run collects before the end (partial caching). */
  cacheFirst: number[];
  /** A step the interactive run first builds with another function, collects, then re-applies under its label. */
  reapply: number | null;
}

// Values whose keys are equal but whose representations differ (0 and -0, one record in
// two field orders) and values that many encoders get wrong (NaN, bigints, dates, unicode).
const atom = fc.oneof(
  fc.constantFrom<unknown>(0, -0, 1, -1, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, null, true, false),
  fc.constantFrom<unknown>(0n, 1n, -(2n ** 70n), 2n ** 64n),
  fc.constantFrom<unknown>("", "a", "A", "é", "e\u0301", "👩‍🎓", "\u202Eevil", "line\nbreak", "tab\t\"quote\"", "__proto__", "constructor", "0", "<img src=x>"),
  fc.constantFrom(0, 86_400_000, -1).map((t) => new Date(t)),
);

/** A record of up to three fields from a small set, in a random field order. */
function recordOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .uniqueArray(fc.constantFrom("a", "b", "ü"), { minLength: 1, maxLength: 3 })
    .chain((names) => fc.tuple(...names.map(() => value)).map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]]))));
}

export const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: atom },
  { weight: 2, arbitrary: recordOf(atom) },
  { weight: 1, arbitrary: fc.array(atom, { maxLength: 3 }) },
  { weight: 1, arbitrary: recordOf(fc.oneof(atom, recordOf(atom))) },
);

const mapFn = fc.constantFrom(...(Object.keys(ops.MAP_FNS) as ops.MapFn[]));
const keyFn = fc.constantFrom(...(Object.keys(ops.KEY_FNS) as ops.KeyFn[]));
const i = fc.nat(20);

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), values: fc.array(value, { maxLength: 12 }) }),
  fc.record({ op: fc.constant("map" as const), input: i, fn: mapFn }),
  fc.record({ op: fc.constant("flatMap" as const), input: i, fn: fc.constantFrom(...(Object.keys(ops.FLAT_MAP_FNS) as ops.FlatMapFn[])) }),
  fc.record({ op: fc.constant("filter" as const), input: i, fn: fc.constantFrom(...(Object.keys(ops.FILTER_FNS) as ops.FilterFn[])) }),
  fc.record({ op: fc.constant("parDo" as const), input: i, fn: mapFn }),
  fc.record({ op: fc.constant("tagged" as const), input: i, take: fc.constantFrom("main" as const, "odd" as const) }),
  fc.record({ op: fc.constant("side" as const), input: i, side: i }),
  fc.record({ op: fc.constant("groupByKey" as const), input: i, key: keyFn }),
  fc.record({ op: fc.constant("coGroupByKey" as const), inputs: fc.tuple(i, i), key: keyFn }),
  fc.record({ op: fc.constant("combinePerKey" as const), input: i, key: keyFn }),
  fc.record({ op: fc.constant("combineGlobally" as const), input: i }),
  fc.record({ op: fc.constant("flatten" as const), inputs: fc.tuple(i, i) }),
  fc.record({ op: fc.constant("partition" as const), input: i, n: fc.integer({ min: 1, max: 3 }), take: fc.nat(2) }),
  fc.record({ op: fc.constant("distinct" as const), input: i }),
);

/** Programs of one to `maxSteps` steps after a first Create. */
export function program(maxSteps = 7): fc.Arbitrary<Program> {
  return fc
    .record({
      first: fc.array(value, { maxLength: 12 }),
      rest: fc.array(step, { minLength: 1, maxLength: maxSteps }),
      cacheFirst: fc.array(i, { maxLength: 3 }),
      reapply: fc.option(i, { nil: null }),
    })
    .map(({ first, rest, cacheFirst, reapply }) => {
      const steps: Step[] = [{ op: "create", values: first }, ...rest];
      const n = steps.length;
      // A re-applied step must be element-wise (its replacement keeps the shape of its input).
      const r = reapply === null ? null : reapply % n;
      return { steps, cacheFirst: cacheFirst.map((c) => c % n), reapply: r !== null && ["map", "flatMap", "filter", "parDo"].includes(steps[r].op) ? r : null };
    });
}

/** The index an input refers to: always an earlier step. */
const earlier = (at: number, input: number) => input % at;

const label = (at: number, s: Step) => `S${at} ${s.op}`;

/** The transform of an element-wise step, or its decoy: the same kind with another function. */
function elementwise(s: Extract<Step, { op: "map" | "flatMap" | "filter" | "parDo" }>, decoy: boolean): beam.PTransform<beam.PCollection<unknown>, beam.PCollection<unknown>> {
  const other = <K extends string>(names: readonly K[], k: K) => (decoy ? names[(names.indexOf(k) + 1) % names.length] : k);
  switch (s.op) {
    case "map":
      return beam.Map(ops.MAP_FNS[other(Object.keys(ops.MAP_FNS) as ops.MapFn[], s.fn)]);
    case "flatMap":
      return beam.FlatMap(ops.FLAT_MAP_FNS[other(Object.keys(ops.FLAT_MAP_FNS) as ops.FlatMapFn[], s.fn)]);
    case "filter":
      return beam.Filter(ops.FILTER_FNS[other(Object.keys(ops.FILTER_FNS) as ops.FilterFn[], s.fn)]);
    case "parDo":
      return beam.ParDo(new ops.ApplyMap(other(Object.keys(ops.MAP_FNS) as ops.MapFn[], s.fn)));
  }
}

/**
 * Applies step `at` of a program to `p`, given the PCollections of the steps before it.
 * `decoy` builds an element-wise step with another function (to be re-applied later).
 */
export function applyStep(p: beam.Pipeline, s: Step, pcs: beam.PCollection<unknown>[], at: number, decoy = false): beam.PCollection<unknown> {
  const name = label(at, s);
  const input = (k: number) => pcs[earlier(at, k)];
  switch (s.op) {
    case "create":
      return p.apply(name, beam.Create(s.values));
    case "map":
    case "flatMap":
    case "filter":
    case "parDo":
      return input(s.input).apply(name, elementwise(s, decoy));
    case "tagged": {
      const out = input(s.input).apply(name, beam.ParDo(new ops.SplitByHash()).withOutputs("odd"));
      return s.take === "main" ? out.main : out.odd;
    }
    case "side":
      return input(s.input).apply(name, beam.Map(ops.withSideSize, beam.pvalue.AsList(input(s.side))));
    case "groupByKey":
      return input(s.input)
        .apply(`${name} key`, beam.Map(ops.KEY_FNS[s.key]))
        .apply(name, beam.GroupByKey())
        .apply(`${name} sort`, beam.Map(ops.sortGroup as (kv: unknown) => unknown));
    case "coGroupByKey": {
      const [a, b] = s.inputs.map((k, j) => input(k).apply(`${name} key ${j}`, beam.Map(ops.KEY_FNS[s.key])));
      return beam.CoGroupByKey.of({ left: a, right: b }, name).apply(`${name} sort`, beam.Map(ops.sortJoin as (kv: unknown) => unknown));
    }
    case "combinePerKey":
      return input(s.input)
        .apply(`${name} key`, beam.Map(ops.KEY_FNS[s.key]))
        .apply(`${name} one`, beam.Map(ops.one as (kv: unknown) => [unknown, number]))
        .apply(name, beam.CombinePerKey(ops.sum));
    case "combineGlobally":
      return input(s.input).apply(name, beam.combiners.Count.Globally());
    case "flatten":
      return beam.Flatten.of([input(s.inputs[0]), input(s.inputs[1])], name);
    case "partition":
      return input(s.input).apply(name, beam.Partition(ops.partitionOf, s.n))[s.take % s.n];
    case "distinct":
      return input(s.input).apply(name, beam.Distinct());
  }
}

/** A pipeline with the program's steps; returns every step's PCollection. */
export function build(p: beam.Pipeline, prog: Program, decoyAt: number | null = null): beam.PCollection<unknown>[] {
  const pcs: beam.PCollection<unknown>[] = [];
  for (let at = 0; at < prog.steps.length; at++) pcs.push(applyStep(p, prog.steps[at], pcs, at, at === decoyAt));
  return pcs;
}

function text(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (Object.is(v, -0)) return "-0";
  if (typeof v === "number") return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[${v.map(text).join(", ")}]`;
  if (v && typeof v === "object") return `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${text(x)}`).join(", ")} }`;
  return JSON.stringify(v);
}

/** The program as the pipeline code it builds (what a failing case prints after shrinking). */
export function programText(prog: Program): string {
  const lines = prog.steps.map((s, at) => {
    const pc = (k: number) => `pc${earlier(at, k)}`;
    const head = `const pc${at} = `;
    const name = JSON.stringify(label(at, s));
    switch (s.op) {
      case "create":
        return `${head}p.apply(${name}, beam.Create([${s.values.map(text).join(", ")}]));`;
      case "map":
      case "flatMap":
      case "filter":
        return `${head}${pc(s.input)}.apply(${name}, beam.${s.op[0].toUpperCase()}${s.op.slice(1)}(${s.fn}));`;
      case "parDo":
        return `${head}${pc(s.input)}.apply(${name}, beam.ParDo(new ApplyMap("${s.fn}")));`;
      case "tagged":
        return `${head}${pc(s.input)}.apply(${name}, beam.ParDo(new SplitByHash()).withOutputs("odd")).${s.take};`;
      case "side":
        return `${head}${pc(s.input)}.apply(${name}, beam.Map(withSideSize, beam.pvalue.AsList(${pc(s.side)})));`;
      case "groupByKey":
        return `${head}${pc(s.input)}.apply(beam.Map(key${s.key})).apply(${name}, beam.GroupByKey()).apply(beam.Map(sortGroup));`;
      case "coGroupByKey":
        return `${head}beam.CoGroupByKey.of({ left: ${pc(s.inputs[0])}.apply(beam.Map(key${s.key})), right: ${pc(s.inputs[1])}.apply(beam.Map(key${s.key})) }, ${name}).apply(beam.Map(sortJoin));`;
      case "combinePerKey":
        return `${head}${pc(s.input)}.apply(beam.Map(key${s.key})).apply(beam.Map(one)).apply(${name}, beam.CombinePerKey(sum));`;
      case "combineGlobally":
        return `${head}${pc(s.input)}.apply(${name}, beam.combiners.Count.Globally());`;
      case "flatten":
        return `${head}beam.Flatten.of([${pc(s.inputs[0])}, ${pc(s.inputs[1])}], ${name});`;
      case "partition":
        return `${head}${pc(s.input)}.apply(${name}, beam.Partition(partitionOf, ${s.n}))[${s.take % s.n}];`;
      case "distinct":
        return `${head}${pc(s.input)}.apply(${name}, beam.Distinct());`;
    }
  });
  const interactive = [
    prog.cacheFirst.length ? `// interactive: collect ${[...new Set(prog.cacheFirst)].map((c) => `pc${c}`).join(", ")} first` : "",
    prog.reapply !== null ? `// interactive: build pc${prog.reapply} with another function first, collect, then re-apply its label` : "",
  ].filter(Boolean);
  return [...lines, ...interactive].join("\n");
}
