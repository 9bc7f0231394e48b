// Validation before a run: each validator's findings (a case that finds something and one
// that does not), the interface other checks plug into, and runners that fail before doing
// any work.
import test, { after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";
import type { TransformNode } from "../../lib";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-validate-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const csv = path.join(tmp, "class.csv");
fs.writeFileSync(csv, "sid,cno,credits,day\ns1,CS327E,3,2020-01-02\ns2,CS313E,4,2020-02-03\n");

const findings = (p: beam.Pipeline, check: string) => beam.validatePipeline(p).filter((f) => f.check === check);

/** A graph edit that `apply` would refuse: used to show the check also covers graphs changed afterwards. */
function edit(node: TransformNode | undefined, change: Partial<Record<"label" | "fullLabel", string>>): void {
  Object.assign(node as object, change);
}

test("labels: an empty label and a duplicate label are errors naming the transform", () => {
  const p = new beam.Pipeline();
  p.apply("Numbers", beam.Create([1])).apply("Double", beam.Map((x: number) => x * 2)).apply("Triple", beam.Map((x: number) => x * 3));
  assert.deepEqual(findings(p, "labels"), []);
  edit(p.node("Triple"), { label: " ", fullLabel: "Double" });
  const found = findings(p, "labels");
  assert.deepEqual(found.map((f) => [f.severity, f.label]), [["error", "Double"], ["error", "Double"]]);
  assert.match(found[0].message, /empty label/);
  assert.match(found[1].message, /2 transforms have the label "Double"/);
  assert.match(found[1].hint, /"Double 2"/);
});

test("keyed inputs: a GroupByKey of a Create of non-pairs names the element; pairs and unknown elements pass", () => {
  const p = new beam.Pipeline();
  p.apply("Words", beam.Create(["cat", "dog"])).apply("Group", beam.GroupByKey() as never);
  p.apply("Pairs", beam.Create<[string, number]>([["cat", 1]])).apply("Group pairs", beam.GroupByKey());
  p.apply("Lines", beam.Create(["a b"])).apply("Split", beam.Map((s: string) => s.split(" "))).apply("Group split", beam.GroupByKey<string, string>() as never);
  const found = findings(p, "keyed-inputs");
  assert.equal(found.length, 1);
  assert.equal(found[0].label, "Group");
  assert.equal(found[0].severity, "error");
  assert.match(found[0].message, /GroupByKey needs \[key, value\] pairs, but its input Words is not: element 1 of the Create "Words" is "cat"/);
  assert.match(found[0].hint, /beam\.Map\(\(x\) => \[x\.id, x\]\)/);
});

test("keyed inputs: CombinePerKey is reported once (not its inner GroupByKey), CoGroupByKey names the tag", () => {
  const p = new beam.Pipeline();
  p.apply("Numbers", beam.Create([1, 2])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.length) as never);
  const students = p.apply("Students", beam.Create<[string, string]>([["s1", "Ann"]]));
  const takes = p.apply("Takes", beam.Create(["CS327E"]));
  beam.CoGroupByKey.of({ students, takes: takes as never }, "Join");
  const found = findings(p, "keyed-inputs");
  assert.deepEqual(found.map((f) => f.label), ["Sum", "Join"]);
  assert.match(found[1].message, /its input "takes" \(Takes\)/);
});

test("keyed inputs: records with columns declared by the source are not pairs", () => {
  const p = new beam.Pipeline();
  const rows = p.apply("Read", beam.io.ReadFromCsv(csv, { schema: "sid:STRING,cno:STRING,credits:INTEGER,day:DATE" }));
  rows.apply("Group", beam.GroupByKey() as never);
  const keyed = rows.apply("Key", beam.Map((r: { cno: string | null }) => [r.cno, r] as [string | null, unknown]));
  keyed.apply("Group keyed", beam.GroupByKey());
  const found = findings(p, "keyed-inputs");
  assert.deepEqual(found.map((f) => f.label), ["Group"]);
  assert.match(found[0].message, /records with the columns sid, cno, credits, day/);
});

