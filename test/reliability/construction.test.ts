/**
 * Construction accepts only what can run: each case builds something that a run would
 * loop on forever, silently drop or silently compute wrong, and checks that building it
 * already fails with a PipelineError naming the transform label and the fix, that the
 * graph is left as it was, and that the process stays healthy.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { RUNNERS, assertHealthy, rejectsPipelineError, throwsPipelineError } from "./healthy";

type Kv = [string, number];

function pipelineWithNumbers(runner: (typeof RUNNERS)[number] = "direct") {
  const p = new beam.Pipeline({ runner });
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  return { p, nums };
}

/** Runs `body` with the given notebook variables visible, as tslab's cell exports are. */
function withNotebookVariables<T>(vars: Record<string, unknown>, body: () => T): T {
  const g = globalThis as { __tslab__?: { exports?: Record<string, unknown> } };
  const before = g.__tslab__;
  g.__tslab__ = { exports: vars };
  try {
    return body();
  } finally {
    if (before === undefined) delete g.__tslab__;
    else g.__tslab__ = before;
  }
}

test("an empty or whitespace-only label is refused when applied, naming what was applied and the fix", async () => {
  for (const runner of RUNNERS) {
    const { p, nums } = pipelineWithNumbers(runner);
    for (const label of ["", " ", "\t\n "]) {
      const err = throwsPipelineError(() => nums.apply(label, beam.Map((n: number) => n)), /label is (empty|only whitespace)/, /what to do: give the step a label/, /applied to "Nums"/);
      assert.equal(err.label, null);
      throwsPipelineError(() => p.apply(label, beam.Create([1])), /label is (empty|only whitespace)/);
      throwsPipelineError(() => beam.Flatten.of([nums, nums], label), /label is (empty|only whitespace)/);
    }
    // A composite with an empty name, applied without a label, has no label either.
    throwsPipelineError(() => nums.apply(beam.ptransform("", (pc: beam.PCollection<number>) => pc)), /empty name and no label/);
    assert.deepEqual(p.labels(), ["Nums"], "nothing was added to the graph");
    nums.apply("Fine", beam.Map((n: number) => n + 1));
    await p.run();
  }
  await assertHealthy();
});

test('a label with "/" is refused: it would name a step inside a composite that is not there', async () => {
  for (const runner of RUNNERS) {
    const { p, nums } = pipelineWithNumbers(runner);
    throwsPipelineError(() => nums.apply("Credits/year", beam.Map((n: number) => n)), /label cannot contain "\/" \("Credits\/year"\)/, /what to do: .*"Credits per year"/, /applied to "Nums"/);
    throwsPipelineError(() => beam.Flatten.of([nums, nums], "a/b"), /cannot contain "\/"/);
    assert.deepEqual(p.labels(), ["Nums"], "nothing was added to the graph");
    await p.run();
  }
  await assertHealthy();
});

test("Flatten.of refuses anything that is not a PCollection instead of dropping it", async () => {
  const { p, nums } = pipelineWithNumbers();
  const cases: [unknown[], RegExp][] = [
    [[nums, [4, 5]], /Input 2 of Flatten is an array \(\[4,5\]\), not a PCollection/],
    [[[4, 5], nums], /Input 1 of Flatten is an array/],
    [[nums, undefined], /Input 2 of Flatten is undefined, not a PCollection/],
    [[nums, 7], /Input 2 of Flatten is the number 7/],
    [[nums, beam.Map((n: number) => n)], /Input 2 of Flatten is a transform .* that was not applied/],
  ];
  for (const [inputs, re] of cases) {
    const err = throwsPipelineError(() => beam.Flatten.of(inputs as beam.PCollection<number>[], "Merge"), re, /in transform "Merge"/, /what to do: pass PCollections only/, /beam\.Create/);
    assert.equal(err.label, "Merge");
  }
  throwsPipelineError(() => beam.Flatten.of(["a", "b"] as unknown as beam.PCollection<string>[]), /Flatten\.of needs PCollections, got the string "a", the string "b"/, /in transform "Flatten"/);
  assert.deepEqual(p.labels(), ["Nums"]);
  const merged = beam.Flatten.of([nums, nums], "Merge");
  await p.run();
  assert.equal((await beam.collect(merged)).numRows(), 6);
  await assertHealthy();
});

