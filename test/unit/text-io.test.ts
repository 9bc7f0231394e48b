import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as beam from "../../lib";
import { runFails, sink, tmpDir, writeFile } from "./helpers";

async function readLines(pattern: string, bundleSize?: number): Promise<string[]> {
  const p = new beam.Pipeline(bundleSize ? { bundleSize } : {});
  const out = sink(p.apply("Read", beam.io.ReadFromText(pattern)));
  await p.run();
  return out;
}

test("ReadFromText reads lines without their endings; empty lines are kept", async () => {
  const dir = tmpDir();
  const f = writeFile(dir, "a.txt", "one\n\ntwo\n  \nthree\n");
  assert.deepEqual(await readLines(f), ["one", "", "two", "  ", "three"]);
});

test("ReadFromText: a last line without newline, CRLF, a BOM", async () => {
  const dir = tmpDir();
  assert.deepEqual(await readLines(writeFile(dir, "nonl.txt", "a\nb")), ["a", "b"]);
  assert.deepEqual(await readLines(writeFile(dir, "crlf.txt", "a\r\nb\r\n\r\nc")), ["a", "b", "", "c"]);
  assert.deepEqual(await readLines(writeFile(dir, "crlf-last.txt", "a\r\nb\r")), ["a", "b"]);
  assert.deepEqual(await readLines(writeFile(dir, "bom.txt", "\uFEFFfirst\nsecond\n")), ["first", "second"]);
  assert.deepEqual(await readLines(writeFile(dir, "empty.txt", "")), []);
  assert.deepEqual(await readLines(writeFile(dir, "blank.txt", "\n")), [""]);
  assert.deepEqual(await readLines(writeFile(dir, "blanks.txt", "\n\n")), ["", ""]);
  // A carriage return inside a line is kept.
  assert.deepEqual(await readLines(writeFile(dir, "cr.txt", "a\rb\n")), ["a\rb"]);
});

test("ReadFromText keeps multi-byte characters and lines longer than a read chunk", async () => {
  const dir = tmpDir();
  const long = "é€😀".repeat(400_000); // > 1 MiB chunk, multi-byte at chunk borders
  const f = writeFile(dir, "long.txt", `${long}\nshort\r\n${long}`);
  const lines = await readLines(f);
  assert.equal(lines.length, 3);
  assert.equal(lines[0], long);
  assert.equal(lines[1], "short");
  assert.equal(lines[2], long);
});

test("ReadFromText with a glob over several files (sorted by name), BOM per file", async () => {
  const dir = tmpDir();
  writeFile(dir, "in/b.txt", "\uFEFFb1\nb2");
  writeFile(dir, "in/a.txt", "\uFEFFa1\r\na2\r\n");
  writeFile(dir, "in/c.csv", "not me\n");
  writeFile(dir, "in/sub/d.txt", "not me either\n");
  assert.deepEqual(await readLines(path.join(dir, "in", "*.txt")), ["a1", "a2", "b1", "b2"]);
  assert.deepEqual(await readLines(path.join(dir, "in", "**", "*.txt")), ["a1", "a2", "b1", "b2", "not me either"]);
});

test("ReadFromText with a relative path and glob (from the working directory)", async () => {
  const dir = tmpDir();
  writeFile(dir, "x1.txt", "1\n");
  writeFile(dir, "x2.txt", "2\n");
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.deepEqual(await readLines("x?.txt"), ["1", "2"]);
    assert.deepEqual(await readLines("x1.txt"), ["1"]);
  } finally {
    process.chdir(cwd);
  }
});

test("ReadFromText of a missing file or an empty glob fails naming the pattern", async () => {
  const dir = tmpDir();
  for (const pattern of [path.join(dir, "missing.txt"), path.join(dir, "*.nothing")]) {
    const p = new beam.Pipeline();
    p.apply("Read input", beam.io.ReadFromText(pattern));
    const err = await runFails(p);
    assert.match(err.message, /No file matches/);
    assert.ok(err.message.includes(JSON.stringify(pattern)));
    assert.match(err.message, /"Read input"/);
  }
  assert.throws(() => beam.io.ReadFromText(""), beam.PipelineError);
});

