/**
 * InteractiveRunner: the notebook runner. It computes only the part of the graph a
 * PCollection needs, caches the top-level PCollections it computed, drops exactly the
 * caches downstream of a re-applied transform, and shows a live progress display for
 * anything that takes more than a second. Re-applying a label to the same input replaces
 * the transform instead of failing.
 */
import { displayBundle, inKernel, newDisplayId } from "../display/emit";
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

  constructor(private readonly pipeline: Pipeline) {
    pipeline.onChange((c) => this.onChange(c));
    hookInterrupt();
  }

  /** Element counts known so far, by PCollection id. */
  knownCounts(): Map<string, number> {
    return new Map(this.counts);
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
        onProgress: (snap) => progress.update(snap),
      });
      for (const [id, elements] of outcome.captured) {
        if (!capture.has(id)) continue;
        for (let i = 0; i < elements.length; i++) freezeShallow(elements[i]);
        this.cache.set(id, elements);
      }
      for (const [id, n] of outcome.counts) this.counts.set(id, n);
      progress.finish("DONE");
      return result;
    } catch (e) {
      progress.finish(controller.signal.aborted ? "CANCELLED" : "FAILED");
      throw e;
    } finally {
      running.delete(controller);
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
  }
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
