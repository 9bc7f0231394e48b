// Before/after pairs (beam.teaching.pairs) and beam.diff on the course pipelines and on
// Filter / FlatMap / tagged ParDos: changed fields, dropped inputs, fan-out, pairing by
// value when lineage cannot pair, and the escaped table.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { changesBetween } from "../../lib/teaching/changes";
import { classPipeline, helloSplitWords, studentPipeline, type RefinedStudent, type StagingClass, type StagingStudent } from "../course/pipelines";
import { tmpDir } from "../unit/helpers";
import { collegePipeline, rejectsWith } from "./helpers";

const out = (name: string) => `${tmpDir("beamlab-teaching-out-")}/${name}`;

/** The bundle `beam.show(pairs)` would display. */
function displayOf(x: unknown): Record<string, unknown> {
  return (x as Record<symbol, () => Record<string, unknown>>)[Symbol.for("beamlab.display")]();
}

test("Format dob: each cleaned student paired with its raw row, only dob changed", async () => {
  const { p } = await collegePipeline();
  const { students } = studentPipeline(p, { textPrefix: out("student") });
  const pairs = await beam.teaching.pairs(students);
  assert.deepEqual(pairs.step, { label: "Format dob", kind: "ParDo" });
  assert.equal(pairs.method, "lineage");
  assert.deepEqual(pairs.counts, { before: 12, after: 12, changed: 9, unchanged: 3, dropped: 0, added: 0, fannedOut: 0 });
  const kev = pairs.rows.find((r) => (r.before as StagingStudent | undefined)?.sid === "kev18")!;
  assert.equal(kev.status, "changed");
  assert.deepEqual(kev.changes, [{ field: "dob", before: "May-10-1999", after: "1999-05-10" }]);
  assert.equal((kev.after as RefinedStudent).dob, "1999-05-10");
  const iso = pairs.rows.find((r) => (r.before as StagingStudent | undefined)?.sid === "jc")!;
  assert.equal(iso.status, "unchanged");
  assert.deepEqual(iso.changes, []);
  // Every row is one input and its one output, in input order.
  assert.deepEqual(pairs.rows.map((r) => r.beforeIndex), [...Array(12).keys()]);
  assert.ok(pairs.rows.every((r) => r.fanOut === null));
});

test("a Filter's dropped inputs are marked, kept ones unchanged", async () => {
  const { p } = await collegePipeline();
  const { students } = studentPipeline(p, { textPrefix: out("student") });
  const current = students.apply("Current", beam.Filter((s: RefinedStudent) => s.status === "CUR"));
  const pairs = await beam.teaching.pairs(current);
  assert.equal(pairs.step?.kind, "Filter");
  assert.equal(pairs.counts.dropped, 5);
  assert.equal(pairs.counts.unchanged, 7);
  assert.equal(pairs.counts.changed, 0);
  const dropped = pairs.rows.filter((r) => r.status === "dropped");
  assert.ok(dropped.every((r) => r.afterIndex === null && r.after === undefined && (r.before as RefinedStudent).status === "PRO"));
  assert.match(displayOf(pairs)["text/plain"] as string, /^Current \(Filter\): 12 → 7 elements, paired by lineage: 0 changed, 7 unchanged, 5 dropped/);
});

test("a FlatMap's fan-out: every word paired with its sentence, position and count marked", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const { words } = helloSplitWords(p, ["the quick fox", "", "dog"]);
  const pairs = await beam.teaching.pairs(words);
  assert.equal(pairs.step?.kind, "FlatMap");
  assert.deepEqual(
    pairs.rows.map((r) => [r.status, r.beforeIndex, r.afterIndex, r.fanOut && `${r.fanOut.position + 1}/${r.fanOut.of}`]),
    [
      ["changed", 0, 0, "1/3"],
      ["changed", 0, 1, "2/3"],
      ["changed", 0, 2, "3/3"],
      ["dropped", 1, null, null],
      ["changed", 2, 3, null],
    ],
  );
  assert.deepEqual(pairs.rows[1].changes, [{ field: null, before: ["the", "quick", "fox"], after: "quick" }]);
  assert.equal(pairs.counts.fannedOut, 1);
  assert.equal(pairs.counts.dropped, 1);
});

