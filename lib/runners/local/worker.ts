/**
 * A local-runner worker thread: runs the stages the coordinator sends it on its part of
 * the data with the direct runner's executor, keeps the PCollections later stages read,
 * and cuts and gathers shuffles. It stops at the first failure or when cancelled.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { StagedOutput } from "../../io/source-sink";
import type { PipelineOptions } from "../../pipeline/pipeline";
import { fuse } from "../fusion";
import { execute } from "../executor";
import { RunLogs, RunScope, type LogLine } from "../run-scope";
import { pack, transferList, unpack, type FromWorker, type ToWorker } from "./protocol";
import { failureOf, toExec } from "./worker-nodes";
import { Reviver } from "./revive";
import { cut, gather } from "./shuffle";
import type { CombineFn } from "../../transforms/combine-fn";

interface Init {
  index: number;
  workers: number;
  cwd: string;
  options: PipelineOptions;
}

const init = workerData as Init;
const port = parentPort!;
const reviver = new Reviver(init.cwd);
const held = new Map<string, unknown[]>();
const controller = new AbortController();
const logs = new RunLogs(false);
let pendingLines: LogLine[] = [];
logs.subscribe((l) => pendingLines.push(l));

const send = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const flushLogs = () => {
  if (!pendingLines.length) return;
  send({ type: "logs", lines: pendingLines });
  pendingLines = [];
};
const logTimer = setInterval(flushLogs, 200);
logTimer.unref();

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case "cancel":
      controller.abort();
      return;
    case "drop":
      for (const id of m.pcolls) {
        held.delete(id);
        held.delete(`${id}#side`);
      }
      return;
    case "put": {
      const list = held.get(m.pcoll) ?? [];
      for (const buf of m.data) for (const v of unpack(buf)) list.push(v);
      held.set(m.pcoll, list);
      return send({ type: "done", id: m.id, staged: [] });
    }
    case "take": {
      const data = pack(held.get(m.pcoll) ?? []);
      return send({ type: "done", id: m.id, staged: [], data }, transferList([data]));
    }
    case "partition": {
      const fn = m.shuffle.combineFn ? (reviver.revive(m.shuffle.combineFn) as CombineFn<unknown, unknown, unknown>) : null;
      const t0 = performance.now();
      const parts = cut(held.get(m.shuffle.input) ?? [], init.workers, m.shuffle.label, fn).map(pack);
      send({ type: "parts", id: m.id, parts, millis: performance.now() - t0 }, transferList(parts));
      return;
    }
    case "gather": {
      const fn = m.shuffle.combineFn ? (reviver.revive(m.shuffle.combineFn) as CombineFn<unknown, unknown, unknown>) : null;
      const t0 = performance.now();
      const out = gather(m.parts.map(unpack), m.shuffle.label, fn);
      held.set(m.shuffle.output, out);
      return send({ type: "done", id: m.id, staged: [], counts: [[m.shuffle.output, out.length]], millis: [[m.shuffle.label, performance.now() - t0]] });
    }
    case "run": {
      const nodes = m.nodes.map((n) => toExec(n, reviver));
      // A scope per stage, so the metrics it reports are this stage's only.
      const scope = new RunScope(logs, init.index);
      const outcome = await execute(fuse(nodes, new Set(held.keys())), { options: init.options, signal: controller.signal, replay: held, capture: new Set(m.capture), scope });
      for (const [id, values] of outcome.captured) held.set(id, values);
      const produced = new Set(nodes.flatMap((e) => [...e.outputs.values()].map((p) => p.id)));
      flushLogs();
      return send({
        type: "done",
        id: m.id,
        staged: outcome.writers.map((w) => w.staged()).filter((s): s is StagedOutput => s !== null),
        counts: [...outcome.counts].filter(([id]) => produced.has(id)),
        millis: [...outcome.stats].map(([e, s]) => [e.node.fullLabel, s.millis]),
        metrics: outcome.scope.metrics.toJSON(),
      });
    }
  }
}

port.on("message", (m: ToWorker) => {
  handle(m).catch((e: unknown) => {
    flushLogs();
    send({ type: "failed", id: (m as { id?: number }).id ?? -1, failure: failureOf(e, controller.signal.aborted) });
  });
});
send({ type: "ready" });
