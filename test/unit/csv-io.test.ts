import test from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as beam from "../../lib";
import { runFails, sink, tmpDir, writeFile } from "./helpers";

async function read<T = Record<string, unknown>>(transform: beam.PTransform<beam.PBegin, beam.PCollection<T>>, bundleSize?: number): Promise<T[]> {
  const p = new beam.Pipeline(bundleSize ? { bundleSize } : {});
  const out = sink(p.apply("Read", transform));
  await p.run();
  return out;
}

test("ReadFromCsv gives one record per row, keyed by the header, values as strings", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "t.csv", "tid,name,dept\nt1,Ann,CS\nt2,Bob,MA\n");
  assert.deepEqual(await read(beam.io.ReadFromCsv(f)), [
    { tid: "t1", name: "Ann", dept: "CS" },
    { tid: "t2", name: "Bob", dept: "MA" },
  ]);
});

test("ReadFromCsv: quoted fields with commas, quotes and embedded newlines", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "q.csv", 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"line one\nline two"\n4,plain\n');
  assert.deepEqual(await read(beam.io.ReadFromCsv(f)), [
    { id: "1", text: "a, b" },
    { id: "2", text: 'say "hi"' },
    { id: "3", text: "line one\nline two" },
    { id: "4", text: "plain" },
  ]);
});

test("ReadFromCsv: CRLF, a BOM, no final newline, blank lines skipped", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "crlf.csv", '\uFEFFid,name\r\n1,"x\r\ny"\r\n\r\n2,Bob');
  const rows = await read(beam.io.ReadFromCsv(f));
  assert.deepEqual(Object.keys(rows[0]), ["id", "name"]);
  assert.deepEqual(rows, [
    { id: "1", name: "x\r\ny" },
    { id: "2", name: "Bob" },
  ]);
});

test("ReadFromCsv: an empty unquoted field is null, a quoted empty field is ''", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "nulls.csv", 'a,b,c\n,"",x\n1,,\n');
  assert.deepEqual(await read(beam.io.ReadFromCsv(f)), [
    { a: null, b: "", c: "x" },
    { a: "1", b: null, c: null },
  ]);
});

test("ReadFromCsv with a header only, and an empty file, gives nothing", async () => {
  const dir = tmpDir();
  assert.deepEqual(await read(beam.io.ReadFromCsv(writeFile(dir, "h.csv", "a,b\n"))), []);
  assert.deepEqual(await read(beam.io.ReadFromCsv(writeFile(dir, "e.csv", ""))), []);
  assert.deepEqual(await read(beam.io.ReadFromCsv(writeFile(dir, "hs.csv", "a,b\n"), { schema: "a:INTEGER,b:STRING" })), []);
});

test("ReadFromCsv with a delimiter", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "semi.csv", "a;b\n1;x,y\n");
  assert.deepEqual(await read(beam.io.ReadFromCsv(f, { delimiter: ";" })), [{ a: "1", b: "x,y" }]);
});

test("ReadFromCsv with a glob reads every file (each with its own header)", async () => {
  const dir = tmpDir();
  writeFile(dir, "p/2.csv", "id,v\n3,c\n");
  writeFile(dir, "p/1.csv", "\uFEFFid,v\r\n1,a\r\n2,b\r\n");
  const rows = await read(beam.io.ReadFromCsv(path.join(dir, "p", "*.csv"), { schema: "id:INTEGER,v:STRING" }), 2);
  assert.deepEqual(rows, [
    { id: 1, v: "a" },
    { id: 2, v: "b" },
    { id: 3, v: "c" },
  ]);
});

test("ReadFromCsv with a schema types INTEGER, FLOAT, BOOLEAN, DATE, STRING; empty is null", async () => {
  const dir = tmpDir();
  const f = writeFile(
    dir,
    "typed.csv",
    ["sid,credits,gpa,active,born,note", "s1,3,3.5,true,2001-02-03,hi", "s2, 4 ,1e1,FALSE,2000-02-29,", "s3,,,1,,\"\"", "s4,-2,-0.5,0,1999-12-31,x"].join("\n"),
  );
  const rows = await read(beam.io.ReadFromCsv(f, { schema: "sid:STRING,credits:INTEGER,gpa:FLOAT,active:BOOLEAN,born:DATE,note:STRING" }));
  assert.deepEqual(rows, [
    { sid: "s1", credits: 3, gpa: 3.5, active: true, born: "2001-02-03", note: "hi" },
    { sid: "s2", credits: 4, gpa: 10, active: false, born: "2000-02-29", note: null },
    { sid: "s3", credits: null, gpa: null, active: true, born: null, note: "" },
    { sid: "s4", credits: -2, gpa: -0.5, active: false, born: "1999-12-31", note: "x" },
  ]);
});

test("ReadFromCsv with a schema accepts aliases (INT64, FLOAT64, BOOL) and lower case", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "alias.csv", "a,b,c\n1,2.5,true\n");
  assert.deepEqual(await read(beam.io.ReadFromCsv(f, { schema: "a:int64, b:float64 ,c:bool" })), [{ a: 1, b: 2.5, c: true }]);
});

test("ReadFromCsv with a schema keeps only the schema's columns, in schema order", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "extra.csv", "x,b,a\nignored,2,1\n");
  const rows = await read(beam.io.ReadFromCsv(f, { schema: "a:INTEGER,b:INTEGER" }));
  assert.deepEqual(rows, [{ a: 1, b: 2 }]);
  assert.deepEqual(Object.keys(rows[0]), ["a", "b"]);
});

