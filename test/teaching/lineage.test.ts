// beam.lineage on the course pipelines (test/course/pipelines.ts, notebooks 03–05) and on the
// shapes a trace must go through: GroupByKey, CoGroupByKey per tag, combines, Flatten,
// Distinct, tagged outputs; what it says when lineage is off, over the limit or impossible.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { classPipeline, splitInstructor, studentPipeline, teacherPipeline, type ClassRecord, type RefinedTeacher, type StagingClass, type Takes } from "../course/pipelines";
import { sorted, tmpDir } from "../unit/helpers";
import { collegePipeline, rejectsWith, runnerOf } from "./helpers";

/** The bundle `beam.show(trace)` would display. */
function displayOf(x: unknown): Record<string, unknown> {
  return (x as Record<symbol, () => Record<string, unknown>>)[Symbol.for("beamlab.display")]();
}

const out = (name: string) => `${tmpDir("beamlab-teaching-out-")}/${name}`;

test("a cleaned DOB traces back to its raw string: May-10-1999 → 1999-05-10", async () => {
  const { p } = await collegePipeline();
  const { rows, students } = studentPipeline(p, { textPrefix: out("student") });
  const t = await beam.lineage(students, (s) => s.sid === "kev18");
  assert.equal(t.element.dob, "1999-05-10");
  assert.deepEqual(Object.keys(t.upstream), ["Read student"]);
  assert.deepEqual(t.upstream["Read student"], [{ sid: "kev18", fname: "Kevin", lname: "Lin", dob: "May-10-1999", status: "CUR" }]);
  assert.equal(t.complete, true);
  assert.deepEqual(t.notes, []);
  // The source step carries the row's index in the source, and the selected step links to it.
  const source = t.steps.find((s) => s.label === "Read student")!;
  assert.equal(source.side, "upstream");
  assert.equal(source.source, true);
  const rawRows = await beam.collect(rows);
  assert.equal((rawRows.objects()[source.indexes[0]] as { dob: string }).dob, "May-10-1999");
  const selected = t.steps.find((s) => s.side === "selected")!;
  assert.deepEqual(selected.inputs.map((i) => [i.pcollection, i.links]), [["Read student", [[source.indexes[0], t.index]]]]);
  // Writes are not computed by a trace: nothing downstream but sinks.
  assert.deepEqual(t.downstream, {});
});

test("a deduplicated class row traces to every enrolment row that fed it", async () => {
  const { p } = await collegePipeline();
  const c = classPipeline(p, { takesTextPrefix: out("takes"), classTextPrefix: out("class") });
  const t = await beam.lineage(c.classes, (r: ClassRecord) => r.cno === "CS327E");
  assert.deepEqual(t.element, { cno: "CS327E", cname: "Elements of Databases", credits: 3 });
  const fed = t.upstream["Read class"] as StagingClass[];
  assert.deepEqual(sorted(fed.map((r) => `${r.sid} ${r.cno} ${r.credits}`)), ["jc CS327E 3", "jerryh CS327E 0", "jerryh CS327E 3"]);
  // The group, and the three keyed records of the Split's `classes` output (not its takes).
  assert.equal(t.upstream["Group by cno"].length, 1);
  assert.equal((t.upstream["Group by cno"][0] as [string, ClassRecord[]])[1].length, 3);
  const split = t.steps.filter((s) => s.label === "Split takes and classes");
  assert.deepEqual(split.map((s) => [s.pcollection, s.indexes.length]), [["Split takes and classes.classes", 3]]);
  assert.deepEqual(Object.keys(t.upstream), ["Read class", "Split takes and classes", "Group by cno"]);
  // The group links to each of the three inputs it grouped.
  const group = t.steps.find((s) => s.label === "Group by cno")!;
  assert.equal(group.inputs[0].links.length, 3);
});

