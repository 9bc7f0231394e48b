/**
 * Fusion: the execution plan a runner schedules, as Beam's runners build it from the
 * pipeline graph. Element-wise steps (ParDo, Flatten) are fused into the stage of the step
 * that feeds them (producer–consumer fusion), every consumer of one PCollection runs in the
 * same stage (sibling fusion), and a stage ends where elements must all be seen first: a
 * GroupByKey's shuffle, a lifted CombinePerKey (its partial combine fused into the producing
 * stage, the merge after the shuffle), a ParDo with side inputs (its main input buffered until
 * the side inputs are materialized) and a sink (written in the producing stages, finalized
 * once all of them are done). A Flatten is unzipped: it and the element-wise steps after it
 * run in the stage of each of its inputs, so flattening never materializes anything.
 *
 * Each stage starts from exactly one root (a source, a shuffle read, a buffered read, a sink
 * finalize or a cached PCollection) and is executable on its own given what it reads.
 */
import type { PCollection } from "../pipeline/pvalue";
import type { PrimitiveKind } from "../pipeline/transform";
import type { ExecNode } from "./plan";

/**
 * What a step does in its stage. The first step of a stage is its root:
 * - `source`: a Create or a Read, reading from outside the pipeline;
 * - `shuffle-read`: a GroupByKey emitting `[key, values[]]` after the shuffle;
 * - `combine-merge`: a lifted CombinePerKey merging the partial accumulators of each key
 *   after the shuffle and extracting the output;
 * - `buffered-read`: a ParDo with side inputs, reading its buffered main input once its side
 *   inputs are materialized;
 * - `sink-finalize`: a sink closed after every stage that writes to it, emitting what it wrote;
 * - `cached-read`: a PCollection computed by an earlier run (the interactive runner's cache).
 *
 * The other steps are fused: `pardo` and `flatten` pass elements on in the stage;
 * `shuffle-write`, `combine-partial`, `buffer-write` and `sink-write` are the halves of the
 * next stage's root that run here, where the stage ends.
 */
export type StepRole =
  | "source"
  | "shuffle-read"
  | "combine-merge"
  | "buffered-read"
  | "sink-finalize"
  | "cached-read"
  | "pardo"
  | "flatten"
  | "shuffle-write"
  | "combine-partial"
  | "buffer-write"
  | "sink-write";

/** Roles that start a stage. */
export const ROOT_ROLES: ReadonlySet<StepRole> = new Set(["source", "shuffle-read", "combine-merge", "buffered-read", "sink-finalize", "cached-read"]);

/** One step of a stage: an executable node, or the half of one that runs in this stage. */
export interface StageStep {
  role: StepRole;
  /** The full label of the user's transform (for a cached read, the PCollection's label). */
  label: string;
  kind: PrimitiveKind | "Cached";
  /** The executable node; null for a cached read. */
  exec: ExecNode | null;
  /** PCollection ids this step reads within the stage, once per time it is an input (a Flatten: only its inputs produced here). */
  reads: string[];
  /** PCollection ids it emits within the stage (none for the halves that end the stage). */
  emits: string[];
}

/** Where a stage gets its elements from. */
export interface StageInput {
  /** `source`: read from outside; `shuffle`: a GroupByKey's or lifted combine's grouped input; `buffer`: a side-input ParDo's main input; `sink`: a sink's staged output; `cached`: an earlier run's PCollection. */
  kind: "source" | "shuffle" | "buffer" | "sink" | "cached";
  /** The root step's label. */
  label: string;
  /** The PCollections written into this input by earlier stages (empty for a source). */
  pcollections: string[];
  /** Ids of the stages that write it. */
  fromStages: string[];
}

/** A side input a stage needs materialized before it starts. */
export interface StageSideInput {
  pcollection: string;
  /** The PCollection's label. */
  label: string;
  /** The step that reads it. */
  readBy: string;
  /** Ids of the stages that produce it (none when cached). */
  fromStages: string[];
}

/** What a stage hands on when it ends. */
export interface StageOutput {
  /** `shuffle`/`buffer`/`sink`: into the next stage's root; `side-input`: materialized for a later stage; `result`: a PCollection nothing else in the plan reads (collected or final). */
  kind: "shuffle" | "buffer" | "sink" | "side-input" | "result";
  pcollection: string;
  label: string;
  /** The label of the step that receives it (for `result`, none). */
  to: string | null;
  /** For a shuffle into a lifted CombinePerKey: the partial accumulators are shuffled, not the values. */
  lifted?: boolean;
}

