import test from "node:test";
import assert from "node:assert/strict";
import { runNotebook, textOf } from "./helpers";

const EXPLAIN = "application/vnd.beamlab.explain.v1+json";

test("in a notebook: beam.explain shows one output with the four views, names the pipeline's variable, and a run fails on what it found", { timeout: 150_000 }, () => {
  const { run, outputs } = runNotebook("explain", [
    'import * as beam from "beamlab";\nconst college = new beam.Pipeline();\nconst words = college.apply("Words", beam.Create(["the cat", "the dog"]));\nconst split = words.apply("Split", beam.FlatMap((s: string) => s.split(" ")));\nconst counts = split.apply("Count", beam.combiners.Count.PerElement());',
    "const e = beam.explain(college);\nconsole.log(e.stages.map((s) => `${s.id}: ${s.transforms.join(\", \")}`).join(\"\\n\"));",
    'const bad = words.apply("Group words", beam.GroupByKey() as any);\nbeam.explain(college).errors.map((f) => f.label)',
    "await college.run();",
  ]);
  assert.equal(run.status, 1, "the last cell's run fails validation");
  const shown = outputs[1].find((o) => o.data?.[EXPLAIN]);
  assert.ok(shown, "an explain output");
  const payload = shown.data![EXPLAIN] as { pipeline: { name: string }; stages: { id: string }[]; findings: { severity: string; label: string }[]; submitted: { components: { transforms: Record<string, { unique_name: string }> } } };
  assert.equal(payload.pipeline.name, "college");
  assert.equal(payload.stages.length, 2);
  assert.deepEqual(payload.findings.map((f) => [f.severity, f.label]), [["warning", "Count"]]);
  assert.ok(Object.values(payload.submitted.components.transforms).some((t) => t.unique_name === "Count/CountPerKey"));
  const html = [shown.data!["text/html"] as string | string[]].flat().join("");
  assert.match(html, /<h3>As written: college<\/h3>/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(textOf(outputs[1]), /S1: Words, Split, Count\/PairWithOne, Count\/CountPerKey\nS2: Count\/CountPerKey\n/);
  assert.match(textOf(outputs[2]), /\[ 'Group words' \]|\["Group words"\]/);
  const failed = textOf(outputs[3]);
  assert.match(failed, /did not pass validation \(1 problem\), so nothing was run/);
  assert.match(failed, /\[Group words\] GroupByKey needs \[key, value\] pairs, but its input Words is not: element 1 of the Create "Words" is "the cat"/);
});