test("unconsumed: a PCollection nothing reads is a warning; sink results and an empty tagged main output are not", () => {
  const p = new beam.Pipeline();
  const xs = p.apply("Numbers", beam.Create([1, 2]));
  xs.apply("Dropped", beam.Map((x: number) => x + 1));
  xs.apply("Write", beam.io.WriteToText(path.join(tmp, "numbers")));
  class Split extends beam.DoFn<number, never> {
    *process(x: number) {
      yield beam.TaggedOutput("odd", x);
    }
  }
  const split = xs.apply("Split", beam.ParDo(new Split()).withOutputs("odd"));
  split.odd.apply("Use odd", beam.io.WriteToText(path.join(tmp, "odd")));
  const found = findings(p, "unconsumed");
  assert.deepEqual(found.map((f) => [f.severity, f.label]), [["warning", "Dropped"]]);
  assert.match(found[0].message, /Nothing reads the PCollection Dropped/);
  assert.match(found[0].hint, /p\.remove\("Dropped"\)/);
});

test("same pipeline: a side input of another pipeline is an error; one of the same pipeline is not", () => {
  const p = new beam.Pipeline({ name: "main" });
  const other = new beam.Pipeline({ name: "other" });
  const foreign = other.apply("Limits", beam.Create([10]));
  const xs = p.apply("Numbers", beam.Create([1, 2]));
  const limit = p.apply("Limit", beam.Create([5]));
  xs.apply("Cap", beam.Map((x: number, l: number) => Math.min(x, l), beam.pvalue.AsSingleton(limit)));
  assert.deepEqual(findings(p, "same-pipeline"), []);
  // apply refuses a foreign side input; a graph edited afterwards is caught before the run.
  p.node("Cap")!.sideInputs.push(foreign as beam.PCollection<unknown>);
  const found = findings(p, "same-pipeline");
  assert.equal(found.length, 1);
  assert.equal(found[0].label, "Cap");
  assert.match(found[0].message, /side input Limits belongs to another pipeline \(other\)/);
});

test("sink schema: a column the table lacks and a type it cannot take are errors; a fraction into INTEGER is a warning; matching columns pass", () => {
  const p = new beam.Pipeline();
  const rows = p.apply("Read", beam.io.ReadFromCsv(csv, { schema: "sid:STRING,cno:STRING,credits:FLOAT,day:DATE" }));
  const kept = rows.apply("Keep some", beam.Filter((r: { sid: string | null }) => r.sid !== ""));
  kept.apply("Write wrong", beam.io.WriteToTable({ table: "d.wrong", schema: "sid:STRING,cno:STRING,credits:INTEGER,day:INTEGER" }));
  kept.apply("Write narrow", beam.io.WriteToTable({ table: "d.narrow", schema: "sid:STRING,cno:STRING,credits:FLOAT,day:DATE,room:STRING" }));
  rows.apply("Drop day", beam.Map(({ day: _day, ...rest }: { sid: string | null; day: string | null }) => rest)).apply("Write mapped", beam.io.WriteToTable({ table: "d.m", schema: "sid:STRING" }));
  const found = findings(p, "sink-schema");
  assert.deepEqual(
    found.map((f) => [f.severity, f.label, f.message]),
    [
      ["warning", "Write wrong", "The column credits is FLOAT in Keep some but INTEGER in the table's schema"],
      ["error", "Write wrong", "The column day is DATE in Keep some but INTEGER in the table's schema"],
    ],
  );
  const q = new beam.Pipeline();
  const r2 = q.apply("Read", beam.io.ReadFromCsv(csv, { schema: "sid:STRING,cno:STRING,credits:INTEGER,day:DATE" }));
  r2.apply("Write", beam.io.WriteToTable({ table: "d.t", schema: [{ name: "sid", type: "STRING" }, { name: "cno", type: "STRING" }, { name: "room", type: "STRING", mode: "REQUIRED" }] }));
  const q2 = findings(q, "sink-schema");
  assert.deepEqual(q2.map((f) => f.severity), ["error", "error"]);
  assert.match(q2[0].message, /has the columns credits, day, which the table's schema does not/);
  assert.match(q2[1].message, /field room is REQUIRED/);
});

test("the direct runner fails before any work, listing every error with its label and what to do", async () => {
  const p = new beam.Pipeline();
  let calls = 0;
  const words = p.apply("Words", beam.Create(["cat", "dog"]));
  words.apply("Count calls", beam.Map((w: string) => (calls++, w))).apply("Write", beam.io.WriteToText(path.join(tmp, "words")));
  words.apply("Group", beam.GroupByKey() as never);
  p.apply("Numbers", beam.Create([1])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.length) as never);
  await assert.rejects(p.run(), (e: unknown) => {
    assert.ok(e instanceof beam.PipelineError);
    assert.match(e.message, /did not pass validation \(2 problems\), so nothing was run/);
    assert.match(e.message, /1\. \[Group\] GroupByKey needs \[key, value\] pairs/);
    assert.match(e.message, /2\. \[Sum\] CombinePerKey needs/);
    assert.match(e.message, /beam\.explain\(p\)/);
    return true;
  });
  assert.equal(calls, 0);
  assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith("words")), []);
});