test("CoGroupByKey.of refuses a tag that is not a PCollection, an empty record and a bare PCollection", async () => {
  const p = new beam.Pipeline();
  const students = p.apply("Students", beam.Create<Kv>([["s1", 1]]));
  const cases: [unknown, RegExp][] = [
    [{ students, takes: [["s1", 2]] }, /Input "takes" of CoGroupByKey is an array/],
    [{ takes: 5, students }, /Input "takes" of CoGroupByKey is the number 5/],
    [{ students, takes: undefined }, /Input "takes" of CoGroupByKey is undefined/],
    [{}, /CoGroupByKey\.of needs PCollections, got none/],
    [students, /CoGroupByKey\.of needs a record of tagged PCollections, got the PCollection "Students"/],
    [[students, students], /CoGroupByKey\.of needs a record of tagged PCollections, got an array of 2 PCollections/],
    [{ "": students }, /a tag is empty/],
  ];
  for (const [inputs, re] of cases) {
    const err = throwsPipelineError(() => beam.CoGroupByKey.of(inputs as Record<string, beam.PCollection<Kv>>, "Join"), re, /in transform "Join"/, /beam\.CoGroupByKey\.of\(\{ students, takes \}\)/);
    assert.equal(err.label, "Join");
  }
  assert.deepEqual(p.labels(), ["Students"]);
  const joined = beam.CoGroupByKey.of({ students, again: students }, "Join");
  await p.run();
  assert.deepEqual((await beam.collect(joined)).objects(), [{ key: "s1", value: { students: [1], again: [1] } }]);
  await assertHealthy();
});

test("a side input from another pipeline is refused when applied (it would arrive empty)", async () => {
  for (const runner of RUNNERS) {
    const { p, nums } = pipelineWithNumbers(runner);
    const other = new beam.Pipeline({ runner }).apply("Teachers", beam.Create<Kv>([["t1", 1]]));
    const views = [beam.pvalue.AsList(other), beam.pvalue.AsIter(other), beam.pvalue.AsDict(other), beam.pvalue.AsSingleton(other)];
    for (const view of views) {
      const err = throwsPipelineError(
        () => nums.apply("Enrich", beam.Map((n: number, _side: unknown) => n, view)),
        /Side input 1 \(As(List|Iter|Dict|Singleton) of "Teachers"\) belongs to another pipeline in transform "Enrich"/,
        /would arrive empty/,
        /same pipeline/,
      );
      assert.equal(err.label, "Enrich");
    }
    class Join extends beam.DoFn<number, number> {
      process(n: number) {
        return [n];
      }
    }
    throwsPipelineError(() => nums.apply("Enrich", beam.ParDo(new Join(), beam.pvalue.AsList(other))), /belongs to another pipeline in transform "Enrich"/);
    throwsPipelineError(() => nums.apply("Enrich", beam.ParDo(new Join(), beam.pvalue.AsList(other)).withOutputs("x")), /belongs to another pipeline in transform "Enrich"/);
    assert.deepEqual(p.labels(), ["Nums"]);
    // The label is free, and the same side input built in this pipeline works.
    const teachers = p.apply("Teachers", beam.Create<Kv>([["t1", 1]]));
    const out = nums.apply("Enrich", beam.Map((n: number, side: Kv[]) => n + side.length, beam.pvalue.AsList(teachers)));
    await p.run();
    assert.deepEqual([...(await beam.collect(out)).array("element")], [2, 3, 4]);
  }
  await assertHealthy();
});