test("an enrolment row leads downstream to its takes row, its class group and the class kept", async () => {
  const { p } = await collegePipeline();
  const c = classPipeline(p, { takesTextPrefix: out("takes"), classTextPrefix: out("class") });
  const t = await beam.lineage(c.rows, (r) => r.sid === "jc" && r.cno === "CS327E");
  assert.deepEqual(t.upstream, {}, "a source row comes from nothing");
  assert.deepEqual(t.downstream["Split takes and classes"], [{ sid: "jc", cno: "CS327E" }, ["CS327E", { cno: "CS327E", cname: "CS327E – Elements of Databases", credits: 3 }]]);
  assert.equal((t.downstream["Group by cno"][0] as [string, unknown[]])[0], "CS327E");
  assert.deepEqual(t.downstream["Keep first"], [{ cno: "CS327E", cname: "Elements of Databases", credits: 3 }]);
  // Downstream links go only to traced elements: the group links to this row's class record alone.
  const group = t.steps.find((s) => s.side === "downstream" && s.label === "Group by cno")!;
  assert.equal(group.inputs[0].links.length, 1);
});

test("a grouped teacher count traces to its teachers and their raw rows", async () => {
  const { p } = await collegePipeline();
  const { teachers } = teacherPipeline(p, { textPrefix: out("teacher") });
  const perDept = teachers
    .apply("Key by dept", beam.Map((t: RefinedTeacher): [string, RefinedTeacher] => [t.dept ?? "", t]))
    .apply("Teachers per dept", beam.combiners.Count.PerKey());
  const t = await beam.lineage(perDept, ([dept]) => dept === "Mathematics");
  assert.deepEqual(t.element, ["Mathematics", 2]);
  assert.deepEqual(sorted((t.upstream["Split instructor"] as RefinedTeacher[]).map((x) => x.lname)), ["NEEMAN", "Tran"]);
  assert.deepEqual(sorted((t.upstream["Read teacher"] as { instructor: string }[]).map((x) => x.instructor)), ["JOE NEEMAN", "Tran, Ngoc"]);
  assert.deepEqual(Object.keys(t.upstream), ["Read teacher", "Split instructor", "Key by dept"]);
  // And from a teacher forward to the count it is part of.
  const fwd = await beam.lineage(teachers, (x) => x.lname === "Tran");
  assert.deepEqual(fwd.downstream["Teachers per dept"], [["Mathematics", 2]]);
  assert.deepEqual(splitInstructor("Tran, Ngoc"), { fname: "Ngoc", lname: "Tran" });
});

test("a CoGroupByKey output traces to each tag's elements, and the links name the tags", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const students = p.apply("Students", beam.Create([{ sid: "s1", name: "Ada" }, { sid: "s2", name: "Bo" }])).apply("Key students", beam.Map((s: { sid: string; name: string }): [string, string] => [s.sid, s.name]));
  const takes = p.apply("Takes", beam.Create([{ sid: "s1", cno: "CS1" }, { sid: "s2", cno: "CS2" }, { sid: "s1", cno: "CS3" }])).apply("Key takes", beam.Map((t: { sid: string; cno: string }): [string, string] => [t.sid, t.cno]));
  const joined = beam.CoGroupByKey.of({ students, takes }, "Join");
  const t = await beam.lineage(joined, ([sid]) => sid === "s1");
  assert.deepEqual(t.element, ["s1", { students: ["Ada"], takes: ["CS1", "CS3"] }]);
  assert.deepEqual(t.upstream["Students"], [{ sid: "s1", name: "Ada" }]);
  assert.deepEqual(t.upstream["Takes"], [{ sid: "s1", cno: "CS1" }, { sid: "s1", cno: "CS3" }]);
  const selected = t.steps.find((s) => s.side === "selected")!;
  assert.deepEqual(
    selected.inputs.map((i) => [i.tag, i.pcollection, i.links.map((l) => l[0])]),
    [["students", "Key students", [0]], ["takes", "Key takes", [0, 2]]],
  );
});

