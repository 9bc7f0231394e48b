import test from "node:test";
import assert from "node:assert/strict";
import { runNotebook, textOf } from "./helpers";

test("in a notebook, a failing DoFn reads as a student-facing error at the line of TypeScript the student wrote", { timeout: 120_000 }, () => {
  const { run, outputs } = runNotebook("errors", [
    'import * as beam from "beamlab";\nconst p = new beam.Pipeline();\nconst rows = p.apply("Create", beam.Create([{ name: "Ada Lovelace" }, { name: "Plato" }]));',
    // Types above the failing line: TypeScript's line 8 is JavaScript's line 4 or so.
    'interface Person {\n  name: string;\n}\ntype Split = { first: string; last: string };\n\nconst split = rows.apply("Split name", beam.Map((r: Person): Split => {\n  const [first, last]: string[] = r.name.split(" ");\n  return { first, last: last.toUpperCase() };\n}));\nawait beam.show(split);',
    // A plain error thrown in a cell, below types and a function of a previous line.
    'type Credits = { sid: string; credits: number };\nconst credits: Credits[] = [{ sid: "s1", credits: 3 }];\n\nfunction check(c: Credits): void {\n  if (c.credits < 4) throw new RangeError(`too few credits for ${c.sid}`);\n}\ncredits.forEach(check);',
  ]);
  assert.equal(run.status, 1, "the run fails");
  assert.match(run.stdout + run.stderr, /cell 2: PipelineError/, "naming the notebook cell");
  const text = textOf(outputs[1]);
  assert.match(text, /failed in transform "Split name"/);
  assert.match(text, /element: \{"name":"Plato"\}/);
  assert.match(text, /cause: TypeError: Cannot read properties of undefined \(reading 'toUpperCase'\)/);
  assert.match(text, /\n  at: line 8 of cell \[2\]: return \{ first, last: last\.toUpperCase\(\) \};\n/);
  assert.match(text, /what to do: /);
  assert.match(text, /\n  to go on: fix the DoFn and re-run its cell, or remove it with `p\.remove\("Split name"\)`/);
  assert.doesNotMatch(text, /node_modules|dist\/lib|\n\s+at .*\(/, "no internal stack frames");
  const plain = textOf(outputs[2]);
  assert.equal(
    plain,
    "RangeError: too few credits for s1\n    at line 5 of cell [3]: if (c.credits < 4) throw new RangeError(`too few credits for ${c.sid}`);\n    at line 7 of cell [3]: credits.forEach(check);\n",
    "a plain error keeps the student's frames only, at their lines of TypeScript",
  );
});

test("in a notebook: a failed run names the pipeline's variable, remove gets past it and says what it removed, runs end with a summary", { timeout: 120_000 }, () => {
  const { run, outputs } = runNotebook("remove", [
    'import * as beam from "beamlab";\nconst college = new beam.Pipeline();\nconst rows = college.apply("Create", beam.Create([{ name: "Ada", dept: "cs" }, { name: "Plato", dept: null as string | null }]));\nconst names = rows.apply("Names", beam.Map((r) => r.name));\nawait beam.show(names);',
    'const upper = rows.apply("Upper dept", beam.Map((r) => ({ ...r, dept: r.dept!.toUpperCase() })));\nconst perDept = upper.apply("Count", beam.combiners.Count.Globally());\nconst written = upper.apply("Write", beam.Map((r) => JSON.stringify(r)));',
    "await college.run();",
    'college.remove("Upper dept")',
    "await college.run();",
    'const again = college.remove("Names");\nconsole.log(again.removed.length);',
  ]);
  assert.equal(run.status, 1, "the failing cell fails the run");
  const failed = textOf(outputs[2]);
  assert.match(failed, /failed in transform "Upper dept"/);
  assert.match(failed, /to go on: fix the DoFn and re-run its cell, or remove it with `college\.remove\("Upper dept"\)`/);
  const failedSummary = outputs[2].find((o) => o.data?.["application/vnd.beamlab.progress.v1+json"]);
  assert.ok(failedSummary, "a failed run ends with a summary too");
  assert.match(textOf([failedSummary]), /^college: failed after/);
  // Removing prints one line, once (the cell's value).
  assert.equal(textOf(outputs[3]), 'Removed "Upper dept" and 2 transforms downstream: "Count", "Write"\n');
  const summary = outputs[4].find((o) => o.data?.["application/vnd.beamlab.progress.v1+json"]);
  assert.ok(summary, "a run shows a summary");
  const payload = summary.data!["application/vnd.beamlab.progress.v1+json"] as { state: string; steps: { label: string; status: string; elementsOut: number }[] };
  assert.equal(payload.state, "DONE");
  assert.deepEqual(payload.steps.map((s) => [s.label, s.status, s.elementsOut]), [["Create", "cached", 2], ["Names", "cached", 2]]);
  assert.match([summary.data!["text/html"] as string | string[]].flat().join(""), /<td>Names<\/td>(<td[^>]*>[^<]*<\/td>){3}<td>cached<\/td>/);
  assert.match(textOf(outputs[4]), /college: done in [\d.]+ s; 0 steps computed, 2 from the cache\n  Create: 0 in, 2 out, cached\n  Names: 2 in, 2 out, cached/);
  assert.match(textOf(outputs[4]), /PipelineResult: DONE \(2 steps, \d+ ms\); see result\.metrics\(\)/, "the cell's value is one line");
  // Not the cell's value: printed at the cell's end, after what the cell printed.
  assert.equal(textOf(outputs[5]), '1\nRemoved "Names" (nothing read its output)\n');
});
