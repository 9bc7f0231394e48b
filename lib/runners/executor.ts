/**
 * Executes a plan of nodes: streams bundles from sources through fused element-wise steps,
 * runs barriers (GroupByKey, combines, side-input ParDos, sinks) once their inputs are
 * complete, and keeps per-PCollection counts and per-node time.
 */
import type { PipelineOptions } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import { cancelledError, createOperator, type NodeStats, type Operator, type OperatorContext, type OutputPort, type SinkHandle } from "./operator";
import type { ExecNode } from "./plan";
import { labelled } from "./labelled";
import { DEFAULT_BUNDLE_SIZE, checkedBundleSize } from "../pipeline/options";
import type { RunLineage } from "../teaching/lineage-run";
import "./operators";
import { startRun, type RunScope } from "./run-scope";

/** Counts while a run is in progress, for live displays. */
export interface ProgressSnapshot {
  counts: Map<string, number>;
  millis: Map<ExecNode, number>;
  done: Set<ExecNode>;
  elapsedMillis: number;
}

export interface ExecutionOptions {
  options: Readonly<PipelineOptions>;
  bundleSize?: number;
  signal?: AbortSignal;
  /** PCollections whose elements are kept and returned (for collect and caches). */
  capture?: Set<string>;
  /** Already-computed PCollections: their elements are replayed instead of recomputed. */
  replay?: Map<string, readonly unknown[]>;
  /** Called about every `progressMillis` with the counts so far. */
  onProgress?: (p: ProgressSnapshot) => void;
  progressMillis?: number;
  /**
   * Called when the run fails or is cancelled, before it rejects, with what the nodes that
   * had finished produced (complete PCollections only), so callers can keep it.
   */
  onIncomplete?: (partial: PartialOutcome) => void;
  /** Observes every batch on every PCollection (lineage, step-through); absent means no cost. */
  onBatch?: (pcoll: PCollection<unknown>, batch: readonly unknown[]) => void;
  /** Records where each element came from (the interactive runner's lineage); absent means none is recorded. */
  lineage?: RunLineage;
  /** Where DoFns' logs and metrics go; a new one (printing its lines) when absent. */
  scope?: RunScope;
}

export interface ExecutionOutcome {
  counts: Map<string, number>;
  stats: Map<ExecNode, NodeStats>;
  captured: Map<string, unknown[]>;
  /** Sink writers, to publish together (see `io/commit.ts`) or abort. */
  writers: SinkHandle[];
  millis: number;
  scope: RunScope;
}

/** What finished before a run failed or was cancelled. */
export interface PartialOutcome {
  /** Nodes that ran to completion. */
  done: Set<ExecNode>;
  /** Complete PCollections (outputs of finished nodes): their counts. */
  counts: Map<string, number>;
  /** Complete PCollections that were captured: their elements. */
  captured: Map<string, unknown[]>;
  /** Counts and times of every node when the run stopped. */
  snapshot: ProgressSnapshot;
}

