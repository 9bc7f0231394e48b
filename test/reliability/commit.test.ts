/**
 * All the sinks of a run are published as one group (lib/io/commit.ts): a failure while
 * publishing any of them leaves every file and every table exactly as it was before the
 * run (compared byte for byte and row for row), the error names the sink and the file, and
 * the next run works.
 */
import test, { mock } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { runFails, tmpDir, writeFile } from "../unit/helpers";

const SHARD = "-00000-of-00001";

/** Every file under `dir` (relative name → bytes), hidden staging files included. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

/** The rows of every table of a warehouse, as text, for before/after comparisons. */
async function tableContents(wh: beam.warehouse.Warehouse): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await wh.tables()) {
    out[t] = (await wh.query(`SELECT * FROM ${t}`)).objects().map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))).sort();
  }
  return out;
}

/** A pipeline writing `words` (upper-cased) to two text sinks, `a.txt` then `b.txt` in `dir`. */
function twoTextSinks(dir: string, words: string[]): beam.Pipeline {
  const p = new beam.Pipeline();
  const up = p.apply("Create", beam.Create(words)).apply("Upper", beam.Map((w: string) => w.toUpperCase()));
  up.apply("Write a", beam.io.WriteToText(path.join(dir, "a.txt")));
  up.apply("Write b", beam.io.WriteToText(path.join(dir, "b.txt")));
  return p;
}

/**
 * Makes the rename of a staged file onto `target` fail (as a full disk or a lost permission
 * would) for the duration of `run`; moving the old file aside and back still works.
 */
async function withFailingRename<T>(target: string, run: () => Promise<T>): Promise<T> {
  const real = fs.renameSync;
  const m = mock.method(fs, "renameSync", (from: fs.PathLike, to: fs.PathLike) => {
    if (path.resolve(String(to)) === path.resolve(target) && String(from).endsWith(".tmp")) throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}' -> '${String(to)}'`), { code: "EIO" });
    return real(from, to);
  });
  try {
    return await run();
  } finally {
    m.mock.restore();
  }
}

test("a failure while publishing the second text sink leaves the first sink's files as they were", async () => {
  const dir = tmpDir();
  await twoTextSinks(dir, ["old", "run"]).run();
  const before = snapshot(dir);
  assert.deepEqual([...before.keys()].sort(), [`a.txt${SHARD}`, `b.txt${SHARD}`]);

  const err = await withFailingRename(path.join(dir, `b.txt${SHARD}`), () => runFails(twoTextSinks(dir, ["new", "words"])));
  assert.match(err.message, new RegExp(`^Cannot put .*b\\.txt${SHARD} in place in transform "Write b"`));
  assert.match(err.message, /cause: Error: EIO/);
  assert.match(err.message, /no file and no table was changed/);
  assert.deepEqual(snapshot(dir), before, "a.txt and b.txt are byte for byte the old ones, and no staging file is left");

  // Healthy after: the next run publishes both.
  await twoTextSinks(dir, ["next"]).run();
  assert.equal(fs.readFileSync(path.join(dir, `a.txt${SHARD}`), "utf8"), "NEXT\n");
  assert.equal(fs.readFileSync(path.join(dir, `b.txt${SHARD}`), "utf8"), "NEXT\n");
  assert.deepEqual([...snapshot(dir).keys()].sort(), [`a.txt${SHARD}`, `b.txt${SHARD}`]);
});

test("a second sink whose file is a folder fails before anything is replaced", async () => {
  const dir = tmpDir();
  await twoTextSinks(dir, ["old"]).run();
  fs.rmSync(path.join(dir, `b.txt${SHARD}`));
  fs.mkdirSync(path.join(dir, `b.txt${SHARD}`));
  writeFile(dir, `b.txt${SHARD}/keep.txt`, "mine");
  const before = snapshot(dir);
  const err = await runFails(twoTextSinks(dir, ["new"]));
  assert.match(err.message, new RegExp(`Cannot write .*b\\.txt${SHARD}: it is a folder in transform "Write b"`));
  assert.deepEqual(snapshot(dir), before);
});

test("two sinks writing one file are refused, naming both", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  const words = p.apply("Create", beam.Create(["x"]));
  words.apply("Write one", beam.io.WriteToText(path.join(dir, "same.txt")));
  words.apply("Write two", beam.io.WriteToText(path.join(dir, "same.txt")));
  const err = await runFails(p);
  assert.match(err.message, /Two sinks write the same file .*same\.txt-00000-of-00001: "Write one" and "Write two"/);
  assert.deepEqual([...snapshot(dir).keys()], []);
});

test("two WriteToTables into one warehouse: the second failing leaves the first table as it was (one transaction)", async () => {
  const dir = tmpDir();
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await wh.load("ds.first", writeFile(dir, "first.csv", "id,v\n1,old\n2,old\n"), "id:INTEGER,v:STRING");
  await wh.load("ds.second", writeFile(dir, "second.csv", "id\n9\n"), "id:INTEGER");
  const before = await tableContents(wh);

  const p = new beam.Pipeline({ warehouse: wh.path });
  const rows = p.apply("Create", beam.Create([{ id: 3, v: "new" }]));
  rows.apply("Write first", beam.io.WriteToTable({ table: "ds.first", schema: "id:INTEGER,v:STRING", writeDisposition: "WRITE_TRUNCATE" }));
  rows.apply("Write new", beam.io.WriteToTable({ table: "ds.created", schema: "id:INTEGER,v:STRING" }));
  rows.apply("Write second", beam.io.WriteToTable({ table: "ds.second", schema: "id:INTEGER,v:STRING", writeDisposition: "WRITE_EMPTY" }));
  const err = await runFails(p);
  assert.match(err.message, /^Table ds\.second is not empty \(1 rows\) in transform "Write second"/);
  assert.deepEqual(await tableContents(wh), before, "ds.first keeps its rows and ds.created was not created");

  // Healthy after: the same pipeline without the failing sink writes both tables.
  const q = new beam.Pipeline({ warehouse: wh.path });
  const again = q.apply("Create", beam.Create([{ id: 3, v: "new" }]));
  again.apply("Write first", beam.io.WriteToTable({ table: "ds.first", schema: "id:INTEGER,v:STRING", writeDisposition: "WRITE_TRUNCATE" }));
  again.apply("Write new", beam.io.WriteToTable({ table: "ds.created", schema: "id:INTEGER,v:STRING" }));
  await q.run();
  const after = await tableContents(wh);
  assert.deepEqual(after["ds.first"], ['{"id":3,"v":"new"}']);
  assert.deepEqual(after["ds.created"], ['{"id":3,"v":"new"}']);
});

