/**
 * InteractiveRunner: the notebook runner. It computes only the part of the graph a
 * PCollection needs, caches the top-level PCollections it computed, drops exactly the
 * caches downstream of a re-applied transform, and shows a live progress display for
 * anything that takes more than a second. Re-applying a label to the same input replaces
 * the transform instead of failing.
 */
import { displayBundle, inKernel, newDisplayId } from "../display/emit";
import { PipelineError } from "../errors";
import { progressBundle, progressPayload } from "../display/progress";
import type { CollectOptions, CollectingRunner } from "../collect";
import type { GraphChange, Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import { runPlan } from "./direct";
import type { ProgressSnapshot } from "./executor";
import { freezeShallow } from "./immutable";
import { registerRunner, setDefaultRunner } from "./registry";
import type { PipelineResult } from "./result";

/** Wall time after which a run shows its progress. */
const PROGRESS_AFTER_MS = Number(process.env.BEAMLAB_PROGRESS_AFTER_MS ?? 1000);

const running = new Set<AbortController>();

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
  for (const c of running) c.abort();
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
  private readonly counts = new Map<string, number>();
  private runningNodes = new Set<string>();
  private failure: RunState["failed"] = null;
  private readonly stateListeners = new Set<(state: RunState) => void>();

  constructor(private readonly pipeline: Pipeline) {
    pipeline.onChange((c) => this.onChange(c));
    hookInterrupt();
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
    if (!this.cache.has(pcoll.id)) await this.compute([pcoll], [pcoll]);
    const all = this.cache.get(pcoll.id) ?? [];
    return opts.n !== undefined ? all.slice(0, opts.n) : all;
  }

  /** Runs the whole pipeline: computes what is not cached and writes every sink. */
  async run(pipeline: Pipeline): Promise<PipelineResult> {
    const targets = this.visible().filter((pc) => !this.cache.has(pc.id));
    return this.compute(targets, []);
  }

  /** Outputs of top-level transforms: what notebook variables can hold. */
  private visible(): PCollection<unknown>[] {
    return this.pipeline.roots.flatMap((r) => [...r.outputs.values()]);
  }

  private async compute(targets: PCollection<unknown>[], mustKeep: PCollection<unknown>[]): Promise<PipelineResult> {
    const capture = new Set([...this.visible().filter((pc) => !isSinkOutput(pc)).map((pc) => pc.id), ...mustKeep.map((pc) => pc.id)]);
    const controller = new AbortController();
    running.add(controller);
    const progress = new ProgressDisplay(this.pipeline);
    try {
      const { outcome, result } = await runPlan(this.pipeline, targets, {
        capture,
        replay: this.cache,
        signal: controller.signal,
        onProgress: (snap) => {
          this.runningNodes = new Set([...snap.millis.keys()].filter((e) => !snap.done.has(e)).map((e) => e.node.id));
          for (const [id, n] of snap.counts) this.counts.set(id, n);
          progress.update(snap);
          this.emitState();
        },
      });
      for (const [id, elements] of outcome.captured) {
        if (!capture.has(id)) continue;
        for (let i = 0; i < elements.length; i++) freezeShallow(elements[i]);
        this.cache.set(id, elements);
      }
      for (const [id, n] of outcome.counts) this.counts.set(id, n);
      this.failure = null;
      progress.finish("DONE");
      return result;
    } catch (e) {
      this.failure = controller.signal.aborted ? null : failureOf(this.pipeline, e);
      progress.finish(controller.signal.aborted ? "CANCELLED" : "FAILED");
      throw e;
    } finally {
      running.delete(controller);
      this.runningNodes = new Set();
      this.emitState();
    }
  }

  /** Drops the caches of a re-applied transform's outputs and of everything downstream. */
  private onChange(change: GraphChange): void {
    if (change.type !== "replaced") return;
    const stale = new Set<string>([...change.kept, ...change.orphaned].map((pc) => pc.id));
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
      this.counts.delete(id);
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

function isSinkOutput(pc: PCollection<unknown>): boolean {
  const writes = (n: TransformNode): boolean => (n.primitive?.kind === "Write" && !n.composite) || n.children.some(writes);
  return writes(pc.producer);
}

/** Shows a run's progress once it has taken a second, updating one output in place. */
class ProgressDisplay {
  private id: string | null = null;
  private last: ProgressSnapshot | null = null;
  constructor(private readonly pipeline: Pipeline) {}

  update(snap: ProgressSnapshot): void {
    this.last = snap;
    if (snap.elapsedMillis < PROGRESS_AFTER_MS) return;
    const first = this.id === null;
    if (first) this.id = newDisplayId();
    displayBundle(progressBundle(progressPayload(this.pipeline, snap, "RUNNING")), { id: this.id!, update: !first });
  }

  finish(state: "DONE" | "FAILED" | "CANCELLED"): void {
    if (this.id === null || this.last === null) return;
    displayBundle(progressBundle(progressPayload(this.pipeline, this.last, state)), { id: this.id, update: true });
  }
}

registerRunner("interactive", (p) => new InteractiveRunner(p));
setDefaultRunner(() => process.env.BEAMLAB_RUNNER ?? (inKernel() ? "interactive" : "direct"));
