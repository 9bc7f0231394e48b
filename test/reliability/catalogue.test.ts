/**
 * The bad-input catalogue: DoFn faults, encoding, options, text/CSV/SQL IO and the
 * warehouse. Each case is run on the direct and the interactive runner by the harness of
 * catalogue.ts, which checks the error names what it must, nothing is half-written, and the
 * process stays healthy. (The other files of test/reliability/ hold the cases that need
 * more than this shape: commits, handles over thousands of runs, key properties.)
 */
import test, { after } from "node:test";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { RUNNERS } from "./healthy";
import { runCase, type Case, type CaseContext } from "./catalogue";
import { tmpDir, writeFile } from "../unit/helpers";

const create = (ctx: CaseContext, values: unknown[], options?: Record<string, unknown>) => {
  const p = ctx.pipeline(options);
  return { p, pc: p.apply("Create", beam.Create(values)) };
};

/** A pipeline that creates `values` and applies `t` as "Step". */
const step = (values: unknown[], t: () => beam.PTransform<any, any>) => (ctx: CaseContext) => {
  const { p, pc } = create(ctx, values);
  pc.apply("Step", t());
  return p;
};

class Fails<T> extends beam.DoFn<T, T> {
  constructor(private readonly where: "setup" | "startBundle" | "finishBundle") {
    super();
  }
  setup() {
    if (this.where === "setup") throw new Error("cannot connect");
  }
  startBundle() {
    if (this.where === "startBundle") throw new Error("cannot start");
  }
  process(x: T) {
    return [x];
  }
  finishBundle() {
    if (this.where === "finishBundle") throw new Error("cannot flush");
  }
}

/** A staged table the warehouse cases start from. */
async function givenTable(ctx: CaseContext): Promise<void> {
  const wh = beam.warehouse.open(ctx.warehouse);
  const csv = writeFile(ctx.dir, "seed/people.csv", "id,name\n1,Ada\n2,Grace\n");
  await wh.load("college.people", csv, "id:INTEGER,name:STRING");
}

const writePeople = (ctx: CaseContext, rows: unknown[], extra: Record<string, unknown> = {}) => {
  const { p, pc } = create(ctx, rows);
  pc.apply("Write people", beam.io.WriteToTable({ table: "college.people", schema: "id:INTEGER,name:STRING", writeDisposition: "WRITE_TRUNCATE", ...extra }));
  return p;
};

/** Another process (a DuckDB shell, another kernel) holding the case's warehouse open until `release`. */
const holders = new Map<string, ChildProcess>();
async function holdWarehouse(ctx: CaseContext): Promise<void> {
  const script = `const { DuckDBInstance } = require(${JSON.stringify(require.resolve("@duckdb/node-api"))});
    DuckDBInstance.create(process.argv[1]).then((i) => i.connect()).then(() => console.log("held"));
    process.stdin.on("data", () => process.exit(0));`;
  const child = spawn(process.execPath, ["-e", script, ctx.warehouse], { stdio: ["pipe", "pipe", "inherit"] });
  holders.set(ctx.dir, child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("held") && resolve());
    child.on("exit", (code) => reject(new Error(`the holder exited with ${code}`)));
  });
}
async function release(ctx: CaseContext): Promise<void> {
  const child = holders.get(ctx.dir);
  if (!child) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.stdin!.write("x");
  await gone;
  holders.delete(ctx.dir);
}

