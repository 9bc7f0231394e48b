import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";

const { assertThat, equalTo, containsInAnyOrder, hasCount, isEmpty, satisfiesAll, diffRows, formatDiff } = beam.testing;

/** Runs `f` expecting a PipelineAssertionError; returns it. */
async function fails(f: () => Promise<void>): Promise<beam.testing.PipelineAssertionError> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof beam.testing.PipelineAssertionError, `expected a PipelineAssertionError, got ${String(e)}`);
    assert.ok(e instanceof beam.PipelineError, "an assertion error is a PipelineError");
    return e;
  }
  assert.fail("the assertion passed");
}

type Student = { sid: string; name: string; dob: string };

function students(n: number): Student[] {
  return Array.from({ length: n }, (_x, i) => ({ sid: `s${i + 1}`, name: `Student ${i + 1}`, dob: `1990-01-${String(i + 1).padStart(2, "0")}` }));
}

for (const runner of ["direct", "interactive"] as const) {
  test(`assertThat on a PCollection (${runner} runner): any order, any field order passes; a wrong row fails naming the PCollection`, async () => {
    const p = new beam.Pipeline({ runner });
    const rows = p.apply("Create", beam.Create(students(3)));
    const upper = rows.apply("Upper names", beam.Map((s) => ({ ...s, name: s.name.toUpperCase() })));
    await assertThat(upper, equalTo([
      { dob: "1990-01-03", sid: "s3", name: "STUDENT 3" },
      { sid: "s1", name: "STUDENT 1", dob: "1990-01-01" },
      { name: "STUDENT 2", sid: "s2", dob: "1990-01-02" },
    ]));
    const err = await fails(() => assertThat(upper, equalTo(students(3))));
    assert.equal(err.subject, 'PCollection "Upper names"');
    assert.equal(err.matcher, "equalTo");
    assert.match(err.message, /^assertThat\(equalTo\) failed: PCollection "Upper names" is not equal to the expected rows: 3 changed of 3 expected rows \(3 actual\)\n/);
    assert.match(err.message, /\n {6}name: "Student 1" → "STUDENT 1"\n/);
    assert.match(err.message, /\n {2}what to do: compare the rows above with what "Upper names" and the steps before it do \(changed fields show expected → actual\)/);
    assert.equal(err.diff?.changed.length, 3);
  });
}

test("duplicates count: a multiset, not a set", async () => {
  await assertThat(["a", "b", "a"], equalTo(["a", "a", "b"]));
  const extra = await fails(() => assertThat(["a", "b", "a"], equalTo(["a", "b"])));
  assert.match(extra.message, /1 unexpected of 2 expected rows \(3 actual\)\n {2}unexpected \(1\):\n {4}"a"/);
  const fewer = await fails(() => assertThat(["a", "b"], equalTo(["a", "b", "b"])));
  assert.match(fewer.message, /1 missing of 3 expected rows \(2 actual\)\n {2}missing \(1\):\n {4}"b"/);
});

test("values compare as GroupByKey keys do: NaN, -0, dates, nested records in any field order, bigint", () => {
  const expected: unknown[] = [NaN, -0, new Date(5), { a: { b: [1, { c: 2, d: 3 }] }, e: new Map([["k", 1]]) }, 1n, null, undefined];
  const actual: unknown[] = [undefined, 1n, { e: new Map([["k", 1]]), a: { b: [1, { d: 3, c: 2 }] } }, new Date(5), 0, NaN, null];
  assert.equal(diffRows(expected, actual).equal, true);
  assert.equal(diffRows<unknown>([1n], [1]).equal, false, "1n is not 1");
  assert.equal(diffRows<unknown>(["1"], [1]).equal, false, '"1" is not 1');
  assert.equal(diffRows([new Date(5)], [new Date(6)]).equal, false);
  assert.equal(diffRows([{ a: [1, 2] }], [{ a: [2, 1] }]).equal, false, "arrays keep their order");
  assert.equal(diffRows([{ a: 1, b: undefined }], [{ a: 1 }]).equal, true, "an undefined field is an absent field");
  assert.equal(diffRows<unknown>([null], [undefined]).equal, false);
});