/** Runs `plan`; rejects with a PipelineError after aborting sinks and tearing down DoFns. */
export async function execute(plan: ExecNode[], opts: ExecutionOptions): Promise<ExecutionOutcome> {
  // Checked again here: options can be changed after the Pipeline checked them, and a bundle of 0 would never end.
  const bundleSize = checkedBundleSize(opts.bundleSize ?? opts.options.bundleSize ?? DEFAULT_BUNDLE_SIZE);
  const signal = opts.signal ?? new AbortController().signal;
  const counts = new Map<string, number>();
  const captured = new Map<string, unknown[]>();
  const stats = new Map<ExecNode, NodeStats>();
  const consumers = new Map<string, Operator[]>();
  const ops = new Map<ExecNode, Operator>();
  const streaming: Operator[] = [];
  const done = new Set<ExecNode>();
  const started = performance.now();
  const planned = new Set(plan);
  const sideProducers = new Set<string>();
  for (const e of plan) for (const s of e.sideInputs) sideProducers.add(s.id);
  const capture = new Set([...(opts.capture ?? []), ...sideProducers]);
  const scope = opts.scope ?? startRun(opts.options.name ?? "pipeline");

  let lastProgress = started;
  const progress = () => {
    if (!opts.onProgress) return;
    const now = performance.now();
    if (now - lastProgress < (opts.progressMillis ?? 250)) return;
    lastProgress = now;
    opts.onProgress(snapshot());
  };
  const snapshot = (): ProgressSnapshot => ({
    counts: new Map(counts),
    millis: new Map([...stats].map(([e, s]) => [e, s.millis])),
    done: new Set(done),
    elapsedMillis: performance.now() - started,
  });

  const port = (pcoll: PCollection<unknown>, replaying = false): OutputPort => {
    const id = pcoll.id;
    counts.set(id, 0);
    // A replayed PCollection is already held by the caller: keeping it again would copy it.
    const keep = capture.has(id) && !replaying ? (captured.set(id, []), captured.get(id)!) : null;
    const onBatch = opts.onBatch;
    return {
      pcoll,
      async emit(batch: unknown[]) {
        if (batch.length === 0) return;
        counts.set(id, counts.get(id)! + batch.length);
        if (keep) for (let i = 0; i < batch.length; i++) keep.push(batch[i]);
        if (onBatch) onBatch(pcoll, batch);
        const cs = consumers.get(id);
        if (cs) for (const c of cs) await c.receive!(batch, pcoll);
      },
    };
  };

  let endingBundles = false;
  let lastYield = performance.now();
  const endBundle = async () => {
    if (signal.aborted) throw cancelled();
    // Let timers and signals (a kernel interrupt, a progress display) in now and then.
    if (performance.now() - lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
      if (signal.aborted) throw cancelled();
    }
    // A finishBundle may emit into steps further down, which end their bundle after it.
    if (endingBundles) return;
    endingBundles = true;
    try {
      for (const op of streaming) await op.endBundle!();
    } finally {
      endingBundles = false;
    }
    progress();
  };

  for (const e of plan) {
    const s: NodeStats = { millis: 0 };
    stats.set(e, s);
    const outputs = new Map<string, OutputPort>();
    for (const [tag, pc] of e.outputs) outputs.set(tag, port(pc));
    const ctx: OperatorContext = {
      exec: e,
      outputs,
      stats: s,
      bundleSize,
      signal,
      options: opts.options,
      sideValues: (pc) => captured.get(pc.id) ?? (opts.replay?.get(pc.id) as unknown[]) ?? [],
      endBundle,
      io: () => ({ options: opts.options, bundleSize, signal, label: e.node.fullLabel }),
      lineage: opts.lineage?.node(e),
      scope,
    };
    const op = labelled(createOperator(ctx), e.node, signal);
    ops.set(e, op);
    if (op.endBundle) streaming.push(op);
    for (const pc of e.inputs) {
      if (!consumers.has(pc.id)) consumers.set(pc.id, []);
      consumers.get(pc.id)!.push(op);
    }
  }

  // Writers are known before setup, so a failing setup still aborts the sinks opened before it.
  const writers: ExecutionOutcome["writers"] = [];
  for (const e of plan) if (ops.get(e)!.writer) writers.push(ops.get(e)!.writer!);
  try {
    for (const e of plan) await ops.get(e)!.setup?.();
    await replayAvailable(plan, planned, opts.replay, port, consumers, bundleSize, endBundle, counts, captured);
    for (const e of plan) {
      if (signal.aborted) throw cancelled();
      const op = ops.get(e)!;
      if (op.activate) {
        await op.activate();
        await endBundle();
      }
      done.add(e);
    }
    await endBundle();
  } catch (err) {
    await teardownAll(ops);
    for (const w of writers) await w.abort().catch(() => undefined);
    opts.onIncomplete?.(completed(snapshot(), counts, captured));
    throw err;
  }
  await teardownAll(ops);
  opts.onProgress?.(snapshot());
  return { counts, stats, captured, writers, millis: performance.now() - started, scope };
}

/** Feeds cached PCollections that planned nodes read but no planned node produces. */
async function replayAvailable(
  plan: ExecNode[],
  planned: Set<ExecNode>,
  replay: Map<string, readonly unknown[]> | undefined,
  port: (pc: PCollection<unknown>, replaying: boolean) => OutputPort,
  consumers: Map<string, Operator[]>,
  bundleSize: number,
  endBundle: () => Promise<void>,
  counts: Map<string, number>,
  captured: Map<string, unknown[]>,
): Promise<void> {
  if (!replay) return;
  const produced = new Set<string>();
  for (const e of planned) for (const pc of e.outputs.values()) produced.add(pc.id);
  const seen = new Set<string>();
  for (const e of plan) {
    for (const pc of [...e.inputs, ...e.sideInputs]) {
      if (produced.has(pc.id) || seen.has(pc.id) || !replay.has(pc.id)) continue;
      seen.add(pc.id);
      const values = replay.get(pc.id)!;
      if (!consumers.has(pc.id)) {
        counts.set(pc.id, values.length);
        continue;
      }
      const p = port(pc, true);
      for (let i = 0; i < values.length; i += bundleSize) {
        await p.emit(values.slice(i, i + bundleSize) as unknown[]);
        await endBundle();
      }
    }
  }
}

function completed(snapshot: ProgressSnapshot, counts: Map<string, number>, captured: Map<string, unknown[]>): PartialOutcome {
  const partial: PartialOutcome = { done: snapshot.done, counts: new Map(), captured: new Map(), snapshot };
  for (const e of snapshot.done) {
    for (const pc of e.outputs.values()) {
      if (counts.has(pc.id)) partial.counts.set(pc.id, counts.get(pc.id)!);
      if (captured.has(pc.id)) partial.captured.set(pc.id, captured.get(pc.id)!);
    }
  }
  return partial;
}

async function teardownAll(ops: Map<ExecNode, Operator>): Promise<void> {
  for (const op of ops.values()) {
    try {
      await op.teardown?.();
    } catch {
      // A teardown failure must not hide the error that ended the run.
    }
  }
}

const cancelled = cancelledError;
