/**
 * InteractiveRunner: the notebook runner. It computes only the part of the graph a
 * PCollection needs, caches the top-level PCollections it computed (also those that
 * finished before a failure or an interrupt), drops exactly the caches downstream of a
 * re-applied or removed transform, and shows what a run does, ending as a summary: the job
 * view for `p.run()` in a notebook, the progress of anything else once it has taken a second.
 * Re-applying a label to the same input replaces the transform instead of failing; a
 * failed run says how to go on (re-run the fixed cell, or `p.remove(label)`).
 */
import { displayBundle, inKernel, newDisplayId } from "../display/emit";
import { PipelineError } from "../errors";
import { progressBundle, progressPayload, type ProgressFacts } from "../display/progress";
import type { ProgressPayload } from "../display/protocol";
import { variableNames } from "../interactive/names";
import type { CollectOptions, CollectingRunner } from "../collect";
import type { GraphChange, Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import { runPlan } from "./direct";
import { InProcessJob } from "./in-process-job";
import { LocalRunner } from "./local/local-runner";
import type { PartialOutcome, ProgressSnapshot } from "./executor";
import { freezeShallow } from "./immutable";
import { registerRunner, setDefaultRunner } from "./registry";
import { PipelineResult, type StepMetrics } from "./result";
import { lineageLimit } from "../teaching/lineage-options";
import { LineageStore } from "../teaching/lineage-store";

/** Wall time after which a run shows its progress. */
const PROGRESS_AFTER_MS = millisFromEnv("BEAMLAB_PROGRESS_AFTER_MS", 1000);

/** A duration from the environment; a value that is not a number of at least 0 is ignored (NaN would never show progress). */
function millisFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  const n = text === undefined || text.trim() === "" ? NaN : Number(text);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Computations under way, each with a promise that settles when it has stopped. */
const running = new Map<AbortController, Promise<void>>();
let interruptedRuns = 0;

/**
 * What the interactive runner knows of a pipeline's steps right now, for graphs and the
 * inspector: which PCollections are computed and cached, which transforms are executing,
 * and which one ended the last run by failing.
 */
export interface RunState {
  /** Element counts of computed PCollections, by PCollection id. */
  counts: ReadonlyMap<string, number>;
  /** PCollections whose elements are cached (a show of them computes nothing). */
  cached: ReadonlySet<string>;
  /** Transform node ids in the plan of the run under way and not finished (empty when idle). */
  running: ReadonlySet<string>;
  /** The transform whose error ended the last run, until a run succeeds or the graph changes. */
  failed: { node: string; label: string; message: string } | null;
}
let sigintHooked = false;

/** Stops every running computation (a kernel interrupt). */
export function cancelAll(): void {
  for (const c of running.keys()) {
    if (!c.signal.aborted) interruptedRuns++;
    c.abort();
  }
}

/**
 * Waits (at most `millis`) until every cancelled computation has stopped and shown its
 * summary; returns how many runs the interrupts since the last call stopped.
 */
export async function settleInterrupted(millis: number): Promise<number> {
  const pending = [...running].filter(([c]) => c.signal.aborted).map(([, done]) => done);
  if (pending.length) await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, millis).unref())]);
  const n = interruptedRuns;
  interruptedRuns = 0;
  return n;
}

function hookInterrupt(): void {
  if (sigintHooked || !inKernel()) return;
  sigintHooked = true;
  // tslab turns SIGINT into a rejected cell; the pipeline must stop too. The listener is
  // added on a later tick: cells run inside vm's breakOnSigint, and a SIGINT listener
  // added during it leaves the process with no handler afterwards (the next interrupt
  // would kill the kernel).
  setImmediate(() => process.on("SIGINT", cancelAll));
}

export class InteractiveRunner implements CollectingRunner {
  readonly name = "interactive";
  readonly replacesOnReapply = true;
  private readonly cache = new Map<string, readonly unknown[]>();
  /**
   * Cached PCollections not frozen yet. Freezing a million new elements costs as much as the
   * step that made them, and a show only renders them: they are frozen when something could
   * change them, before a run reads them or a collect hands them out.
   */
  private readonly unfrozen = new Set<string>();
  private readonly counts = new Map<string, number>();
  private runningNodes = new Set<string>();
  private failure: RunState["failed"] = null;
  private readonly stateListeners = new Set<(state: RunState) => void>();
  /** Where each cached element came from; undefined when the pipeline's lineage option is false. */
  private readonly lineageStore: LineageStore | undefined;