test("a PCollection passed as a side input without AsList/AsDict/AsIter/AsSingleton is refused, with the wrapped call to write", async () => {
  class Enrich extends beam.DoFn<number, number> {
    process(n: number) {
      return [n];
    }
  }
  const { p, nums } = pipelineWithNumbers();
  const teachers = p.apply("Teachers", beam.Create<Kv>([["t1", 1]]));
  const depts = p.apply("Depts", beam.Create<Kv>([["CS", 1]]));
  const apply: [string, () => unknown][] = [
    ["Map", () => nums.apply("Enrich", beam.Map((n: number) => n, beam.pvalue.AsList(depts), teachers as never))],
    ["FlatMap", () => nums.apply("Enrich", beam.FlatMap((n: number) => [n], beam.pvalue.AsList(depts), teachers as never))],
    ["Filter", () => nums.apply("Enrich", beam.Filter((n: number) => n > 0, beam.pvalue.AsList(depts), teachers as never))],
    ["ParDo", () => nums.apply("Enrich", beam.ParDo(new Enrich(), beam.pvalue.AsList(depts), teachers as never))],
    ["ParDo.withOutputs", () => nums.apply("Enrich", beam.ParDo(new Enrich(), beam.pvalue.AsList(depts), teachers as never).withOutputs("bad"))],
  ];
  for (const [what, f] of apply) {
    const err = throwsPipelineError(f, /Side input 2 is a PCollection \("Teachers"\), not a side input in transform "Enrich"/, /what to do: wrap it: beam\.pvalue\.AsList\(pc\)/, /AsDict/, /AsSingleton/);
    assert.equal(err.label, "Enrich", what);
  }
  // In a notebook, the fix names the student's variable.
  withNotebookVariables({ p, nums, teachers }, () => {
    throwsPipelineError(() => nums.apply("Enrich", beam.Map((n: number) => n, teachers as never)), /wrap it: beam\.pvalue\.AsList\(teachers\)/);
  });
  // Anything else in a side input's place says what a side input is.
  throwsPipelineError(() => nums.apply("Enrich", beam.Map((n: number) => n, 42 as never)), /Side input 1 is the number 42, not a side input/, /a constant needs no side input/);
  throwsPipelineError(() => nums.apply("Enrich", beam.Map((n: number) => n, beam.pvalue.AsList(undefined as never))), /Side input 1 is beam\.pvalue\.AsList of undefined, not of a PCollection/);
  assert.deepEqual(p.labels(), ["Nums", "Teachers", "Depts"]);
  nums.apply("Enrich", beam.Map((n: number, t: Kv[]) => n + t.length, beam.pvalue.AsList(teachers)));
  await p.run();
  await assertHealthy();
});

test("in a notebook, re-running a cell with a construction mistake keeps the step it would have replaced", async () => {
  const { p, nums } = pipelineWithNumbers("interactive");
  const teachers = p.apply("Teachers", beam.Create<Kv>([["t1", 1]]));
  const enriched = nums.apply("Enrich", beam.Map((n: number, t: Kv[]) => n + t.length, beam.pvalue.AsList(teachers)));
  const after = enriched.apply("After", beam.Map((n: number) => n * 10));
  assert.deepEqual([...(await beam.collect(after)).array("element")], [20, 30, 40]);
  throwsPipelineError(() => nums.apply("Enrich", beam.Map((n: number) => n, teachers as never)), /Side input 1 is a PCollection/);
  assert.deepEqual(p.labels(), ["Nums", "Teachers", "Enrich", "After"], "the old Enrich is still there, in its place");
  assert.equal(p.node("Enrich")?.transform.name, "ParDo(Map(lambda))");
  assert.deepEqual([...(await beam.collect(after)).array("element")], [20, 30, 40]);
  // The corrected cell replaces it as usual, and what reads it follows.
  nums.apply("Enrich", beam.Map((n: number, t: Kv[]) => n - t.length, beam.pvalue.AsList(teachers)));
  assert.deepEqual([...(await beam.collect(after)).array("element")], [0, 10, 20]);
  await assertHealthy("interactive");
});