test("a table and text files: a text file failing to publish leaves the table and the other files as they were", async () => {
  const dir = tmpDir();
  const whFile = path.join(dir, "wh", "wh.duckdb");
  const outDir = path.join(dir, "out");
  const pipeline = (words: string[]) => {
    const p = new beam.Pipeline({ warehouse: whFile });
    const rows = p.apply("Create", beam.Create(words)).apply("Rows", beam.Map((w: string) => ({ w })));
    rows.apply("Write table", beam.io.WriteToTable({ table: "ds.words", schema: "w:STRING", writeDisposition: "WRITE_TRUNCATE" }));
    rows.apply("Write text", beam.io.WriteToText(path.join(outDir, "words"), { numShards: 3 }));
    return p;
  };
  await pipeline(["a", "b", "c"]).run();
  const wh = beam.warehouse.open(whFile);
  const tablesBefore = await tableContents(wh);
  const filesBefore = snapshot(outDir);
  assert.equal(filesBefore.size, 3);

  // The last shard fails: the first two were already in place and go back.
  const err = await withFailingRename(path.join(outDir, "words-00002-of-00003"), () => runFails(pipeline(["x", "y", "z", "w"])));
  assert.match(err.message, /Cannot put .*words-00002-of-00003 in place in transform "Write text"/);
  assert.deepEqual(snapshot(outDir), filesBefore);
  assert.deepEqual(await tableContents(wh), tablesBefore);

  // And the other way round: the table failing leaves the text files alone.
  const bad = new beam.Pipeline({ warehouse: whFile });
  const rows = bad.apply("Create", beam.Create(["q"])).apply("Rows", beam.Map((w: string) => ({ w })));
  rows.apply("Write text", beam.io.WriteToText(path.join(outDir, "words"), { numShards: 3 }));
  rows.apply("Write table", beam.io.WriteToTable({ table: "ds.words", schema: "w:STRING", writeDisposition: "WRITE_EMPTY" }));
  assert.match((await runFails(bad)).message, /Table ds\.words is not empty/);
  assert.deepEqual(snapshot(outDir), filesBefore);
  assert.deepEqual(await tableContents(wh), tablesBefore);

  await pipeline(["done"]).run();
  assert.deepEqual((await tableContents(wh))["ds.words"], ['{"w":"done"}']);
});

test("a row that does not fit, found while staging, leaves every sink as it was", async () => {
  const dir = tmpDir();
  const wh = beam.warehouse.open(path.join(dir, "wh.duckdb"));
  await wh.load("ds.t", writeFile(dir, "t.csv", "n\n1\n"), "n:INTEGER");
  writeFile(dir, `out.txt${SHARD}`, "before\n");
  const before = await tableContents(wh);
  const p = new beam.Pipeline({ warehouse: wh.path });
  const rows = p.apply("Create", beam.Create([{ n: "1" }, { n: "two" }]));
  rows.apply("Write text", beam.io.WriteToText(path.join(dir, "out.txt")));
  rows.apply("Write", beam.io.WriteToTable({ table: "ds.t", schema: "n:INTEGER" as string, writeDisposition: "WRITE_TRUNCATE" }));
  const err = await runFails(p);
  assert.match(err.message, /column n \(INTEGER\) "two" is not an integer in transform "Write"|in transform "Write"[\s\S]*column n \(INTEGER\) "two" is not an integer/);
  assert.equal(fs.readFileSync(path.join(dir, `out.txt${SHARD}`), "utf8"), "before\n");
  assert.deepEqual(await tableContents(wh), before);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith(".")), [], "no staging file is left");
});

test("when even putting a file back fails, the error says where its old content is", async () => {
  const dir = tmpDir();
  await twoTextSinks(dir, ["old"]).run();
  const target = path.join(dir, `b.txt${SHARD}`);
  const real = fs.renameSync;
  // Every rename onto b fails: the new file cannot go in, and the old one cannot come back.
  const m = mock.method(fs, "renameSync", (from: fs.PathLike, to: fs.PathLike) => {
    if (path.resolve(String(to)) === target) throw Object.assign(new Error("EIO: i/o error"), { code: "EIO" });
    return real(from, to);
  });
  let err: beam.PipelineError;
  try {
    err = await runFails(twoTextSinks(dir, ["new"]));
  } finally {
    m.mock.restore();
  }
  assert.match(err.message, /these files could not be restored: .*b\.txt-00000-of-00001 \(its old content is in .*\.b\.txt-00000-of-00001\.beamlab-.*\.bak\)/);
  assert.equal(fs.readFileSync(path.join(dir, `a.txt${SHARD}`), "utf8"), "OLD\n", "a is back as it was");
  const backup = fs.readdirSync(dir).find((f) => f.endsWith(".bak"))!;
  assert.equal(fs.readFileSync(path.join(dir, backup), "utf8"), "OLD\n", "b's old content is kept where the message says");
});
