/**
 * What the runner-equivalence tests share (not a test file itself): the course's pipelines
 * and the engine's test pipeline as builders, and a comparison of a runner with the direct
 * runner over what the builders' outputs write as text (multisets, all shards).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import * as beam from "../../lib";
import { classPipeline, helloWorld, studentPipeline, teacherPipeline } from "../course/pipelines";
import { tmpDir } from "./helpers";
import { readShards } from "./shards";

// Builders may return PCollections of any element type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Outputs = Record<string, beam.PCollection<any>>;
export type Build = (p: beam.Pipeline, dir: string) => Outputs;

/** The runner compared with the direct runner, and what to do with each of its runs. */
export interface Other {
  runner: string;
  options?: beam.PipelineOptions;
  /** Each step must send as many elements as on the direct runner. */
  sameCounts?: boolean;
  onRun?: (name: string, millis: number, result: beam.PipelineResult) => void;
}

/** Builds the same pipeline on the direct runner and on `other`, writes the outputs as text, and compares them. */
export async function sameAsDirect(name: string, build: Build, other: Other): Promise<Record<string, string[]>> {
  const results: Record<string, string[]>[] = [];
  const metrics: Record<string, beam.StepMetrics>[] = [];
  for (const runner of ["direct", other.runner]) {
    const dir = tmpDir(`beamlab-${other.runner}-${name}-${runner}-`);
    const p = new beam.Pipeline({ name, ...(runner === "direct" ? {} : other.options), runner });
    const outs = build(p, dir);
    for (const [k, pc] of Object.entries(outs)) pc.apply(`Write ${k}`, beam.io.WriteToText(path.join(dir, `out-${k}`)));
    const t0 = Date.now();
    const r = await p.run();
    assert.equal(r.state, "DONE");
    if (runner !== "direct") other.onRun?.(name, Date.now() - t0, r);
    metrics.push(r.metrics());
    results.push(Object.fromEntries(Object.keys(outs).map((k) => [k, readShards(path.join(dir, `out-${k}`))])));
  }
  assert.deepEqual(results[1], results[0], `${name}: ${other.runner} = direct`);
  if (other.sameCounts) {
    for (const [label, m] of Object.entries(metrics[0])) {
      assert.equal(metrics[1][label]?.elementsOut, m.elementsOut, `${name}: ${label} sends as many elements on ${other.runner}`);
    }
  }
  return results[0];
}

/** The course's pipelines (SQL in, text and table out), over the warehouse `warehouse()` names when they run. */
export function coursePipelines(warehouse: () => string): { name: string; build: Build; check: (r: Record<string, string[]>) => void }[] {
  const nonEmpty = (r: Record<string, string[]>) => assert.ok(Object.values(r).every((lines) => lines.length > 0));
  return [
    {
      name: "hello",
      build: (p) => {
        const h = helloWorld(p);
        return { multiplied: h.multiplied, words: h.words, grouped: h.grouped, counts: h.counts };
      },
      check: (r) => assert.equal(r.counts.length, 9),
    },
    { name: "teacher", build: (p, dir) => ({ teachers: teacherPipeline(p, { textPrefix: path.join(dir, "teacher"), warehouse: warehouse() }).teachers }), check: nonEmpty },
    { name: "student", build: (p, dir) => ({ students: studentPipeline(p, { textPrefix: path.join(dir, "student"), warehouse: warehouse() }).students }), check: nonEmpty },
    {
      name: "class",
      build: (p, dir) => {
        const c = classPipeline(p, { takesTextPrefix: path.join(dir, "takes"), classTextPrefix: path.join(dir, "class"), warehouse: warehouse() });
        return { takes: c.takes, classes: c.classes };
      },
      check: nonEmpty,
    },
  ];
}

/** The engine's test pipeline: combines, an empty CombineGlobally, Distinct, Top, Mean, CoGroupByKey, Partition, Flatten, side inputs, record keys. */
export function enginePipeline(p: beam.Pipeline): Outputs {
  const nums = p.apply("Nums", beam.Create(Array.from({ length: 500 }, (_, i) => i)));
  const pairs = nums.apply("Pairs", beam.Map((n: number): [string, number] => [`k${n % 7}`, n]));
  const sum = pairs.apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const count = pairs.apply("CountPerKey", beam.combiners.Count.PerKey());
  const mean = pairs.apply("Mean", beam.combiners.Mean.PerKey());
  const top = nums.apply("Top", beam.combiners.Top.Of(3));
  const empty = p.apply("Empty", beam.Create<number>([])).apply("Total", beam.combiners.Count.Globally());
  const distinct = pairs.apply("Keys", beam.Keys()).apply("Distinct", beam.Distinct());
  const other = p.apply("Other", beam.Create([["k1", "one"], ["k2", "two"], ["k9", "nine"]] as [string, string][]));
  const joined = beam.CoGroupByKey.of({ pairs, other });
  const [even, odd] = nums.apply("Parity", beam.Partition((n: number) => n % 2, 2));
  const both = beam.Flatten.of([even, odd]).apply("Double", beam.Map((n: number) => n * 2));
  const max = nums.apply("Max", beam.CombineGlobally((xs: number[]) => Math.max(...xs)));
  const scaled = nums.apply("Scale", beam.Map((n: number, m: number) => n / m, beam.pvalue.AsSingleton(max)));
  const named = pairs.apply("Name", beam.Map(([k, n]: [string, number], names: Map<string, string>) => `${names.get(k) ?? "?"}:${n}`, beam.pvalue.AsDict(other)));
  // Keys that are records compare by value, whatever the order of their fields.
  const records = p.apply("Records", beam.Create([[{ a: 1, b: 2 }, "x"], [{ b: 2, a: 1 }, "y"], [{ a: 2, b: 1 }, "z"]] as [{ a: number; b: number }, string][]));
  const byRecord = records.apply("Group records", beam.GroupByKey());
  return { sum, count, mean, top, empty, distinct, joined, both, scaled, named, byRecord };
}

/**
 * Runs a Map that warns on every tenth of 40 numbers and counts each one, and checks that its
 * log lines (through `text`, which strips what a runner prefixes) and its metrics came back
 * from wherever it ran. Returns the result for a runner's own checks.
 */
export async function checkLogsAndMetrics(options: beam.PipelineOptions, text: (line: string) => string = (l) => l): Promise<beam.PipelineResult> {
  const p = new beam.Pipeline(options);
  p.apply("Nums", beam.Create(Array.from({ length: 40 }, (_, i) => i))).apply(
    "Look",
    beam.Map((n: number) => {
      if (n % 10 === 0) console.warn("tens", n);
      beam.metrics.counter("seen").inc();
      return n;
    }),
  );
  const r = await p.run();
  assert.deepEqual(r.logs().lines.map((l) => [l.step, text(l.text)]).sort(), [["Look", "tens 0"], ["Look", "tens 10"], ["Look", "tens 20"], ["Look", "tens 30"]]);
  assert.equal(r.metrics()["Look"].counters?.seen, 40);
  assert.equal(r.metrics()["Look"].elementsIn, 40);
  return r;
}
