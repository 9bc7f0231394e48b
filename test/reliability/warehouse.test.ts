/**
 * The warehouse file: a read of a file that does not exist fails naming it (and creates
 * nothing), writes may create it, and files that are not a warehouse or results that
 * would lose a column are refused with what to do.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { runFails, sink, tmpDir, writeFile } from "../unit/helpers";

test("a query of a warehouse file that does not exist fails naming the file, and creates neither it nor its folder", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "no", "such", "warehouse.duckdb");
  const wh = beam.warehouse.open(file);
  for (const read of [() => wh.query("SELECT 1 AS one"), () => wh.run("SELECT 1 AS one"), () => wh.tables()]) {
    await assert.rejects(read(), (e: unknown) => {
      assert.ok(e instanceof beam.PipelineError);
      assert.match(e.message, new RegExp(`^There is no warehouse file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`));
      assert.match(e.message, /what to do: check the path \(the pipeline's warehouse option, or BEAMLAB_WAREHOUSE/);
      assert.match(e.message, /A warehouse is made by writing to it/);
      return true;
    });
  }
  assert.deepEqual(fs.readdirSync(dir), [], "nothing was created");
});

test("ReadFromSQL of a warehouse file that does not exist fails naming the transform and the file; nothing is written", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "missing.duckdb");
  const p = new beam.Pipeline({ warehouse: file });
  p.apply("Read", beam.io.ReadFromSQL({ query: "SELECT * FROM college_staging.teacher" })).apply("Write", beam.io.WriteToText(path.join(dir, "out.txt")));
  const err = await runFails(p);
  assert.match(err.message, new RegExp(`^There is no warehouse file ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in transform "Read"`));
  assert.equal(err.label, "Read");
  assert.deepEqual(fs.readdirSync(dir), []);
  // The option on the transform is named the same way.
  const q = new beam.Pipeline();
  q.apply("Read other", beam.io.ReadFromSQL({ query: "SELECT 1", warehouse: path.join(dir, "other.duckdb") }));
  assert.match((await runFails(q)).message, /There is no warehouse file .*other\.duckdb in transform "Read other"/);
});

test("writes may create the warehouse file (load and WriteToTable), and reads then work", async () => {
  const dir = tmpDir();
  const loaded = beam.warehouse.open(path.join(dir, "a", "loaded.duckdb"));
  await loaded.load("ds.t", writeFile(dir, "t.csv", "x\n1\n"), "x:INTEGER");
  assert.deepEqual((await loaded.query("SELECT x FROM ds.t")).objects(), [{ x: 1 }]);
  const written = path.join(dir, "b", "written.duckdb");
  const p = new beam.Pipeline({ warehouse: written });
  p.apply("Create", beam.Create([{ x: 2 }])).apply("Write", beam.io.WriteToTable({ table: "ds.t", schema: "x:INTEGER" }));
  await p.run();
  const q = new beam.Pipeline({ warehouse: written });
  const rows = sink(q.apply("Read", beam.io.ReadFromSQL({ query: "SELECT x FROM ds.t" })));
  await q.run();
  assert.deepEqual(rows, [{ x: 2 }]);
});

test("a file that is not a warehouse fails naming it, and is left as it was", async () => {
  const dir = tmpDir();
  const file = writeFile(dir, "notes.duckdb", "these are my notes, not a database\n");
  const before = fs.readFileSync(file);
  await assert.rejects(beam.warehouse.open(file).query("SELECT 1"), /Cannot open the warehouse file .*notes\.duckdb[\s\S]*check that it is a DuckDB file/);
  const p = new beam.Pipeline({ warehouse: file });
  p.apply("Create", beam.Create([{ x: 1 }])).apply("Write", beam.io.WriteToTable({ table: "ds.t", schema: "x:INTEGER" }));
  const err = await runFails(p);
  assert.match(err.message, /Cannot open the warehouse file .*notes\.duckdb in transform "Write"/);
  assert.deepEqual(fs.readFileSync(file), before);
});

test("a query result with two columns of one name is refused instead of keeping only the last", async () => {
  const dir = tmpDir();
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await wh.load("ds.a", writeFile(dir, "a.csv", "id,v\n1,x\n"), "id:INTEGER,v:STRING");
  await wh.load("ds.b", writeFile(dir, "b.csv", "id,v\n2,y\n"), "id:INTEGER,v:STRING");
  const sql = "SELECT * FROM ds.a LEFT JOIN ds.b ON ds.a.id = ds.b.id";
  await assert.rejects(wh.query(sql), /The query's result has more than one column named "id", "v"[\s\S]*rename one with AS/);
  const p = new beam.Pipeline({ warehouse: wh.path });
  p.apply("Join", beam.io.ReadFromSQL({ query: sql }));
  assert.match((await runFails(p)).message, /more than one column named "id", "v" in transform "Join"/);
  assert.deepEqual((await wh.query("SELECT a.id, b.id AS b_id FROM ds.a a LEFT JOIN ds.b b ON a.id = b.id")).objects(), [{ id: 1, b_id: null }]);
});
