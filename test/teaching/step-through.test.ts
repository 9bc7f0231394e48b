// beam.stepThrough on the course pipelines: the steps in play order with their inputs,
// outputs, counts, code, pairs and group formation; composites with their inner steps;
// CoGroupByKey sides, Flatten inputs, Partition outputs and side inputs; the lineage
// request the live player sends; and the static frames (escaped, one per step).
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { lineageOf } from "../../lib/teaching/lineage-request";
import { STEPTHROUGH_MIME, type StepThroughPayload } from "../../lib/teaching/protocol";
import { FRAME_OPEN } from "../../lib/teaching/step-frames";
import { dedent } from "../../lib/teaching/step-code";
import { classPipeline, studentPipeline, type StagingStudent } from "../course/pipelines";
import { tmpDir } from "../unit/helpers";
import { collegePipeline, rejectsWith } from "./helpers";

const out = (name: string) => `${tmpDir("beamlab-step-out-")}/${name}`;

function displayOf(x: unknown): Record<string, unknown> {
  return (x as Record<symbol, () => Record<string, unknown>>)[Symbol.for("beamlab.display")]();
}

test("student pipeline: Read then Format dob, with counts, code and dob pairs; writes are not played", async () => {
  const { p } = await collegePipeline();
  studentPipeline(p, { textPrefix: out("student") });
  const st = await beam.stepThrough(p, { sample: 5 });
  assert.deepEqual(st.steps.map((s) => [s.label, s.kind]), [["Read student", "ReadFromSQL"], ["Format dob", "ParDo"]]);
  assert.match(st.notes.join(" "), /2 write steps are not played/);
  const [read, format] = st.steps;
  assert.equal(read.inputs.length, 0);
  assert.equal(read.code?.includes("college_staging.student"), true, "a Read shows its query");
  assert.equal(read.summary, "read 12 rows");
  assert.deepEqual(format.counts, { in: 12, out: 12 });
  assert.equal(format.inputs[0].id, read.outputs[0].id);
  assert.equal(format.inputs[0].table?.rows.length, 5, "sample rows embedded");
  assert.equal(format.inputs[0].table?.total, 12);
  assert.equal(format.codeTitle, "FormatDobFn.process");
  assert.match(format.code ?? "", /^process\(row\) \{/);
  assert.match(format.code ?? "", /formatDob\(row\.dob\)/);
  assert.equal(format.pairs.length, 1);
  assert.equal(format.pairs[0].counts.changed, 9);
  const kev = format.pairs[0].rows.find((r) => (r.before as Record<string, unknown>)?.sid === "kev18")!;
  assert.deepEqual(kev.changed, ["dob"]);
  assert.equal((kev.after as Record<string, unknown>).dob, "1999-05-10");
  assert.match(format.summary, /12 elements in, 12 out \(9 changed, 3 unchanged\)/);
  assert.equal(st.graph.nodes.some((n) => n.id === format.id), true, "the graph holds the step to highlight");
});

test("class pipeline: the GroupByKey shows which enrolments formed each group; a PCollection plays only what it needs", async () => {
  const { p } = await collegePipeline();
  const c = classPipeline(p, { takesTextPrefix: out("takes"), classTextPrefix: out("class") });
  const st = await beam.stepThrough(c.grouped);
  assert.deepEqual(st.steps.map((s) => s.label), ["Read class", "Split takes and classes", "Group by cno"]);
  const split = st.steps[1];
  assert.deepEqual(split.outputs.map((o) => o.role), ["main", "takes", "classes"]);
  assert.deepEqual(split.pairs.map((x) => x.after), ["Split takes and classes.takes", "Split takes and classes.classes"], "the empty main output is not paired");
  assert.ok(split.pairs[0].counts.dropped > 0, "rows without a sid take no class: dropped from takes");
  const group = st.steps[2];
  assert.equal(group.kind, "GroupByKey");
  const keyed = await beam.collect(c.keyed);
  const grouped = (await beam.collect(c.grouped)).objects() as { key: string; value: unknown[] }[];
  assert.equal(group.formation.length, Math.min(20, grouped.length));
  for (const f of group.formation) {
    const key = grouped[f.output].key;
    assert.equal(f.from[0].total, grouped[f.output].value.length, `group ${key} has one input per value`);
    for (const i of f.from[0].indexes) assert.equal((keyed.objects()[i] as { key: string }).key, key);
  }
  assert.match(group.summary, /grouped into \d+ groups, one per key/);
});

test("composites can be stepped into; CoGroupByKey sides, Flatten inputs, Partition outputs and side inputs are named", async () => {
  const { p } = await collegePipeline();
  const a = p.apply("A", beam.Create([{ k: "x", v: 1 }, { k: "y", v: 2 }]));
  const b = p.apply("B", beam.Create([{ k: "x", w: 10 }]));
  const both = beam.Flatten.of([a, b] as beam.PCollection<Record<string, unknown>>[], "Both");
  const [small, big] = both.apply("Split", beam.Partition((r: Record<string, unknown>) => (Number(r.v ?? r.w) > 5 ? 1 : 0), 2));
  const limit = p.apply("Limit", beam.Create([5]));
  const tagged = a.apply("Tag", beam.Map((r: { k: string; v: number }, max: number) => ({ ...r, over: r.v > max }), beam.pvalue.AsSingleton(limit)));
  const ka = tagged.apply("Key a", beam.Map((r: { k: string }) => [r.k, r] as [string, unknown]));
  const kb = b.apply("Key b", beam.Map((r: { k: string }) => [r.k, r] as [string, unknown]));
  const joined = beam.CoGroupByKey.of({ left: ka, right: kb }, "Join");
  const st = await beam.stepThrough(p);
  const byLabel = new Map(st.steps.map((s) => [s.fullLabel, s]));
  const flat = byLabel.get("Both")!;
  assert.equal(flat.kind, "Flatten");
  assert.equal(flat.inputs.length, 2);
  assert.match(flat.summary, /merged .*A.* \(2\) and .*B.* \(1\) into 3 elements/);
  assert.ok(flat.formation.every((f) => f.from.reduce((n, x) => n + x.total, 0) === 1), "each Flatten output comes from one input element");
  const part = byLabel.get("Split")!;
  assert.equal(part.kind, "Partition");
  assert.deepEqual(part.outputs.map((o) => [o.role, o.count]), [["main", 0], ["0", 2], ["1", 1]]);
  const tag = byLabel.get("Tag")!;
  assert.equal(tag.sideInputs.length, 1);
  assert.equal(tag.sideInputs[0].count, 1);
  assert.match(tag.notes.join(" "), /Side input .*Limit.* read whole/);
  const join = byLabel.get("Join")!;
  assert.equal(join.kind, "CoGroupByKey");
  assert.deepEqual(join.inputs.map((i) => i.role), ["left", "right"]);
  assert.ok(join.children.length >= 2, "a composite lists its inner steps");
  const inner = st.steps.filter((s) => s.parent === join.id);
  assert.deepEqual(inner.map((s) => s.id), join.children);
  assert.equal(inner.find((s) => s.label === "Key")?.codeTitle, "Map function", "an inner Map is named as the API names it");
  assert.ok(inner.every((s) => s.top === join.id));
  assert.ok(st.steps.indexOf(join) < st.steps.indexOf(inner[0]), "a composite comes before its children");
  const x = join.formation.find((f) => f.output === 0)!;
  assert.deepEqual(x.from.map((f) => f.total), [1, 1], "key x: one element from each side");
  const joinedRows = await beam.collect(joined);
  assert.equal(joinedRows.numRows(), 2);
  void small;
  void big;
});

test("the lineage request links a clicked element to both tables of a step, inner PCollections included", async () => {
  const { p } = await collegePipeline();
  const { rows, students } = studentPipeline(p, { textPrefix: out("student") });
  await beam.stepThrough(p, { show: false });
  const all = (await beam.collect(students)).objects() as StagingStudent[];
  const j = all.findIndex((s) => s.sid === "kev18");
  const reply = lineageOf({ pipeline: p.id, pcollection: students.id, index: j });
  assert.ok(reply.ok && reply.kind === "lineage");
  if (!reply.ok || reply.kind !== "lineage") return;
  const raw = (await beam.collect(rows)).objects() as StagingStudent[];
  const up = reply.lineage.linked.find((l) => l.pcollection === rows.id)!;
  assert.equal(up.indexes.length, 1);
  assert.equal(raw[up.indexes[0]].dob, "May-10-1999");
  assert.equal(reply.lineage.trace?.steps.some((s) => s.label === "Read student"), true);
  const bad = lineageOf({ pipeline: p.id, pcollection: students.id, index: 999 });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.error : "", /no element #999/);
  assert.equal(lineageOf({ pipeline: "nope", pcollection: students.id, index: 0 }).ok, false);
});

test("static frames: one per step, graph highlighted, every value escaped, no script", async () => {
  const { p } = await collegePipeline();
  const hostile = `<img src=x onerror=alert(1)><script>alert(2)</script>`;
  const src = p.apply("Create", beam.Create([{ name: hostile, n: 1 }, { name: "ok", n: 2 }]));
  // A label cannot hold "/", so the label's markup has no closing tags.
  const upper = src.apply(`Upper <b>${hostile.replace(/\//g, "")}`, beam.Map((r: { name: string; n: number }) => ({ ...r, name: `${r.name}!` })));
  upper.apply("Keep", beam.Filter((r: { n: number }) => r.n > 1));
  const st = await beam.stepThrough(p);
  const bundle = displayOf(st);
  assert.ok(bundle[STEPTHROUGH_MIME]);
  const html = String(bundle["text/html"]);
  assert.equal(html.split(FRAME_OPEN).length - 1, st.steps.length);
  assert.equal(html.includes("<script"), false);
  assert.equal(html.includes("<img src=x"), false);
  assert.equal(html.includes("<b>"), false);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.equal((html.match(/class="beamlab-current"/g) ?? []).length, st.steps.length, "each frame highlights its step");
  assert.match(html, /dropped/);
  assert.match(String(bundle["text/plain"]), /Step through .*: 3 steps/);
  const payload = bundle[STEPTHROUGH_MIME] as StepThroughPayload;
  assert.equal(JSON.parse(JSON.stringify(payload)).steps.length, 3, "the payload is plain JSON");
});

test("errors say what to pass; lineage off still plays the steps", async () => {
  await rejectsWith(() => beam.stepThrough(undefined as never), /needs a PCollection or a pipeline, got undefined/);
  const { p } = await collegePipeline();
  p.apply("Create", beam.Create([1]));
  await rejectsWith(() => beam.stepThrough(p, { sample: 0 }), /option sample must be a whole number of at least 1, got 0/);
  const direct = new beam.Pipeline({ runner: "direct" });
  direct.apply("Create", beam.Create([1]));
  await rejectsWith(() => beam.stepThrough(direct), /needs the interactive runner/);
  const { p: off } = await collegePipeline({ lineage: false });
  off.apply("Create", beam.Create([1, 2])).apply("Double", beam.Map((n: number) => n * 2));
  const st = await beam.stepThrough(off);
  assert.deepEqual(st.steps[1].pairs, []);
  assert.match(st.steps[1].notes.join(" "), /Lineage is off/);
});

test("dedent re-indents a method's source", () => {
  assert.equal(dedent("process(x) {\n        return [x];\n    }"), "process(x) {\n    return [x];\n}");
  assert.equal(dedent("(x) => x * 2"), "(x) => x * 2");
});