test("warnings do not stop a run", async () => {
  const p = new beam.Pipeline();
  p.apply("Numbers", beam.Create([1, 2])).apply("Unread", beam.Map((x: number) => x));
  assert.equal(beam.validatePipeline(p).filter((f) => f.severity === "error").length, 0);
  assert.equal((await p.run()).state, "DONE");
});

test("the interactive runner runs the same validation before computing anything", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  let calls = 0;
  const words = p.apply("Words", beam.Create(["cat"]));
  const touched = words.apply("Touch", beam.Map((w: string) => (calls++, w)));
  const grouped = words.apply("Group", beam.GroupByKey() as never) as beam.PCollection<unknown>;
  const both = beam.Flatten.of([touched as beam.PCollection<unknown>, grouped], "Both");
  await assert.rejects(beam.collect(both), /did not pass validation \(1 problem\)[\s\S]*GroupByKey needs \[key, value\] pairs/);
  assert.equal(calls, 0);
  // A collect that does not need the broken step still runs.
  const ok = p.apply("Other", beam.Create([1, 2]));
  assert.deepEqual([...(await beam.collect(ok)).array("element")], [1, 2]);
});

test("a registered validator is run by every run and beam.explain; a validator that throws is reported, not fatal", async () => {
  const name = "test-no-shouting";
  beam.registerValidator({
    name,
    description: "labels are not all capitals",
    check: (ctx) =>
      ctx.nodes
        .filter((n) => n.label.length > 1 && n.label === n.label.toUpperCase() && /[A-Z]/.test(n.label))
        .map((n) => ({ severity: "error" as const, check: name, label: n.fullLabel, message: "The label is all capitals", hint: "write it in sentence case." })),
  });
  try {
    const p = new beam.Pipeline();
    p.apply("NUMBERS", beam.Create([1]));
    await assert.rejects(p.run(), /\[NUMBERS\] The label is all capitals: write it in sentence case\./);
    assert.deepEqual(beam.explain(p).errors.map((f) => f.check), [name]);
    const q = new beam.Pipeline();
    q.apply("Numbers", beam.Create([1]));
    assert.equal((await q.run()).state, "DONE");
    beam.registerValidator({ name, description: "throws", check: () => { throw new Error("boom"); } });
    const thrown = beam.validatePipeline(q).filter((f) => f.check === name);
    assert.equal(thrown.length, 1);
    assert.match(thrown[0].message, /The check "throws" failed: boom/);
  } finally {
    // Validators are process-wide: leave one that finds nothing in its place.
    beam.registerValidator({ name, description: "unused", check: () => [] });
  }
});
