// The direct runner executes the fusion plan's stages, as the plan says: the executor's
// per-stage record shows which stage ran when and what each PCollection received in it.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import { loadCollege } from "../../datasets/load";
import { directPlan, runPlan } from "../../lib/runners/direct";
import { execute, type ExecutionOutcome } from "../../lib/runners/executor";
import type { ExecutionPlan } from "../../lib/runners/fusion";
import { CLASS_LABELS, classPipeline } from "../course/pipelines";

const ROOT = path.resolve(__dirname, "..", "..", "..");
let tmp = "";
let wh = "";

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-explain-exec-"));
  wh = path.join(tmp, "warehouse.duckdb");
  await loadCollege(wh, path.join(ROOT, "datasets", "college"));
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The shape of a plan's stages, to compare what ran with what was planned. */
const shape = (plan: ExecutionPlan) => plan.stages.map((s) => s.steps.map((st) => `${st.role}:${st.label}`));

/** Every PCollection that received elements during a stage is emitted by one of that stage's steps. */
function assertStagesKeptToPlan(outcome: ExecutionOutcome): void {
  for (const r of outcome.stages) {
    const emits = new Set(r.stage.steps.flatMap((st) => st.emits));
    for (const id of r.emitted.keys()) assert.ok(emits.has(id), `${id} received elements in ${r.stage.id}, which does not emit it`);
  }
  // Per-stage counts add up to the run's counts.
  const sum = new Map<string, number>();
  for (const r of outcome.stages) for (const [id, n] of r.emitted) sum.set(id, (sum.get(id) ?? 0) + n);
  for (const [id, n] of outcome.counts) assert.equal(sum.get(id) ?? 0, n, `count of ${id}`);
}

test("the direct runner runs each planned stage once, in plan order, and elements move only within a stage", async () => {
  const p = new beam.Pipeline();
  const students = p.apply("Students", beam.Create<[string, string]>([["s1", "Ann"], ["s2", "Bo"]]));
  const takes = p.apply("Takes", beam.Create<[string, string]>([["s1", "CS327E"], ["s1", "CS313E"], ["s3", "CS331E"]]));
  const joined = beam.CoGroupByKey.of({ students, takes }, "Join");
  const counts = joined.apply("Count takes", beam.Map(([k, j]: [string, { takes: string[] }]): [string, number] => [k, j.takes.length]));
  const total = counts.apply("Total", beam.CombineGlobally((xs: [string, number][]) => xs.reduce((a, [, n]) => a + n, 0)));
  const share = counts.apply("Share", beam.Map(([k, n]: [string, number], t: number) => `${k}:${n}/${t}`, beam.pvalue.AsSingleton(total)));
  const planned = directPlan(p, null).fused;
  const { outcome } = await runPlan(p, null, { capture: new Set([share.id]) });
  assert.deepEqual(shape({ nodes: [], stages: outcome.stages.map((r) => r.stage) }), shape(planned));
  assertStagesKeptToPlan(outcome);
  // The unzipped Flatten got its elements in both source stages, the grouped output only after the shuffle.
  const flatten = planned.stages[0].steps.find((st) => st.role === "flatten")!.emits[0];
  assert.deepEqual(outcome.stages.filter((r) => r.emitted.has(flatten)).map((r) => [r.stage.id, r.emitted.get(flatten)]), [["S1", 2], ["S2", 3]]);
  const grouped = planned.stages.find((s) => s.steps[0].label === "Join/GroupByKey")!;
  const groupedOut = grouped.steps[0].emits[0];
  assert.deepEqual(outcome.stages.filter((r) => r.emitted.has(groupedOut)).map((r) => r.stage.id), [grouped.id]);
  assert.deepEqual([...outcome.captured.get(share.id)!].sort(), ["s1:2/3", "s2:0/3", "s3:1/3"]);
});

test("the executor follows the plan it is given: a step left out of a stage receives nothing", async () => {
  const p = new beam.Pipeline();
  const xs = p.apply("Create", beam.Create([1, 2, 3]));
  const doubled = xs.apply("Double", beam.Map((x: number) => x * 2));
  const squared = xs.apply("Square", beam.Map((x: number) => x * x));
  const { fused } = directPlan(p, null);
  const full = await execute(fused, { options: p.options, capture: new Set([doubled.id, squared.id]) });
  assert.equal(full.counts.get(doubled.id), 3);
  const withoutDouble: ExecutionPlan = { nodes: fused.nodes, stages: fused.stages.map((s) => ({ ...s, steps: s.steps.filter((st) => st.label !== "Double") })) };
  const partial = await execute(withoutDouble, { options: p.options, capture: new Set([doubled.id, squared.id]) });
  assert.equal(partial.counts.get(doubled.id), 0);
  assert.equal(partial.counts.get(squared.id), 3);
});

test("class pipeline on the warehouse: six stages run as planned; the grouped classes appear only after the shuffle", async () => {
  const p = new beam.Pipeline({ warehouse: wh });
  const out = classPipeline(p, { takesTextPrefix: path.join(tmp, "takes"), classTextPrefix: path.join(tmp, "class") });
  const planned = directPlan(p, null).fused;
  const { outcome } = await runPlan(p, null);
  assert.deepEqual(outcome.stages.map((r) => r.stage.id), ["S1", "S2", "S3", "S4", "S5", "S6"]);
  assert.deepEqual(shape({ nodes: [], stages: outcome.stages.map((r) => r.stage) }), shape(planned));
  assertStagesKeptToPlan(outcome);
  const byStage = (id: string) => outcome.stages.filter((r) => r.emitted.has(id)).map((r) => r.stage.steps[0].label);
  assert.deepEqual(byStage(out.grouped.id), [CLASS_LABELS.group]);
  assert.deepEqual(byStage(out.takes.id), [CLASS_LABELS.read]);
  assert.deepEqual(byStage(out.classes.id), [CLASS_LABELS.group]);
  // Each sink's result (its file or table name) is emitted by its finalize stage.
  assert.deepEqual(byStage(out.classTable.id), [CLASS_LABELS.classTable]);
  assert.ok(outcome.counts.get(out.takes.id)! > 0 && outcome.counts.get(out.classes.id)! > 0);
  assert.ok(fs.existsSync(`${path.join(tmp, "class")}-00000-of-00001`));
});
