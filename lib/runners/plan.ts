/**
 * From a pipeline graph to what a runner executes: the primitive nodes needed for some
 * targets, in an order where every node comes after everything it reads.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { PrimitiveKind, PrimitiveSpec, TransformNode } from "../pipeline/transform";

/** A node a runner executes: a primitive, or a composite it runs in one piece. */
export interface ExecNode {
  node: TransformNode;
  spec: PrimitiveSpec;
  inputs: PCollection<unknown>[];
  sideInputs: PCollection<unknown>[];
  outputs: Map<string, PCollection<unknown>>;
}

/**
 * The executable nodes of a pipeline. A composite with an override runs as one node when
 * the runner supports its kind, unless one of its inner PCollections must be seen.
 */
export function executableNodes(pipeline: Pipeline, supports: (kind: PrimitiveKind) => boolean, mustSee: Set<string> = new Set()): ExecNode[] {
  const out: ExecNode[] = [];
  const walk = (n: TransformNode) => {
    if (n.primitive && !n.composite) return out.push(toExec(n));
    if (n.primitive && n.composite && supports(n.primitive.kind) && !hidesAny(n, mustSee)) return out.push(toExec(n));
    n.children.forEach(walk);
  };
  pipeline.roots.forEach(walk);
  return out;
}

function toExec(n: TransformNode): ExecNode {
  return { node: n, spec: n.primitive!, inputs: n.inputs, sideInputs: n.sideInputs, outputs: n.outputs };
}

function hidesAny(n: TransformNode, mustSee: Set<string>): boolean {
  const own = new Set([...n.outputs.values()].map((pc) => pc.id));
  const visit = (c: TransformNode): boolean => [...c.outputs.values()].some((pc) => mustSee.has(pc.id) && !own.has(pc.id)) || c.children.some(visit);
  return n.children.some(visit);
}

/**
 * The nodes needed to compute `targets` (all nodes when targets is null), topologically
 * ordered; among independent nodes, application order is kept.
 */
export function planFor(nodes: ExecNode[], targets: PCollection<unknown>[] | null, available: Set<string> = new Set()): ExecNode[] {
  const producer = new Map<string, ExecNode>();
  for (const e of nodes) for (const pc of e.outputs.values()) producer.set(pc.id, e);
  let needed: Set<ExecNode>;
  if (targets === null) needed = new Set(nodes);
  else {
    needed = new Set();
    const stack = targets.map((t) => producer.get(t.id)).filter((e): e is ExecNode => !!e);
    while (stack.length) {
      const e = stack.pop()!;
      if (needed.has(e)) continue;
      needed.add(e);
      for (const pc of [...e.inputs, ...e.sideInputs]) {
        if (available.has(pc.id)) continue;
        const p = producer.get(pc.id);
        if (p) stack.push(p);
      }
    }
  }
  const order = new Map(nodes.map((e, i) => [e, i]));
  const deps = new Map<ExecNode, ExecNode[]>();
  for (const e of needed) {
    deps.set(
      e,
      [...e.inputs, ...e.sideInputs].filter((pc) => !available.has(pc.id)).map((pc) => producer.get(pc.id)).filter((p): p is ExecNode => !!p && needed.has(p)),
    );
  }
  const sorted: ExecNode[] = [];
  const state = new Map<ExecNode, 1 | 2>();
  const visit = (e: ExecNode) => {
    if (state.get(e) === 2) return;
    if (state.get(e) === 1) throw new Error(`cycle in pipeline graph at ${e.node.fullLabel}`);
    state.set(e, 1);
    for (const d of [...deps.get(e)!].sort((a, b) => order.get(a)! - order.get(b)!)) visit(d);
    state.set(e, 2);
    sorted.push(e);
  };
  [...needed].sort((a, b) => order.get(a)! - order.get(b)!).forEach(visit);
  return sorted;
}
