// Fusion: the stages of the course pipelines and of the shapes fusion must handle (sibling
// fusion, Flatten unzipped, combiner lifting, side inputs, cached PCollections), compared
// with the stages written out by hand.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { directPlan } from "../../lib/runners/direct";
import { fuse, type ExecutionPlan } from "../../lib/runners/fusion";
import { executableNodes, planFor } from "../../lib/runners/plan";
import { hasOperator } from "../../lib/runners/operator";
import { CLASS_LABELS, STUDENT_LABELS, TEACHER_LABELS, classPipeline, helloWorld, studentPipeline, teacherPipeline } from "../course/pipelines";

/** Each stage as `role:label` steps. */
function shape(plan: ExecutionPlan): string[][] {
  return plan.stages.map((s) => s.steps.map((st) => `${st.role}:${st.label}`));
}

const planOf = (p: beam.Pipeline) => directPlan(p, null).fused;

test("teacher: read, clean and both writes fuse into one stage; each sink is finalized after it", () => {
  const p = new beam.Pipeline();
  teacherPipeline(p, { textPrefix: "/nonexistent/teacher" });
  const plan = planOf(p);
  const L = TEACHER_LABELS;
  assert.deepEqual(shape(plan), [
    [`source:${L.read}`, `pardo:${L.clean}`, `sink-write:${L.text}`, `sink-write:${L.table}`],
    [`sink-finalize:${L.text}`],
    [`sink-finalize:${L.table}`],
  ]);
  assert.deepEqual(plan.stages[0].transforms, [L.read, L.clean, L.text, L.table]);
  assert.deepEqual(plan.stages[0].inputs, [{ kind: "source", label: L.read, pcollections: [], fromStages: [] }]);
  assert.deepEqual(plan.stages[0].outputs.map((o) => [o.kind, o.to]), [["sink", L.text], ["sink", L.table]]);
  assert.deepEqual(plan.stages.map((s) => s.dependsOn), [[], ["S1"], ["S1"]]);
});

test("student: the same shape as teacher", () => {
  const p = new beam.Pipeline();
  studentPipeline(p, { textPrefix: "/nonexistent/student" });
  const L = STUDENT_LABELS;
  assert.deepEqual(shape(planOf(p)), [
    [`source:${L.read}`, `pardo:${L.clean}`, `sink-write:${L.text}`, `sink-write:${L.table}`],
    [`sink-finalize:${L.text}`],
    [`sink-finalize:${L.table}`],
  ]);
});

test("class: GroupByKey ends the first stage; the takes writes stay in it, the class writes follow the shuffle", () => {
  const p = new beam.Pipeline();
  classPipeline(p, { takesTextPrefix: "/nonexistent/takes", classTextPrefix: "/nonexistent/class" });
  const L = CLASS_LABELS;
  const plan = planOf(p);
  assert.deepEqual(shape(plan), [
    [`source:${L.read}`, `pardo:${L.split}`, `shuffle-write:${L.group}`, `sink-write:${L.takesText}`, `sink-write:${L.takesTable}`],
    [`shuffle-read:${L.group}`, `pardo:${L.first}`, `sink-write:${L.classText}`, `sink-write:${L.classTable}`],
    [`sink-finalize:${L.takesText}`],
    [`sink-finalize:${L.takesTable}`],
    [`sink-finalize:${L.classText}`],
    [`sink-finalize:${L.classTable}`],
  ]);
  const [s1, s2] = plan.stages;
  assert.deepEqual(s1.outputs.find((o) => o.kind === "shuffle"), { kind: "shuffle", pcollection: s1.outputs.find((o) => o.kind === "shuffle")!.pcollection, label: `${L.split}.classes`, to: L.group });
  assert.deepEqual(s2.inputs, [{ kind: "shuffle", label: L.group, pcollections: [s1.outputs.find((o) => o.kind === "shuffle")!.pcollection], fromStages: ["S1"] }]);
  assert.deepEqual(plan.stages.map((s) => s.dependsOn), [[], ["S1"], ["S1"], ["S1"], ["S2"], ["S2"]]);
});

test("hello world: independent sources are stages of their own; GroupByKey splits the word count", () => {
  const p = new beam.Pipeline();
  helloWorld(p);
  assert.deepEqual(shape(planOf(p)), [
    ["source:Create numbers", "pardo:Multiply"],
    ["source:Create sentences", "pardo:Split", "pardo:Flatten words", "pardo:Pair with 1", "shuffle-write:Group"],
    ["shuffle-read:Group", "pardo:Count"],
  ]);
});

test("sibling fusion: every consumer of a PCollection runs in its producer's stage", () => {
  const p = new beam.Pipeline();
  const xs = p.apply("Create", beam.Create([1, 2, 3]));
  xs.apply("Double", beam.Map((x: number) => x * 2));
  xs.apply("Square", beam.Map((x: number) => x * x));
  xs.apply("Odd", beam.Filter((x: number) => x % 2 === 1));
  assert.deepEqual(shape(planOf(p)), [["source:Create", "pardo:Double", "pardo:Square", "pardo:Odd"]]);
});

