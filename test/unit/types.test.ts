/**
 * Compile-time tests: `tsc` fails if the typing of PCollections regresses (each
 * `@ts-expect-error` must still see an error). The runtime tests only check that the
 * pipelines built here also run.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as beam from "../../lib";
import { sink, tmpDir, writeFile } from "./helpers";

/** Compiles only when A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_?: T): void {}

type Student = { sid: string; name: string; year: number };

function build(dir: string) {
  const p = new beam.Pipeline();
  const students = p.apply("Students", beam.Create<Student>([{ sid: "s1", name: "Ann", year: 2 }]));

  // Map infers its output type from the function.
  const names = students.apply("Names", beam.Map((s) => s.name));
  assertType<Equals<typeof names, beam.PCollection<string>>>();
  assertType<Equals<beam.ElementOf<typeof names>, string>>();



  // Filter keeps the element type; FlatMap takes the iterable's element type.
  const seniors = students.apply("Seniors", beam.Filter((s) => s.year > 2));
  assertType<Equals<typeof seniors, beam.PCollection<Student>>>();
  const letters = names.apply("Letters", beam.FlatMap((n) => n.split("")));
  assertType<Equals<typeof letters, beam.PCollection<string>>>();

  // A type-guard Filter narrows.
  const mixed = p.apply("Mixed", beam.Create<string | number>(["a", 1]));
  const onlyStrings = mixed.apply("Strings", beam.Filter((x): x is string => typeof x === "string"));
  assertType<Equals<typeof onlyStrings, beam.PCollection<string>>>();

  // GroupByKey / CombinePerKey / CoGroupByKey keep key and value types.
  const byYear = students.apply("Key by year", beam.Map((s) => [s.year, s.name] as [number, string]));
  const grouped = byYear.apply("Group", beam.GroupByKey());
  assertType<Equals<typeof grouped, beam.PCollection<[number, string[]]>>>();
  const counted = byYear.apply("Count", beam.combiners.Count.PerKey());
  assertType<Equals<typeof counted, beam.PCollection<[number, number]>>>();
  const takes = p.apply("Takes", beam.Create<[number, { cno: string }]>([[2, { cno: "c1" }]]));
  const joined = beam.CoGroupByKey.of({ byYear, takes });
  joined.apply("Use join", beam.Map(([year, { byYear: ns, takes: ts }]) => `${year + 1}${ns.join()}${ts.map((t) => t.cno).join()}`));

  // Side inputs hand typed values.
  const depts = p.apply("Depts", beam.Create<[string, number]>([["CS", 1]]));
  students.apply("Side", beam.Map((s, m) => m.get(s.sid) ?? 0, beam.pvalue.AsDict(depts)));

  // Tagged outputs are typed per tag.
  class Split extends beam.DoFn<Student, string> {
    *process(s: Student) {
      yield s.name;
      yield beam.TaggedOutput("years", s.year);
    }
  }
  const { main, years } = students.apply("Split", beam.ParDo(new Split()).withOutputs("years"));
  assertType<Equals<typeof main, beam.PCollection<string>>>();
  assertType<Equals<typeof years, beam.PCollection<number>>>();

  // ReadFromCsv with a schema string types the record's fields.
  const csv = writeFile(dir, "classes.csv", "sid,cno,credits,active,start\ns1,c1,3,true,2024-01-01\n");
  const classes = p.apply("Read classes", beam.io.ReadFromCsv(csv, { schema: "sid:STRING,cno:STRING, credits:INTEGER,active:BOOLEAN,start:DATE" }));
  type Row = beam.ElementOf<typeof classes>;
  assertType<Equals<Row["sid"], string | null>>();
  assertType<Equals<Row["credits"], number | null>>();
  assertType<Equals<Row["active"], boolean | null>>();
  assertType<Equals<Row["start"], string | null>>();
  assertType<Equals<beam.SchemaRow<"a:INT64,b:FLOAT64">, { a: number | null; b: number | null }>>();
  const credits = classes.apply("Credits", beam.Map((r) => (r.credits ?? 0) + 1));
  assertType<Equals<typeof credits, beam.PCollection<number>>>();

  // Without a schema, every value is a string or null.
  const untyped = p.apply("Read untyped", beam.io.ReadFromCsv(csv));
  assertType<Equals<beam.ElementOf<typeof untyped>, Record<string, string | null>>>();

  // WriteToTable checks the rows against its schema.
  const out = classes.apply("Write", beam.io.WriteToTable({ table: "ds.t", schema: "sid:STRING,cno:STRING,credits:INTEGER,active:BOOLEAN,start:DATE", warehouse: path.join(dir, "wh.duckdb") }));
  assertType<Equals<typeof out, beam.PCollection<string>>>();

  // Never called: only type-checked. Each line below must be a compile error.
  const typeErrors = () => {
    // Reading a field the element type does not have is a compile error.
    // @ts-expect-error 'grade' does not exist on Student
    students.apply("Bad field", beam.Map((s) => s.grade));
    // Using a field with the wrong type is a compile error.
    // @ts-expect-error year is a number, not a string
    students.apply("Bad type", beam.Map((s) => s.year.toUpperCase()));
    // @ts-expect-error there is no 'classes' input in the join
    joined.apply("Bad join", beam.Map(([, v]) => v.classes));
    // @ts-expect-error the dict's values are numbers
    students.apply("Bad side", beam.Map((s, m) => m.get(s.sid)!.toUpperCase(), beam.pvalue.AsDict(depts)));
    // @ts-expect-error 'course' is not in the schema
    classes.apply("Bad column", beam.Map((r) => r.course));
    // @ts-expect-error credits may be null
    classes.apply("Null credits", beam.Map((r) => r.credits + 1));
    // @ts-expect-error the schema says year is a STRING, the rows have a number
    students.apply("Bad write", beam.io.WriteToTable({ table: "ds.s", schema: "sid:STRING,year:STRING" }));
    // A transform for one element type cannot be applied to another.
    // @ts-expect-error a Map over numbers does not take Students
    students.apply("Wrong input", beam.Map((n: number) => n + 1));
  };
  void typeErrors;
  return { p, credits, main, years, joined };
}

test("the typed pipeline also runs", async () => {
  const dir = tmpDir();
  const { p, credits, main, years } = build(dir);
  const [c, m, y] = [sink(credits), sink(main), sink(years)];
  await p.run();
  assert.deepEqual(c, [4]);
  assert.deepEqual(m, ["Ann"]);
  assert.deepEqual(y, [2]);
});