test("collect and show of a tagged-output record, a partition list or undefined say which PCollection to pass", async () => {
  class Split extends beam.DoFn<number, never> {
    *process(n: number) {
      yield beam.TaggedOutput(n % 2 ? "odd" : "even", n);
    }
  }
  for (const runner of RUNNERS) {
    const { nums } = pipelineWithNumbers(runner);
    const split = nums.apply("Split", beam.ParDo(new Split()).withOutputs("odd", "even"));
    const parts = nums.apply("Parts", beam.Partition((n: number) => n % 2, 2));
    for (const [call, f] of [
      ["beam.collect", (x: unknown) => beam.collect(x as beam.PCollection<unknown>)],
      ["beam.show", (x: unknown) => beam.show(x)],
    ] as const) {
      const e = call.replace(".", "\\.");
      const err = await rejectsPipelineError(f(split), new RegExp(`${e}\\(\\) needs one PCollection, got the outputs \\{ main, odd, even \\} of "Split" in transform "Split"`), new RegExp(`pick one output: ${e}\\(out\\.main\\) or ${e}\\(out\\.odd\\) or ${e}\\(out\\.even\\)`));
      assert.equal(err.label, "Split");
      await rejectsPipelineError(f(undefined), /got undefined|cannot display undefined/, /a variable is undefined until the cell that assigns it has run/);
    }
    await rejectsPipelineError(beam.collect(parts as never), /beam\.collect\(\) needs a PCollection, got an array of 2 PCollections/, /pick one: beam\.collect\(parts\[0\]\)/);
    await rejectsPipelineError(beam.collect(null as never), /got null/);
    await rejectsPipelineError(beam.collect(Promise.resolve(nums) as never), /a Promise \(did you forget await\?\)/);
    // With notebook variables, the hint names the student's record.
    await withNotebookVariables({ split }, () => rejectsPipelineError(beam.collect(split as never), /beam\.collect\(split\.odd\)/));
    assert.deepEqual([...(await beam.collect(split.odd)).array("element")], [1, 3]);
  }
  await assertHealthy();
});

test("collect's and show's n must be a whole number of at least 0", async () => {
  const { nums } = pipelineWithNumbers();
  for (const n of [-1, 1.5, NaN, "2"]) {
    await rejectsPipelineError(beam.collect(nums, { n: n as number }), /beam\.collect\(\) option n must be a whole number of at least 0/);
    await rejectsPipelineError(beam.show(nums, { n: n as number }), /beam\.show\(\) option n must be a whole number of at least 0/);
  }
  assert.equal((await beam.collect(nums, { n: 0 })).numRows(), 0);
  assert.equal((await beam.collect(nums, { n: 2 })).numRows(), 2);
  await assertHealthy();
});

test("pipeline options that cannot run are refused when the Pipeline is created", async () => {
  // bundleSize 0 and -1 made a run that never ended; NaN made one that produced nothing.
  for (const bundleSize of [0, -1, NaN, 1.5, Infinity, -Infinity, 2 ** 60, "3", null, {}]) {
    throwsPipelineError(() => new beam.Pipeline({ bundleSize: bundleSize as number }), /Pipeline option bundleSize must be a whole number of at least 1, got /, /what to do: write e\.g\. bundleSize: 100/);
  }
  const cases: [unknown, RegExp][] = [
    [{ bundlesize: 10 }, /Unknown pipeline option "bundlesize"[\s\S]*did you mean bundleSize\?/],
    [{ runer: "direct" }, /Unknown pipeline option "runer"[\s\S]*did you mean runner\?/],
    [{ colour: "red" }, /Unknown pipeline option "colour"[\s\S]*the options are runner, warehouse, name, bundleSize, workers, [\w, ]*lineage/],
    [{ runner: 5 }, /Pipeline option runner must be a runner name or a runner object with a run\(pipeline\) method, got 5/],
    [{ runner: {} }, /Pipeline option runner must be .* got an object/],
    [{ runner: "" }, /Pipeline option runner is empty/],
    [{ warehouse: "" }, /Pipeline option warehouse is empty/],
    [{ warehouse: 3 }, /Pipeline option warehouse must be the path of a warehouse file, got 3/],
    [{ name: 7 }, /Pipeline option name must be a string, got 7/],
    ["direct", /Pipeline options must be a record of options, got "direct" \(a string\)/],
    [null, /Pipeline options must be a record of options, got null/],
  ];
  for (const [options, re] of cases) throwsPipelineError(() => new beam.Pipeline(options as beam.PipelineOptions), re, /what to do: /);
  // Good options, and undefined ones, still work; the options cannot be changed afterwards.
  const p = new beam.Pipeline({ bundleSize: 1, name: undefined });
  assert.throws(() => {
    (p.options as { bundleSize: number }).bundleSize = 0;
  }, TypeError);
  const out = p.apply("Create", beam.Create([1, 2, 3])).apply("Double", beam.Map((n: number) => n * 2));
  assert.deepEqual([...(await beam.collect(out)).array("element")], [2, 4, 6]);
  await assertHealthy();
});