test("CombinePerKey is lifted: the partial combine runs in the producing stage, the merge after the shuffle", () => {
  const p = new beam.Pipeline();
  const pairs = p.apply("Create", beam.Create<[string, number]>([["a", 1], ["b", 2], ["a", 3]]));
  pairs.apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0))).apply("Show", beam.Map(([k, v]: [string, number]) => `${k}=${v}`));
  const plan = planOf(p);
  assert.deepEqual(shape(plan), [["source:Create", "combine-partial:Sum"], ["combine-merge:Sum", "pardo:Show"]]);
  assert.deepEqual(plan.stages[0].outputs.map((o) => [o.kind, o.to, o.lifted]), [["shuffle", "Sum", true]]);
  // The composite runs whole: its GroupByKey and Combine parts are not steps.
  assert.ok(plan.stages.every((s) => s.steps.every((st) => !st.label.startsWith("Sum/"))));
});

test("Flatten is unzipped: it and the steps after it run in the stage of each input, up to the shuffle", () => {
  const p = new beam.Pipeline();
  const students = p.apply("Students", beam.Create<[string, string]>([["s1", "Ann"]]));
  const takes = p.apply("Takes", beam.Create<[string, string]>([["s1", "CS327E"]]));
  beam.CoGroupByKey.of({ students, takes }, "Join").apply("Format", beam.Map(([k]: [string, unknown]) => k));
  const plan = planOf(p);
  assert.deepEqual(shape(plan), [
    ["source:Students", "pardo:Join/Tag students", "flatten:Join/Flatten", "pardo:Join/Key", "shuffle-write:Join/GroupByKey"],
    ["source:Takes", "pardo:Join/Tag takes", "flatten:Join/Flatten", "pardo:Join/Key", "shuffle-write:Join/GroupByKey"],
    ["shuffle-read:Join/GroupByKey", "pardo:Join/Join", "pardo:Format"],
  ]);
  assert.deepEqual(plan.stages[2].inputs[0].fromStages, ["S1", "S2"]);
  // Each copy of the Flatten reads only the input produced in its own stage.
  assert.deepEqual(plan.stages.slice(0, 2).map((s) => s.steps[2].reads.length), [1, 1]);
});

test("a ParDo with a side input starts a stage after the side input is materialized", () => {
  const p = new beam.Pipeline();
  const xs = p.apply("Numbers", beam.Create([1, 2, 3]));
  const total = xs.apply("Total", beam.CombineGlobally((v: number[]) => v.reduce((a, b) => a + b, 0)));
  xs.apply("Share", beam.Map((x: number, t: number) => x / t, beam.pvalue.AsSingleton(total)));
  const plan = planOf(p);
  const share = plan.stages.find((s) => s.steps[0].label === "Share")!;
  assert.equal(share.steps[0].role, "buffered-read");
  assert.deepEqual(share.inputs.map((i) => [i.kind, i.fromStages]), [["buffer", ["S1"]]]);
  const sideFrom = share.sideInputs[0].fromStages;
  assert.equal(sideFrom.length, 1);
  const producer = plan.stages.find((s) => s.id === sideFrom[0])!;
  assert.equal(producer.steps[0].label, "Total/InjectDefault");
  assert.ok(producer.outputs.some((o) => o.kind === "side-input" && o.to === "Share"));
  assert.ok(share.dependsOn.includes(producer.id));
  // The first stage buffers Share's main input and feeds the lifted combine.
  assert.deepEqual(shape(plan)[0], ["source:Numbers", "pardo:Total/KeyWithVoid", "combine-partial:Total/CombinePerKey", "buffer-write:Share"]);
  // Every stage comes after the stages it depends on.
  const at = new Map(plan.stages.map((s, i) => [s.id, i]));
  for (const s of plan.stages) for (const d of s.dependsOn) assert.ok(at.get(d)! < at.get(s.id)!, `${s.id} after ${d}`);
});

test("a cached PCollection roots a stage of its own instead of being recomputed", () => {
  const p = new beam.Pipeline();
  const xs = p.apply("Create", beam.Create([1, 2]));
  const doubled = xs.apply("Double", beam.Map((x: number) => x * 2));
  const out = doubled.apply("Plus one", beam.Map((x: number) => x + 1));
  const nodes = executableNodes(p, hasOperator);
  const cached = new Set([doubled.id]);
  const plan = fuse(planFor(nodes, [out], cached), cached);
  assert.deepEqual(shape(plan), [["cached-read:Double", "pardo:Plus one"]]);
  assert.deepEqual(plan.stages[0].inputs, [{ kind: "cached", label: "Double", pcollections: [doubled.id], fromStages: [] }]);
});
