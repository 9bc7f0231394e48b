/**
 * The steps of a portable run as live objects in the kernel. The translated pipeline names
 * each step by an id (`run/step`) instead of carrying serialized code: the loopback worker
 * runs in the process that submitted the job, so it finds the student's DoFn objects here,
 * exactly as they are (no closure serialization, no names needed for lambdas). Each step
 * runs one beamlab node over one Beam bundle with beamlab's own executor, so a DoFn's
 * lifecycle, errors, logs and metrics are the direct runner's.
 */
import { PipelineError } from "../../errors";
import type { Pipeline } from "../../pipeline/pipeline";
import { execute } from "../executor";
import { fuse } from "../fusion";
import type { NodeStats } from "../operator";
import type { ExecNode } from "../plan";
import type { RunScope } from "../run-scope";

/**
 * What a step does with a bundle:
 * - `source`: runs a Create or a Read (its bundle is the impulse);
 * - `pardo`: runs a ParDo over the bundle, with its side inputs;
 * - `key`: keys `[key, value]` pairs for Beam's GroupByKey (canonical key strings);
 * - `group`: runs a GroupByKey or CombinePerKey over the groups Beam's GroupByKey made;
 * - `count`: passes elements on, counting them (the output of Beam's Flatten);
 * - `collect`: keeps a sink's input for the kernel to write once the job succeeded.
 */
export type StepRole = "source" | "pardo" | "key" | "group" | "count" | "collect";

/** One step of the translated pipeline. */
export interface LiveStep {
  readonly id: string;
  readonly role: StepRole;
  readonly exec: ExecNode;
  readonly run: LiveRun;
}

const runs = new Map<string, LiveRun>();
let nextRun = 0;

/** The step a translated transform names; a clear error when this kernel did not submit it. */
export function stepOf(id: string): LiveStep {
  const [runId] = id.split("/");
  const step = runs.get(runId)?.steps.get(id);
  if (!step) throw new Error(`beamlab: the job service sent a bundle of step ${id}, which no running pipeline of this kernel has (was the job submitted by another process?)`);
  return step;
}

/** One portable run's live state: its steps, what they produced, and its first failure. */
export class LiveRun {
  readonly id = `r${nextRun++}`;
  readonly steps = new Map<string, LiveStep>();
  readonly counts = new Map<string, number>();
  readonly stats = new Map<ExecNode, NodeStats>();
  /** The input of each sink, by beamlab PCollection id, from bundles that completed. */
  readonly collected = new Map<string, unknown[]>();
  /** The first error a step raised (with its label and element): what the run fails with. */
  failure: PipelineError | null = null;
  /** One bundle at a time per node: a DoFn object is shared, and its bundle state must not interleave. */
  private readonly busy = new Map<ExecNode, Promise<unknown>>();

  constructor(readonly pipeline: Pipeline, readonly scope: RunScope) {
    runs.set(this.id, this);
  }

  /** Registers a step; returns its id, which the translated transform carries. */
  addStep(role: StepRole, exec: ExecNode): string {
    const id = `${this.id}/${this.steps.size}`;
    this.steps.set(id, { id, role, exec, run: this });
    return id;
  }

  /** Forgets the steps (a bundle arriving later is refused). */
  close(): void {
    runs.delete(this.id);
  }

  addCount(pcollId: string, n: number): void {
    this.counts.set(pcollId, (this.counts.get(pcollId) ?? 0) + n);
  }

  /** Records the first failure, keeping beamlab's error as it is (it names the step and the element). */
  fail(e: unknown, label: string): PipelineError {
    const err = e instanceof PipelineError ? e : new PipelineError("The step failed on the Beam job service", { label, cause: e, hint: "see the cause above." });
    this.failure ??= err;
    return err;
  }

  /**
   * Runs `exec` over one bundle: `inputs` replays its main input (and side inputs) by
   * PCollection id; returns what each output tag received.
   */
  async runNode(exec: ExecNode, inputs: Map<string, readonly unknown[]>): Promise<Map<string, unknown[]>> {
    const before = this.busy.get(exec) ?? Promise.resolve();
    const mine = before.then(() => this.runNow(exec, inputs));
    this.busy.set(exec, mine.catch(() => undefined));
    return mine;
  }

  private async runNow(exec: ExecNode, inputs: Map<string, readonly unknown[]>): Promise<Map<string, unknown[]>> {
    const capture = new Set([...exec.outputs.values()].map((pc) => pc.id));
    const outcome = await execute(fuse([exec], new Set(inputs.keys())), { options: this.pipeline.options, replay: inputs, capture, scope: this.scope });
    const out = new Map<string, unknown[]>();
    for (const [tag, pc] of exec.outputs) {
      const values = outcome.captured.get(pc.id) ?? [];
      out.set(tag, values);
      this.addCount(pc.id, values.length);
    }
    const s = this.stats.get(exec) ?? { millis: 0 };
    s.millis += outcome.stats.get(exec)?.millis ?? 0;
    this.stats.set(exec, s);
    return out;
  }
}
