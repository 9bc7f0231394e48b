/**
 * What the runners that cut a plan into stages (the local runner and the Spark runner)
 * share: where a step runs, the bookkeeping of a run on the coordinator, running a
 * coordinator stage in process, and the description of a stage's steps sent to wherever
 * the work runs (a worker thread, a Spark executor's Node process).
 */
import type { Pipeline } from "../../pipeline/pipeline";
import type { PCollection } from "../../pipeline/pvalue";
import { execute } from "../executor";
import { fuse } from "../fusion";
import { upstreamStages, type PlannedStage } from "../job";
import type { SinkHandle } from "../operator";
import type { ExecNode } from "../plan";
import type { RunScope } from "../run-scope";
import { Mover, refuseFindings, type Finding } from "./movable";
import type { WorkerNode } from "./protocol";
import { stageInputs, type Placement, type Stage } from "./stages";

/** Where each step runs when the work is cut into `n` parts: splittable sources and shardable sinks in the parts, Create and the rest of the IO on the coordinator. */
export function placeByIO(n: number): (e: ExecNode) => Exclude<Placement, "shuffle"> {
  return (e) =>
    e.spec.kind === "Read" ? (e.spec.source.split ? "workers" : "coordinator") : e.spec.kind === "Write" ? (e.spec.sink.shard?.(0, n) ? "workers" : "coordinator") : e.spec.kind === "Create" ? "coordinator" : "workers";
}

/** The stages as the job view lists them, each with the stages it reads from. */
export function jobStages(stages: readonly Stage[], extra: Record<string, string> = {}): PlannedStage[] {
  const after = upstreamStages(stages);
  return stages.map((s, i) => ({ index: s.index, kind: s.kind, steps: s.nodes.map((e) => e.node.fullLabel), after: after[i], ...extra }));
}

/** A stage's steps as a worker rebuilds them; `specFor` says what each step is there. */
export function workerNodes(stage: Stage, specFor: (e: ExecNode) => WorkerNode["spec"]): WorkerNode[] {
  return stage.nodes.map((e) => ({
    id: e.node.id,
    label: e.node.fullLabel,
    kind: e.node.kind,
    inputs: e.inputs.map((pc) => pc.id),
    sideInputs: e.sideInputs.map((pc) => pc.id),
    outputs: [...e.outputs].map(([tag, pc]) => [tag, pc.id] as [string, string]),
    spec: specFor(e),
  }));
}

/** The bookkeeping of a staged run on the coordinator (the kernel). */
export class StagedRun {
  readonly counts = new Map<string, number>();
  readonly millis = new Map<ExecNode, number>();
  /** PCollections held on the coordinator: made by coordinator stages, or gathered from the workers. */
  readonly held = new Map<string, unknown[]>();
  /** PCollections read by a stage other than the one producing them. */
  readonly readElsewhere = new Set<string>();
  readonly writers: SinkHandle[] = [];
  readonly mover = new Mover();

  constructor(readonly pipeline: Pipeline, readonly plan: ExecNode[], readonly scope: RunScope, stages: readonly Stage[]) {
    for (const s of stages) {
      const { main, side } = stageInputs(s);
      for (const pc of [...main, ...side]) this.readElsewhere.add(pc.id);
    }
  }

  addCount(id: string, n: number): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + n);
  }

  addMillis(label: string, ms: number): void {
    const e = this.plan.find((x) => x.node.fullLabel === label);
    if (e) this.millis.set(e, (this.millis.get(e) ?? 0) + ms);
  }

  /** Every element of a PCollection on the coordinator; a runner gathers what its workers hold. */
  async whole(pc: PCollection<unknown>): Promise<unknown[]> {
    return this.held.get(pc.id) ?? [];
  }

  /** The ids of a stage's outputs that another stage reads: what it must keep. */
  captured(stage: Stage): string[] {
    return stage.nodes.flatMap((e) => [...e.outputs.values()].map((pc) => pc.id)).filter((id) => this.readElsewhere.has(id));
  }

  /** The elements a stage read, as the job view and the stage metrics count them. */
  elementsIn(stage: Stage): number {
    return stageInputs(stage).main.reduce((a, pc) => a + (this.counts.get(pc.id) ?? 0), 0);
  }

  /** A stage's input as the job view counts it: a stage that starts with a source also counts what it read, as the direct runner's view does. */
  viewedElementsIn(stage: Stage): number {
    const first = stage.nodes[0];
    const read = first && (first.spec.kind === "Read" || first.spec.kind === "Create") ? [...first.outputs.values()].reduce((a, pc) => a + (this.counts.get(pc.id) ?? 0), 0) : 0;
    return this.elementsIn(stage) + read;
  }

  /** Runs a coordinator stage in process: its nodes fused as the direct runner would, what earlier stages made replayed. */
  async coordinatorStage(stage: Stage): Promise<void> {
    const { main, side } = stageInputs(stage);
    for (const pc of [...main, ...side]) await this.whole(pc);
    const outcome = await execute(fuse([...stage.nodes], new Set(this.held.keys())), { options: this.pipeline.options, replay: this.held, capture: new Set(this.captured(stage)), scope: this.scope });
    this.writers.push(...outcome.writers);
    for (const [id, values] of outcome.captured) this.held.set(id, values);
    for (const e of stage.nodes) {
      for (const pc of e.outputs.values()) this.addCount(pc.id, outcome.counts.get(pc.id) ?? 0);
      this.millis.set(e, (this.millis.get(e) ?? 0) + (outcome.stats.get(e)?.millis ?? 0));
    }
  }

  /** What a ParDo or Flatten is on a worker (its DoFn moved, or refused with the reason); undefined for IO steps. */
  movedSpec(e: ExecNode): WorkerNode["spec"] | undefined {
    if (e.spec.kind === "Flatten") return { kind: "Flatten" };
    if (e.spec.kind !== "ParDo") return undefined;
    const findings: Finding[] = [];
    const fn = this.mover.move(e.spec.fn, { label: e.node.fullLabel, what: "the DoFn", findings });
    refuseFindings(findings);
    const sides = e.spec.sideInputs.map((s) => ({ kind: s.kind, pcoll: s.pcoll.id, defaultValue: (s as unknown as { defaultValue?: { value: unknown } }).defaultValue }));
    return { kind: "ParDo", fn, tags: e.spec.tags, sides };
  }
}