  constructor(private readonly pipeline: Pipeline) {
    pipeline.onChange((c) => this.onChange(c));
    const limit = lineageLimit(pipeline.options.lineage);
    this.lineageStore = limit === null ? undefined : new LineageStore(limit);
    hookInterrupt();
  }

  /** @internal The lineage of computed PCollections, or undefined when lineage is off for this pipeline. */
  lineage(): LineageStore | undefined {
    return this.lineageStore;
  }

  /** @internal The cached elements of a PCollection (undefined when not computed). */
  cached(pcoll: PCollection<unknown>): readonly unknown[] | undefined {
    return this.cache.get(pcoll.id);
  }

  /** @internal Computes, in one run, those of `pcolls` that are not cached yet. */
  async computeMissing(pcolls: readonly PCollection<unknown>[]): Promise<void> {
    for (const pc of pcolls) pc.assertPresent();
    const missing = pcolls.filter((pc) => !this.cache.has(pc.id));
    if (missing.length) await this.compute(missing, missing);
  }

  /**
   * @internal The elements of a PCollection for a view that only renders them (a table, a page,
   * a filtered view), computed if needed and not frozen for it: no user code gets them.
   */
  async elementsToRender(pcoll: PCollection<unknown>): Promise<readonly unknown[]> {
    await this.computeMissing([pcoll]);
    return this.cache.get(pcoll.id) ?? [];
  }

  /** Element counts known so far, by PCollection id. */
  knownCounts(): Map<string, number> {
    return new Map(this.counts);
  }

  /** A snapshot of what is computed, running and failed. */
  runState(): RunState {
    return { counts: new Map(this.counts), cached: new Set(this.cache.keys()), running: new Set(this.runningNodes), failed: this.failure };
  }