test("a tagged output of the class Split: rows with no takes are dropped from it", async () => {
  const { p } = await collegePipeline();
  const c = classPipeline(p, { takesTextPrefix: out("takes"), classTextPrefix: out("class") });
  const pairs = await beam.teaching.pairs(c.takes);
  assert.equal(pairs.after, "Split takes and classes.takes");
  assert.deepEqual(
    pairs.rows.filter((r) => r.status === "dropped").map((r) => (r.before as StagingClass).sid),
    ["aprilz", "sudeepa4"],
  );
  const graded = pairs.rows.find((r) => (r.before as StagingClass | undefined)?.sid === "paulg" && (r.before as StagingClass).cno === "CS329E")!;
  assert.deepEqual(graded.changes.map((ch) => ch.field), ["cname", "credits"]);
});

test("pairs() of a step that is not element-wise says what to use instead", async () => {
  const { p } = await collegePipeline();
  const c = classPipeline(p, { takesTextPrefix: out("takes"), classTextPrefix: out("class") });
  await rejectsWith(
    () => beam.teaching.pairs(c.grouped),
    /needs the output of an element-wise step \(ParDo, Map, FlatMap or Filter\), and "Group by cno" is a GroupByKey/,
    /use await beam.lineage\(/,
  );
});

test("beam.diff pairs through lineage either way round, and by value when it must", async () => {
  const { p } = await collegePipeline();
  const { rows, students } = studentPipeline(p, { textPrefix: out("student") });
  const forward = await beam.diff(rows, students);
  assert.equal(forward.method, "lineage");
  assert.equal(forward.counts.changed, 9);
  const kev = forward.rows.find((r) => r.before?.sid === "kev18")!;
  assert.equal(kev.status === "changed" && kev.after.dob, "1999-05-10");

  const backward = await beam.diff(students, rows);
  assert.equal(backward.method, "lineage");
  assert.match(backward.notes[0], /"Format dob" was made from "Read student": paired through lineage the other way round/);
  const back = backward.rows.find((r) => r.before?.sid === "kev18")!;
  assert.deepEqual(back.changes, [{ field: "dob", before: "1999-05-10", after: "May-10-1999" }]);

  // Two PCollections with no element-wise lineage between them: the row diff, by key fields.
  const fixed = p.apply("Expected", beam.Create<RefinedStudent>([{ sid: "kev18", fname: "Kevin", lname: "Lin", dob: "1999-05-11", status: "CUR" }]));
  const byValue = await beam.diff(students, fixed, { keyFields: ["sid"] });
  assert.equal(byValue.method, "row diff");
  assert.match(byValue.notes.join("\n"), /"Expected" was not made from "Format dob" element by element/);
  assert.deepEqual(byValue.rows.filter((r) => r.status === "changed").map((r) => r.changes), [[{ field: "dob", before: "1999-05-10", after: "1999-05-11" }]]);
  assert.equal(byValue.counts.dropped, 11);
  assert.equal(byValue.counts.unchanged, 0);
});

test("beam.diff with lineage off or across pipelines pairs by value and says why", async () => {
  const p = new beam.Pipeline({ runner: "interactive", lineage: false });
  const nums = p.apply("Nums", beam.Create([{ id: 1, v: "a" }, { id: 2, v: "b" }]));
  const upper = nums.apply("Upper", beam.Map((r: { id: number; v: string }) => ({ ...r, v: r.v.toUpperCase() })));
  const d = await beam.diff(nums, upper, { keyFields: ["id"] });
  assert.equal(d.method, "row diff");
  assert.match(d.notes[0], /Lineage is off for this pipeline \(lineage: false\), so the rows are paired by value/);
  assert.equal(d.counts.changed, 2);
  const q = new beam.Pipeline({ runner: "interactive" });
  const same = q.apply("Same", beam.Create([{ id: 1, v: "a" }, { id: 2, v: "B" }]));
  const across = await beam.diff(nums, same);
  assert.match(across.notes[0], /in different pipelines/);
  assert.deepEqual(across.counts, { before: 2, after: 2, changed: 1, unchanged: 1, dropped: 0, added: 0, fannedOut: 0 });
});

test("changes: records field by field, pairs as key and value, anything else whole", () => {
  assert.deepEqual(changesBetween({ a: 1, b: 2 }, { b: 2, a: 1 }), []);
  assert.deepEqual(changesBetween({ a: 1, b: 2 }, { a: 1, c: 3 }), [{ field: "b", before: 2, after: undefined }, { field: "c", before: undefined, after: 3 }]);
  assert.deepEqual(changesBetween(["k", 1], ["k", 2]), [{ field: "value", before: 1, after: 2 }]);
  assert.deepEqual(changesBetween(5, 6), [{ field: null, before: 5, after: 6 }]);
  assert.deepEqual(changesBetween({ d: new Date(0) }, { d: new Date(0) }), []);
  assert.deepEqual(changesBetween("x", { x: 1 }), [{ field: null, before: "x", after: { x: 1 } }]);
});

test("hostile strings are escaped in the pairs table, and changed fields are marked in words too", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const evil = `<script>alert(1)</script>`;
  const rows = p.apply("Rows", beam.Create([{ "<b>field</b>": evil, n: 1 }]));
  const changed = rows.apply("Touch <em>it", beam.Map((r: Record<string, unknown>) => ({ ...r, n: 2, [`<b>field</b>`]: `${evil}!` })));
  const pairs = await beam.teaching.pairs(changed);
  const html = displayOf(pairs)["text/html"] as string;
  assert.ok(!/<script|<b>|<em>/.test(html), html);
  assert.ok(html.includes("&lt;b&gt;field&lt;/b&gt;") && html.includes("&lt;script&gt;alert(1)&lt;/script&gt;") && html.includes("Touch &lt;em&gt;it"));
  assert.equal((html.match(/<mark /g) ?? []).length, 2, "two changed fields");
  assert.match(html, /<mark [^>]*title="changed"><code>1<\/code> → <code>2<\/code><\/mark>/);
  const payload = displayOf(pairs)[beam.teaching.PAIRS_MIME] as beam.teaching.PairsPayload;
  assert.deepEqual(payload.rows[0].changed, ["<b>field</b>", "n"]);
});

