/**
 * Which steps a step-through plays, in which order: the top-level transforms a
 * PCollection depends on (or all of a pipeline's), each composite followed by the steps
 * inside it so a player can step into it or over it. Writes are left out (their output is
 * a file or a table, not elements), and so are the insides of a composite that runners
 * execute in one piece (a lifted CombinePerKey), whose PCollections never exist.
 */
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import { stepOf, writes } from "./steps";

/** The top-level steps `pc` is computed from (main and side inputs, transitively), itself included, in pipeline order. */
export function stepsUpstreamOf(p: Pipeline, pc: PCollection<unknown>): TransformNode[] {
  const needed = new Set<TransformNode>();
  const stack = [stepOf(pc)];
  while (stack.length) {
    const n = stack.pop()!;
    if (needed.has(n)) continue;
    needed.add(n);
    for (const input of [...n.inputs, ...n.sideInputs, ...innerSideInputs(n)]) stack.push(stepOf(input));
  }
  return p.roots.filter((r) => needed.has(r));
}

/** Side inputs read by steps inside a composite (a composite's own `sideInputs` is empty). */
function innerSideInputs(n: TransformNode): PCollection<unknown>[] {
  return n.children.flatMap((c) => [...c.sideInputs, ...innerSideInputs(c)]);
}

/** True for a composite that runners execute as one primitive: its inner steps never run. */
export function runsWhole(n: TransformNode): boolean {
  return n.composite && n.primitive !== null;
}

/** The steps a player can step into from `n`. */
export function playableChildren(n: TransformNode): TransformNode[] {
  if (runsWhole(n)) return [];
  return n.children.filter((c) => !writes(c));
}

/** Every step in play order: each of `tops` (writes left out), a composite before its children. */
export function playOrder(tops: readonly TransformNode[]): TransformNode[] {
  const out: TransformNode[] = [];
  const visit = (n: TransformNode) => {
    out.push(n);
    for (const c of playableChildren(n)) visit(c);
  };
  for (const t of tops) if (!writes(t)) visit(t);
  return out;
}
