/**
 * Text and CSV IO under failure and messy data: every source closes its file on every path
 * (thousands of failing runs leave the open file count flat), CSV headers that would lose
 * data are refused, a `__proto__` column stays data, and integers are never rounded.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { runFails, sink, tmpDir, writeFile } from "../unit/helpers";

/** Open file descriptors of this process. */
function openFds(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

/** Runs `make()` pipelines that must fail, `n` times; returns how many more files are open after than before. */
async function fdGrowth(n: number, make: () => beam.Pipeline, expect: RegExp): Promise<number> {
  // One run first, so that lazily opened handles (libuv, DuckDB) are counted in the baseline.
  await runFails(make());
  const before = openFds();
  for (let i = 0; i < n; i++) {
    const err = await runFails(make());
    if (i === 0) assert.match(err.message, expect);
  }
  return openFds() - before;
}

const boom = () =>
  beam.Map((_x: unknown) => {
    throw new Error("boom");
  });

// The text reader reads ahead 1 MiB, the CSV reader 64 KiB: the files are larger, and the runs
// fail at their first bundle (of 16 elements), so a failing run stops while the file still has
// unread data (the case that used to leave it open).
const BUNDLE = 16;
function bigText(dir: string): string {
  return writeFile(dir, "big.txt", `${"x".repeat(150)}\n`.repeat(10_000));
}
function bigCsv(dir: string): string {
  return writeFile(dir, "big.csv", `id,text\n${Array.from({ length: 2000 }, (_, i) => `${i},${"y".repeat(100)}`).join("\n")}\n`);
}

test("2,000 failing runs over a text file larger than the read-ahead leave no file open", async () => {
  const file = bigText(tmpDir());
  const growth = await fdGrowth(2000, () => {
    const p = new beam.Pipeline({ bundleSize: BUNDLE });
    p.apply("Read", beam.io.ReadFromText(file)).apply("Fail", boom());
    return p;
  }, /in transform "Fail"[\s\S]*cause: Error: boom/);
  assert.ok(growth <= 2, `open files grew by ${growth}`);
  // Healthy after: the whole file reads.
  const p = new beam.Pipeline();
  const lines = sink(p.apply("Read", beam.io.ReadFromText(file)));
  await p.run();
  assert.equal(lines.length, 10_000);
});

test("2,000 failing runs over a CSV file larger than the read-ahead leave no file open", async () => {
  const file = bigCsv(tmpDir());
  const growth = await fdGrowth(2000, () => {
    const p = new beam.Pipeline({ bundleSize: BUNDLE });
    p.apply("Read", beam.io.ReadFromCsv(file)).apply("Fail", boom());
    return p;
  }, /in transform "Fail"/);
  assert.ok(growth <= 2, `open files grew by ${growth}`);
});

test("CSV files that fail while being read (a bad row, a bad quote) are closed too", async () => {
  const dir = tmpDir();
  // The bad row comes early (line 52), and 200 KiB follow it.
  const rows = Array.from({ length: 2000 }, (_, i) => `${i},${"z".repeat(100)}`);
  const badValue = writeFile(dir, "bad-value.csv", `id,text\n${rows.slice(0, 50).join("\n")}\nseven,x\n${rows.slice(50).join("\n")}\n`);
  const badQuote = writeFile(dir, "bad-quote.csv", `id,text\n${rows.slice(0, 50).join("\n")}\n1,x"y\n${rows.slice(50).join("\n")}\n`);
  const growth =
    (await fdGrowth(300, () => {
      const p = new beam.Pipeline();
      p.apply("Read typed", beam.io.ReadFromCsv(badValue, { schema: "id:INTEGER,text:STRING" }));
      return p;
    }, /bad-value\.csv:52 does not fit the schema: column id \(INTEGER\) "seven" is not an integer/)) +
    (await fdGrowth(300, () => {
      const p = new beam.Pipeline();
      p.apply("Read", beam.io.ReadFromCsv(badQuote));
      return p;
    }, /Cannot parse .*bad-quote\.csv in transform "Read"/));
  assert.ok(growth <= 2, `open files grew by ${growth}`);
});

test("a failing warehouse load closes its CSV file", async () => {
  const dir = tmpDir();
  const csv = bigCsv(dir);
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await wh.load("ds.ok", writeFile(dir, "ok.csv", "id\n1\n"), "id:INTEGER");
  const load = () => wh.load("ds.t", csv, "id:INTEGER,text:BOOLEAN");
  await assert.rejects(load(), /column text \(BOOLEAN\)/);
  const before = openFds();
  for (let i = 0; i < 50; i++) await assert.rejects(load());
  assert.ok(openFds() - before <= 2);
  assert.deepEqual(await wh.tables(), ["ds.ok"], "nothing was loaded");
});

// ---------------------------------------------------------------- CSV headers

test("ReadFromCsv refuses a header that names a column twice, naming the columns and the file", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "dup.csv", "id,name,id,dept,dept\n1,Ann,2,CS,MA\n");
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromCsv(f)).apply("Write", beam.io.WriteToText(path.join(dir, "out")));
  const err = await runFails(p);
  assert.match(err.message, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} names column "id", "dept" more than once in its header in transform "Read"`));
  assert.match(err.message, /what to do: rename the columns so that every name is distinct \(the header is: id, name, id, dept, dept\)/);
  assert.deepEqual(fs.readdirSync(dir), ["dup.csv"], "nothing was written");
  // The same for a header-only file, and for the warehouse's load.
  const headerOnly = writeFile(dir, "dup-header.csv", "a,a\n");
  const q = new beam.Pipeline();
  q.apply("Read", beam.io.ReadFromCsv(headerOnly));
  assert.match((await runFails(q)).message, /names column "a" more than once/);
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await assert.rejects(wh.load("ds.t", f, "id:STRING,name:STRING"), /dup\.csv names column "id", "dept" more than once in its header in transform "load ds\.t"/);
});

test("a __proto__ column is kept as data, by ReadFromCsv (with and without a schema) and by the warehouse", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "proto.csv", "id,__proto__,constructor\n1,polluted,c\n");
  const p = new beam.Pipeline();
  const raw = sink(p.apply("Read", beam.io.ReadFromCsv(f)));
  const typed = sink(p.apply("Read typed", beam.io.ReadFromCsv(f, { schema: "id:INTEGER,__proto__:STRING" })));
  await p.run();
  assert.deepEqual(Object.keys(raw[0]), ["id", "__proto__", "constructor"]);
  assert.equal(Object.getOwnPropertyDescriptor(raw[0], "__proto__")?.value, "polluted");
  assert.equal(Object.getPrototypeOf(raw[0]), Object.prototype, "the prototype is untouched");
  assert.equal(JSON.stringify(raw[0]), '{"id":"1","__proto__":"polluted","constructor":"c"}');
  assert.equal(Object.getOwnPropertyDescriptor(typed[0], "__proto__")?.value, "polluted");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);

  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await wh.load("ds.proto", f, "id:INTEGER,__proto__:STRING");
  const q = new beam.Pipeline({ warehouse: wh.path });
  const fromSql = sink(q.apply("Read", beam.io.ReadFromSQL({ query: "SELECT * FROM ds.proto" })));
  await q.run();
  assert.deepEqual(Object.keys(fromSql[0]), ["id", "__proto__"]);
  assert.equal(Object.getOwnPropertyDescriptor(fromSql[0], "__proto__")?.value, "polluted");
  // An arquero table cannot hold the column: the query says how to rename it.
  await assert.rejects(wh.query("SELECT * FROM ds.proto"), /cannot have a column named "__proto__"[\s\S]*SELECT "__proto__" AS proto/);
  assert.deepEqual((await wh.query('SELECT "__proto__" AS proto FROM ds.proto')).objects(), [{ proto: "polluted" }]);
});

test("a header-only (or empty) file with a schema naming a missing column is refused", async () => {
  const dir = tmpDir();
  const headerOnly = writeFile(dir, "header.csv", "sid,name\n");
  const empty = writeFile(dir, "empty.csv", "");
  const read = async (file: string) => {
    const p = new beam.Pipeline();
    p.apply("Read", beam.io.ReadFromCsv(file, { schema: "sid:STRING,credits:INTEGER" }));
    return runFails(p);
  };
  const err = await read(headerOnly);
  assert.match(err.message, /header\.csv has no column credits in transform "Read"/);
  assert.match(err.message, /its header has: sid, name; fix the schema's column names/);
  assert.match((await read(empty)).message, /empty\.csv has no column sid, credits[\s\S]*the file is empty \(not even a header row\)/);
  // With the columns present, a header-only file is simply empty.
  const p = new beam.Pipeline();
  const out = sink(p.apply("Read", beam.io.ReadFromCsv(headerOnly, { schema: "sid:STRING,name:STRING" })));
  await p.run();
  assert.deepEqual(out, []);
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await assert.rejects(wh.load("ds.t", headerOnly, "sid:STRING,credits:INTEGER"), /header\.csv has no column credits/);
});

// ---------------------------------------------------------------- integers

test("ReadFromCsv refuses an INTEGER beyond 2^53 rather than round it, naming the row and column; small ones are numbers", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "ids.csv", "id,n\na,9007199254740991\nb,-9007199254740991\nc,9007199254740993\n");
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromCsv(f, { schema: "id:STRING,n:INTEGER" }));
  const err = await runFails(p);
  assert.match(err.message, /ids\.csv:4 does not fit the schema: column n \(INTEGER\) 9007199254740993 is beyond ±2\^53 − 1/);
  assert.match(err.message, /element: \{"id":"c","n":"9007199254740993"\}/);
  assert.match(err.message, /what to do: read the column as STRING/);
  const ok = writeFile(dir, "small.csv", "id,n\na,9007199254740991\nb,-42\n");
  const q = new beam.Pipeline();
  const rows = sink(q.apply("Read", beam.io.ReadFromCsv(ok, { schema: "id:STRING,n:INTEGER" })));
  await q.run();
  assert.deepEqual(rows, [{ id: "a", n: 9007199254740991 }, { id: "b", n: -42 }]);
});

test("the warehouse keeps INTEGERs beyond 2^53 exact (as bigints), and refuses those beyond INT64", async () => {
  const dir = tmpDir();
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  const f = writeFile(dir, "big.csv", "id,n\na,9007199254740993\nb,-9223372036854775808\nc,7\n");
  await wh.load("ds.big", f, "id:STRING,n:INTEGER");
  const rows = (await wh.query("SELECT id, n, CAST(n AS VARCHAR) AS s FROM ds.big ORDER BY id")).objects();
  assert.deepEqual(rows, [
    { id: "a", n: 9007199254740993n, s: "9007199254740993" },
    { id: "b", n: -9223372036854775808n, s: "-9223372036854775808" },
    { id: "c", n: 7, s: "7" },
  ]);
  // Through a pipeline: read exact, write exact.
  const p = new beam.Pipeline({ warehouse: wh.path });
  p.apply("Read", beam.io.ReadFromSQL({ query: "SELECT id, n FROM ds.big" }))
    .apply("Plus one", beam.Map((r: { id: string; n: number | bigint }) => ({ id: r.id, n: typeof r.n === "bigint" ? r.n + 1n : r.n + 1 })))
    // The row type of an INTEGER schema says number; a bigint is accepted as well.
    .apply("Write", beam.io.WriteToTable({ table: "ds.plus", schema: "id:STRING,n:INTEGER" as string, writeDisposition: "WRITE_TRUNCATE" }));
  await p.run();
  assert.deepEqual((await wh.query("SELECT CAST(n AS VARCHAR) AS s FROM ds.plus ORDER BY id")).objects().map((r) => (r as { s: string }).s), ["9007199254740994", "-9223372036854775807", "8"]);
  const tooBig = writeFile(dir, "too-big.csv", "id,n\na,9223372036854775808\n");
  await assert.rejects(wh.load("ds.too", tooBig, "id:STRING,n:INTEGER"), /column n \(INTEGER\) 9223372036854775808 is outside INTEGER's range/);
  assert.equal((await wh.tables()).includes("ds.too"), false);
});
