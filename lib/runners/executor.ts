/**
 * Executes the stages of a fusion plan (see `./fusion.ts`), one after the other: each stage
 * activates its root (a source, a shuffle read, a buffered read, a sink finalize, a cached
 * PCollection) and streams its bundles through the stage's fused steps only. Keeps
 * per-PCollection counts, per-node time and a record of every stage run.
 */
import type { PipelineOptions } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import { cancelledError, createOperator, type NodeStats, type Operator, type OperatorContext, type OutputPort, type SinkHandle } from "./operator";
import type { ExecNode } from "./plan";
import { END_ROLES, type ExecutionPlan, type Stage, type StageStep } from "./fusion";
import { liftedPairings, type LiftedPairing } from "./lifting";
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

/** What the executor did for one stage: which stage, how long, and what each PCollection received in it. */
export interface StageRecord {
  stage: Stage;
  millis: number;
  /** Elements emitted during this stage, by PCollection id (only PCollections that got some). */
  emitted: Map<string, number>;
}

export interface ExecutionOutcome {
  counts: Map<string, number>;
  /** The stages run, in the order they ran. */
  stages: StageRecord[];
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

/** Runs the stages of `fused`; rejects with a PipelineError after aborting sinks and tearing down DoFns. */
export async function execute(fused: ExecutionPlan, opts: ExecutionOptions): Promise<ExecutionOutcome> {
  const plan = fused.nodes;
  // Checked again here: options can be changed after the Pipeline checked them, and a bundle of 0 would never end.
  const bundleSize = checkedBundleSize(opts.bundleSize ?? opts.options.bundleSize ?? DEFAULT_BUNDLE_SIZE);
  const signal = opts.signal ?? new AbortController().signal;
  const counts = new Map<string, number>();
  const captured = new Map<string, unknown[]>();
  const stats = new Map<ExecNode, NodeStats>();
  const ops = new Map<ExecNode, Operator>();
  // Where a batch goes and whose bundles end: those of the stage running, nothing outside it.
  let consumers = new Map<string, Operator[]>();
  let streaming: Operator[] = [];
  const done = new Set<ExecNode>();
  const started = performance.now();
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
    ops.set(e, labelled(createOperator(ctx), e.node, signal));
  }
  // Someone may look at these batches: no step that makes them may be skipped.
  const observed = (id: string) => capture.has(id) || opts.onBatch !== undefined || opts.lineage !== undefined;
  const countOnly = (id: string, n: number) => void counts.set(id, counts.get(id)! + n);
  const wiring = fused.stages.map((stage) => wire(stage, ops, liftedPairings(stage, observed), countOnly));
  const records: StageRecord[] = [];
  // A node is complete once every stage with a step of it has run.
  const remaining = new Map<ExecNode, number>();
  for (const st of fused.stages) for (const step of st.steps) if (step.exec) remaining.set(step.exec, (remaining.get(step.exec) ?? 0) + 1);

  // Writers are known before setup, so a failing setup still aborts the sinks opened before it.
  const writers: ExecutionOutcome["writers"] = [];
  for (const e of plan) if (ops.get(e)!.writer) writers.push(ops.get(e)!.writer!);
  try {
    for (const e of plan) await ops.get(e)!.setup?.();
    countSideOnlyReplays(fused, opts.replay, counts);
    for (let i = 0; i < fused.stages.length; i++) {
      if (signal.aborted) throw cancelled();
      const stage = fused.stages[i];
      ({ consumers, streaming } = wiring[i]);
      const t0 = performance.now();
      const before = new Map(counts);
      const root = stage.steps[0];
      if (root.exec) await ops.get(root.exec)!.activate!();
      else await replay(opts.replay!.get(root.emits[0])!, port(pcollOf(fused, root.emits[0]), true), bundleSize, endBundle);
      await endBundle();
      records.push({ stage, millis: performance.now() - t0, emitted: emittedSince(before, counts) });
      for (const step of stage.steps) {
        if (!step.exec) continue;
        const left = remaining.get(step.exec)! - 1;
        remaining.set(step.exec, left);
        if (left === 0) done.add(step.exec);
      }
    }
  } catch (err) {
    await teardownAll(ops);
    for (const w of writers) await w.abort().catch(() => undefined);
    opts.onIncomplete?.(completed(snapshot(), counts, captured));
    throw err;
  }
  await teardownAll(ops);
  opts.onProgress?.(snapshot());
  return { counts, stats, captured, writers, stages: records, millis: performance.now() - started, scope };
}

/**
 * The consumers and streaming operators of one stage, from its steps: a batch emitted in the
 * stage reaches only the steps the plan fused into it, so the executor runs the plan it is given.
 * A lifted pairing step's input goes to its combine as keys, and only its count is kept.
 */
function wire(
  stage: Stage,
  ops: Map<ExecNode, Operator>,
  lifted: Map<StageStep, LiftedPairing>,
  countOnly: (id: string, n: number) => void,
): { consumers: Map<string, Operator[]>; streaming: Operator[] } {
  const consumers = new Map<string, Operator[]>();
  const streaming: Operator[] = [];
  stage.steps.forEach((step, i) => {
    if (!step.exec) return;
    const op = ops.get(step.exec)!;
    if (i === 0 && !op.activate) throw new Error(`executor: stage ${stage.id} starts at ${step.label}, which cannot start a stage`);
    if (i > 0 && op.activate && !END_ROLES.has(step.role)) {
      throw new Error(`executor: ${step.label} must start its own stage, but ${stage.id} fuses it`);
    }
    if (op.endBundle) streaming.push(op);
    if (i === 0) return;
    const lift = lifted.get(step);
    const combine = lift && ops.get(lift.combine.exec!)!;
    const receiver: Operator =
      lift && combine?.receiveKeys
        ? {
            receive(batch) {
              countOnly(lift.pairs, batch.length);
              return combine.receiveKeys!(batch, lift.value);
            },
          }
        : op;
    for (const id of step.reads) (consumers.get(id) ?? consumers.set(id, []).get(id)!).push(receiver);
  });
  return { consumers, streaming };
}

/** Replays a cached PCollection into the stage it roots. */
async function replay(values: readonly unknown[], p: OutputPort, bundleSize: number, endBundle: () => Promise<void>): Promise<void> {
  for (let i = 0; i < values.length; i += bundleSize) {
    await p.emit(values.slice(i, i + bundleSize) as unknown[]);
    await endBundle();
  }
}

/** A cached PCollection read only as a side input roots no stage; its count is still known. */
function countSideOnlyReplays(fused: ExecutionPlan, replayed: Map<string, readonly unknown[]> | undefined, counts: Map<string, number>): void {
  if (!replayed) return;
  const produced = new Set(fused.nodes.flatMap((e) => [...e.outputs.values()].map((pc) => pc.id)));
  for (const e of fused.nodes) {
    for (const pc of e.sideInputs) if (!produced.has(pc.id) && replayed.has(pc.id) && !counts.has(pc.id)) counts.set(pc.id, replayed.get(pc.id)!.length);
  }
}

function pcollOf(fused: ExecutionPlan, id: string): PCollection<unknown> {
  for (const e of fused.nodes) for (const pc of [...e.inputs, ...e.sideInputs]) if (pc.id === id) return pc;
  throw new Error(`executor: no node reads the cached PCollection ${id}`);
}

function emittedSince(before: Map<string, number>, counts: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, n] of counts) {
    const d = n - (before.get(id) ?? 0);
    if (d > 0) out.set(id, d);
  }
  return out;
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
