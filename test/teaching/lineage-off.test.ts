// Lineage off costs nothing: no recorder is made for the run, no operator is handed one, and
// every operator takes the code path it took before lineage existed (the ParDo's own loops,
// the plain GroupByKey, Flatten and CombinePerKey). With lineage on, only the steps that move
// elements around get a recorder; sources and sinks never do.
import test, { after } from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { registerOperator, type OperatorContext, type OperatorFactory } from "../../lib/runners/operator";
import { flattenOperator } from "../../lib/runners/operators/flatten";
import { combinePerKeyOperator, groupByKeyOperator } from "../../lib/runners/operators/group";
import { ParDoOperator, SideInputParDoOperator } from "../../lib/runners/operators/pardo";
import { createOperator, readOperator } from "../../lib/runners/operators/sources";
import { writeOperator } from "../../lib/runners/operators/write";
import { tmpDir } from "../unit/helpers";
import { runnerOf } from "./helpers";

const FACTORIES: Record<string, OperatorFactory> = {
  Create: createOperator,
  Read: readOperator,
  ParDo: (ctx) => (ctx.exec.sideInputs.length ? new SideInputParDoOperator(ctx) : new ParDoOperator(ctx)),
  GroupByKey: groupByKeyOperator,
  CombinePerKey: combinePerKeyOperator,
  Flatten: flattenOperator,
  Write: writeOperator,
};

/** Every operator context and ParDo operator made while `f` runs. */
async function spyOperators(f: () => Promise<unknown>): Promise<{ contexts: OperatorContext[]; pardos: ParDoOperator[] }> {
  const contexts: OperatorContext[] = [];
  const pardos: ParDoOperator[] = [];
  for (const [kind, factory] of Object.entries(FACTORIES)) {
    registerOperator(kind as never, (ctx) => {
      contexts.push(ctx);
      const op = factory(ctx);
      if (op instanceof ParDoOperator) pardos.push(op);
      return op;
    });
  }
  try {
    await f();
  } finally {
    for (const [kind, factory] of Object.entries(FACTORIES)) registerOperator(kind as never, factory);
  }
  return { contexts, pardos };
}

after(() => {
  for (const [kind, factory] of Object.entries(FACTORIES)) registerOperator(kind as never, factory);
});

function build(p: beam.Pipeline, dir: string) {
  const nums = p.apply("Nums", beam.Create([1, 2, 3, 4, 5, 6]));
  const other = p.apply("Other", beam.Create([7]));
  const all = beam.Flatten.of([nums, other], "All");
  const odd = all.apply("Odd", beam.Filter((n: number) => n % 2 === 1));
  const twice = odd.apply("Twice", beam.FlatMap((n: number) => [n, n]));
  const keyed = twice.apply("Key", beam.Map((n: number): [number, number] => [n % 3, n]));
  keyed.apply("Group", beam.GroupByKey());
  keyed.apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  odd.apply("Write", beam.io.WriteToText(`${dir}/odd`));
}

test("with lineage off no operator gets a recorder and every ParDo keeps its plain loops", async () => {
  const p = new beam.Pipeline({ runner: "interactive", lineage: false });
  build(p, tmpDir());
  const { contexts, pardos } = await spyOperators(() => p.run());
  assert.ok(contexts.length >= 9, `operators made: ${contexts.length}`);
  assert.deepEqual(contexts.filter((c) => c.lineage !== undefined).map((c) => c.exec.node.fullLabel), []);
  assert.ok(pardos.length >= 3, `ParDo operators: ${pardos.length}`);
  for (const op of pardos) assert.equal((op as unknown as { trace: unknown }).trace, undefined);
  assert.equal(runnerOf(p).lineage(), undefined, "the runner keeps no lineage store");
});

test("the direct runner never records lineage", async () => {
  const p = new beam.Pipeline({ runner: "direct" });
  build(p, tmpDir());
  const { contexts } = await spyOperators(() => p.run());
  assert.deepEqual(contexts.filter((c) => c.lineage !== undefined).map((c) => c.exec.node.fullLabel), []);
});

test("with lineage on only element-moving steps get a recorder; sources and sinks get none", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  build(p, tmpDir());
  const { contexts } = await spyOperators(() => p.run());
  const traced = contexts.filter((c) => c.lineage !== undefined).map((c) => `${c.exec.spec.kind} ${c.exec.node.fullLabel}`);
  assert.deepEqual(traced.sort(), ["CombinePerKey Sum", "Flatten All", "GroupByKey Group", "ParDo Key", "ParDo Odd", "ParDo Twice"]);
  const store = runnerOf(p).lineage()!;
  assert.ok(store.bytes > 0);
  // One-to-one steps store nothing at all.
  const key = p.node("Key")!.outputs.get("main")!;
  assert.equal(store.get(key.id)!.bytes, 0);
});