test("the diff pairs changed rows, marks the changed fields, and counts missing / unexpected / changed", async () => {
  const expected = students(12);
  const actual: Student[] = expected.map((s) => ({ ...s }));
  actual[1].dob = "01/02/1990";
  actual[4].name = "Someone Else";
  actual.splice(9, 3); // s10, s11, s12 lost
  actual.push({ sid: "s99", name: "Zed", dob: "2000-12-31" });
  const diff = diffRows(expected, actual);
  assert.equal(diff.equal, false);
  assert.equal(diff.matchedCount, 7);
  assert.deepEqual(diff.missing.map((s) => s.sid), ["s10", "s11", "s12"]);
  assert.deepEqual(diff.unexpected.map((s) => s.sid), ["s99"]);
  assert.deepEqual(diff.changed.map((c) => [c.expected.sid, c.actual.sid, c.fields]), [
    ["s2", "s2", [{ field: "dob", expected: "1990-01-02", actual: "01/02/1990" }]],
    ["s5", "s5", [{ field: "name", expected: "Student 5", actual: "Someone Else" }]],
  ]);

  const p = new beam.Pipeline();
  const out = p.apply("Create", beam.Create(actual)).apply("Format dob", beam.Map((s) => s));
  const err = await fails(() => assertThat(out, equalTo(expected)));
  assert.equal(err.diff?.changed.length, 2);
  const msg = err.message;
  assert.ok(msg.includes('PCollection "Format dob" is not equal to the expected rows: 3 missing, 1 unexpected, 2 changed of 12 expected rows (10 actual)'), msg);
  assert.ok(msg.includes('  changed (2; the actual row, then each changed field: expected → actual):\n    { sid: "s2", name: "Student 2", dob: "01/02/1990" }\n      dob: "1990-01-02" → "01/02/1990"\n'), msg);
  assert.ok(msg.includes('  missing (3):\n    { sid: "s10", name: "Student 10", dob: "1990-01-10" }\n'), msg);
  assert.ok(msg.includes('  unexpected (1):\n    { sid: "s99", name: "Zed", dob: "2000-12-31" }\n'), msg);
});

test("rows differing in more than two fields, or in most fields, are not paired; keyFields pairs by key", () => {
  const a = { sid: "s1", name: "Ann", dob: "1990", year: 1 };
  const far = { sid: "s1", name: "Bo", dob: "1991", year: 2 };
  assert.equal(diffRows([a], [far]).changed.length, 0);
  assert.equal(diffRows([{ x: 1 }], [{ x: 2 }]).changed.length, 0, "a one-field row shares nothing once changed");
  assert.equal(diffRows([{ key: "a", value: 1 }], [{ key: "a", value: 2 }]).changed.length, 1);
  const kv = diffRows([["a", 1]], [["a", 2]]);
  assert.deepEqual(kv.changed[0].fields, [{ field: "value", expected: 1, actual: 2 }], "pairs name their fields key and value");
  const keyed = diffRows([a], [far], { keyFields: ["sid"] });
  assert.deepEqual(keyed.changed[0].fields.map((f) => f.field), ["name", "dob", "year"]);
  assert.equal(diffRows([a], [{ ...far, sid: "s2" }], { keyFields: ["sid"] }).changed.length, 0);
  // The closest row wins, and each actual row is paired once.
  const two = diffRows([a, { ...a, sid: "s2" }], [{ ...a, sid: "s2", year: 9 }, { ...a, year: 5 }]);
  assert.deepEqual(two.changed.map((c) => [c.expected.sid, c.actual.sid]), [["s1", "s1"], ["s2", "s2"]]);
});

