/**
 * The local runner's split of a plan into stages, in run order. The one module that knows
 * where stage boundaries fall, behind a narrow interface (`planStages`), so another planner
 * can take its place:
 *
 * - element-wise steps (ParDo, Flatten, sharded sinks, split sources) that feed each other
 *   are fused into one "workers" stage, run by every worker on its part of the data;
 * - GroupByKey and CombinePerKey are "shuffle" stages between them (keys hash-partitioned
 *   across workers; a combine's values combined before the shuffle);
 * - steps that cannot run in a worker (Create, a source that cannot be split, a sink that
 *   cannot write one shard per worker) form "coordinator" stages on the main thread;
 * - a side input is complete (and broadcast) before the stage that reads it starts.
 */
import type { PCollection } from "../../pipeline/pvalue";
import type { ExecNode } from "../plan";

/** Where a node runs. */
export type Placement = "workers" | "coordinator" | "shuffle";

/** A unit of the schedule: every node of it runs before the next stage starts. */
export interface Stage {
  /** Position in the run order, from 0. */
  readonly index: number;
  readonly kind: Placement;
  /** The nodes, in plan order (a shuffle stage holds one GroupByKey or CombinePerKey). */
  readonly nodes: readonly ExecNode[];
}

/** Phase within a level: shuffles, then the coordinator's sources, then the workers, then the coordinator's sinks. */
const SHUFFLE = 0;
const COORDINATOR_BEFORE = 1;
const WORKERS = 2;
const COORDINATOR_AFTER = 3;

/** The stages of `plan` (topologically ordered), given where each node can run. */
export function planStages(plan: readonly ExecNode[], placeOf: (e: ExecNode) => Exclude<Placement, "shuffle">): Stage[] {
  const at = new Map<ExecNode, [number, number]>();
  const producer = new Map<string, ExecNode>();
  for (const e of plan) for (const pc of e.outputs.values()) producer.set(pc.id, e);
  const placement = (e: ExecNode): Placement => (e.spec.kind === "GroupByKey" || e.spec.kind === "CombinePerKey" ? "shuffle" : placeOf(e));
  for (const e of plan) {
    const kind = placement(e);
    let pos: [number, number] = kind === "shuffle" ? [1, SHUFFLE] : kind === "workers" ? [0, WORKERS] : [0, COORDINATOR_BEFORE];
    const later = (p: [number, number]) => {
      if (p[0] > pos[0] || (p[0] === pos[0] && p[1] > pos[1])) pos = p;
    };
    for (const pc of e.inputs) {
      const d = producer.get(pc.id);
      if (d) later(after(at.get(d)!, kind, false));
    }
    for (const pc of e.sideInputs) {
      const d = producer.get(pc.id);
      if (d) later(after(at.get(d)!, kind, true));
    }
    at.set(e, pos);
  }
  const groups = new Map<string, { pos: [number, number]; nodes: ExecNode[] }>();
  for (const e of plan) {
    const pos = at.get(e)!;
    // Each shuffle is a stage of its own; the other nodes of a phase run together.
    const key = pos[1] === SHUFFLE ? `${pos[0]}:${pos[1]}:${e.node.id}` : `${pos[0]}:${pos[1]}`;
    if (!groups.has(key)) groups.set(key, { pos, nodes: [] });
    groups.get(key)!.nodes.push(e);
  }
  const sorted = [...groups.values()].sort((a, b) => a.pos[0] - b.pos[0] || a.pos[1] - b.pos[1]);
  return sorted.map((g, index) => ({ index, kind: g.pos[1] === SHUFFLE ? "shuffle" : g.pos[1] === WORKERS ? "workers" : "coordinator", nodes: g.nodes }));
}

/** The earliest position of a node of `kind` reading (as main or side input) what a node at `d` produces. */
function after(d: [number, number], kind: Placement, side: boolean): [number, number] {
  const [level, phase] = d;
  if (kind === "shuffle") return [level + 1, SHUFFLE];
  if (kind === "workers") {
    // Fused with a workers producer, unless it must be complete first (a side input).
    if (phase === WORKERS) return side ? [level + 1, WORKERS] : [level, WORKERS];
    return phase === COORDINATOR_AFTER ? [level + 1, WORKERS] : [level, WORKERS];
  }
  // The coordinator reads what the workers produced once they are done.
  return phase === COORDINATOR_BEFORE ? [level, COORDINATOR_BEFORE] : [level, COORDINATOR_AFTER];
}

/** The PCollections a stage reads that other stages produce (main inputs and side inputs apart). */
export function stageInputs(stage: Stage): { main: PCollection<unknown>[]; side: PCollection<unknown>[] } {
  const own = new Set<string>();
  for (const e of stage.nodes) for (const pc of e.outputs.values()) own.add(pc.id);
  const main = new Map<string, PCollection<unknown>>();
  const side = new Map<string, PCollection<unknown>>();
  for (const e of stage.nodes) {
    for (const pc of e.inputs) if (!own.has(pc.id)) main.set(pc.id, pc);
    for (const pc of e.sideInputs) if (!own.has(pc.id)) side.set(pc.id, pc);
  }
  return { main: [...main.values()], side: [...side.values()] };
}