test("CombineGlobally, Distinct, Flatten and tagged outputs trace through their inner steps", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const a = p.apply("A", beam.Create(["x", "y", "x"]));
  const b = p.apply("B", beam.Create(["z", "x"]));
  const all = beam.Flatten.of([a, b], "All");
  const total = all.apply("Total", beam.combiners.Count.Globally());
  const distinct = all.apply("Distinct", beam.Distinct());
  const parts = all.apply("By letter", beam.Partition((s: string) => (s === "x" ? 0 : 1), 2));

  const count = await beam.lineage(total, 0);
  assert.equal(count.element, 5);
  assert.equal(count.upstream["All"].length, 5, "the count came from every input it counted");
  assert.deepEqual(sorted(count.upstream["A"]), ["x", "x", "y"]);
  assert.deepEqual(sorted(count.upstream["B"]), ["x", "z"]);

  const x = await beam.lineage(distinct, (s) => s === "x");
  assert.deepEqual(x.upstream["All"], ["x", "x", "x"], "each duplicate it merged");
  assert.deepEqual(x.upstream["B"], ["x"]);

  const fromB = await beam.lineage(all, 3);
  assert.equal(fromB.element, "z");
  assert.deepEqual(fromB.upstream, { B: ["z"] }, "a Flatten output comes from one element of one input");
  assert.deepEqual(fromB.downstream["By letter"], ["z"]);
  assert.equal(fromB.steps.find((s) => s.label === "By letter")!.pcollection, "By letter.1");

  const inPart = await beam.lineage(parts[0], 1);
  assert.equal(inPart.pcollection, "By letter.0");
  assert.deepEqual(inPart.upstream["All"], ["x"]);
});

test("lineage follows what is computed later, across runs, and forgets what a re-applied step replaced", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Nums", beam.Create([1, 2, 3, 4]));
  await beam.collect(nums);
  let odd = nums.apply("Odd", beam.Filter((n: number) => n % 2 === 1));
  const tripled = odd.apply("Triple", beam.Map((n: number) => n * 3));
  const t = await beam.lineage(nums, 2);
  assert.deepEqual(t.downstream, { Odd: [3], Triple: [9] }, "downstream computed by the trace itself");
  odd = nums.apply("Odd", beam.Filter((n: number) => n % 2 === 0));
  const again = await beam.lineage(tripled, 0);
  assert.equal(again.element, 6);
  assert.deepEqual(again.upstream, { Nums: [2], Odd: [2] });
  assert.equal(runnerOf(p).lineage()!.get(odd.id)!.size, 2);
});

test("lineage when a step fails downstream: the upstream trace, and a note", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Nums", beam.Create([1, 2]));
  const ok = nums.apply("Plus", beam.Map((n: number) => n + 1));
  ok.apply("Boom", beam.Map((n: number): number => {
    if (n === 3) throw new Error("bad number");
    return n;
  }));
  const t = await beam.lineage(ok, 1);
  assert.deepEqual(t.upstream, { Nums: [2] });
  assert.equal(t.complete, false);
  assert.match(t.notes.join("\n"), /Downstream of "Plus" could not be computed .*Boom/);
});

test("elements emitted by finishBundle come from no element; side inputs are named, not traced", async () => {
  class Tally extends beam.DoFn<number, number> {
    private n = 0;
    startBundle() {
      this.n = 0;
    }
    process(x: number) {
      this.n += x;
      return [x];
    }
    finishBundle() {
      return [this.n * 1000];
    }
  }
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Nums", beam.Create([1, 2]));
  const tallied = nums.apply("Tally", beam.ParDo(new Tally()));
  const bonus = p.apply("Bonus", beam.Create([10]));
  const withBonus = nums.apply("Add bonus", beam.Map((n: number, b: number) => n + b, beam.pvalue.AsSingleton(bonus)));
  const els = (await beam.collect(tallied)).array("element") as number[];
  const last = els.indexOf(3000);
  const t = await beam.lineage(tallied, last);
  assert.deepEqual(t.upstream, {}, "finishBundle's output has no input element");
  const w = await beam.lineage(withBonus, 1);
  assert.deepEqual(w.upstream, { Nums: [2] });
  assert.match(w.notes.join("\n"), /"Add bonus" also read every element of its side input "Bonus"; side inputs are not part of the trace/);
});