test("the message shows at most 20 rows of each kind, with the totals", async () => {
  const expected = Array.from({ length: 30 }, (_x, i) => ({ id: i, a: "x", b: "y" }));
  const actual = [
    ...Array.from({ length: 25 }, (_x, i) => ({ id: i, a: "changed", b: "y" })),
    ...Array.from({ length: 22 }, (_x, i) => ({ id: 1000 + i, a: "p", b: "q" })),
  ];
  const err = await fails(() => assertThat(actual, equalTo(expected), "capped"));
  const msg = err.message;
  assert.match(msg, /"capped" is not equal to the expected rows: 5 missing, 22 unexpected, 25 changed of 30 expected rows \(47 actual\)/);
  assert.equal((msg.match(/ a: "x" → "changed"/g) ?? []).length, 20);
  assert.match(msg, /\n {4}… and 5 more changed rows\n/);
  assert.equal((msg.match(/\n {4}\{ id: 10\d\d, a: "p", b: "q" \}/g) ?? []).length, 20);
  assert.match(msg, /\n {4}… and 2 more unexpected rows\n/);
  assert.equal(err.diff?.unexpected.length, 22, "the structured diff keeps every row");
  assert.equal(formatDiff(err.diff!, { limit: 2 }).split("\n").length, 1 + (1 + 2 * 2 + 1) + (1 + 2 + 1) + (1 + 2 + 1));
});

test("hostile values never break the comparison or the message", async () => {
  const cyclic: Record<string, unknown> = { id: 1 };
  cyclic.self = cyclic;
  const badString = { toString() { throw new Error("no toString"); }, toJSON() { throw new Error("no toJSON"); } };
  const getter = Object.defineProperty({ id: 3 }, "boom", { enumerable: true, get() { throw new Error("getter"); } });
  const huge = "x".repeat(100_000);
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { id: 5, s: Symbol("s") });
  const Hostile = class { toString(): string { throw new Error("no toString"); } toJSON(): never { throw new Error("no toJSON"); } };
  const rows: unknown[] = [new Hostile(), cyclic, badString, getter, { id: 4, note: huge }, nullProto, () => 1, [cyclic], { [huge]: 1 }];
  const diff = diffRows<unknown>(rows, []);
  assert.equal(diff.missing.length, rows.length);
  const text = formatDiff(diff);
  assert.match(text, /9 missing of 9 expected rows \(0 actual\)/);
  // A value whose toJSON and toString both throw renders as what reading it threw.
  assert.match(text, /missing \(9\):\n {4}\[unreadable: Error: no toJSON\]\n/);
  assert.match(text, /\{ id: 1, self: \{"id":1,"self":"\[circular\]"\} \}/);
  assert.match(text, /\{ id: 3, boom: "\[unreadable\]" \}/);
  assert.match(text, /note: "x{59}…"/);
  assert.ok(text.length < 3000, `the message stays short (${text.length} chars)`);
  for (const line of text.split("\n")) assert.ok(line.length <= 220, `a line too long: ${line.slice(0, 80)}`);
  assert.equal(diffRows<unknown>([cyclic], [cyclic]).equal, true, "a cyclic row equals itself");
  const err = await fails(() => assertThat(rows, equalTo<unknown>([])));
  assert.match(err.message, /what to do:/);
  // A changed hostile field is rendered too.
  const changed = diffRows<unknown>([{ id: 1, a: 1, v: "ok" }], [{ id: 1, a: 1, v: new Hostile() }]);
  assert.match(formatDiff(changed), /\n {6}v: "ok" → \[unreadable: Error: no toJSON\]$/);
});

test("hasCount, isEmpty and satisfiesAll", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Numbers", beam.Create([1, 2, 3, 4, 5, 6, 7]));
  await assertThat(nums, hasCount(7));
  const count = await fails(() => assertThat(nums, hasCount(3)));
  assert.match(count.message, /^assertThat\(hasCount\) failed: PCollection "Numbers" has 7 elements, expected 3; the first ones:\n {4}1\n {4}2\n {4}3\n {4}4\n {4}5\n {4}… and 2 more\n {2}what to do: look for duplicated rows/);
  assert.equal(count.diff, null);
  await assertThat(nums.apply("None", beam.Filter((n) => n > 10)), isEmpty());
  const notEmpty = await fails(() => assertThat(nums.apply("Big", beam.Filter((n) => n > 5)), isEmpty()));
  assert.match(notEmpty.message, /PCollection "Big" is not empty: 2 unexpected of 0 expected rows \(2 actual\)\n {2}unexpected \(2\):\n {4}6\n {4}7\n {2}what to do: these rows should not be there: check "Big" and the steps before it\.$/);
  assert.deepEqual(notEmpty.diff?.unexpected, [6, 7]);

  await assertThat(nums, satisfiesAll((xs) => xs.reduce((a, b) => a + b, 0) === 28));
  await assertThat(nums, satisfiesAll(async (xs) => { if (xs.length !== 7) throw new Error("seven"); }));
  const falsy = await fails(() => assertThat(nums, satisfiesAll(function sumIs10(xs) { return xs.reduce((a, b) => a + b, 0) === 10; })));
  assert.match(falsy.message, /PCollection "Numbers" failed the check sumIs10: it returned false \(7 elements\)/);
  const thrown = await fails(() => assertThat(nums, satisfiesAll((xs) => { if (xs.some((x) => x > 6)) throw new RangeError("7 is too big"); })));
  assert.match(thrown.message, /failed the check \(7 elements\)\n {2}cause: RangeError: 7 is too big\n/);
  assert.ok(thrown.cause instanceof RangeError);
});

