import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { counted } from "../unit/helpers";
import type { GraphChange } from "../../lib/pipeline/pipeline";


interface Row {
  name: string;
  dept: string;
}

function classPipeline() {
  const p = new beam.Pipeline({ runner: "interactive" });
  const rows = p.apply("Create", beam.Create<Row>([{ name: "Ada", dept: "cs" }, { name: "Plato", dept: "phil" }]));
  const upper = rows.apply("Upper dept", beam.Map((r: Row) => ({ ...r, dept: r.dept.toUpperCase() })));
  const depts = upper.apply("Depts", beam.Map((r: Row) => r.dept));
  const count = depts.apply("Count", beam.combiners.Count.Globally());
  const names = rows.apply("Names", beam.Map((r: Row) => r.name));
  return { p, rows, upper, depts, count, names };
}

test("remove takes a transform and everything downstream out, and says what it removed", () => {
  const { p } = classPipeline();
  const removal = p.remove("Upper dept");
  assert.equal(removal.message, 'Removed "Upper dept" and 2 transforms downstream: "Depts", "Count"');
  assert.deepEqual(removal.removed, ["Upper dept", "Depts", "Count"]);
  assert.deepEqual(p.labels(), ["Create", "Names"], "unrelated branches stay");
  assert.equal(p.node("Count/CombineGlobally") ?? p.allNodes().find((n) => n.fullLabel.startsWith("Count")), undefined, "a composite goes with its parts");
  assert.equal(String(removal), removal.message);
});

test("remove by PCollection removes its producer; a composite's output removes the whole composite", () => {
  const { p, count, depts } = classPipeline();
  assert.equal(p.remove(count).message, 'Removed "Count" (nothing read its output)');
  assert.deepEqual(p.labels(), ["Create", "Upper dept", "Depts", "Names"]);
  assert.equal(p.remove(depts).target, "Depts");
});

test("remove follows side inputs downstream", () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const total = p.apply("Totals", beam.Create([10])).apply("Total", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const shares = nums.apply("Share", beam.Map((n: number, t: number) => n / t, beam.pvalue.AsSingleton(total)));
  shares.apply("Round", beam.Map((x: number) => Math.round(x * 100)));
  assert.deepEqual(p.remove("Total").removed, ["Total", "Share", "Round"]);
  assert.deepEqual(p.labels(), ["Create", "Totals"]);
});

test("labels are free after remove and re-applying works, computing anew", async () => {
  const { p, rows } = classPipeline();
  const first = counted((r: Row) => r.dept.toUpperCase());
  const again = rows.apply("Again", first.t);
  await beam.collect(again);
  p.remove("Upper dept");
  const second = counted((r: Row) => r.dept.toLowerCase() + "!");
  const upper = rows.apply("Upper dept", second.t);
  const depts = upper.apply("Depts", beam.Map((d: string) => d.length));
  assert.deepEqual([...(await beam.collect(upper)).array("element")], ["cs!", "phil!"]);
  assert.deepEqual([...(await beam.collect(depts)).array("element")], [3, 5]);
  assert.equal(second.c.calls, 2);
  await p.run();
  assert.equal(first.c.calls, 2, "an unrelated cached step is not recomputed");
});

test("remove drops the interactive runner's caches of what it removed, and a removed PCollection fails clearly", async () => {
  const { p, upper, count, names } = classPipeline();
  await beam.collect(count);
  await beam.collect(names);
  const state = (await import("../../lib/runners/registry")).resolveRunner(p) as beam.InteractiveRunner;
  assert.ok(state.isCached(upper) && state.isCached(count) && state.isCached(names));
  const changes: GraphChange["type"][] = [];
  p.onChange((c) => changes.push(c.type));
  p.remove(upper);
  assert.deepEqual(changes, ["removed"]);
  assert.equal(state.isCached(upper), false);
  assert.equal(state.isCached(count), false);
  assert.equal(state.isCached(names), true, "the other branch keeps its cache");
  assert.equal(state.runState().counts.has(count.id), false);
  await assert.rejects(beam.collect(count), (e: Error) => {
    assert.ok(e instanceof beam.PipelineError);
    assert.match(e.message, /The PCollection "Count" was removed from the pipeline by remove\("Upper dept"\), downstream of "Upper dept"/);
    assert.match(e.message, /what to do: re-run the cell that applies "Count"/);
    return true;
  });
  assert.throws(() => upper.apply("Later", beam.Map((r: Row) => r.name)), /The PCollection "Upper dept" was removed from the pipeline by remove\("Upper dept"\) in transform "Later"/);
  assert.throws(() => names.apply("With side", beam.Map((n: string, c: number) => `${n}${c}`, beam.pvalue.AsSingleton(count))), /was removed from the pipeline/);
  assert.throws(() => p.remove(upper), /already removed/);
});

test("an unknown label is an actionable error listing the labels", () => {
  const { p } = classPipeline();
  assert.throws(
    () => p.remove("Upper Dept"),
    (e: Error) => {
      assert.ok(e instanceof beam.PipelineError);
      assert.match(e.message, /No transform labelled "Upper Dept"/);
      assert.match(e.message, /"Create", "Upper dept", "Depts", "Count", "Names"/);
      return true;
    },
  );
  assert.throws(() => p.remove("Count/CombinePerKey"), /inside the composite transform "Count"[\s\S]*p\.remove\("Count"\)/);
  assert.deepEqual(p.labels(), ["Create", "Upper dept", "Depts", "Count", "Names"], "nothing removed");
});

test("a failed run names the failing step and both ways out; remove gets past it", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const rows = p.apply("Create", beam.Create<Row>([{ name: "Ada", dept: "cs" }, { name: "Plato", dept: null as unknown as string }]));
  rows.apply("Upper dept", beam.Map((r: Row) => r.dept.toUpperCase()));
  const g = globalThis as { __tslab__?: unknown };
  const saved = g.__tslab__;
  g.__tslab__ = { exports: { college: p } };
  try {
    for (let i = 0; i < 2; i++) {
      await assert.rejects(p.run(), (e: Error) => {
        assert.match(e.message, /in transform "Upper dept"/);
        assert.match(e.message, /\n  to go on: fix the DoFn and re-run its cell, or remove it with `college\.remove\("Upper dept"\)`$/);
        assert.equal(e.message.match(/to go on/g)!.length, 1);
        return true;
      });
    }
  } finally {
    g.__tslab__ = saved;
  }
  p.remove("Upper dept");
  assert.equal((await p.run()).state, "DONE");
});

test("the direct runner's collect of a removed PCollection fails clearly", async () => {
  const p = new beam.Pipeline({ runner: "direct" });
  const nums = p.apply("Create", beam.Create([1, 2]));
  const plus = nums.apply("Plus", beam.Map((n: number) => n + 1));
  p.remove("Plus");
  await assert.rejects(beam.collect(plus), /was removed from the pipeline/);
  assert.equal((await p.run()).state, "DONE");
});