const CASES: Case[] = [
  // ---- DoFn faults
  { area: "dofn", name: "process throws an Error", act: step([1, 2], () => beam.Map((n: number) => { if (n === 2) throw new Error("two"); return n; })), error: [/in transform "Step"/, /element: 2/, /cause: Error: two/], label: "Step", noHint: true },
  { area: "dofn", name: "process throws a string", act: step(["a"], () => beam.Map(() => { throw "just text"; })), error: [/in transform "Step"/, /just text/], label: "Step", noHint: true },
  { area: "dofn", name: "process returns a string", act: step([1], () => beam.ParDo(new (class extends beam.DoFn<number, string> { process() { return "abc" as unknown as string[]; } })())), error: [/returned a string/, /in transform "Step"/, /element: 1/], label: "Step" },
  { area: "dofn", name: "process returns a number", act: step([1], () => beam.ParDo(new (class extends beam.DoFn<number, number> { process(n: number) { return n as unknown as number[]; } })())), error: [/returned number/, /in transform "Step"/], label: "Step" },
  { area: "dofn", name: "process returns a TaggedOutput bare", act: step([1], () => beam.ParDo(new (class extends beam.DoFn<number, number> { process(n: number) { return beam.TaggedOutput("x", n) as unknown as number[]; } })())), error: [/returned a TaggedOutput/, /in transform "Step"/], label: "Step" },
  { area: "dofn", name: "emits to a tag the ParDo does not declare", act: step([1], () => beam.ParDo(new (class extends beam.DoFn<number, number> { *process(n: number) { yield beam.TaggedOutput("other", n); } })())), error: [/output "other"/, /withOutputs\("other"\)/], label: "Step" },
  { area: "dofn", name: "an async process rejects", act: step([1], () => beam.Map(async () => { await Promise.resolve(); throw new RangeError("async boom"); })), error: [/in transform "Step"/, /RangeError: async boom/], label: "Step", noHint: true },
  { area: "dofn", name: "a generator throws after yielding", act: step([1], () => beam.FlatMap(function* (n: number) { yield n; throw new Error("half way"); })), error: [/in transform "Step"/, /half way/], label: "Step", noHint: true },
  { area: "dofn", name: "an async generator throws", act: step([1], () => beam.FlatMap(async function* (n: number) { yield n; throw new Error("async half way"); })), error: [/in transform "Step"/, /async half way/], label: "Step", noHint: true },
  { area: "dofn", name: "setup throws", act: step([1], () => beam.ParDo(new Fails<number>("setup"))), error: [/in transform "Step"/, /cannot connect/], label: "Step", noHint: true },
  { area: "dofn", name: "startBundle throws", act: step([1], () => beam.ParDo(new Fails<number>("startBundle"))), error: [/in transform "Step"/, /cannot start/], label: "Step", noHint: true },
  { area: "dofn", name: "finishBundle throws", act: step([1], () => beam.ParDo(new Fails<number>("finishBundle"))), error: [/in transform "Step"/, /cannot flush/], label: "Step", noHint: true },
  { area: "dofn", name: "a DoFn changes its input element", act: step([{ n: 1 }], () => beam.Map((r: { n: number }) => { r.n = 2; return r; })), error: [/in transform "Step"/, /read.only|frozen|not extensible|Cannot assign/i], label: "Step" },
  { area: "dofn", name: "a Filter predicate throws", act: step([1], () => beam.Filter(() => { throw new Error("no verdict"); })), error: [/in transform "Step"/, /no verdict/], label: "Step", noHint: true },
  { area: "dofn", name: "FlatMap returns a number", act: step([1], () => beam.FlatMap((n: number) => n as unknown as number[])), error: [/in transform "Step"/, /not an array, iterable or generator/], label: "Step" },
  { area: "dofn", name: "unbounded recursion in a DoFn", act: step([1], () => beam.Map(function deep(n: number): number { return deep(n + 1); })), error: [/in transform "Step"/, /Maximum call stack/], label: "Step", noHint: true },
  { area: "dofn", name: "a huge element is cut in the message", act: step(["x".repeat(1_000_000)], () => beam.Map(() => { throw new Error("too big"); })), error: [/element: "x{10,}/, /^[\s\S]{0,2000}$/], label: "Step", noHint: true },
  { area: "dofn", name: "a combine function throws", act: (ctx) => { const { p, pc } = create(ctx, [["a", 1], ["a", 2]]); pc.apply("Sum", beam.CombinePerKey<string, number, number>(() => { throw new Error("cannot add"); })); return p; }, error: [/in transform "Sum"/, /cannot add/], label: "Sum", noHint: true },
  { area: "dofn", name: "a CombineFn's addInput throws", act: (ctx) => {
      const { p, pc } = create(ctx, [["a", 1]]);
      pc.apply("Combine", beam.CombinePerKey<string, number, number>({ createAccumulator: () => 0, addInput: () => { throw new Error("bad input"); }, mergeAccumulators: (a: number[]) => a.reduce((x, y) => x + y, 0), extractOutput: (a: number) => a }));
      return p;
    }, error: [/in transform "Combine"/, /bad input/], label: "Combine", noHint: true },
  { area: "dofn", name: "Partition returns an index out of range", act: step([1], () => beam.Partition(() => 5, 2)), error: [/in transform "Step/, /5/, /0 to 1|0\.\.1|between 0 and 1/] },
  { area: "dofn", name: "Partition returns a non-integer", act: step([1], () => beam.Partition(() => 0.5, 2)), error: [/in transform "Step/, /0\.5/] },
  { area: "dofn", name: "AsSingleton of a PCollection with two elements", act: (ctx) => {
      const { p, pc } = create(ctx, [1]);
      const two = p.apply("Two", beam.Create([1, 2]));
      pc.apply("Use", beam.Map((n: number, s: number) => n + s, beam.pvalue.AsSingleton(two)));
      return p;
    }, error: [/in transform "Use"/, /exactly one element, found 2/, /CombineGlobally/] },
  { area: "dofn", name: "AsSingleton of an empty PCollection without a default", act: (ctx) => {
      const { p, pc } = create(ctx, [1]);
      const none = p.apply("None", beam.Create<number>([]));
      pc.apply("Use", beam.Map((n: number, s: number) => n + s, beam.pvalue.AsSingleton(none)));
      return p;
    }, error: [/in transform "Use"/, /found 0/, /default value/] },

  // ---- encoding
  { area: "encoding", name: "GroupByKey of elements that are not pairs", act: step([1, 2], () => beam.GroupByKey()), error: [/in transform "Step/, /GroupByKey needs \[key, value\] pairs/, /element 1 of the Create "Create" is 1/, /nothing was run/] },
  { area: "encoding", name: "GroupByKey of a three-element array", act: step([["a", 1, 2]], () => beam.GroupByKey()), error: [/in transform "Step/, /\[key, value\]|pair/i] },
  { area: "encoding", name: "CoGroupByKey of an input that is not pairs", act: (ctx) => {
      const p = ctx.pipeline();
      const a = p.apply("A", beam.Create([["k", 1]] as [string, number][]));
      const b = p.apply("B", beam.Create(["oops"] as unknown as [string, number][]));
      beam.CoGroupByKey.of({ a, b }, "Join");
      return p;
    }, error: [/Join/, /\[key, value\]|pair/i, /oops/] },
  { area: "encoding", name: "a text sink of a function element", act: (ctx) => { const { p, pc } = create(ctx, [1]); pc.apply("Fn", beam.Map(() => () => 1)).apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out/fn"))); return p; }, error: [/in transform "Write/, /function/] },
  { area: "encoding", name: "Distinct of a symbol", act: step([Symbol("s")], () => beam.Distinct()), error: [/Step/, /symbol/i] },

  // ---- options
  { area: "options", name: "an unknown runner", act: () => new beam.Pipeline({ runner: "spaceship" as never }), error: [/runner/, /spaceship/, /direct/] },
  { area: "options", name: "a fractional bundleSize", act: () => new beam.Pipeline({ bundleSize: 1.5 }), error: [/bundleSize/, /1\.5/] },
  { area: "options", name: "a bundleSize given as text", act: () => new beam.Pipeline({ bundleSize: "10" as never }), error: [/bundleSize/, /"10"|string/] },
  { area: "options", name: "a misspelt option", act: () => new beam.Pipeline({ bundelSize: 10 } as never), error: [/bundelSize/, /bundleSize/] },
  { area: "options", name: "an empty warehouse path", act: () => new beam.Pipeline({ warehouse: " " }), error: [/warehouse/, /empty/] },
  { area: "options", name: "a name that is not text", act: () => new beam.Pipeline({ name: 42 as never }), error: [/name/, /42/] },
  { area: "options", name: "lineage given as text", act: () => new beam.Pipeline({ lineage: "yes" as never }), error: [/lineage/, /true, false or \{ maxElements \}/, /string/] },

  // ---- text IO
  { area: "text", name: "ReadFromText of a missing file", act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromText(path.join(ctx.dir, "missing.txt"))); return p; }, error: [/Read/, /missing\.txt/] },
  { area: "text", name: "ReadFromText of a pattern matching nothing", act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromText(path.join(ctx.dir, "logs-*.txt"))); return p; }, error: [/Read/, /logs-\*\.txt/] },
  { area: "text", name: "ReadFromText of a folder", given: (ctx) => fs.mkdirSync(path.join(ctx.dir, "folder")), act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromText(path.join(ctx.dir, "folder"))); return p; }, error: [/Read/, /folder/] },
  { area: "text", name: "ReadFromText of a file removed after the pipeline was built", act: (ctx) => {
      // Outside the case's folder: removing it is the case, not a half-write.
      const file = writeFile(tmpDir(), "gone.txt", "a\n");
      const p = ctx.pipeline();
      p.apply("Read", beam.io.ReadFromText(file));
      fs.rmSync(file);
      return p;
    }, error: [/Read/, /gone\.txt/] },
  { area: "text", name: "WriteToText under a path whose folder is a file", given: (ctx) => { writeFile(ctx.dir, "out", "I am a file\n"); }, act: (ctx) => { const { p, pc } = create(ctx, ["a"]); pc.apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out", "words"))); return p; }, error: [/Write/, /out/] },
  { area: "text", name: "WriteToText after a failing step writes nothing", given: (ctx) => { writeFile(ctx.dir, "out/words-00000-of-00001", "old\n"); }, act: (ctx) => {
      const { p, pc } = create(ctx, ["a", "b"]);
      pc.apply("Fail", beam.Map((w: string) => { if (w === "b") throw new Error("no b"); return w; })).apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out/words")));
      return p;
    }, error: [/Fail/, /no b/], noHint: true },

  // ---- CSV
  { area: "csv", name: "ReadFromCsv of a missing file", act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "none.csv"))); return p; }, error: [/Read/, /none\.csv/] },
  { area: "csv", name: "a row with more fields than the header", given: (ctx) => { writeFile(ctx.dir, "wide.csv", "a,b\n1,2\n3,4,5\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "wide.csv"))); return p; }, error: [/Read/, /wide\.csv/, /line 3|row 2/] },
  { area: "csv", name: "an unclosed quote", given: (ctx) => { writeFile(ctx.dir, "quote.csv", 'a,b\n1,"open\n'); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "quote.csv"))); return p; }, error: [/Read/, /quote\.csv/, /quote/i] },
  { area: "csv", name: "text in an INTEGER column", given: (ctx) => { writeFile(ctx.dir, "n.csv", "id,n\n1,2\n2,abc\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "n.csv"), { schema: "id:INTEGER,n:INTEGER" })); return p; }, error: [/Read/, /n\.csv/, /abc/, /\bn\b/] },
  { area: "csv", name: "a decimal comma in a FLOAT column", given: (ctx) => { writeFile(ctx.dir, "f.csv", "x\n1,5\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "f.csv"), { schema: "x:FLOAT", delimiter: ";" })); return p; }, error: [/Read/, /1,5/, /\bx\b/] },
  { area: "csv", name: "a BOOLEAN that is neither", given: (ctx) => { writeFile(ctx.dir, "b.csv", "ok\ntrue\nmaybe\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "b.csv"), { schema: "ok:BOOLEAN" })); return p; }, error: [/Read/, /maybe/, /\bok\b/] },
  { area: "csv", name: "an impossible DATE", given: (ctx) => { writeFile(ctx.dir, "d.csv", "dob\n2020-13-45\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "d.csv"), { schema: "dob:DATE" })); return p; }, error: [/Read/, /2020-13-45/, /dob/] },
  { area: "csv", name: "a misspelt type in the schema", act: () => beam.io.ReadFromCsv("x.csv", { schema: "id:INTEGR" }) as never, error: [/INTEGR/, /INTEGER/] },
  { area: "csv", name: "a schema without a type", act: () => beam.io.ReadFromCsv("x.csv", { schema: "id" }) as never, error: [/id/, /name:TYPE/] },

  // ---- SQL IO
  { area: "sql", name: "ReadFromSQL with a syntax error", given: givenTable, act: (ctx) => { const p = ctx.pipeline(); p.apply("Query", beam.io.ReadFromSQL({ query: "SELEC * FROM college.people" })); return p; }, error: [/Query/, /syntax|SELEC/i] },
  { area: "sql", name: "ReadFromSQL of a missing table", given: givenTable, act: (ctx) => { const p = ctx.pipeline(); p.apply("Query", beam.io.ReadFromSQL({ query: "SELECT * FROM college.nobody" })); return p; }, error: [/Query/, /college\.nobody|nobody/] },
  { area: "sql", name: "WriteToTable of a table name without a dataset", act: (ctx) => { const { p, pc } = create(ctx, [{ id: 1 }]); pc.apply("Write", beam.io.WriteToTable({ table: "people", schema: "id:INTEGER" })); return p; }, error: [/people/, /dataset\.table/] },
  { area: "sql", name: "a row with a field the schema lacks", given: givenTable, act: (ctx) => writePeople(ctx, [{ id: 3, name: "Alan", age: 41 }]), error: [/Write people/, /age/] },
  { area: "sql", name: "text in an INTEGER column", given: givenTable, act: (ctx) => writePeople(ctx, [{ id: "three", name: "Alan" }]), error: [/Write people/, /three/, /\bid\b/] },
  { area: "sql", name: "a date that is not a DATE", given: givenTable, act: (ctx) => {
      const { p, pc } = create(ctx, [{ dob: "07/11/2000" }]);
      pc.apply("Write dob", beam.io.WriteToTable({ table: "college.dobs", schema: "dob:DATE", writeDisposition: "WRITE_TRUNCATE" }));
      return p;
    }, error: [/Write dob/, /07\/11\/2000/, /dob/] },
  { area: "sql", name: "WRITE_EMPTY into a table with rows", given: givenTable, act: (ctx) => writePeople(ctx, [{ id: 3, name: "Alan" }], { writeDisposition: "WRITE_EMPTY" }), error: [/Write people/, /college\.people/, /WRITE_EMPTY|not empty/] },
  { area: "sql", name: "CREATE_NEVER of a table that does not exist", given: givenTable, act: (ctx) => {
      const { p, pc } = create(ctx, [{ id: 1 }]);
      pc.apply("Write new", beam.io.WriteToTable({ table: "college.fresh", schema: "id:INTEGER", createDisposition: "CREATE_NEVER" }));
      return p;
    }, error: [/Write new/, /college\.fresh/, /CREATE_NEVER|does not exist/] },
  { area: "sql", name: "a schema in the wrong form", act: (ctx) => { const { p, pc } = create(ctx, [{ id: 1 }]); pc.apply("Write", beam.io.WriteToTable({ table: "a.b", schema: "id INTEGER" })); return p; }, error: [/id INTEGER/, /name:TYPE/] },
  { area: "sql", name: "WriteToTable of elements that are not records", given: givenTable, act: (ctx) => writePeople(ctx, [7]), error: [/Write people/, /record|object/i, /7/] },

  // ---- the warehouse
  { area: "warehouse", name: "a warehouse path that is a folder", given: (ctx) => fs.mkdirSync(path.join(ctx.dir, "wh.duckdb")), act: (ctx) => {
      const p = ctx.pipeline({ warehouse: path.join(ctx.dir, "wh.duckdb") });
      p.apply("Query", beam.io.ReadFromSQL({ query: "SELECT 1 AS one" }));
      return p;
    }, error: [/wh\.duckdb/] },
  { area: "warehouse", name: "a truncated warehouse file", given: async (ctx) => {
      await givenTable(ctx);
      const bytes = fs.readFileSync(ctx.warehouse);
      fs.writeFileSync(path.join(ctx.dir, "broken.db"), bytes.subarray(0, 4096));
    }, act: async (ctx) => { await beam.warehouse.open(path.join(ctx.dir, "broken.db")).query("SELECT * FROM college.people"); }, error: [/broken\.db/] },
  { area: "warehouse", name: "a query while another process holds the warehouse", given: givenTable, afterAct: release, act: async (ctx) => { await holdWarehouse(ctx); await beam.warehouse.open(ctx.warehouse).query("SELECT * FROM college.people"); }, error: [/warehouse\.duckdb/, /lock/, /another kernel|no other program/] },
  { area: "warehouse", name: "ReadFromSQL while another process holds the warehouse", given: givenTable, afterAct: release, act: async (ctx) => { await holdWarehouse(ctx); const p = ctx.pipeline(); p.apply("Query", beam.io.ReadFromSQL({ query: "SELECT * FROM college.people" })); return p; }, error: [/in transform "Query"/, /warehouse\.duckdb/, /lock/] },
  { area: "warehouse", name: "WriteToTable while another process holds the warehouse", given: givenTable, afterAct: release, act: async (ctx) => { await holdWarehouse(ctx); return writePeople(ctx, [{ id: 9, name: "Alan" }]); }, error: [/in transform "Write people"/, /warehouse\.duckdb/, /lock/] },
  { area: "warehouse", name: "a load while another process holds the warehouse", given: givenTable, afterAct: release, act: async (ctx) => {
      await holdWarehouse(ctx);
      const csv = writeFile(tmpDir(), "more.csv", "id,name\n3,Alan\n");
      await beam.warehouse.open(ctx.warehouse).load("college.people", csv, "id:INTEGER,name:STRING", { writeDisposition: "WRITE_APPEND" });
    }, error: [/warehouse\.duckdb/, /lock/] },

  // ---- construction: what cannot run fails while the graph is built
  { area: "construction", name: "an empty label", act: (ctx) => { create(ctx, [1]).pc.apply("", beam.Map((n: number) => n)); }, error: [/label is empty/, /applied to "Create"/] },
  { area: "construction", name: "a whitespace-only label", act: (ctx) => { create(ctx, [1]).pc.apply("  ", beam.Map((n: number) => n)); }, error: [/only whitespace/] },
  { area: "construction", name: "a label with a slash", act: (ctx) => { create(ctx, [1]).pc.apply("Credits/year", beam.Map((n: number) => n)); }, error: [/cannot contain "\/"/, /Credits per year/] },
  { area: "construction", name: "a label used twice", act: (ctx) => { const { p, pc } = create(ctx, [1]); pc.apply("Step", beam.Map((n: number) => n)); p.apply("Other", beam.Create([2])).apply("Step", beam.Map((n: number) => n)); }, error: [/"Step" already exists/] },
  { area: "construction", name: "Flatten.of a string", act: (ctx) => { beam.Flatten.of([create(ctx, [1]).pc, "x" as never], "Merge"); }, error: [/Input 2 of Flatten is the string "x", not a PCollection/, /in transform "Merge"/] },
  { area: "construction", name: "Flatten.of nothing", act: () => { beam.Flatten.of([], "Merge"); }, error: [/Flatten/, /at least one|no PCollection|empty/i] },
  { area: "construction", name: "CoGroupByKey.of a number", act: (ctx) => { beam.CoGroupByKey.of({ a: create(ctx, [["k", 1]]).pc as beam.PCollection<[string, number]>, b: 5 as never }, "Join"); }, error: [/CoGroupByKey/, /5/] },
  { area: "construction", name: "CoGroupByKey.of an empty record", act: () => { beam.CoGroupByKey.of({}, "Join"); }, error: [/CoGroupByKey\.of needs PCollections, got none/, /"Join"/] },
  { area: "construction", name: "a side input from another pipeline", act: (ctx) => {
      const { pc } = create(ctx, [1]);
      const other = ctx.pipeline().apply("Other", beam.Create([2]));
      pc.apply("Use", beam.Map((n: number, xs: number[]) => n + xs.length, beam.pvalue.AsList(other)));
    }, error: [/another pipeline/, /Other/] },
  { area: "construction", name: "a PCollection as a side input without AsList", act: (ctx) => {
      const { p, pc } = create(ctx, [1]);
      const other = p.apply("Other", beam.Create([2]));
      pc.apply("Use", beam.Map((n: number, _xs: unknown) => n, other as never));
    }, error: [/AsList|AsSingleton|AsIter|AsDict/, /Other/] },
  { area: "construction", name: "collect of undefined", act: async () => { await beam.collect(undefined as never); }, error: [/collect/, /undefined/] },
  { area: "construction", name: "collect of a tagged-output record", act: async (ctx) => {
      const { pc } = create(ctx, [1]);
      const out = pc.apply("Split", beam.ParDo(new (class extends beam.DoFn<number, number> { *process(n: number) { yield beam.TaggedOutput("odd", n); } })()).withOutputs("odd"));
      await beam.collect(out as never);
    }, error: [/collect/, /\.odd|\.main/] },
  { area: "construction", name: "Partition into 0 parts", act: (ctx) => { create(ctx, [1]).pc.apply("Part", beam.Partition(() => 0, 0)); }, error: [/Partition needs a positive number of partitions, got 0/] },
  { area: "construction", name: "Top of 0", act: (ctx) => { create(ctx, [1]).pc.apply("Top", beam.combiners.Top.Of(0)); }, error: [/Top needs/, /got 0/] },
  { area: "construction", name: "WriteToText with 0 shards", act: (ctx) => { create(ctx, [1]).pc.apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out/n"), { numShards: 0 })); }, error: [/numShards must be a positive integer, got 0/] },
  { area: "construction", name: "WriteToText to a folder", given: (ctx) => { fs.mkdirSync(path.join(ctx.dir, "out"), { recursive: true }); }, act: (ctx) => { create(ctx, [1]).pc.apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out"))); }, error: [/is a directory/, /file prefix inside it/] },
  { area: "construction", name: "a source applied to a PCollection", act: (ctx) => { create(ctx, [1]).pc.apply("Again", beam.Create([2]) as never); }, error: [/source/, /"Create"/] },
  { area: "construction", name: "a Map applied to the pipeline", act: (ctx) => { ctx.pipeline().apply("Double", beam.Map((n: number) => n * 2) as never); }, error: [/Double|Map/, /PCollection|source/] },
  { area: "construction", name: "withOutputs of a number", act: (ctx) => { create(ctx, [1]).pc.apply("Split", beam.ParDo(new (class extends beam.DoFn<number, number> { process(n: number) { return [n]; } })()).withOutputs(5 as never)); }, error: [/tag/i, /5/] },
  { area: "construction", name: "Create of a number", act: (ctx) => { ctx.pipeline().apply("Create", beam.Create(5 as never)); }, error: [/Create/, /array|iterable/i] },
  { area: "construction", name: "ReadFromText of an empty path", act: (ctx) => { ctx.pipeline().apply("Read", beam.io.ReadFromText("")); }, error: [/ReadFromText needs a file path/] },
  { area: "construction", name: "ReadFromCsv of an empty path", act: (ctx) => { ctx.pipeline().apply("Read", beam.io.ReadFromCsv("")); }, error: [/ReadFromCsv needs a file path/] },

  // ---- options that cannot run
  { area: "options", name: "a bundleSize of 0", act: () => new beam.Pipeline({ bundleSize: 0 }), error: [/bundleSize/, /0/] },
  { area: "options", name: "a negative bundleSize", act: () => new beam.Pipeline({ bundleSize: -1 }), error: [/bundleSize/, /-1/] },
  { area: "options", name: "a NaN bundleSize", act: () => new beam.Pipeline({ bundleSize: NaN }), error: [/bundleSize/, /NaN/] },
  { area: "options", name: "an infinite bundleSize", act: () => new beam.Pipeline({ bundleSize: Infinity }), error: [/bundleSize/, /Infinity/] },
  { area: "options", name: "0 workers", act: () => new beam.Pipeline({ runner: "local", workers: 0 }), error: [/workers/, /0/] },
  { area: "options", name: "a fractional number of workers", act: () => new beam.Pipeline({ runner: "local", workers: 1.5 }), error: [/workers/, /1\.5/] },

  // ---- encoding: keys and elements that are not data
  { area: "encoding", name: "GroupByKey of a function key", act: step([[() => 1, 1]], () => beam.GroupByKey()), error: [/in transform "Step/, /key cannot be a function/] },
  { area: "encoding", name: "GroupByKey of a symbol key", act: step([[Symbol("k"), 1]], () => beam.GroupByKey()), error: [/in transform "Step/, /key cannot be a symbol/] },
  { area: "encoding", name: "GroupByKey of a class instance key", act: step([[new (class Point { x = 1; })(), 1]], () => beam.GroupByKey()), error: [/in transform "Step/, /instance of Point/] },
  { area: "encoding", name: "GroupByKey of a key with a cycle", act: (ctx) => { const c: Record<string, unknown> = { a: 1 }; c.self = c; return step([[c, 1]], () => beam.GroupByKey())(ctx); }, error: [/in transform "Step/, /cycle/] },
  { area: "encoding", name: "GroupByKey of a key nested 5,000 deep", act: (ctx) => { let k: unknown = 1; for (let i = 0; i < 5000; i++) k = [k]; return step([[k, 1]], () => beam.GroupByKey())(ctx); }, error: [/in transform "Step/, /nested more than 1000 levels/] },
  { area: "encoding", name: "GroupByKey of a key with a symbol-keyed field", act: step([[{ [Symbol("s")]: 1 }, 1]], () => beam.GroupByKey()), error: [/in transform "Step/, /symbol-keyed/] },
  { area: "encoding", name: "CombinePerKey of a function key", act: step([[() => 1, 1]], () => beam.CombinePerKey((xs: number[]) => xs.length)), error: [/in transform "Step/, /key cannot be a function/] },
  { area: "encoding", name: "CoGroupByKey of a symbol key", act: (ctx) => {
      const p = ctx.pipeline();
      const a = p.apply("A", beam.Create([[Symbol("k"), 1]] as [symbol, number][]));
      const b = p.apply("B", beam.Create([["k", 2]] as unknown as [symbol, number][]));
      beam.CoGroupByKey.of({ a, b }, "Join");
      return p;
    }, error: [/Join/, /symbol/] },
  { area: "encoding", name: "Distinct of an element with a cycle", act: (ctx) => { const c: Record<string, unknown> = {}; c.self = c; return step([c], () => beam.Distinct())(ctx); }, error: [/Step/, /cycle/] },
  { area: "encoding", name: "Distinct of a class instance", act: step([new (class Money { cents = 5; })()], () => beam.Distinct()), error: [/Step/, /instance of Money/] },
  { area: "encoding", name: "a text sink of an element with a cycle", act: (ctx) => { const c: Record<string, unknown> = {}; c.self = c; const { p, pc } = create(ctx, [c]); pc.apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out/c"))); return p; }, error: [/in transform "Write/, /circular|cycle/i] },
  { area: "encoding", name: "a text sink of a symbol element", act: (ctx) => { const { p, pc } = create(ctx, [1]); pc.apply("Sym", beam.Map(() => Symbol("s"))).apply("Write", beam.io.WriteToText(path.join(ctx.dir, "out/s"))); return p; }, error: [/in transform "Write/, /symbol/i] },
  { area: "encoding", name: "a table sink of a record with a cycle", given: givenTable, act: (ctx) => { const c: Record<string, unknown> = { id: 3 }; c.name = c; return writePeople(ctx, [c]); }, error: [/in transform "Write people/, /name/] },

  // ---- DoFn faults, more
  { area: "dofn", name: "process throws null", act: step([1], () => beam.Map(() => { throw null; })), error: [/in transform "Step"/, /null/], label: "Step", noHint: true },
  { area: "dofn", name: "process throws undefined", act: step([1], () => beam.Map(() => { throw undefined; })), error: [/in transform "Step"/, /cause: undefined \(the code threw undefined, not an Error\)/], label: "Step", noHint: true },
  { area: "dofn", name: "process rejects with a plain object", act: step([1], () => beam.Map(async () => { throw { code: 7 }; })), error: [/in transform "Step"/, /code/], label: "Step", noHint: true },
  { area: "dofn", name: "an element whose getter throws", act: (ctx) => step([{ get x(): number { throw new Error("getter boom"); } }], () => beam.Map(() => { throw new Error("fails"); }))(ctx), error: [/could not read element 1 of 1 in transform "Create"/, /\{"x":\[unreadable: Error: getter boom\]\}/, /plain data/], label: "Create" },
  { area: "dofn", name: "an element that is a throwing Proxy", act: step([new Proxy({}, { ownKeys() { throw new Error("trap"); }, get() { throw new Error("trap"); } })], () => beam.Map(() => { throw new Error("fails"); })), error: [/could not read element 1 of 1 in transform "Create"/, /\[unreadable: Error: trap\]/, /plain data/], label: "Create" },
  { area: "dofn", name: "a side-input function throws", act: (ctx) => {
      const { p, pc } = create(ctx, [1]);
      const side = p.apply("Side", beam.Create([1, 2]));
      pc.apply("Use", beam.Map((_n: number, _xs: number[]) => { throw new Error("side boom"); }, beam.pvalue.AsList(side)));
      return p;
    }, error: [/in transform "Use"/, /side boom/], label: "Use", noHint: true },
  { area: "dofn", name: "a CombineFn's extractOutput throws", act: (ctx) => {
      const { p, pc } = create(ctx, [["a", 1]]);
      pc.apply("Combine", beam.CombinePerKey<string, number, number>({ createAccumulator: () => 0, addInput: (a: number, x: number) => a + x, mergeAccumulators: (a: number[]) => a.reduce((x, y) => x + y, 0), extractOutput: () => { throw new Error("no output"); } }));
      return p;
    }, error: [/in transform "Combine"/, /no output/], label: "Combine", noHint: true },
  { area: "dofn", name: "CombineGlobally's function throws", act: step([1, 2], () => beam.CombineGlobally(() => { throw new Error("no total"); })), error: [/in transform "Step/, /no total/], noHint: true },
  { area: "dofn", name: "an async setup rejects", act: step([1], () => beam.ParDo(new (class extends beam.DoFn<number, number> { async setup() { await Promise.resolve(); throw new Error("no connection"); } process(n: number) { return [n]; } })())), error: [/in transform "Step"/, /no connection/], label: "Step", noHint: true },
  { area: "dofn", name: "FlatMap returns a string", act: step([1], () => beam.FlatMap(() => "abc" as unknown as string[])), error: [/returned a string, not an array/, /in transform "Step"/], label: "Step" },
  { area: "construction", name: "a DoFn without a process method", act: step([1], () => beam.ParDo(new (class NoProcess extends beam.DoFn<number, number> { process = undefined as unknown as (n: number) => number[]; })())), error: [/The DoFn NoProcess has no process method/] },

  // ---- text, more
  { area: "text", name: "two text sinks, the second under a file", given: (ctx) => { writeFile(ctx.dir, "taken", "a file\n"); }, act: (ctx) => {
      const { p, pc } = create(ctx, ["a", "b"]);
      pc.apply("Write first", beam.io.WriteToText(path.join(ctx.dir, "out/first")));
      pc.apply("Write second", beam.io.WriteToText(path.join(ctx.dir, "taken/second")));
      return p;
    }, error: [/taken/] },
  { area: "text", name: "ReadFromText of a file that is not UTF-8 text", given: (ctx) => { writeFile(ctx.dir, "in/bin.txt", Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x00, 0x0a])); }, act: (ctx) => {
      const p = ctx.pipeline();
      p.apply("Read", beam.io.ReadFromText(path.join(ctx.dir, "in/bin.txt"))).apply("Step", beam.Map((l: string) => { throw new Error(`got ${l.length}`); }));
      return p;
    }, error: [/in transform "Step"/, /got/], label: "Step", noHint: true },

  // ---- CSV, more
  { area: "csv", name: "duplicate header names", given: (ctx) => { writeFile(ctx.dir, "in/dup.csv", "id,id\n1,2\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "in/dup.csv"))); return p; }, error: [/dup\.csv/, /"id"/, /twice|duplicate|more than once/i] },
  { area: "csv", name: "a header-only file whose schema names a missing column", given: (ctx) => { writeFile(ctx.dir, "in/head.csv", "a,b\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "in/head.csv"), { schema: "a:STRING,c:STRING" })); return p; }, error: [/head\.csv has no column c in transform "Read"/, /its header has: a, b/] },
  { area: "csv", name: "an integer beyond 2^53 in an INTEGER column", given: (ctx) => { writeFile(ctx.dir, "in/big.csv", "n\n9007199254740993\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "in/big.csv"), { schema: "n:INTEGER" })); return p; }, error: [/big\.csv/, /9007199254740993/, /2\^53/] },
  { area: "csv", name: "a row with fewer fields than the header", given: (ctx) => { writeFile(ctx.dir, "in/short.csv", "a,b,c\n1,2\n"); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "in/short.csv"))); return p; }, error: [/short\.csv/, /line 2|row 2|record 2/i] },
  { area: "csv", name: "ReadFromCsv of a folder", given: (ctx) => { fs.mkdirSync(path.join(ctx.dir, "in/folder.csv"), { recursive: true }); }, act: (ctx) => { const p = ctx.pipeline(); p.apply("Read", beam.io.ReadFromCsv(path.join(ctx.dir, "in/folder.csv"))); return p; }, error: [/folder\.csv/] },

  // ---- SQL and the warehouse, more
  { area: "warehouse", name: "a warehouse path that does not exist, read", act: (ctx) => { const p = ctx.pipeline({ warehouse: path.join(ctx.dir, "nowhere", "wh.duckdb") }); p.apply("Query", beam.io.ReadFromSQL({ query: "SELECT 1 AS one" })); return p; }, error: [/nowhere/] },
  { area: "warehouse", name: "a warehouse file that is not DuckDB", given: (ctx) => { writeFile(ctx.dir, "notes.duckdb", "these are my notes, not a database\n".repeat(200)); }, act: async (ctx) => { await beam.warehouse.open(path.join(ctx.dir, "notes.duckdb")).query("SELECT 1"); }, error: [/notes\.duckdb/] },
  { area: "sql", name: "WriteToTable of text into an INTEGER column", given: givenTable, act: (ctx) => writePeople(ctx, [{ id: "seven", name: "Alan" }]), error: [/in transform "Write people/, /id/, /INTEGER/] },
  { area: "sql", name: "WriteToTable with a misspelt type", given: givenTable, act: (ctx) => writePeople(ctx, [{ id: 3, name: "Alan" }], { schema: "id:INTEGR,name:STRING" }), error: [/INTEGR/] },
  { area: "sql", name: "ReadFromSQL of an empty query", act: (ctx) => { const p = ctx.pipeline(); p.apply("Query", beam.io.ReadFromSQL({ query: " " })); return p; }, error: [/query/] },
  { area: "sql", name: "WriteToTable of a table name with SQL in it", given: givenTable, act: (ctx) => writePeople(ctx, [{ id: 3, name: "Alan" }], { table: "college.people; DROP TABLE college.people" }), error: [/table/i, /DROP/] },
  { area: "sql", name: "two table sinks, the second fails: neither is written", given: givenTable, act: (ctx) => {
      const { p, pc } = create(ctx, [{ id: 3, name: "Alan" }]);
      pc.apply("Write people", beam.io.WriteToTable({ table: "college.people", schema: "id:INTEGER,name:STRING", writeDisposition: "WRITE_TRUNCATE" }));
      pc.apply("Write empty", beam.io.WriteToTable({ table: "college.people", schema: "id:INTEGER,name:STRING", writeDisposition: "WRITE_EMPTY" }));
      return p;
    }, error: [/college\.people/] },
];

const tally = { cases: CASES.length, tried: 0, passed: 0 };
for (const c of CASES) {
  for (const runner of c.runners ?? RUNNERS) {
    test(`[${c.area}] ${c.name} (${runner})`, { timeout: 60_000 }, async () => {
      tally.tried++;
      await runCase(c, runner);
      tally.passed++;
    });
  }
}
// What `npm run reliability` reports (cases × runners tried and passed).
after(() => console.log(`# reliability: catalogue ${JSON.stringify(tally)}`));

/** The number of cases here, for `npm run reliability`. */
export const CASE_COUNT = CASES.length;
