// p.toJSON(): the pipeline as the runner receives it, named after Beam's Runner API.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { CLASS_LABELS, MultiplyFn, classPipeline, helloMultiply } from "../course/pipelines";

const byName = (j: beam.PortablePipeline) => new Map(Object.values(j.components.transforms).map((t) => [t.unique_name, t]));

test("toJSON: transforms by URN, inputs and outputs by tag, PCollections with coders, one Node environment", () => {
  const p = new beam.Pipeline({ name: "class" });
  classPipeline(p, { takesTextPrefix: "/nonexistent/takes", classTextPrefix: "/nonexistent/class" });
  const j = p.toJSON();
  const t = byName(j);
  assert.equal(j.root_transform_ids.length, p.roots.length);
  assert.deepEqual(j.root_transform_ids.map((id) => j.components.transforms[id].unique_name), p.labels());
  assert.equal(t.get(CLASS_LABELS.read)!.spec!.urn, "beam:transform:read:v1");
  assert.deepEqual((t.get(CLASS_LABELS.read)!.spec!.payload.source as Record<string, string>).kind, "ReadFromSQL");
  const split = t.get(CLASS_LABELS.split)!;
  assert.equal(split.spec!.urn, "beam:transform:pardo:v1");
  assert.deepEqual(Object.keys(split.outputs).sort(), ["classes", "main", "takes"]);
  const doFn = split.spec!.payload.do_fn as { name: string; source: string };
  assert.equal(doFn.name, "SplitClassFn");
  assert.match(doFn.source, /^class SplitClassFn/);
  assert.match(doFn.source, /TaggedOutput\)\("classes"|TaggedOutput\("classes"/);
  const group = t.get(CLASS_LABELS.group)!;
  assert.equal(group.spec!.urn, "beam:transform:group_by_key:v1");
  // Inputs name the PCollection the producer outputs, and its coder after the shuffle is KV of an iterable.
  assert.equal(group.inputs.main, split.outputs.classes);
  const grouped = j.components.pcollections[group.outputs.main];
  assert.equal(grouped.coder_id, "kv_value_iterable");
  assert.deepEqual(j.components.coders.kv_value_iterable.component_coder_ids, ["value", "iterable_value"]);
  assert.equal(t.get(CLASS_LABELS.takesTable)!.spec!.urn, "beamlab:transform:write:v1");
  // Rows read with a declared schema get a row coder.
  const rows = j.components.pcollections[t.get(CLASS_LABELS.read)!.outputs.main];
  assert.equal(j.components.coders[rows.coder_id].spec.urn, rows.coder_id.startsWith("row_") ? "beam:coder:row:v1" : "beamlab:coder:structured_clone:v1");
  assert.deepEqual(Object.keys(j.components.environments), ["beamlab-node"]);
  const env = j.components.environments["beamlab-node"];
  assert.equal(env.payload.runtime, "node");
  assert.equal(env.payload.version, process.version);
  assert.equal(env.payload.sdk, "beamlab");
  assert.match(env.payload.sdk_version, /^\d+\.\d+\.\d+/);
  for (const x of Object.values(j.components.transforms)) if (x.spec) assert.equal(x.environment_id, "beamlab-node");
  for (const pc of Object.values(j.components.pcollections)) {
    assert.ok(j.components.coders[pc.coder_id], `coder ${pc.coder_id}`);
    assert.equal(pc.windowing_strategy_id, "global");
  }
  assert.equal(j.display_data.name, "class");
  // JSON.stringify uses it too, and the result survives a round trip.
  assert.deepEqual(JSON.parse(JSON.stringify(p)), JSON.parse(JSON.stringify(j)));
});

test("toJSON: a DoFn's class with its data fields, a function's text, and composites with subtransforms", () => {
  const p = new beam.Pipeline();
  const { multiplied } = helloMultiply(p);
  multiplied.apply("Label", beam.Map((n: number) => `n=${n}`));
  const pairs = p.apply("Pairs", beam.Create<[string, number]>([["a", 1]]));
  p.apply("Words", beam.Create(["a", "b", "a"])).apply("Count", beam.combiners.Count.PerElement());
  const sumFn = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  pairs.apply("Sum", beam.CombinePerKey(sumFn));
  const j = p.toJSON();
  const t = byName(j);
  const multiply = t.get("Multiply")!.spec!.payload.do_fn as { name: string; source: string; fields: Record<string, string> };
  assert.equal(multiply.name, MultiplyFn.name);
  assert.match(multiply.source, /process\(element\)/);
  assert.deepEqual(multiply.fields, { factor: "10" });
  assert.equal((t.get("Label")!.spec!.payload.do_fn as { source: string }).source, "(n) => `n=${n}`");
  const create = t.get("Pairs")!.spec!;
  assert.equal(create.urn, "beam:transform:read:v1");
  assert.deepEqual(create.payload.source, { kind: "Create", elements: 1, first: ['["a",1]'] });
  const sum = t.get("Sum")!;
  assert.equal(sum.spec!.urn, "beam:transform:combine_per_key:v1");
  assert.equal(sum.spec!.payload.lifted, true);
  assert.match((sum.spec!.payload.combine_fn as { source: string }).source, /xs\.reduce\(\(a, b\) => a \+ b, 0\)/);
  assert.deepEqual(sum.subtransforms.map((id) => j.components.transforms[id].unique_name), ["Sum/GroupByKey", "Sum/Combine"]);
  // A composite without a URN of its own is its subtransforms.
  const count = t.get("Count")!;
  assert.equal(count.spec, undefined);
  assert.ok(count.subtransforms.length > 0);
  assert.equal(count.annotations.kind, "Count.PerElement");
  assert.deepEqual(count.subtransforms.map((id) => j.components.transforms[id].unique_name), ["Count/PairWithOne", "Count/CountPerKey"]);
});
