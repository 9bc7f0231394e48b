import test from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import * as fs from "node:fs";
import * as beam from "../../lib";
import { runFails, sink, tmpDir, writeFile } from "./helpers";

/** A fresh warehouse file in its own temp dir, with a CSV loaded into ds.classes. */
async function fixture() {
  const dir = tmpDir("beamlab-wh-");
  const db = path.join(dir, "wh.duckdb");
  const csv = writeFile(dir, "classes.csv", "sid,cno,credits,start\ns1,c1,3,2024-01-15\ns2,c2,4,2024-02-01\ns3,c1,,\n");
  const wh = beam.warehouse.open(db);
  const n = await wh.load("ds.classes", csv, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE");
  return { dir, db, csv, wh, n };
}

const ORIGINAL = [
  { sid: "s1", cno: "c1", credits: 3, start: "2024-01-15" },
  { sid: "s2", cno: "c2", credits: 4, start: "2024-02-01" },
  { sid: "s3", cno: "c1", credits: null, start: null },
];

async function contents(wh: beam.warehouse.Warehouse, table = "ds.classes") {
  return (await wh.query(`SELECT * FROM ${table} ORDER BY ALL`)).objects();
}

test("load returns the row count; query returns an arquero table with typed values", async () => {
  const { wh, n } = await fixture();
  assert.equal(n, 3);
  const t = await wh.query("SELECT * FROM ds.classes ORDER BY sid");
  assert.equal(t.numRows(), 3);
  assert.deepEqual(t.columnNames(), ["sid", "cno", "credits", "start"]);
  assert.deepEqual(t.objects(), ORIGINAL);
  const first = t.objects()[0] as Record<string, unknown>;
  assert.equal(typeof first.credits, "number");
  assert.equal(typeof first.start, "string");
});

test("query: aggregates come back as numbers, DATE as YYYY-MM-DD, empty results keep their columns", async () => {
  const { wh } = await fixture();
  const agg = (await wh.query("SELECT count(*) AS n, sum(credits) AS total, avg(credits) AS mean, min(start) AS first FROM ds.classes")).objects();
  assert.deepEqual(agg, [{ n: 3, total: 7, mean: 3.5, first: "2024-01-15" }]);
  const empty = await wh.query("SELECT sid, credits FROM ds.classes WHERE false");
  assert.equal(empty.numRows(), 0);
  assert.deepEqual(empty.columnNames(), ["sid", "credits"]);
  const typed = (await wh.query("SELECT 1.5::DOUBLE AS f, true AS b, DATE '2020-02-29' AS d, NULL AS z")).objects();
  assert.deepEqual(typed, [{ f: 1.5, b: true, d: "2020-02-29", z: null }]);
});

test("tables() lists dataset.table names, sorted", async () => {
  const { wh, csv } = await fixture();
  await wh.load("a_ds.zeta", csv, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE");
  await wh.load("a_ds.alpha", csv, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE");
  assert.deepEqual(await wh.tables(), ["a_ds.alpha", "a_ds.zeta", "ds.classes"]);
});

test("tables() of a warehouse file that does not exist fails naming it, and creates nothing", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "new.duckdb");
  await assert.rejects(beam.warehouse.open(file).tables(), (e: Error) => e.message.includes(`There is no warehouse file ${file}`));
  assert.equal(fs.existsSync(file), false);
});

test("load replaces the table by default and appends with WRITE_APPEND", async () => {
  const { wh, csv } = await fixture();
  assert.equal(await wh.load("ds.classes", csv, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE"), 3);
  assert.equal((await wh.query("SELECT * FROM ds.classes")).numRows(), 3);
  await wh.load("ds.classes", csv, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE", { writeDisposition: "WRITE_APPEND" });
  assert.equal((await wh.query("SELECT * FROM ds.classes")).numRows(), 6);
});

test("load with a value that does not fit the schema fails and leaves the table as it was", async () => {
  const { wh, dir } = await fixture();
  const bad = writeFile(dir, "bad.csv", "sid,cno,credits,start\ns9,c9,three,2024-01-01\n");
  await assert.rejects(wh.load("ds.classes", bad, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE"), (e: unknown) => {
    assert.ok(e instanceof beam.PipelineError);
    assert.match(e.message, /column credits \(INTEGER\)/);
    assert.match(e.message, /"three"/);
    return true;
  });
  assert.deepEqual(await contents(wh), ORIGINAL);
});

test("load of a CSV without a schema column fails naming the column", async () => {
  const { wh, dir } = await fixture();
  const csv = writeFile(dir, "nocredits.csv", "sid,cno,start\ns1,c1,2024-01-01\n");
  await assert.rejects(wh.load("ds.classes", csv, "sid:STRING,cno:STRING,credits:INTEGER,start:DATE"), /no column credits[\s\S]*sid, cno, start/);
  assert.deepEqual(await contents(wh), ORIGINAL);
});

test("load of a missing file fails naming it", async () => {
  const { wh, dir } = await fixture();
  await assert.rejects(wh.load("ds.x", path.join(dir, "nope.csv"), "a:STRING"), /nope\.csv/);
});

test("bad table names and bad SQL fail with a hint", async () => {
  const { wh, csv } = await fixture();
  await assert.rejects(wh.load("notable", csv, "sid:STRING"), /Bad table name/);
  await assert.rejects(wh.query("SELECT * FROM ds.nope"), (e: unknown) => e instanceof beam.PipelineError && /query failed/.test(e.message) && /nope/.test(e.message));
});

test("ReadFromSQL in a pipeline with the warehouse option", async () => {
  const { db } = await fixture();
  const p = new beam.Pipeline({ warehouse: db, bundleSize: 2 });
  type Row = { sid: string; cno: string; credits: number | null; start: string | null };
  const rows = sink(p.apply("Read", beam.io.ReadFromSQL<Row>({ query: "SELECT * FROM ds.classes ORDER BY sid" })));
  const totals = sink(
    p.apply("Read again", beam.io.ReadFromSQL<Row>({ query: "SELECT cno, credits FROM ds.classes" }))
      .apply("Pair", beam.Map((r: Pick<Row, "cno" | "credits">) => [r.cno, r.credits ?? 0] as [string, number]))
      .apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0))),
  );
  await p.run();
  assert.deepEqual(rows, ORIGINAL);
  assert.deepEqual(new Map(totals), new Map([["c1", 3], ["c2", 4]]));
});

test("ReadFromSQL with an explicit warehouse option and with a bad query", async () => {
  const { db } = await fixture();
  const p = new beam.Pipeline();
  const n = sink(p.apply("Count", beam.io.ReadFromSQL({ query: "SELECT count(*) AS n FROM ds.classes", warehouse: db })));
  await p.run();
  assert.deepEqual(n, [{ n: 3 }]);

  const q = new beam.Pipeline({ warehouse: db });
  q.apply("Bad query", beam.io.ReadFromSQL({ query: "SELEC nonsense" }));
  const err = await runFails(q);
  assert.match(err.message, /query failed/);
  assert.match(err.message, /"Bad query"/);
  assert.throws(() => beam.io.ReadFromSQL({ query: "  " }), beam.PipelineError);
});

const SCHEMA = "sid:STRING,cno:STRING,credits:INTEGER,start:DATE";

async function write(db: string, rows: unknown[], opts: Partial<beam.io.WriteToTableOptions<string>> = {}): Promise<string[]> {
  const p = new beam.Pipeline({ warehouse: db });
  const out = sink(p.apply("Create", beam.Create(rows)).apply("Write", beam.io.WriteToTable({ table: "ds.classes", schema: SCHEMA, ...opts })));
  await p.run();
  return out;
}

test("WriteToTable with WRITE_TRUNCATE replaces the rows; output is the table name", async () => {
  const { db, wh } = await fixture();
  const out = await write(db, [{ sid: "n1", cno: "c7", credits: 5, start: "2025-03-04" }, { sid: "n2", cno: "c8" }], { writeDisposition: "WRITE_TRUNCATE" });
  assert.deepEqual(out, ["ds.classes"]);
  assert.deepEqual(await contents(wh), [
    { sid: "n1", cno: "c7", credits: 5, start: "2025-03-04" },
    { sid: "n2", cno: "c8", credits: null, start: null },
  ]);
});

test("WriteToTable with WRITE_APPEND adds rows", async () => {
  const { db, wh } = await fixture();
  await write(db, [{ sid: "s4", cno: "c1", credits: "2", start: "2024-05-05" }], { writeDisposition: "WRITE_APPEND" });
  assert.deepEqual(await contents(wh), [...ORIGINAL, { sid: "s4", cno: "c1", credits: 2, start: "2024-05-05" }]);
});

test("WriteToTable with WRITE_EMPTY (the default) fails on a non-empty table, leaving it as it was", async () => {
  const { db, wh } = await fixture();
  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Create", beam.Create([{ sid: "x", cno: "y", credits: 1, start: null }])).apply("Write", beam.io.WriteToTable({ table: "ds.classes", schema: SCHEMA }));
  const err = await runFails(p);
  assert.match(err.message, /ds\.classes is not empty \(3 rows\)/);
  assert.match(err.message, /WRITE_TRUNCATE|WRITE_APPEND/);
  assert.equal((err as any).result.state, "FAILED");
  assert.deepEqual(await contents(wh), ORIGINAL);
});

test("WriteToTable with WRITE_EMPTY creates a new table and writes into an empty one", async () => {
  const { db, wh } = await fixture();
  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Create", beam.Create<any>([{ name: "a", born: new Date("2000-01-02T00:00:00Z"), ok: true, score: 1.25 }]))
    .apply("Write", beam.io.WriteToTable({ table: "other.people", schema: "name:STRING,born:DATE,ok:BOOLEAN,score:FLOAT", writeDisposition: "WRITE_EMPTY" }));
  await p.run();
  assert.deepEqual(await contents(wh, "other.people"), [{ name: "a", born: "2000-01-02", ok: true, score: 1.25 }]);
  assert.ok((await wh.tables()).includes("other.people"));

  await wh.run("DELETE FROM other.people");
  const q = new beam.Pipeline({ warehouse: db });
  q.apply("Create", beam.Create<any>([{ name: "b", born: "2001-01-01", ok: "false", score: "2" }]))
    .apply("Write", beam.io.WriteToTable({ table: "other.people", schema: "name:STRING,born:DATE,ok:BOOLEAN,score:FLOAT" }));
  await q.run();
  assert.deepEqual(await contents(wh, "other.people"), [{ name: "b", born: "2001-01-01", ok: false, score: 2 }]);
});

test("WriteToTable of an empty PCollection creates an empty table (and truncates an existing one)", async () => {
  const { db, wh } = await fixture();
  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Create", beam.Create<{ a: string }>([])).apply("Write", beam.io.WriteToTable({ table: "ds.empty", schema: "a:STRING" }));
  await p.run();
  assert.ok((await wh.tables()).includes("ds.empty"));
  assert.equal((await wh.query("SELECT * FROM ds.empty")).numRows(), 0);
  await write(db, [], { writeDisposition: "WRITE_TRUNCATE" });
  assert.equal((await wh.query("SELECT * FROM ds.classes")).numRows(), 0);
});

test("WriteToTable with CREATE_NEVER on a missing table fails", async () => {
  const { db, wh } = await fixture();
  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Create", beam.Create([{ a: "x" }])).apply("Write", beam.io.WriteToTable({ table: "ds.missing", schema: "a:STRING", createDisposition: "CREATE_NEVER", writeDisposition: "WRITE_APPEND" }));
  const err = await runFails(p);
  assert.match(err.message, /ds\.missing does not exist/);
  assert.match(err.message, /CREATE_IF_NEEDED/);
  assert.ok(!(await wh.tables()).includes("ds.missing"));
});

test("WriteToTable with CREATE_NEVER on an existing table appends", async () => {
  const { db, wh } = await fixture();
  await write(db, [{ sid: "s5", cno: "c5", credits: 1, start: null }], { createDisposition: "CREATE_NEVER", writeDisposition: "WRITE_APPEND" });
  assert.equal((await wh.query("SELECT * FROM ds.classes")).numRows(), 4);
});

for (const [what, row, re] of [
  ["credits 'three' for INTEGER", { sid: "s9", cno: "c9", credits: "three", start: null }, /column credits \(INTEGER\) "three" is not an integer/],
  ["an extra field", { sid: "s9", cno: "c9", credits: 1, start: null, grade: "A" }, /field grade, which the schema does not/],
  ["a bad DATE", { sid: "s9", cno: "c9", credits: 1, start: "2024-13-01" }, /column start \(DATE\)/],
  ["an object for STRING", { sid: { id: 1 }, cno: "c9", credits: 1, start: null }, /column sid \(STRING\) is a object/],
  ["a non-record", ["s9", "c9"], /must be a record/],
] as const) {
  for (const disposition of ["WRITE_TRUNCATE", "WRITE_APPEND"] as const) {
    test(`WriteToTable: a row with ${what} fails naming the row and leaves the table unchanged (${disposition})`, async () => {
      const { db, wh } = await fixture();
      const before = await contents(wh);
      const p = new beam.Pipeline({ warehouse: db });
      p.apply("Create", beam.Create<unknown>([{ sid: "ok", cno: "c1", credits: 1, start: null }, row]))
        .apply("Write table", beam.io.WriteToTable({ table: "ds.classes", schema: SCHEMA, writeDisposition: disposition }));
      const err = await runFails(p);
      assert.match(err.message, re);
      assert.match(err.message, /"Write table"/);
      assert.match(err.message, /element: /);
      assert.ok(err.message.includes(JSON.stringify(row).slice(0, 20)), err.message);
      assert.equal((err as any).result.state, "FAILED");
      assert.equal((await wh.query("SELECT * FROM ds.classes")).numRows(), 3);
      assert.deepEqual(await contents(wh), before);
    });
  }
}

test("WriteToTable with WRITE_APPEND and a schema that does not match the table fails, table unchanged", async () => {
  const { db, wh } = await fixture();
  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Create", beam.Create([{ sid: "s9", extra: "e" }])).apply("Write", beam.io.WriteToTable({ table: "ds.classes", schema: "sid:STRING,extra:STRING", writeDisposition: "WRITE_APPEND" }));
  const err = await runFails(p);
  assert.match(err.message, /Writing ds\.classes failed; the table is unchanged/);
  assert.deepEqual(await contents(wh), ORIGINAL);
});

test("WriteToTable validates its options at construction", () => {
  assert.throws(() => beam.io.WriteToTable({ table: "nodot", schema: "a:STRING" }), /Bad table name/);
  assert.throws(() => beam.io.WriteToTable({ table: "a.b", schema: "a:NOPE" }), /Unknown type/);
  assert.throws(() => beam.io.WriteToTable({ table: "", schema: "a:STRING" } as never), beam.PipelineError);
});

test("ReadFromSQL → transform → WriteToTable in one pipeline on the same warehouse", async () => {
  const { db, wh } = await fixture();
  const p = new beam.Pipeline({ warehouse: db });
  p.apply("Read", beam.io.ReadFromSQL<{ sid: string; credits: number | null }>({ query: "SELECT sid, credits FROM ds.classes" }))
    .apply("Double", beam.Map((r: { sid: string; credits: number | null }) => ({ sid: r.sid, credits: r.credits === null ? null : r.credits * 2 })))
    .apply("Write", beam.io.WriteToTable({ table: "refined.doubled", schema: "sid:STRING,credits:INTEGER", writeDisposition: "WRITE_TRUNCATE" }));
  await p.run();
  assert.deepEqual(await contents(wh, "refined.doubled"), [
    { sid: "s1", credits: 6 },
    { sid: "s2", credits: 8 },
    { sid: "s3", credits: null },
  ]);
});

test("the default warehouse comes from $BEAMLAB_WAREHOUSE", async () => {
  const { db } = await fixture();
  const saved = process.env.BEAMLAB_WAREHOUSE;
  process.env.BEAMLAB_WAREHOUSE = db;
  try {
    assert.equal(beam.warehouse.open().path, db);
    const p = new beam.Pipeline();
    const n = sink(p.apply("Count", beam.io.ReadFromSQL({ query: "SELECT count(*) AS n FROM ds.classes" })));
    await p.run();
    assert.deepEqual(n, [{ n: 3 }]);
  } finally {
    if (saved === undefined) delete process.env.BEAMLAB_WAREHOUSE;
    else process.env.BEAMLAB_WAREHOUSE = saved;
  }
});