/** A fused stage: steps run together, element by element, from one root. */
export interface Stage {
  /** `S1`, `S2`, ... in run order. */
  id: string;
  /** The steps, root first, each after the steps that feed it. */
  steps: StageStep[];
  inputs: StageInput[];
  sideInputs: StageSideInput[];
  outputs: StageOutput[];
  /** Ids of the stages that must finish first (its inputs' and side inputs' writers). */
  dependsOn: string[];
  /** The full labels of the user's transforms with a step here, in step order, once each. */
  transforms: string[];
}

/** The plan after fusion: the stages in an order where each comes after the stages it depends on. */
export interface ExecutionPlan {
  /** The executable nodes the stages are made of, in topological order. */
  nodes: ExecNode[];
  stages: Stage[];
}

/** The role of a node in the stage it roots, or null when it is fused into its producers' stages. */
function rootRole(e: ExecNode): StepRole | null {
  switch (e.spec.kind) {
    case "Create":
    case "Read":
      return "source";
    case "GroupByKey":
      return "shuffle-read";
    case "CombinePerKey":
      return "combine-merge";
    case "Write":
      return "sink-finalize";
    case "ParDo":
      return e.sideInputs.length ? "buffered-read" : null;
    case "Flatten":
      return null;
  }
}

/** The role of a node where it is fed, within its producer's stage. */
function fedRole(e: ExecNode): StepRole {
  switch (e.spec.kind) {
    case "GroupByKey":
      return "shuffle-write";
    case "CombinePerKey":
      return "combine-partial";
    case "Write":
      return "sink-write";
    case "Flatten":
      return "flatten";
    case "ParDo":
      return e.sideInputs.length ? "buffer-write" : "pardo";
    default:
      throw new Error(`${e.spec.kind} has no input to be fed (${e.node.fullLabel})`);
  }
}

/** Roles that end a stage: the halves of the next stage's root that run where its input is produced. */
export const END_ROLES: ReadonlySet<StepRole> = new Set(["shuffle-write", "combine-partial", "buffer-write", "sink-write"]);


/**
 * Fuses an ordered plan (from `planFor`) into stages.
 *
 * @param nodes executable nodes, every node after the nodes it reads
 * @param cached PCollections already computed (replayed, not recomputed)
 */
