/**
 * The Node process a Spark Python worker keeps (one per Python worker, reused by every task
 * it runs): reads a batch of framed records on stdin (`./frames.ts`) — a `#header` saying
 * what to do, then the partition's elements — runs it with the direct runner's executor and
 * answers with framed records on stdout, ending with `#meta` (counts, staged outputs, logs,
 * metrics) or `#failed` (a failure as plain data, so the student sees the direct runner's
 * PipelineError). Three jobs: a fused element-wise stage (`run`), the map side of a shuffle
 * (`cut`: validated pairs, or partially combined accumulators, keyed by the canonical key
 * encoding) and its reduce side (`gather`).
 */
import * as fs from "node:fs";
import * as v8 from "node:v8";
import { encodeKey } from "../../keys";
import type { StagedOutput } from "../../io/source-sink";
import type { PipelineOptions } from "../../pipeline/pipeline";
import type { CombineFn } from "../../transforms/combine-fn";
import { execute } from "../executor";
import { fuse } from "../fusion";
import { RunLogs, RunScope, type LogLine } from "../run-scope";
import type { Moved } from "../local/movable";
import type { WorkerNode } from "../local/protocol";
import { Reviver } from "../local/revive";
import { cut, gather } from "../local/shuffle";
import { failureOf, toExec } from "../local/worker-nodes";
import { END, FrameReader, frame, type SparkRecord } from "./frames";

/** What the driver asks of one partition. */
export type ExecutorHeader =
  | { mode: "run"; cwd: string; options: PipelineOptions; partition: number; ledger: string; nodes: WorkerNode[]; inputs: string[]; sides: string[]; capture: string[] }
  | { mode: "cut" | "gather"; cwd: string; options: PipelineOptions; partition: number; label: string; output: string; combineFn: Moved | null };

/** What a partition reports besides its elements. */
export interface PartitionMeta {
  partition: number;
  /** This Node process (an executor's Python worker's). */
  process: string;
  staged: StagedOutput[];
  counts: [string, number][];
  millis: [string, number][];
  metrics: ReturnType<RunScope["metrics"]["toJSON"]> | null;
  logs: LogLine[];
  /** Added on the way back: the Spark task that ran the partition, and its executor's id ("driver" on local[N]; null when Spark's status API did not say). */
  task?: number;
  executor?: string | null;
}

const revivers = new Map<string, Reviver>();
const reviverFor = (cwd: string) => revivers.get(cwd) ?? (revivers.set(cwd, new Reviver(cwd)), revivers.get(cwd)!);
const processName = `pid ${process.pid}`;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function write(chunks: Buffer[]): Promise<void> {
  const ok = process.stdout.write(Buffer.concat(chunks));
  return ok ? Promise.resolve() : new Promise((r) => process.stdout.once("drain", () => r()));
}

async function runBatch(header: ExecutorHeader, records: SparkRecord[]): Promise<Buffer[]> {
  const reviver = reviverFor(header.cwd);
  // Relative paths (inputs, output shards) mean what they mean in the notebook, as on the
  // local runner's workers; on a node without that folder they stay relative to Spark's.
  if (process.cwd() !== header.cwd && fs.existsSync(header.cwd)) process.chdir(header.cwd);
  const logs = new RunLogs(false);
  const lines: LogLine[] = [];
  logs.subscribe((l) => lines.push(l));
  const meta: PartitionMeta = { partition: header.partition, process: processName, staged: [], counts: [], millis: [], metrics: null, logs: lines };
  const out: Buffer[] = [];
  const t0 = performance.now();
  if (header.mode === "run") {
    const held = new Map<string, unknown[]>();
    for (const id of [...header.inputs, ...header.sides.map((s) => `${s}#side`)]) held.set(id, []);
    for (const r of records) held.get(r.tag)?.push(v8.deserialize(r.data));
    const nodes = header.nodes.map((n) => toExec(n, reviver));
    const scope = new RunScope(logs, header.partition);
    const outcome = await execute(fuse(nodes, new Set(held.keys())), { options: header.options, replay: held, capture: new Set(header.capture), scope });
    for (const [id, values] of outcome.captured) for (const v of values) out.push(frame(id, v8.serialize(v)));
    const produced = new Set(nodes.flatMap((e) => [...e.outputs.values()].map((p) => p.id)));
    meta.staged = outcome.writers.map((w) => w.staged()).filter((s): s is StagedOutput => s !== null);
    // Every attempt's staged files are listed, so that what a failed or retried attempt staged is removed.
    const files = meta.staged.flatMap((st) => (st.kind === "files" ? st.files.map((f) => f.staged) : []));
    if (files.length) fs.appendFileSync(header.ledger, JSON.stringify(files) + "\n");
    meta.counts = [...outcome.counts].filter(([id]) => produced.has(id));
    meta.millis = [...outcome.stats].map(([e, s]) => [e.node.fullLabel, s.millis]);
    meta.metrics = outcome.scope.metrics.toJSON();
  } else {
    const fn = header.combineFn ? (reviver.revive(header.combineFn) as CombineFn<unknown, unknown, unknown>) : null;
    if (header.mode === "cut") {
      // Each pair carries its position in the partition (the Python side adds the partition's
      // index before it), so that the reduce side can restore the input's order.
      const pairs = cut(records.map((r) => v8.deserialize(r.data)), 1, header.label, fn)[0] as [unknown, unknown][];
      pairs.forEach((kv, i) => out.push(frame(encodeKey(kv[0]), Buffer.concat([u32(i), v8.serialize(kv)]))));
    } else {
      // Spark fetches map outputs in no set order: values meet in the order of the input, as on the direct runner.
      const ordered = records.map((r) => ({ at: r.data.readUInt32BE(0), seq: r.data.readUInt32BE(4), data: r.data.subarray(8) })).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const grouped = gather([ordered.map((r) => v8.deserialize(r.data))], header.label, fn);
      for (const v of grouped) out.push(frame(header.output, v8.serialize(v)));
      meta.counts = [[header.output, grouped.length]];
    }
    meta.millis = [[header.label, performance.now() - t0]];
  }
  out.push(frame("#meta", Buffer.from(JSON.stringify(meta))));
  return out;
}

// stdout carries the frames: anything user code prints goes to stderr (the executor's log).
console.log = console.info = console.debug = console.error;

let header: ExecutorHeader | null = null;
let records: SparkRecord[] = [];
let queue = Promise.resolve();
const reader = new FrameReader(
  (r) => {
    if (r.tag === "#header") header = JSON.parse(r.data.toString("utf8")) as ExecutorHeader;
    else records.push({ tag: r.tag, data: Buffer.from(r.data) });
  },
  () => {
    const h = header!;
    const batch = records;
    header = null;
    records = [];
    queue = queue.then(async () => {
      let out: Buffer[];
      try {
        out = await runBatch(h, batch);
      } catch (e) {
        out = [frame("#failed", Buffer.from(JSON.stringify(failureOf(e, false))))];
      }
      out.push(END);
      await write(out);
    });
  },
);
process.stdin.on("data", (c: Buffer) => reader.push(c));
// The Python worker closing its end means the worker has gone: so does this process.
process.stdin.on("end", () => void queue.then(() => process.exit(0)));
