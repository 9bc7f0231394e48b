/**
 * The job view of a run in this process (the direct runner, and a whole run of the
 * interactive runner): its stages are the fused plan's, and a stage's status follows the
 * executor's progress snapshots (running once one of its steps has started, done when all
 * of them are).
 */
import { JobDisplay } from "../display/job-view";
import type { ProgressFacts } from "../display/progress";
import type { Pipeline } from "../pipeline/pipeline";
import type { ProgressSnapshot } from "./executor";
import type { ExecutionPlan, StepRole } from "./fusion";
import { Job } from "./job";
import type { ExecNode } from "./plan";
import { startRun, type RunScope } from "./run-scope";

/** A fused stage's kind, named by what its root step does. */
const ROOT_KIND: Record<StepRole, string> = {
  source: "read",
  "shuffle-read": "shuffle",
  "combine-merge": "combine",
  "buffered-read": "side inputs",
  "sink-finalize": "sink",
  "cached-read": "cache",
  pardo: "pardo",
  flatten: "flatten",
} as Record<StepRole, string>;

export class InProcessJob {
  /** The run's scope: its lines go to the view, not to the console. */
  readonly scope: RunScope;
  private job: Job | null = null;
  private nodes: ExecNode[][] = [];
  private roots: (string | null)[] = [];
  private pending: ProgressSnapshot | null = null;

  constructor(private readonly pipeline: Pipeline, private readonly runner: string, private readonly facts: ProgressFacts = {}) {
    this.scope = startRun(pipeline.name, null, false);
  }

  /** The plan is known: the view appears with every stage pending. */
  plan(fused: ExecutionPlan): void {
    this.nodes = fused.stages.map((s) => s.steps.flatMap((st) => (st.exec ? [st.exec] : [])));
    this.roots = fused.stages.map((s) => s.inputs[0]?.pcollections[0] ?? null);
    const position = new Map(fused.stages.map((s, i) => [s.id, i]));
    const stages = fused.stages.map((s, index) => ({
      index,
      kind: ROOT_KIND[s.steps[0]?.role] ?? s.steps[0]?.role ?? "stage",
      steps: s.steps.map((st) => st.label),
      after: s.dependsOn.flatMap((id) => (position.has(id) ? [position.get(id)!] : [])),
    }));
    this.job = new Job(this.pipeline, this.runner, this.scope, stages, this.facts);
    new JobDisplay(this.job);
    if (this.pending) this.update(this.pending);
  }

  /** Counts and times so far. */
  update(snap: ProgressSnapshot): void {
    if (!this.job) {
      this.pending = snap;
      return;
    }
    this.nodes.forEach((nodes, i) => {
      if (!nodes.some((e) => snap.millis.has(e))) return;
      const done = nodes.every((e) => snap.done.has(e));
      const first = nodes[0];
      // A source stage counts what it read; the others what came into their root.
      const inId = this.roots[i] ?? [...first.outputs.values()][0]?.id;
      // Stages run one after the other here: a stage's wall time is its steps' time.
      const wallMillis = nodes.reduce((a, e) => a + (snap.millis.get(e) ?? 0), 0);
      this.job!.stage(i, done ? "done" : "running", { elementsIn: inId ? (snap.counts.get(inId) ?? 0) : 0, wallMillis });
    });
    this.job.steps(snap);
  }

  /** The view as it is now (the run's summary once it has ended); null before the plan is known. */
  snapshot(): ReturnType<Job["snapshot"]> | null {
    return this.job?.snapshot() ?? null;
  }

  /** Ends the view as the run's summary; a failed or cancelled run passes the executor's last snapshot. */
  finish(state: "DONE" | "FAILED" | "CANCELLED", final?: ProgressSnapshot, failed: string | null = null): void {
    if (final) this.update(final);
    this.job?.finish(state, failed);
  }
}