test("containsInAnyOrder is Beam's name for equalTo: exact multiset, named in the message", async () => {
  await assertThat(["to", "be", "or", "not", "to", "be"], containsInAnyOrder(["be", "be", "not", "or", "to", "to"]));
  const err = await fails(() => assertThat(["to", "be"], containsInAnyOrder(["to"])));
  assert.equal(err.matcher, "containsInAnyOrder");
  assert.match(err.message, /^assertThat\(containsInAnyOrder\) failed: the array is not equal to the expected rows: 1 unexpected/);
});

test("arquero tables as actual or expected: pairs and plain values compare as table rows", async () => {
  const p = new beam.Pipeline();
  const counts = p.apply("Words", beam.Create(["a", "b", "a"])).apply("Count", beam.combiners.Count.PerElement());
  const table = await beam.collect(counts);
  await assertThat(table, equalTo([["b", 1], ["a", 2]]));
  await assertThat(table, equalTo([{ value: 1, key: "b" }, { key: "a", value: 2 }]));
  await assertThat(counts, equalTo(table));
  const err = await fails(() => assertThat(table, equalTo([["b", 1], ["a", 3]]), "word counts"));
  assert.match(err.message, /"word counts" is not equal to the expected rows: 1 changed of 2 expected rows \(2 actual\)\n {2}changed \(1; the actual row, then each changed field: expected → actual\):\n {4}\{ key: "a", value: 2 \}\n {6}value: 3 → 2/);
  // Absent record fields are undefined columns in a table, and still equal.
  const people = await beam.collect(p.apply("People", beam.Create<Record<string, unknown>>([{ name: "Ann" }, { name: "Bob", dept: "CS" }])));
  await assertThat(people, equalTo([{ name: "Bob", dept: "CS" }, { name: "Ann" }]));
});

test("a wrong argument says what to pass", async () => {
  const p = new beam.Pipeline();
  const nums = p.apply("Numbers", beam.Create([1]));
  await assert.rejects(() => assertThat(p.run() as never, hasCount(1)), (e: Error) => e instanceof beam.PipelineError && /pass the PCollection itself/.test(e.message));
  await assert.rejects(() => assertThat(nums, undefined as never), /needs a matcher[^]*what to do: pass one of beam\.testing\.equalTo/);
});

test("matchers are typed by the PCollection's element type", async () => {
  const p = new beam.Pipeline();
  const names = p.apply("Names", beam.Create(["Ann", "Bob"]));
  await assertThat(names, equalTo(["Bob", "Ann"]));
  // @ts-expect-error numbers are not names
  await assertThat(names, equalTo([1, 2])).catch(() => undefined);
  // @ts-expect-error the check reads fields that strings do not have
  await assertThat(names, satisfiesAll((xs: readonly { sid: string }[]) => xs.length > 0)).catch(() => undefined);
  const rows = p.apply("Rows", beam.Create<Student>(students(1)));
  await assertThat(rows, equalTo([{ sid: "s1", name: "Student 1", dob: "1990-01-01" }]));
  // @ts-expect-error a field of the wrong type
  await assertThat(rows, equalTo([{ sid: 1, name: "Student 1", dob: "1990-01-01" }])).catch(() => undefined);
});