test("a large pairing keeps the changed rows in what it shows, and says how many it shows", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Nums", beam.Create(Array.from({ length: 2000 }, (_, i) => i)));
  const bumped = nums.apply("Bump 1500", beam.Map((n: number) => (n === 1500 ? -1 : n)));
  const pairs = await beam.teaching.pairs(bumped);
  assert.equal(pairs.rows.length, 2000);
  const text = displayOf(pairs)["text/plain"] as string;
  assert.match(text, /#1500 → #1500 +changed +1500 → -1\n  … showing 20 of 2000 rows/);
  assert.match(text, /… showing 20 of 2000 rows/);
  const payload = displayOf(pairs)[beam.teaching.PAIRS_MIME] as beam.teaching.PairsPayload;
  assert.equal(payload.rows.length, 500);
  assert.equal(payload.truncated, true);
});

test("a cell ending in a trace or in pairs prints one line, not every element again", async () => {
  const { inspect } = await import("node:util");
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const odd = nums.apply("Odd", beam.Filter((n: number) => n % 2 === 1));
  assert.equal(inspect(await beam.lineage(odd, 1)), 'LineageTrace of element #1 of "Odd": 1 step upstream, 0 downstream; see .upstream, .downstream, .steps');
  assert.equal(inspect(await beam.teaching.pairs(odd)), "Pairs: Odd (Filter): 3 → 2 elements, paired by lineage: 0 changed, 2 unchanged, 1 dropped; see .rows");
});