export function fuse(nodes: ExecNode[], cached: ReadonlySet<string> = new Set()): ExecutionPlan {
  const index = new Map(nodes.map((e, i) => [e, i]));
  const produced = new Set<string>();
  for (const e of nodes) for (const pc of e.outputs.values()) produced.add(pc.id);
  const mainConsumers = new Map<string, ExecNode[]>();
  const sideConsumers = new Map<string, ExecNode[]>();
  const pcolls = new Map<string, PCollection<unknown>>();
  const push = (m: Map<string, ExecNode[]>, pc: PCollection<unknown>, e: ExecNode) => {
    pcolls.set(pc.id, pc);
    if (!m.has(pc.id)) m.set(pc.id, []);
    if (!m.get(pc.id)!.includes(e)) m.get(pc.id)!.push(e);
  };
  for (const e of nodes) {
    for (const pc of e.inputs) push(mainConsumers, pc, e);
    for (const pc of e.sideInputs) push(sideConsumers, pc, e);
    for (const pc of e.outputs.values()) pcolls.set(pc.id, pc);
  }

  interface Draft {
    root: StageStep;
    order: number;
    steps: Map<ExecNode | null, StageStep>;
  }
  const drafts: Draft[] = [];

  const grow = (draft: Draft, from: string[]) => {
    const queue = [...from];
    while (queue.length) {
      const id = queue.shift()!;
      for (const c of mainConsumers.get(id) ?? []) {
        let step = draft.steps.get(c);
        if (!step) {
          const role = fedRole(c);
          const emits = END_ROLES.has(role) ? [] : [...c.outputs.values()].map((pc) => pc.id);
          step = { role, label: c.node.fullLabel, kind: c.spec.kind, exec: c, reads: [], emits };
          draft.steps.set(c, step);
          queue.push(...emits);
        }
        // Once per time it is an input: a Flatten of [a, a] receives a's elements twice.
        if (!step.reads.includes(id)) for (const pc of c.inputs) if (pc.id === id) step.reads.push(id);
      }
    }
  };

  // A cached PCollection read as a main input roots a stage; one read only as a side input is just there.
  const cachedRoots = [...cached].filter((id) => !produced.has(id) && mainConsumers.has(id));
  cachedRoots.forEach((id, i) => {
    const pc = pcolls.get(id)!;
    const root: StageStep = { role: "cached-read", label: pc.label, kind: "Cached", exec: null, reads: [], emits: [id] };
    const draft: Draft = { root, order: -cachedRoots.length + i, steps: new Map([[null, root]]) };
    grow(draft, [id]);
    drafts.push(draft);
  });
  for (const e of nodes) {
    const role = rootRole(e);
    if (!role) continue;
    const emits = [...e.outputs.values()].map((pc) => pc.id);
    const reads = role === "source" ? [] : e.inputs.map((pc) => pc.id);
    const root: StageStep = { role, label: e.node.fullLabel, kind: e.spec.kind, exec: e, reads, emits };
    const draft: Draft = { root, order: index.get(e)!, steps: new Map([[e, root]]) };
    grow(draft, emits);
    drafts.push(draft);
  }
  // Roots in plan order are already a topological order of the stages: a stage's inputs come from upstream roots.
  drafts.sort((a, b) => a.order - b.order);
  const ids = new Map(drafts.map((d, i) => [d, `S${i + 1}`]));

  // Which stages emit each PCollection, and which contain the fed half of each barrier node.
  const emitters = new Map<string, string[]>();
  const feeders = new Map<ExecNode, string[]>();
  for (const d of drafts) {
    for (const s of d.steps.values()) {
      for (const id of s.emits) (emitters.get(id) ?? emitters.set(id, []).get(id)!).push(ids.get(d)!);
      if (s.exec && END_ROLES.has(s.role)) (feeders.get(s.exec) ?? feeders.set(s.exec, []).get(s.exec)!).push(ids.get(d)!);
    }
  }

  const stages = drafts.map((d): Stage => {
    const steps = [...d.steps.values()].sort((a, b) => orderOf(a) - orderOf(b));
    const root = d.root;
    const inputs: StageInput[] = [];
    if (root.role === "cached-read") inputs.push({ kind: "cached", label: root.label, pcollections: [...root.emits], fromStages: [] });
    else if (root.role === "source") inputs.push({ kind: "source", label: root.label, pcollections: [], fromStages: [] });
    else inputs.push({ kind: inputKind(root.role), label: root.label, pcollections: [...root.reads], fromStages: unique(feeders.get(root.exec!) ?? []) });
    const sideInputs: StageSideInput[] =
      root.role === "buffered-read"
        ? root.exec!.sideInputs.map((pc) => ({ pcollection: pc.id, label: pc.label, readBy: root.label, fromStages: unique(emitters.get(pc.id) ?? []) }))
        : [];
    const outputs: StageOutput[] = [];
    for (const s of steps) {
      if (s.exec && END_ROLES.has(s.role)) {
        for (const id of unique(s.reads)) outputs.push({ kind: outputKind(s.role), pcollection: id, label: pcolls.get(id)!.label, to: s.label, ...(s.role === "combine-partial" ? { lifted: true } : {}) });
      }
      for (const id of s.emits) {
        for (const c of sideConsumers.get(id) ?? []) outputs.push({ kind: "side-input", pcollection: id, label: pcolls.get(id)!.label, to: c.node.fullLabel });
        if (!mainConsumers.has(id) && !sideConsumers.has(id)) outputs.push({ kind: "result", pcollection: id, label: pcolls.get(id)!.label, to: null });
      }
    }
    const dependsOn = unique([...inputs.flatMap((i) => i.fromStages), ...sideInputs.flatMap((s) => s.fromStages)]);
    const transforms = unique(steps.filter((s) => s.exec).map((s) => s.label));
    return { id: ids.get(d)!, steps, inputs, sideInputs, outputs, dependsOn, transforms };
  });

  const position = new Map(stages.map((s, i) => [s.id, i]));
  for (const s of stages) {
    for (const dep of s.dependsOn) {
      if (position.get(dep)! >= position.get(s.id)!) throw new Error(`fusion: stage ${s.id} (${s.steps[0].label}) depends on the later stage ${dep}`);
    }
  }
  return { nodes, stages };

  function orderOf(s: StageStep): number {
    return s.exec ? index.get(s.exec)! : -1;
  }
}

function inputKind(role: StepRole): StageInput["kind"] {
  return role === "shuffle-read" || role === "combine-merge" ? "shuffle" : role === "buffered-read" ? "buffer" : "sink";
}

function outputKind(role: StepRole): StageOutput["kind"] {
  return role === "shuffle-write" || role === "combine-partial" ? "shuffle" : role === "buffer-write" ? "buffer" : "sink";
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