test("ReadFromText over a directory path fails", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromText(dir));
  await runFails(p);
});

test("ReadFromText in several bundles gives every line once", async () => {
  const dir = tmpDir();
  const lines = Array.from({ length: 1001 }, (_, i) => `line ${i}`);
  const f = writeFile(dir, "many.txt", lines.join("\n") + "\n");
  assert.deepEqual(await readLines(f, 7), lines);
});

test("WriteToText default shard name prefix-00000-of-00001; output lists file names", async () => {
  const dir = tmpDir();
  const prefix = path.join(dir, "out");
  const p = new beam.Pipeline();
  const files = sink(p.apply("Create", beam.Create(["a", "b", "c"])).apply("Write", beam.io.WriteToText(prefix)));
  await p.run();
  assert.deepEqual(fs.readdirSync(dir), ["out-00000-of-00001"]);
  assert.equal(fs.readFileSync(`${prefix}-00000-of-00001`, "utf8"), "a\nb\nc\n");
  assert.deepEqual(files, [`${prefix}-00000-of-00001`]);
});

test("WriteToText writes strings as-is and everything else as JSON", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "out.jsonl");
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create<unknown>(["plain \"text\"", 42, { a: 1, b: [true, null] }, ["k", 2], null, true, 10n]))
    .apply("Write", beam.io.WriteToText(file, { shardNameTemplate: "" }));
  await p.run();
  assert.equal(fs.readFileSync(file, "utf8"), ['plain "text"', "42", '{"a":1,"b":[true,null]}', '["k",2]', "null", "true", "10"].join("\n") + "\n");
});

test("WriteToText with numShards 3 distributes all elements over three files", async () => {
  const dir = tmpDir();
  const prefix = path.join(dir, "part");
  const n = 100;
  const p = new beam.Pipeline({ bundleSize: 7 });
  const files = sink(p.apply("Create", beam.Create(Array.from({ length: n }, (_, i) => i))).apply("Write", beam.io.WriteToText(prefix, { numShards: 3, fileNameSuffix: ".txt" })));
  await p.run();
  const names = ["part-00000-of-00003.txt", "part-00001-of-00003.txt", "part-00002-of-00003.txt"];
  assert.deepEqual(fs.readdirSync(dir).sort(), names);
  assert.deepEqual([...files].sort(), names.map((f) => path.join(dir, f)));
  const all: number[] = [];
  for (const f of names) {
    const lines = fs.readFileSync(path.join(dir, f), "utf8").split("\n");
    assert.equal(lines.pop(), "");
    assert.ok(lines.length > 0, `${f} is empty`);
    all.push(...lines.map(Number));
  }
  assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
});

test("WriteToText with more shards than elements writes every shard (some empty)", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create(["x"])).apply("Write", beam.io.WriteToText(path.join(dir, "s"), { numShards: 3 }));
  await p.run();
  const names = fs.readdirSync(dir).sort();
  assert.deepEqual(names, ["s-00000-of-00003", "s-00001-of-00003", "s-00002-of-00003"]);
  assert.equal(names.map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join(""), "x\n");
});

test("WriteToText with shardNameTemplate '' writes exactly the named file", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "result.txt");
  const p = new beam.Pipeline();
  const files = sink(p.apply("Create", beam.Create([1, 2])).apply("Write", beam.io.WriteToText(file, { shardNameTemplate: "" })));
  await p.run();
  assert.deepEqual(fs.readdirSync(dir), ["result.txt"]);
  assert.equal(fs.readFileSync(file, "utf8"), "1\n2\n");
  assert.deepEqual(files, [file]);
});

test("WriteToText with a custom template and suffix", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create([1, 2])).apply("Write", beam.io.WriteToText(path.join(dir, "o"), { numShards: 2, shardNameTemplate: "_SS_of_NN", fileNameSuffix: ".csv" }));
  await p.run();
  assert.deepEqual(fs.readdirSync(dir).sort(), ["o_00_of_02.csv", "o_01_of_02.csv"]);
});

