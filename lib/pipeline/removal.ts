/**
 * Taking transforms out of a pipeline (`p.remove`): which transforms go, and the
 * description of what went, which PCollections of removed transforms keep so that using
 * them later fails with an error that says why.
 */
import { inspect } from "node:util";
import { error } from "../errors";
import { variableNames } from "../interactive/names";
import type { Pipeline } from "./pipeline";
import { PCollection } from "./pvalue";
import type { TransformNode } from "./transform";

/** Prints a removal in a notebook; set by the kernel support, a no-op elsewhere. */
let announcer: (removal: Removal) => void = () => undefined;

/** @internal Lets the notebook support print removals. */
export function setRemovalAnnouncer(f: (removal: Removal) => void): void {
  announcer = f;
}

/** What `p.remove(...)` took out of the pipeline. */
export class Removal {
  /** True once the description was printed (as a cell's value, or by the notebook support). */
  shown = false;

  /** @internal */
  constructor(
    /** Full label of the transform that was asked for. */
    readonly target: string,
    /** Full labels of the top-level transforms removed with it, because they read its outputs. */
    readonly downstream: readonly string[],
  ) {}

  /** Every removed top-level label, the target first. */
  get removed(): string[] {
    return [this.target, ...this.downstream];
  }

  /** One sentence: `Removed "Upper dept" and 2 transforms downstream: "Count", "Write"`. */
  get message(): string {
    const n = this.downstream.length;
    if (n === 0) return `Removed "${this.target}" (nothing read its output)`;
    return `Removed "${this.target}" and ${n} transform${n === 1 ? "" : "s"} downstream: ${this.downstream.map((l) => `"${l}"`).join(", ")}`;
  }

  /** @internal Prints the description in a notebook. */
  announce(): void {
    try {
      announcer(this);
    } catch {
      // Printing is a courtesy; the removal itself has happened.
    }
  }

  toString(): string {
    return this.message;
  }

  [inspect.custom](): string {
    this.shown = true;
    return this.message;
  }
}

/** The top-level transform that `p.remove(target)` takes out, or an actionable error. */
export function removalTarget(p: Pipeline, target: string | PCollection<unknown>): TransformNode {
  const call = `${pipelineVariable(p)}.remove`;
  if (target instanceof PCollection) {
    if (target.pipeline !== p) error(`${target} belongs to another pipeline`, { hint: `call remove() on the pipeline that made it.` });
    if (target.removedBy) error(`${target} was already removed`, { hint: target.removedBy.message + "." });
    let root = target.producer;
    while (root.parent) root = root.parent;
    return root;
  }
  const node = typeof target === "string" ? p.node(target) : undefined;
  const labels = p.labels().map((l) => JSON.stringify(l)).join(", ") || "(none: the pipeline is empty)";
  if (!node) {
    error(`No transform labelled ${JSON.stringify(String(target))} in ${p.name}`, {
      hint: `pass one of the top-level labels ${labels}, or a PCollection, e.g. ${call}(${p.labels().length ? JSON.stringify(p.labels()[p.labels().length - 1]) : '"Label"'}).`,
    });
  }
  if (node.parent) {
    let root = node.parent;
    while (root.parent) root = root.parent;
    error(`"${node.fullLabel}" is a step inside the composite transform "${root.fullLabel}"`, {
      hint: `a composite goes as a whole: ${call}(${JSON.stringify(root.fullLabel)}).`,
    });
  }
  return node;
}

/** `root` and every top-level transform that reads, directly or not, something it produces (in application order). */
export function downstreamOf(roots: readonly TransformNode[], root: TransformNode): TransformNode[] {
  const removed = new Set<TransformNode>([root]);
  const gone = new Set<string>();
  const addOutputs = (n: TransformNode) => {
    for (const pc of n.outputs.values()) gone.add(pc.id);
    n.children.forEach(addOutputs);
  };
  addOutputs(root);
  const reads = (n: TransformNode): boolean => [...n.inputs, ...n.sideInputs].some((pc) => gone.has(pc.id)) || n.children.some(reads);
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of roots) {
      if (removed.has(r) || !reads(r)) continue;
      removed.add(r);
      addOutputs(r);
      grew = true;
    }
  }
  return [root, ...roots.filter((r) => r !== root && removed.has(r))];
}

/** The notebook variable holding the pipeline, for code in messages (`p` when unknown). */
export function pipelineVariable(p: Pipeline): string {
  // names.ts imports the pipeline module back; it is only called here, after both loaded.
  return variableNames().get(p.id) ?? "p";
}