test("over the size limit, lineage is off for that PCollection and the trace says so plainly", async () => {
  const p = new beam.Pipeline({ runner: "interactive", lineage: { maxElements: 5 } });
  const nums = p.apply("Nums", beam.Create([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  const big = nums.apply("Times ten", beam.Map((n: number) => n * 10));
  const small = big.apply("Over 80", beam.Filter((n: number) => n > 80));
  const t = await beam.lineage(small, 0);
  assert.equal(t.element, 90);
  // The filter's own lineage (2 elements) is kept: it leads to element #8 of "Times ten", and stops there.
  assert.deepEqual(t.upstream, { "Times ten": [90] });
  assert.equal(t.complete, false);
  assert.equal(t.notes.length, 1);
  assert.match(t.notes[0], /Lineage is off for "Times ten": it has 10 elements, over the limit of 5 \(the pipeline's lineage.maxElements\), so the trace stops there/);
  assert.match(t.notes[0], /new beam.Pipeline\(\{ lineage: \{ maxElements: 20 \} \}\)/);
  const direct = await beam.lineage(big, 0);
  assert.equal(direct.complete, false);
  assert.match(direct.notes[0], /Lineage is off for "Times ten"/);
  assert.deepEqual(beam.teaching.lineageStatus(big), { state: "off", reason: t.notes[0] });
  assert.deepEqual(beam.teaching.lineageStatus(small), { state: "recorded", limit: 5 });
  // A group over the limit of inputs is off too, though it has one element.
  const q = new beam.Pipeline({ runner: "interactive", lineage: { maxElements: 3 } });
  const sum = q.apply("Four", beam.Create([1, 2, 3])).apply("Sum", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  const s = await beam.lineage(sum, 0);
  assert.equal(s.element, 6);
  assert.equal(s.complete, true, "three inputs are within the limit of 3");
  const r = new beam.Pipeline({ runner: "interactive", lineage: { maxElements: 2 } });
  const g = r.apply("Three", beam.Create([["k", 1], ["k", 2], ["k", 3]] as [string, number][])).apply("Group", beam.GroupByKey());
  const gt = await beam.lineage(g, 0);
  assert.match(gt.notes.join("\n"), /Lineage is off for "Group": its step read 3 elements, over the limit of 2/);
});

test("lineage off: a plain error, and no recorder reaches any operator", async () => {
  const p = new beam.Pipeline({ runner: "interactive", lineage: false });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  const odd = nums.apply("Odd", beam.Filter((n: number) => n % 2 === 1));
  await beam.collect(odd);
  assert.equal(runnerOf(p).lineage(), undefined);
  await rejectsWith(() => beam.lineage(odd, 0), /Lineage is off for this pipeline \(it was created with lineage: false\)/, /in transform "Odd"/, /what to do: create it without lineage: false/);
  assert.equal(beam.teaching.lineageStatus(odd).state, "off");
});

test("errors a student can act on: no such element, no match, a throwing predicate, the direct runner, a bad option", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  await rejectsWith(() => beam.lineage(nums, 7), /There is no element #7 in "Nums": it has 3 elements/, /pass an index from 0 to 2, or a predicate/);
  await rejectsWith(() => beam.lineage(nums, 1.5), /needs a whole element index or a predicate, got 1.5/);
  await rejectsWith(() => beam.lineage(nums, (n) => n > 10), /No element of "Nums" matches the predicate \(n\) => n > 10/, /tried on all 3 elements/);
  const bad = await rejectsWith(() => beam.lineage(nums, (n) => (n === 2 ? (null as unknown as { x: number }).x : false)), /The predicate given to beam.lineage\(\) failed on element #1 of "Nums"/, /element: 2/);
  assert.ok(bad.cause instanceof TypeError);
  await rejectsWith(() => beam.lineage([1, 2] as unknown as beam.PCollection<number>, 0), /beam.lineage\(\) needs a PCollection, got an array/);
  const d = new beam.Pipeline({ runner: "direct" });
  await rejectsWith(() => beam.lineage(d.apply("N", beam.Create([1])), 0), /needs the interactive runner, and this pipeline runs on the direct runner/, /runner: "interactive"/);
  assert.throws(() => new beam.Pipeline({ lineage: { maxElements: -1 } }), /lineage.maxElements must be a whole number of elements \(0 or more\), got -1/);
  assert.throws(() => new beam.Pipeline({ lineage: { max: 3 } as never }), /Pipeline option lineage has no field max/);
  assert.throws(() => new beam.Pipeline({ lineage: "yes" as never }), /must be true, false or \{ maxElements \}, got string/);
});

test("hostile strings are escaped in the trace's HTML, and the payload is bounded JSON", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
  const rows = p.apply(`Read <b>rows`, beam.Create([{ name: evil }, ...Array.from({ length: 300 }, (_, i) => ({ name: `n${i}` }))]));
  const counted = rows.apply("Count <i>all", beam.combiners.Count.Globally());
  const t = await beam.lineage(counted, 0);
  const bundle = displayOf(t);
  const html = bundle["text/html"] as string;
  assert.ok(!html.includes("<script>") && !html.includes("<img") && !html.includes("<b>rows") && !html.includes("<i>all"), html.slice(0, 500));
  assert.ok(html.includes("&lt;script&gt;alert(") && html.includes("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), html.slice(0, 800));
  assert.ok(html.includes("Read &lt;b&gt;rows"));
  assert.match(bundle["text/plain"] as string, /^Lineage of element #0 of "Count <i>all": 301/);
  const payload = bundle[beam.teaching.LINEAGE_MIME] as beam.teaching.LineagePayload;
  const source = payload.steps.find((s) => s.label === "Read <b>rows")!;
  assert.equal(source.total, 301);
  assert.equal(source.elements.length, 100);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(payload)));
});

test("the trace's text reads as a story: came from, led to, with indexes and links", async () => {
  const { p } = await collegePipeline();
  const { students } = studentPipeline(p, { textPrefix: out("student") });
  const years = students.apply("Birth year", beam.Map((s) => ({ sid: s.sid, year: Number(s.dob?.slice(0, 4)) })));
  const t = await beam.lineage(students, (s) => s.sid === "kev18");
  assert.deepEqual(t.downstream["Birth year"], [{ sid: "kev18", year: 1999 }]);
  const text = displayOf(t)["text/plain"] as string;
  const i = t.steps.find((s) => s.label === "Read student")!.indexes[0];
  assert.equal(
    text,
    [
      `Lineage of element #${t.index} of "Format dob": { sid: "kev18", fname: "Kevin", lname: "Lin", dob: "1999-05-10", status: "CUR" }`,
      `  (from #${i} of "Read student")`,
      "came from (upstream):",
      "  Read student (ReadFromSQL): 1 element",
      `    #${i}  { sid: "kev18", fname: "Kevin", lname: "Lin", dob: "May-10-1999", status: "CUR" }  (source row)`,
      "led to (downstream):",
      "  Birth year (Map): 1 element",
      `    #${t.index}  { sid: "kev18", year: 1999 }  (from #${t.index} of "Format dob")`,
    ].join("\n"),
  );
  void years;
});

test("typed: a trace's element has the PCollection's element type", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const takes = p.apply("Takes", beam.Create<Takes>([{ sid: "s1", cno: "CS1" }]));
  const t = await beam.lineage(takes, (x) => x.cno === "CS1");
  const cno: string = t.element.cno;
  assert.equal(cno, "CS1");
  // @ts-expect-error: Takes has no field dob
  assert.equal(t.element.dob, undefined);
});
