/**
 * Long notebook use and several processes on one warehouse: thousands of runs keep memory
 * and handles flat, and two processes writing the same table never leave it mixed or
 * half-written (each run either commits whole or fails naming the lock).
 */
import test from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import * as beam from "../../lib";
import { tmpDir } from "../unit/helpers";
import { assertHealthy } from "./healthy";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Heap in use after a full collection, measured on a new macrotask: until the current job ends, V8 keeps every WeakRef target of it alive. */
async function heapMiB(): Promise<number> {
  await new Promise((r) => setImmediate(r));
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const openFds = () => fs.readdirSync("/proc/self/fd").length;

test("2,000 re-runs of a notebook cell (a step re-applied under its label, then shown) keep the graph, memory and handles flat", { timeout: 300_000 }, async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create(Array.from({ length: 1000 }, (_, i) => i)));
  const rerun = async (i: number) => {
    // What re-running `const doubled = nums.apply("Double", ...)` and then a show does.
    const doubled = nums.apply("Double", beam.Map((n: number) => n * 2 + (i % 2)));
    const sums = doubled.apply("Key", beam.Map((n: number) => [n % 10, n] as [number, number])).apply("Sum", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
    const { elementsOf } = await import("../../lib/collect");
    return (await elementsOf(sums)).length;
  };
  for (let i = 0; i < 50; i++) assert.equal(await rerun(i), 5);
  const heap = (await heapMiB());
  const fds = openFds();
  for (let i = 50; i < 2000; i++) assert.equal(await rerun(i), 5);
  const grew = (await heapMiB()) - heap;
  assert.ok(grew < 16, `heap grew by ${grew.toFixed(1)} MiB over 1,950 re-runs`);
  assert.ok(openFds() - fds <= 2, `open files grew by ${openFds() - fds}`);
  assert.deepEqual(p.roots.map((n) => n.label), ["Create", "Double", "Key", "Sum"], "every re-run replaced its steps");
  await assertHealthy("interactive");
});

test("2,000 failing runs of the direct runner keep memory flat", { timeout: 300_000 }, async () => {
  const failing = async () => {
    const p = new beam.Pipeline();
    p.apply("Create", beam.Create(Array.from({ length: 200 }, (_, i) => ({ i, text: "x".repeat(100) })))).apply(
      "Fail",
      beam.Map((r: { i: number }) => {
        if (r.i === 150) throw new Error("row 150");
        return r;
      }),
    );
    await assert.rejects(p.run(), /row 150/);
  };
  for (let i = 0; i < 50; i++) await failing();
  const heap = (await heapMiB());
  for (let i = 0; i < 2000; i++) await failing();
  const grew = (await heapMiB()) - heap;
  assert.ok(grew < 8, `heap grew by ${grew.toFixed(1)} MiB over 2,000 failing runs`);
  await assertHealthy();
});

test("two processes writing one table over and over: each run commits whole or fails naming the lock; the table is never mixed", { timeout: 300_000 }, async () => {
  const dir = tmpDir();
  const warehouse = path.join(dir, "wh.duckdb");
  const lib = path.resolve(__dirname, "..", "..", "lib");
  const writer = `
    const beam = require(${JSON.stringify(lib)});
    (async () => {
      const me = process.argv[1];
      let ok = 0, locked = 0;
      for (let run = 0; run < 15; run++) {
        const p = new beam.Pipeline({ warehouse: ${JSON.stringify(warehouse)} });
        const rows = Array.from({ length: 500 }, (_, i) => ({ writer: me, run, i }));
        p.apply("Create", beam.Create(rows)).apply("Write", beam.io.WriteToTable({ table: "shared.runs", schema: "writer:STRING,run:INTEGER,i:INTEGER", writeDisposition: "WRITE_TRUNCATE" }));
        try { await p.run(); ok++; }
        catch (e) {
          if (!/lock/.test(e.message) || !/in transform "Write"/.test(e.message)) { console.error("UNEXPECTED " + e.message); process.exit(3); }
          locked++;
        }
      }
      console.log(JSON.stringify({ ok, locked }));
    })();`;
  const run = (name: string) =>
    new Promise<{ ok: number; locked: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ["-e", writer, name], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)!)) : reject(new Error(`writer ${name} exited ${code}: ${err}`))));
    });
  const results = await Promise.all([run("a"), run("b")]);
  const committed = results.reduce((n, r) => n + r.ok, 0);
  assert.ok(committed >= 1, `some runs committed: ${JSON.stringify(results)}`);
  const rows = (await beam.warehouse.open(warehouse).query("SELECT writer, run, count(*) AS n, count(DISTINCT i) AS distinct_i FROM shared.runs GROUP BY writer, run")).objects() as Array<Record<string, unknown>>;
  assert.equal(rows.length, 1, `one run's rows, not a mix: ${JSON.stringify(rows)}`);
  assert.equal(Number(rows[0].n), 500);
  assert.equal(Number(rows[0].distinct_i), 500);
});