test("numeric parameters of transforms are checked when built: Top needs at least 1", async () => {
  for (const n of [0, -1, NaN, 2.5]) {
    throwsPipelineError(() => beam.combiners.Top.Of(n), /Top needs the number of elements to keep as a whole number of at least 1, got /, /beam\.combiners\.Top\.Of\(3\)/);
    throwsPipelineError(() => beam.combiners.Top.Largest(n), /Top needs/);
    throwsPipelineError(() => beam.combiners.Top.PerKey(n), /Top needs/);
  }
  const { p, nums } = pipelineWithNumbers();
  const top = nums.apply("Top", beam.combiners.Top.Of(2));
  await p.run();
  // One element, [3, 2]: a two-item array shows as a key and a value.
  assert.deepEqual((await beam.collect(top)).objects(), [{ key: 3, value: 2 }]);
  await assertHealthy();
});

test("a transform applied to the wrong kind of input is refused: a non-source on the pipeline, a source on a PCollection", async () => {
  const { p, nums } = pipelineWithNumbers();
  const onPipeline: [string, () => unknown, RegExp][] = [
    ["Map", () => p.apply("Double", beam.Map((n: number) => n * 2) as never), /ParDo was applied to the pipeline itself, so it would have no input in transform "Double"/],
    ["GroupByKey", () => p.apply("Group", beam.GroupByKey() as never), /GroupByKey was applied to the pipeline itself/],
    ["CombinePerKey", () => p.apply("Sum", beam.CombinePerKey((xs: number[]) => xs.length) as never), /in transform "Sum"[\s\S]*only sources \(beam\.Create, beam\.io\.ReadFromText, \.\.\.\) are applied to the pipeline/],
  ];
  for (const [what, f, re] of onPipeline) throwsPipelineError(f, re, /what to do: /);
  throwsPipelineError(() => nums.apply("Again", beam.Create([4]) as never), /Create is a source, but it was applied to the PCollection "Nums", which it would ignore in transform "Again"/, /p\.apply\("Again", \.\.\.\)/);
  assert.deepEqual(p.labels(), ["Nums"]);
  await p.run();
  await assertHealthy();
});

test("a composite whose body throws names the transform, keeps the cause and leaves the graph as it was", async () => {
  const { p, nums } = pipelineWithNumbers();
  const Broken = beam.ptransform("Broken", (pc: beam.PCollection<number>) => {
    (pc as unknown as { nope: () => void }).nope();
    return pc;
  });
  const err = throwsPipelineError(() => nums.apply("Broken step", Broken), /Building the transform failed in transform "Broken step"/, /cause: TypeError: .*nope is not a function/, /at: .*construction\.test\.(js|ts):\d+:\d+/);
  assert.ok(err.cause instanceof TypeError);
  assert.deepEqual(p.labels(), ["Nums"]);
  await p.run();
  await assertHealthy();
});

test("withOutputs tags must be names", async () => {
  class Fn extends beam.DoFn<number, number> {
    process(n: number) {
      return [n];
    }
  }
  for (const tag of ["", "  ", 5, 1n]) {
    throwsPipelineError(() => beam.ParDo(new Fn()).withOutputs(tag as string), /withOutputs\(\) tag .* is not a name/);
  }
  await assertHealthy();
});
