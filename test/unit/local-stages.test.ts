// The local runner's stage split: element-wise steps fused, GroupByKey/combines as shuffles,
// unsplittable sources and single-place sinks on the coordinator, side inputs complete first.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { hasOperator } from "../../lib/runners/operator";
import { executableNodes, planFor, type ExecNode } from "../../lib/runners/plan";
import { planStages } from "../../lib/runners/local/stages";

const placeOf = (e: ExecNode) =>
  e.spec.kind === "Create" ? "coordinator" : e.spec.kind === "Write" && !e.spec.sink.shard?.(0, 2) ? "coordinator" : "workers";

function stagesOf(p: beam.Pipeline): [string, string[]][] {
  return planStages(planFor(executableNodes(p, hasOperator), null), placeOf).map((s) => [s.kind, s.nodes.map((e) => e.node.fullLabel)]);
}

test("the class pipeline: read, split and write fused; the group a shuffle; keep first and its write fused after it", () => {
  const p = new beam.Pipeline();
  const split = p.apply("Read", beam.io.ReadFromText("x.csv")).apply("Split", beam.Map((l: string): [string, string] => [l, l]));
  split.apply("Write rows", beam.io.WriteToText("/tmp/rows"));
  split.apply("Group", beam.GroupByKey<string, string>()).apply("First", beam.Map(([, v]: [string, string[]]) => v[0])).apply("Write first", beam.io.WriteToText("/tmp/first"));
  assert.deepEqual(stagesOf(p), [
    ["workers", ["Read", "Split", "Write rows"]],
    ["shuffle", ["Group"]],
    ["workers", ["First", "Write first"]],
  ]);
});

test("Create on the coordinator, a combine lifted as a shuffle, a side input complete before its reader, a fixed-shard sink on the coordinator", () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const total = nums.apply("Total", beam.CombineGlobally((xs: number[]) => xs.length));
  nums.apply("Share", beam.Map((n: number, t: number) => n / t, beam.pvalue.AsSingleton(total))).apply("Write", beam.io.WriteToText("/tmp/share", { numShards: 1 }));
  assert.deepEqual(stagesOf(p), [
    ["coordinator", ["Nums", "Total/DoOnce"]],
    ["workers", ["Total/KeyWithVoid"]],
    ["shuffle", ["Total/CombinePerKey"]],
    ["workers", ["Total/UnKey"]],
    // Each reads a side input the stage before completes.
    ["workers", ["Total/InjectDefault"]],
    ["workers", ["Share"]],
    ["coordinator", ["Write"]],
  ]);
});
