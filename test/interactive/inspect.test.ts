// The kernel side of the Pipeline Inspector: in a notebook, the pipelines listed are the
// ones the notebook's variables reach, named by variable with their own name beneath.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib/index";
import { inspectPipelines } from "../../lib/interactive/kernel-api";

/** What tslab keeps of a notebook's variables (`globalThis.__tslab__.exports`). */
const locals: Record<string, unknown> = {};
(globalThis as { __tslab__?: unknown }).__tslab__ = { exports: locals };

test("a pipeline whose variables were reassigned (its cells re-run) leaves the list", async () => {
  // First run of the cells.
  locals.p = new beam.Pipeline({ runner: "interactive", name: "teacher" });
  locals.rows = (locals.p as beam.Pipeline).apply("Read", beam.Create([{ a: 1 }]));
  const first = locals.p as beam.Pipeline;
  assert.deepEqual(inspectPipelines().map((x) => [x.pipeline.name, x.subtitle]), [["p", "teacher"]]);

  // Second run: `p` is a new pipeline, but `rows` still holds the old one's PCollection.
  locals.p = new beam.Pipeline({ runner: "interactive", name: "teacher" });
  const listed = inspectPipelines();
  assert.equal(listed.length, 2, "the old pipeline is still reachable through rows");
  assert.deepEqual(listed.find((x) => x.pipeline.id === first.id)?.pipeline.name, "teacher", "no variable: its own name");

  // The rows cell runs again too: only the new pipeline is left, under its variable.
  locals.rows = (locals.p as beam.Pipeline).apply("Read", beam.Create([{ a: 1 }]));
  const again = inspectPipelines();
  assert.deepEqual(again.map((x) => x.pipeline.id), [(locals.p as beam.Pipeline).id]);
  assert.deepEqual(again[0].pcollections.map((c) => [c.varName, c.label]), [["rows", "Read"]]);
  assert.ok(first, "the first pipeline object is still alive, and still not listed");
});

test("pipelines reached through fields and arrays are listed; unnamed ones show their own name", async () => {
  for (const k of Object.keys(locals)) delete locals[k];
  const a = new beam.Pipeline({ runner: "interactive" });
  const b = new beam.Pipeline({ runner: "interactive", name: "wordcount" });
  locals.outs = { words: a.apply("Words", beam.Create(["x"])) };
  locals.parts = [b.apply("Lines", beam.Create(["y"]))];
  const listed = inspectPipelines();
  assert.deepEqual(listed.map((x) => [x.pipeline.name, x.subtitle ?? null]), [[a.id, null], ["wordcount", null]]);
  assert.equal(listed[0].pcollections[0].varName, "outs.words");
  assert.equal(listed[1].pcollections[0].varName, "parts[0]");
});

test("the main output of a ParDo with tagged outputs, empty after a run, carries the graph's note", async () => {
  for (const k of Object.keys(locals)) delete locals[k];
  class Split extends beam.DoFn<number, never> {
    *process(n: number) {
      yield beam.TaggedOutput(n % 2 ? "odd" : "even", n);
    }
  }
  const p = new beam.Pipeline({ runner: "interactive" });
  locals.p = p;
  locals.parts = p.apply("Nums", beam.Create([1, 2, 3])).apply("Split", beam.ParDo(new Split()).withOutputs("odd", "even"));
  await p.run();
  const pcs = inspectPipelines()[0].pcollections;
  const main = pcs.find((c) => c.label === "Split")!;
  assert.equal(main.count, 0);
  assert.match(main.note ?? "", /nothing emitted/);
  assert.equal(pcs.find((c) => c.varName === "parts.odd")!.note, null);
});
