/**
 * Failures name their step, and formatting them cannot fail: elements that cannot be
 * encoded, failing outside any DoFn (Create, key encoding in GroupByKey / CombinePerKey /
 * CoGroupByKey / Distinct, a text sink, a source), and hostile elements and thrown values
 * rendered in an error. Each case checks the label, the element, the cause and what to do,
 * that the "at" line is the student's code (or absent), and that the process stays healthy.
 */
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as beam from "../../lib";
import { findUserFrame, setCellPositionResolver } from "../../lib/errors";
import { Read } from "../../lib/io/read-write";
import type { IOContext, Source } from "../../lib/io/source-sink";
import { RUNNERS, assertHealthy, rejectsPipelineError } from "./healthy";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-reliability-errors-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { id: 1 };
  o.self = o;
  return o;
}

function deep(levels = 200_000): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let o = root;
  for (let i = 0; i < levels; i++) o = o.a = {};
  return root;
}

function throwingGetter(): Record<string, unknown> {
  return Object.defineProperty({ id: 1 }, "boom", { enumerable: true, get: () => { throw new Error("getter boom"); } });
}

function revoked(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

/** A Proxy every trap of which throws. */
function trapsThrow(): object {
  const handler = new Proxy({}, { get: (_t, trap) => () => { throw new Error(`trap ${String(trap)}`); } });
  return new Proxy({}, handler);
}

/** Values no encoding can hold, by name: each makes a fresh one. */
const UNENCODABLE: [string, () => unknown][] = [
  ["a cycle", cyclic],
  ["a symbol", () => Symbol("s")],
  ["a function", () => function namedFn() {}],
  ["a 200k-deep structure", () => deep()],
  ["a throwing getter", throwingGetter],
  ["a revoked Proxy", revoked],
];

/** What every failure outside a DoFn must say. */
function assertNamesStep(err: beam.PipelineError, label: string, what: string): void {
  assert.equal(err.label, label, `${what}: the label`);
  assert.match(err.message, new RegExp(`in transform "${label.replace(/[/.]/g, "\\$&")}"`), what);
  assert.match(err.message, /\n {2}element: /, `${what}: the element`);
  assert.match(err.message, /\n {2}what to do: /, `${what}: what to do`);
  // The cause: a cause line, or a headline that says why (a key refused by its encoding).
  assert.ok(/\n {2}cause: /.test(err.message) || /cannot|could not/.test(err.message.split("\n")[0]), `${what}: the cause`);
  assertNoInternals(err, what);
  assert.equal((err as beam.PipelineError & { result?: beam.PipelineResult }).result?.state, "FAILED", what);
}

/** No generic failure, no stack, no position in Node's or beamlab's own code, and short. */
function assertNoInternals(err: beam.PipelineError, what: string): void {
  assert.doesNotMatch(err.message, /The pipeline failed/, what);
  assert.doesNotMatch(err.message, /\n\s+at [^:]+\(/, `${what}: no stack lines`);
  assert.doesNotMatch(err.message, /node:internal|e:fs|e:internal|dist\/lib\/|\/lib\/runners\//, `${what}: no internal position`);
  assert.ok(err.message.length < 3000, `${what}: the message is ${err.message.length} chars`);
}

test("a key that cannot be encoded names GroupByKey, CombinePerKey, CoGroupByKey or Distinct, the element and what to do", async () => {
  for (const runner of RUNNERS) {
    for (const [what, make] of UNENCODABLE) {
      const steps: [string, (p: beam.Pipeline) => void][] = [
        ["Group", (p) => keyed(p).apply("Group", beam.GroupByKey())],
        ["Count", (p) => keyed(p).apply("Count", beam.combiners.Count.PerKey())],
        ["Join/GroupByKey", (p) => beam.CoGroupByKey.of({ left: keyed(p), right: p.apply("Right", beam.Create<[number, number]>([[1, 1]])) }, "Join")],
        ["Dedup/Group", (p) => values(p).apply("Dedup", beam.Distinct())],
      ];
      const keyed = (p: beam.Pipeline) => values(p).apply("Key", beam.Map((v: unknown) => [v, 1] as [unknown, number]));
      // Made by a Map, so that Create does not see them.
      const values = (p: beam.Pipeline) => p.apply("Nums", beam.Create([1, 2, 3])).apply("Values", beam.Map((n: number) => (n === 2 ? make() : n)));
      for (const [label, build] of steps) {
        const p = new beam.Pipeline({ runner });
        build(p);
        const err = await rejectsPipelineError(p.run());
        assertNamesStep(err, label, `${runner}, ${what}, ${label}`);
      }
    }
  }
  await assertHealthy("direct");
  await assertHealthy("interactive");
});

test("an element Create cannot read names Create, its position, the element and the cause", async () => {
  for (const runner of RUNNERS) {
    for (const [what, make] of [["a throwing getter", throwingGetter], ["a revoked Proxy", revoked], ["a Proxy whose traps throw", trapsThrow]] as const) {
      const p = new beam.Pipeline({ runner });
      p.apply("Make", beam.Create([{ id: 0 }, make(), { id: 2 }])).apply("Id", beam.Map((x: unknown) => x));
      const err = await rejectsPipelineError(p.run(), /Create could not read element 2 of 3 in transform "Make"/, /\n {2}cause: /, /what to do: Create takes plain data/);
      assertNamesStep(err, "Make", `${runner}, ${what}`);
    }
    // A deep structure is plain data: Create takes it (it used to overflow the stack freezing it).
    const p = new beam.Pipeline({ runner });
    const depth = p.apply("Make", beam.Create([deep()])).apply("Depth", beam.Map((d: Record<string, unknown>) => {
      let n = 0;
      for (let o = d; o.a; o = o.a as Record<string, unknown>) n++;
      return n;
    }));
    await p.run();
    assert.deepEqual([...(await beam.collect(depth)).array("element")], [200_000]);
  }
  await assertHealthy();
});

test("an element a text sink cannot write names the sink, that element (not its bundle's first) and the cause; nothing is written", async () => {
  for (const runner of RUNNERS) {
    for (const [what, make] of UNENCODABLE) {
      const prefix = path.join(tmp, `${runner}-${what.replace(/\W+/g, "-")}`, "out.txt");
      const p = new beam.Pipeline({ runner });
      p.apply("Nums", beam.Create([1, 2, 3]))
        .apply("Values", beam.Map((n: number) => (n === 2 ? make() : { n })))
        .apply("Write", beam.io.WriteToText(prefix));
      const err = await rejectsPipelineError(p.run(), /WriteToText could not write an element in transform "Write"/, /\n {2}cause: /, /what to do: sinks write plain data/);
      assertNamesStep(err, "Write", `${runner}, ${what}`);
      assert.doesNotMatch(err.element!, /^\{"n":1\}$/, `${what}: the element is the one that failed`);
      assert.equal(fs.existsSync(`${prefix}-00000-of-00001`), false, `${what}: nothing was written`);
    }
  }
  await assertHealthy();
});

test("any other failure of a step outside a DoFn names the step (a source that throws a raw TypeError)", async () => {
  class BrokenSource implements Source<number> {
    async *read(_ctx: IOContext): AsyncIterable<number[]> {
      yield [1, 2];
      (null as unknown as { x: number }).x;
    }
    describe(): Record<string, string> {
      return {};
    }
  }
  for (const runner of RUNNERS) {
    const p = new beam.Pipeline({ runner });
    p.apply("Read broken", new Read<number>("ReadFromBroken", new BrokenSource())).apply("Id", beam.Map((n: number) => n));
    const err = await rejectsPipelineError(p.run(), /ReadFromBroken failed in transform "Read broken"/, /cause: TypeError: Cannot read properties of null/, /what to do: /);
    assert.equal(err.label, "Read broken");
    assertNoInternals(err, runner);
    // The source is the student's code here: the at line points at it.
    assert.match(err.userFrame ?? "", /errors\.test\.(js|ts):\d+:\d+$/);
  }
  await assertHealthy();
});

/** Hostile elements, each reaching a DoFn that then throws its own error. */
const HOSTILE: [string, () => unknown][] = [
  ["a throwing toString and toJSON", () => ({ toString: () => { throw new Error("no toString"); }, toJSON: () => { throw new Error("no toJSON"); } })],
  ["a throwing getter", throwingGetter],
  ["a Proxy whose traps throw", trapsThrow],
  ["a revoked Proxy", revoked],
  ["a 200k-deep structure", () => deep()],
  ["a huge string", () => "x".repeat(50_000_000)],
  ["a record with a huge string", () => ({ note: "y".repeat(10_000_000) })],
  ["a cycle", cyclic],
];

test("a hostile element never replaces the DoFn's own error, and the error stays short", async () => {
  for (const runner of RUNNERS) {
    for (const [what, make] of HOSTILE) {
      const p = new beam.Pipeline({ runner });
      p.apply("Nums", beam.Create([1]))
        .apply("Make hostile", beam.Map(() => make()))
        .apply("Boom", beam.Map((_x: unknown) => {
          throw new RangeError("my own error");
        }));
      const err = await rejectsPipelineError(p.run(), /in transform "Boom"/, /\n {2}cause: RangeError: my own error\n/, /\n {2}element: /, /\n {2}what to do: /);
      assert.equal(err.label, "Boom", what);
      assert.ok(err.cause instanceof RangeError, what);
      assert.ok(err.element!.length <= 200, `${what}: element is ${err.element!.length} chars`);
      assert.match(err.userFrame ?? "", /errors\.test\.(js|ts):\d+:\d+$/, `${what}: the at line is the DoFn's`);
      assertNoInternals(err, `${runner}, ${what}`);
    }
  }
  await assertHealthy("direct");
  await assertHealthy("interactive");
});

test("a hostile value thrown by a DoFn is still reported as the DoFn's failure", async () => {
  const hugeMessage = new Error("z".repeat(10_000_000));
  const messageGetterThrows = Object.defineProperty(new TypeError("hidden"), "message", { get: () => { throw new Error("no message"); } });
  const thrown: [string, () => unknown, RegExp][] = [
    ["a Proxy whose traps throw", trapsThrow, /cause: \[unreadable: /],
    ["a revoked Proxy", revoked, /cause: \[unreadable: TypeError: /],
    ["an object whose toString throws", () => ({ toString: () => { throw new Error("no"); } }), /cause: \{"toString":\[function toString\]\}/],
    ["an Error whose message getter throws", () => messageGetterThrows, /cause: TypeError: \[unreadable\]/],
    ["an Error with a 10M-character message", () => hugeMessage, /cause: Error: z{100}/],
    ["a symbol", () => Symbol("thrown"), /cause: Symbol\(thrown\)/],
  ];
  for (const runner of RUNNERS) {
    for (const [what, make, re] of thrown) {
      const p = new beam.Pipeline({ runner });
      p.apply("Nums", beam.Create([1])).apply("Boom", beam.Map((_n: number) => {
        throw make();
      }));
      const err = await rejectsPipelineError(p.run(), /Map\(lambda\)\.process\(\) failed in transform "Boom"/, re, /\n {2}element: 1\n/);
      assert.equal(err.label, "Boom", what);
      assertNoInternals(err, `${runner}, ${what}`);
    }
  }
  await assertHealthy();
});

test("the at line is the student's line when Node's own code threw for it, never a position in node:internal", async () => {
  const p = new beam.Pipeline();
  p.apply("Paths", beam.Create([path.join(tmp, "missing.txt")])).apply("Read it", beam.Map((f: string) => fs.readFileSync(f, "utf8")));
  const err = await rejectsPipelineError(p.run(), /cause: Error: ENOENT/);
  assert.match(err.userFrame ?? "", /errors\.test\.(js|ts):\d+:\d+$/);
  assert.doesNotMatch(err.message, /at: (e:|node:)/);
  await assertHealthy();
});

test("an error beamlab raised has no at line pointing at the code that awaited the run", async () => {
  const p = new beam.Pipeline();
  p.apply("Nums", beam.Create([1])).apply("Key", beam.Map(() => [revoked(), 1] as [unknown, number])).apply("Group", beam.GroupByKey());
  const err = await rejectsPipelineError(p.run(), /in transform "Group"/, /cause: TypeError: /);
  assert.equal(err.userFrame, null, "the cause was raised inside beamlab, not on the line of `await p.run()`");
  assert.doesNotMatch(err.message, /\n {2}at: /);
  await assertHealthy();
});

test("in an ES module the at line is the module's path and line (not a mangled file:// URL)", () => {
  const dir = fs.mkdtempSync(path.join(tmp, "esm-"));
  const file = path.join(dir, "user-module.mjs");
  const lib = pathToFileURL(path.resolve(__dirname, "../../lib/index.js")).href;
  fs.writeFileSync(
    file,
    [
      `import beam from ${JSON.stringify(lib)};`,
      `import * as fs from "node:fs";`,
      `const p = new beam.Pipeline();`,
      `const nums = p.apply("Nums", beam.Create([1]));`,
      `nums.apply("Boom", beam.Map(() => { throw new Error("esm boom"); }));`,
      `const q = new beam.Pipeline();`,
      `q.apply("Nums", beam.Create(["/nonexistent/file"])).apply("Read", beam.Map((f) => fs.readFileSync(f)));`,
      `const frames = [];`,
      `for (const pipeline of [p, q]) { try { await pipeline.run(); } catch (e) { frames.push(e.userFrame); } }`,
      `console.log(JSON.stringify(frames));`,
    ].join("\n"),
  );
  const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const frames = JSON.parse(r.stdout.trim().split("\n").pop()!) as (string | null)[];
  assert.match(frames[0] ?? "", new RegExp(`^${escape(file)}:5:\\d+$`), "the throwing line of the module");
  assert.match(frames[1] ?? "", new RegExp(`^${escape(file)}:7:\\d+$`), "the line that called readFileSync, not node:fs");
});

test("findUserFrame reads every kind of V8 frame and skips Node's, node_modules' and beamlab's own", () => {
  const libDir = path.dirname(require.resolve("../../lib/errors"));
  const stack = (...lines: string[]) => Object.assign(new Error("x"), { stack: ["Error: x", ...lines.map((l) => `    at ${l}`)].join("\n") });
  const cases: [Error, string | null][] = [
    [stack("Object.readFileSync (node:fs:448:20)", "/home/u/p.js:5:85"), "/home/u/p.js:5:85"],
    [stack("listOnTimeout (node:internal/timers:581:17)", "process.processTimers (node:internal/timers:519:7)"), null],
    [stack("file:///home/u/m%20x.mjs:3:70"), "/home/u/m x.mjs:3:70"],
    [stack("Foo.bar (file:///home/u/m.mjs:3:9)"), "/home/u/m.mjs:3:9"],
    [stack("eval (eval at run (/home/u/e.js:4:5), <anonymous>:1:1)"), "/home/u/e.js:4:5"],
    [stack("JSON.parse (<anonymous>)", "C:\\Users\\u\\x.js:1:2"), "C:\\Users\\u\\x.js:1:2"],
    [stack(`helper (${path.join(libDir, "keys.js")}:10:3)`, "lodash (/home/u/node_modules/lodash/x.js:1:1)", "async /home/u/run.js:9:1"), null],
    [stack(`helper (${path.join(libDir, "keys.js")}:10:3)`, "async MyFn.process (/home/u/fn.js:3:1)", `async op (${path.join(libDir, "runners", "x.js")}:1:1)`), "/home/u/fn.js:3:1"],
    [stack("native"), null],
  ];
  for (const [err, expected] of cases) assert.equal(findUserFrame(err), expected, err.stack);
  // A notebook cell is described by the kernel support's resolver.
  setCellPositionResolver((file, line) => (file === "cell[5].js" ? `line ${line} of cell [5]` : null));
  try {
    assert.equal(findUserFrame(stack("Object.<anonymous> (cell[5].js:3:7)")), "line 3 of cell [5]");
  } finally {
    setCellPositionResolver(() => null);
  }
  // A stack that cannot be read gives no frame, and no error.
  const hostile = Object.defineProperty(new Error("x"), "stack", { get: () => { throw new Error("no stack"); } });
  assert.equal(findUserFrame(hostile), null);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