  /**
   * Follows the run state: called as a run progresses (at most every 250 ms), when it ends
   * and when the graph changes. Returns a function that stops following.
   */
  onRunState(listener: (state: RunState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private emitState(): void {
    if (this.stateListeners.size === 0) return;
    const state = this.runState();
    for (const l of [...this.stateListeners]) l(state);
  }

  /** True when the PCollection's elements are cached. */
  isCached(pcoll: PCollection<unknown>): boolean {
    return this.cache.has(pcoll.id);
  }

  async elementsOf(pcoll: PCollection<unknown>, opts: CollectOptions = {}): Promise<readonly unknown[]> {
    await this.computeMissing([pcoll]);
    const all = this.frozen(pcoll.id) ?? [];
    return opts.n !== undefined ? all.slice(0, opts.n) : all;
  }

  /**
   * Runs the whole pipeline: computes what is not cached and writes every sink. With the
   * `workers` option, the run goes to the local runner's worker threads instead (the cache
   * is neither read nor filled: show and collect still compute in the kernel).
   */
  async run(pipeline: Pipeline): Promise<PipelineResult> {
    if (this.pipeline.options.workers !== undefined) return new LocalRunner().run(this.pipeline);
    const targets = this.visible().filter((pc) => !this.cache.has(pc.id));
    return this.compute(targets, [], true);
  }

  /** Outputs of top-level transforms: what notebook variables can hold. */
  private visible(): PCollection<unknown>[] {
    return this.pipeline.roots.flatMap((r) => [...r.outputs.values()]);
  }

  private async compute(targets: PCollection<unknown>[], mustKeep: PCollection<unknown>[], wholeRun = false): Promise<PipelineResult> {
    const capture = new Set([...this.visible().filter((pc) => !isSinkOutput(pc)).map((pc) => pc.id), ...mustKeep.map((pc) => pc.id)]);
    const controller = new AbortController();
    const countsBefore = new Map(this.counts);
    const cachedBefore = new Map([...this.cache].map(([id, els]) => [id, els.length]));
    const facts: ProgressFacts = { name: variableNames().get(this.pipeline.id), cached: cachedBefore, wholeRun };
    // A whole run in a notebook shows its job view; a show or collect only its progress, once it takes a second.
    const job = wholeRun && inKernel() ? new InProcessJob(this.pipeline, this.name, facts) : null;
    const progress = job ?? new ProgressDisplay(this.pipeline, facts);
    let partial: PartialOutcome | null = null;
    const settled = this.track(controller);
    const lineage = this.lineageStore?.newRun();
    try {
      const { outcome, result } = await runPlan(this.pipeline, targets, {
        capture,
        replay: this.cache,
        signal: controller.signal,
        lineage,
        scope: job?.scope,
        onPlan: (fused) => {
          for (const e of fused.nodes) for (const pc of [...e.inputs, ...e.sideInputs]) this.frozen(pc.id);
          job?.plan(fused);
        },
        onIncomplete: (p) => (partial = p),
        onProgress: (snap) => {
          this.runningNodes = new Set([...snap.millis.keys()].filter((e) => !snap.done.has(e)).map((e) => e.node.id));
          for (const [id, n] of snap.counts) this.counts.set(id, n);
          progress.update(snap);
          this.emitState();
        },
      });
      this.keep(outcome.captured, capture);
      if (lineage) this.lineageStore!.keep(lineage.records(outcome.counts));
      for (const [id, n] of outcome.counts) this.counts.set(id, n);
      this.failure = null;
      progress.finish("DONE");
      return wholeRun ? withCachedSteps(this.pipeline, result, cachedBefore, this.counts).withJob(job?.snapshot()) : result;
    } catch (e) {
      const cancelled = controller.signal.aborted;
      this.failure = cancelled ? null : failureOf(this.pipeline, e);
      // Steps that finished before the failure or the interrupt keep what they computed.
      const done = partial as PartialOutcome | null;
      // Counts seen while running are partial: back to the counts from before, plus the finished steps'.
      this.counts.clear();
      for (const [id, n] of [...countsBefore, ...(done?.counts ?? [])]) this.counts.set(id, n);
      if (done) this.keep(done.captured, capture);
      if (done && lineage) this.lineageStore!.keep(lineage.records(done.counts, done.done));
      if (this.failure) addWayOut(this.pipeline, e, this.failure.label);
      progress.finish(cancelled ? "CANCELLED" : "FAILED", done?.snapshot, this.failure?.label ?? null);
      throw e;
    } finally {
      settled();
      this.runningNodes = new Set();
      this.emitState();
    }
  }

  /** Registers a computation as running (so an interrupt stops it); returns its end. */
  private track(controller: AbortController): () => void {
    let end!: () => void;
    const finished = new Promise<void>((resolve) => (end = resolve));
    running.set(controller, finished);
    return () => {
      running.delete(controller);
      end();
    };
  }

  /** Caches the captured PCollections a run must keep (frozen when first read: {@link frozen}). */
  private keep(captured: Map<string, unknown[]>, capture: Set<string>): void {
    for (const [id, elements] of captured) {
      if (!capture.has(id)) continue;
      this.cache.set(id, elements);
      this.unfrozen.add(id);
    }
  }

  /** The cached elements of a PCollection, frozen first if they were not yet; undefined when not cached. */
  private frozen(id: string): readonly unknown[] | undefined {
    const elements = this.cache.get(id);
    if (elements && this.unfrozen.delete(id)) for (let i = 0; i < elements.length; i++) freezeShallow(elements[i]);
    return elements;
  }

  /** Drops the caches of a re-applied or removed transform's outputs and of everything downstream; tells followers. */
  private onChange(change: GraphChange): void {
    if (change.type === "applied") {
      // Nothing cached is stale, but a live graph should show the new step now.
      this.emitState();
      return;
    }
    const stale = new Set<string>(change.type === "removed" ? change.pcollections.map((pc) => pc.id) : [...change.kept, ...change.orphaned].map((pc) => pc.id));
    let grew = true;
    while (grew) {
      grew = false;
      for (const n of this.pipeline.allNodes()) {
        if (![...n.inputs, ...n.sideInputs].some((pc) => stale.has(pc.id))) continue;
        for (const pc of n.outputs.values()) {
          if (!stale.has(pc.id)) {
            stale.add(pc.id);
            grew = true;
          }
        }
      }
    }
    for (const id of stale) {
      this.cache.delete(id);
      this.unfrozen.delete(id);
      this.counts.delete(id);
    }
    if (this.lineageStore) {
      this.lineageStore.forget(stale);
      // The replaced or removed transforms' inner PCollections are gone from the graph.
      const gone = change.type === "removed" ? change.nodes : subtreeOf(change.old);
      this.lineageStore.forget(gone.flatMap((n) => [...n.outputs.values()].map((pc) => pc.id)));
    }
    this.failure = null;
    this.emitState();
  }
}

/** The failed transform of a run's error, when the error names one of this pipeline's transforms. */
function failureOf(p: Pipeline, e: unknown): RunState["failed"] {
  const label = e instanceof PipelineError ? e.label : null;
  const node = label ? p.node(label) : undefined;
  if (!node) return null;
  return { node: node.id, label: node.fullLabel, message: (e as Error).message };
}

/** Tells the student how to go on after a failed step: its cell re-run with a fix, or `p.remove(...)`. */
function addWayOut(p: Pipeline, e: unknown, label: string): void {
  if (!(e instanceof PipelineError)) return;
  const root = label.split("/")[0];
  const node = p.node(root);
  const what = node?.primitive?.kind === "ParDo" || node?.kind === "ParDo" ? "the DoFn" : "it";
  e.setWayOut(`fix ${what} and re-run its cell, or remove it with \`${variableNames().get(p.id) ?? "p"}.remove(${JSON.stringify(root)})\``);
}

/** A whole run's metrics with the top-level steps served from the cache, marked `cached`. */
function withCachedSteps(p: Pipeline, result: PipelineResult, cached: Map<string, number>, counts: Map<string, number>): PipelineResult {
  const ran = result.metrics();
  const steps: StepMetrics[] = [];
  for (const n of p.allNodes()) {
    if (ran[n.fullLabel]) steps.push(ran[n.fullLabel]);
    else if (!n.parent && n.outputs.size > 0 && [...n.outputs.values()].every((pc) => cached.has(pc.id))) {
      const sum = (ids: string[]) => ids.reduce((a, id) => a + (cached.get(id) ?? counts.get(id) ?? 0), 0);
      steps.push({ label: n.fullLabel, elementsIn: sum(n.inputs.map((pc) => pc.id)), elementsOut: sum([...n.outputs.values()].map((pc) => pc.id)), millis: 0, cached: true });
    }
  }
  return new PipelineResult(result.state, steps, result.error, result.millis);
}

function subtreeOf(n: TransformNode): TransformNode[] {
  return [n, ...n.children.flatMap(subtreeOf)];
}

function isSinkOutput(pc: PCollection<unknown>): boolean {
  const writes = (n: TransformNode): boolean => (n.primitive?.kind === "Write" && !n.composite) || n.children.some(writes);
  return writes(pc.producer);
}

/**
 * Shows the progress of a show or collect, updating one output in place once the run has
 * taken a second (a whole run in a notebook shows its job view instead).
 */
class ProgressDisplay {
  private id: string | null = null;
  private last: ProgressSnapshot = { counts: new Map(), millis: new Map(), done: new Set(), elapsedMillis: 0 };

  constructor(private readonly pipeline: Pipeline, private readonly facts: ProgressFacts) {}

  update(snap: ProgressSnapshot): void {
    this.last = snap;
    if (snap.elapsedMillis >= PROGRESS_AFTER_MS) this.show("RUNNING");
  }

  /** Ends the display as a summary; a failed or cancelled run passes the executor's last snapshot. */
  finish(state: "DONE" | "FAILED" | "CANCELLED", final?: ProgressSnapshot, failed: string | null = null): void {
    if (this.id === null) return;
    if (final) this.last = final;
    this.show(state, failed);
  }

  private show(state: ProgressPayload["state"], failed: string | null = null): void {
    const first = this.id === null;
    if (first) this.id = newDisplayId();
    displayBundle(progressBundle(progressPayload(this.pipeline, this.last, state, { ...this.facts, failed })), { id: this.id!, update: !first });
  }
}

registerRunner("interactive", (p) => new InteractiveRunner(p));
setDefaultRunner(() => process.env.BEAMLAB_RUNNER ?? (inKernel() ? "interactive" : "direct"));