for (const [type, bad, why] of [
  ["INTEGER", "three", /"three" is not an integer/],
  ["INTEGER", "1.5", /"1.5" is not an integer/],
  ["FLOAT", "abc", /"abc" is not a number/],
  ["BOOLEAN", "yes", /"yes" is not a boolean/],
  ["DATE", "2024-02-30", /"2024-02-30" is not a DATE/],
  ["DATE", "03/04/2024", /is not a DATE/],
] as const) {
  test(`ReadFromCsv: a bad ${type} value (${bad}) fails naming file:line and column`, async () => {
    const dir = tmpDir();
    const f = writeFile(dir, "bad.csv", `id,v\n1,${type === "INTEGER" ? "7" : type === "FLOAT" ? "1.5" : type === "BOOLEAN" ? "true" : "2024-01-01"}\n2,${bad}\n`);
    const p = new beam.Pipeline();
    p.apply("Read typed", beam.io.ReadFromCsv(f, { schema: `id:INTEGER,v:${type}` }));
    const err = await runFails(p);
    assert.ok(err.message.includes(`${f}:3`), err.message);
    assert.match(err.message, new RegExp(`column v \\(${type}\\)`));
    assert.match(err.message, why);
    assert.match(err.message, /"Read typed"/);
    assert.match(err.message, /element: \{"id":"2"/);
    assert.match(err.message, /what to do/);
  });
}

test("ReadFromCsv: the line number of a bad value after a multi-line quoted field", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "ml.csv", 'id,text\n1,"a\nb\nc"\nx,ok\n');
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromCsv(f, { schema: "id:INTEGER,text:STRING" }));
  const err = await runFails(p);
  assert.ok(err.message.includes(`${f}:5`), err.message);
});

test("ReadFromCsv: the line of a bad value many bundles into the file, and in a worker's part of a split file", async () => {
  const dir = tmpDir();
  // Over a megabyte, so the local runner reads it in two byte ranges; the bad row is in the second.
  const rows = Array.from({ length: 60_000 }, (_, i) => `${i},"text ${i}, quoted"`);
  const bad = 50_000;
  rows[bad] = `x${bad},"multi
line"`;
  const f = writeFile(dir, "big.csv", `id,text
${rows.join("\n")}
`);
  const line = bad + 3; // the header, then one line per row; the bad row ends a line further down
  const direct = new beam.Pipeline({ bundleSize: 100 });
  direct.apply("Read", beam.io.ReadFromCsv(f, { schema: "id:INTEGER,text:STRING" }));
  const e1 = await runFails(direct);
  assert.ok(e1.message.includes(`${f}:${line} `), e1.message);
  const local = new beam.Pipeline({ runner: "local", workers: 2 });
  local.apply("Read", beam.io.ReadFromCsv(f, { schema: "id:INTEGER,text:STRING" }));
  const e2 = await runFails(local);
  assert.ok(e2.message.includes(`${f}:${line} `), e2.message);
});

test("ReadFromCsv: a schema column not in the header fails listing the header", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "h.csv", "sid,cno,credits\n1,c1,3\n");
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromCsv(f, { schema: "sid:STRING,course:STRING,credits:INTEGER" }));
  const err = await runFails(p);
  assert.match(err.message, /no column course/);
  assert.match(err.message, /sid, cno, credits/);
});

test("ReadFromCsv: a REQUIRED column with an empty value fails", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "req.csv", "a,b\n1,\n");
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromCsv(f, { schema: [{ name: "a", type: "INTEGER" }, { name: "b", type: "STRING", mode: "REQUIRED" }] }));
  const err = await runFails(p);
  assert.match(err.message, /column b \(STRING\) is required but empty/);
});

test("ReadFromCsv: a row with the wrong number of fields or an unclosed quote fails naming the file", async () => {
  const dir = tmpDir();
  for (const [name, content] of [["ragged.csv", "a,b\n1,2,3\n"], ["quote.csv", 'a,b\n1,"open\n']]) {
    const f = writeFile(dir, name, content);
    const p = new beam.Pipeline();
    p.apply("Read", beam.io.ReadFromCsv(f));
    const err = await runFails(p);
    assert.match(err.message, /Cannot parse/);
    assert.ok(err.message.includes(f));
    assert.match(err.message, /cause: /);
  }
});

test("ReadFromCsv: bad schemas and paths fail early", async () => {
  assert.throws(() => beam.io.ReadFromCsv("x.csv", { schema: "a:WHAT" }), /Unknown type WHAT/);
  assert.throws(() => beam.io.ReadFromCsv("x.csv", { schema: "a" }), /Bad schema field/);
  assert.throws(() => beam.io.ReadFromCsv("x.csv", { schema: "a:STRING,a:INTEGER" }), /appears twice/);
  assert.throws(() => beam.io.ReadFromCsv(""), beam.PipelineError);
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromCsv(path.join(tmpDir(), "missing.csv")));
  assert.match((await runFails(p)).message, /No file matches/);
});

test("ReadFromCsv over many rows in small bundles keeps every row", async () => {
  const dir = tmpDir();
  const n = 5000;
  const f = writeFile(dir, "many.csv", "i,s\n" + Array.from({ length: n }, (_, i) => `${i},"v ${i}, ok"`).join("\n"));
  const rows = await read(beam.io.ReadFromCsv(f, { schema: "i:INTEGER,s:STRING" }), 64);
  assert.equal(rows.length, n);
  assert.deepEqual(rows[n - 1], { i: n - 1, s: `v ${n - 1}, ok` });
  assert.ok(rows.every((r, i) => r.i === i));
});