test("WriteToText of an empty PCollection writes an empty file", async () => {
  const dir = tmpDir();
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create<string>([])).apply("Write", beam.io.WriteToText(path.join(dir, "empty")));
  await p.run();
  assert.deepEqual(fs.readdirSync(dir), ["empty-00000-of-00001"]);
  assert.equal(fs.readFileSync(path.join(dir, "empty-00000-of-00001"), "utf8"), "");
});

test("WriteToText creates missing directories and replaces an existing file", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "a", "b", "out.txt");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "old\nold\nold\n");
  const p = new beam.Pipeline();
  p.apply("Create", beam.Create(["new"])).apply("Write", beam.io.WriteToText(file, { shardNameTemplate: "" }));
  await p.run();
  assert.equal(fs.readFileSync(file, "utf8"), "new\n");
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ["out.txt"]);
});

test("WriteToText is atomic: a temporary name during the run, renamed on success", async () => {
  const dir = tmpDir();
  const file = path.join(dir, "atomic.txt");
  const seenDuringRun: string[][] = [];
  const p = new beam.Pipeline();
  const names = p.apply("Create", beam.Create(["a", "b"])).apply("Write", beam.io.WriteToText(file, { shardNameTemplate: "" }));
  names.apply(
    "Look",
    beam.Map((f: string) => {
      seenDuringRun.push(fs.readdirSync(dir));
      return fs.existsSync(f);
    }),
  );
  await p.run();
  assert.equal(seenDuringRun.length, 1);
  const during = seenDuringRun[0];
  assert.ok(!during.includes("atomic.txt"), `final file visible during the run: ${during}`);
  assert.equal(during.length, 1);
  assert.match(during[0], /^\.atomic\.txt\..*\.tmp$/);
  assert.deepEqual(fs.readdirSync(dir), ["atomic.txt"]);
  assert.equal(fs.readFileSync(file, "utf8"), "a\nb\n");
});

test("WriteToText validates its options", () => {
  const dir = tmpDir();
  assert.throws(() => beam.io.WriteToText(""), beam.PipelineError);
  assert.throws(() => beam.io.WriteToText(path.join(dir, "x"), { numShards: 0 }), /numShards/);
  assert.throws(() => beam.io.WriteToText(path.join(dir, "x"), { numShards: 1.5 }), /numShards/);
  assert.throws(() => beam.io.WriteToText(dir), /is a directory/);
});

test("ReadFromText → Map → WriteToText streams a large file end to end", async () => {
  const dir = tmpDir();
  const n = 100_000;
  const input = writeFile(dir, "big.txt", Array.from({ length: n }, (_, i) => `row,${i}`).join("\n") + "\n");
  const out = path.join(dir, "big-out.txt");
  const p = new beam.Pipeline();
  p.apply("Read", beam.io.ReadFromText(input))
    .apply("Parse", beam.Map((l: string) => Number(l.split(",")[1]) * 2))
    .apply("Even only", beam.Filter((x: number) => x % 4 === 0))
    .apply("Write", beam.io.WriteToText(out, { shardNameTemplate: "" }));
  const t0 = Date.now();
  const result = await p.run();
  assert.ok(Date.now() - t0 < 10_000);
  const lines = fs.readFileSync(out, "utf8").split("\n");
  assert.equal(lines.pop(), "");
  assert.equal(lines.length, n / 2);
  assert.equal(lines[0], "0");
  assert.equal(lines[lines.length - 1], String((n - 2) * 2));
  assert.equal(result.metrics()["Read"].elementsOut, n);
  assert.equal(result.metrics()["Write"].elementsIn, n / 2);
});

test("ReadFromText then WriteToText round-trips lines exactly", async () => {
  const dir = tmpDir();
  const lines = ["", "  spaced  ", "tab\there", "unicode ✓", "", "last"];
  const input = writeFile(dir, "in.txt", lines.join("\r\n"));
  const out = path.join(dir, "out.txt");
  const p = new beam.Pipeline({ bundleSize: 2 });
  p.apply("Read", beam.io.ReadFromText(input)).apply("Write", beam.io.WriteToText(out, { shardNameTemplate: "" }));
  await p.run();
  assert.equal(fs.readFileSync(out, "utf8"), lines.join("\n") + "\n");
});
