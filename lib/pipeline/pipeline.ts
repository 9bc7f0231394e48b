/**
 * The pipeline: a graph of applied transforms, built by `apply` and executed by a runner.
 */
import { PipelineError, error, isPipelineError } from "../errors";
import { PBegin, PCollection, PValue, pcollectionsOf, taggedPCollections } from "./pvalue";
import type { ExpandContext, PrimitiveSpec, PTransform, TransformNode } from "./transform";
import type { PipelineResult } from "../runners/result";
import { resolveRunner, type RunnerChoice } from "../runners/registry";
import { Removal, downstreamOf, removalTarget } from "./removal";
import { checkedOptions } from "./options";
import type { LineageOption } from "../teaching/lineage-options";
import { checkInputs, checkedLabel } from "./validate";
import { toPortable } from "./to-portable";
import type { PortablePipeline } from "./portable";

/** Options of a pipeline. */
export interface PipelineOptions {
  /** "direct" (default in scripts), "interactive" (default in notebooks), "local" (worker threads), "portable" (a Beam job service), or a runner object. */
  runner?: RunnerChoice;
  /** Path of the warehouse (DuckDB file) used by ReadFromSQL / WriteToTable; see `beam.warehouse.open`. */
  warehouse?: string;
  /** A readable name, shown in graphs and the inspector. */
  name?: string;
  /** Elements per bundle in the direct runner: a whole number of at least 1 (default 1024). */
  bundleSize?: number;
  /**
   * Whether the interactive runner records where each element came from, for
   * `beam.lineage` and `beam.diff`: on by default for PCollections up to 1,000,000
   * elements; `false` turns it off (and costs nothing), `{ maxElements }` sets the limit.
   * The direct runner never records lineage.
   */
  lineage?: LineageOption;
  /**
   * Worker threads of the local runner (`runner: "local"`): a whole number of at least 1,
   * default the machine's available parallelism. Other runners ignore it.
   */
  workers?: number;
  /**
   * The Beam job service of the portable runner (`runner: "portable"`), as `host:port`
   * (Prism, or a Flink, Spark or Dataflow job server). Other runners ignore it.
   */
  jobEndpoint?: string;
  /**
   * The Spark master of the Spark runner (`runner: "spark"`): `local[N]` (N executor
   * threads in one JVM on this machine) or `spark://host:port` (a standalone cluster);
   * default `local[2]`. Other runners ignore it.
   */
  sparkMaster?: string;
  /** Spark configuration for the Spark runner (`spark.executor.memory`, ...), set on its SparkConf. */
  sparkConf?: Record<string, string>;
}

/** A change to the graph, for caches and views that follow it. */
export type GraphChange =
  | { type: "applied"; node: TransformNode }
  | { type: "replaced"; old: TransformNode; node: TransformNode; orphaned: PCollection<unknown>[]; kept: PCollection<unknown>[] }
  | { type: "removed"; removal: Removal; nodes: TransformNode[]; pcollections: PCollection<unknown>[] };

let nextPipelineId = 0;
const created: WeakRef<Pipeline>[] = [];
let nextNodeId = 0;

/**
 * A Beam pipeline.
 *
 * @example
 * const p = new beam.Pipeline();
 * p.apply("Create", beam.Create([1, 2, 3])).apply("Times ten", beam.Map((n) => n * 10));
 * const result = await p.run();
 */
export class Pipeline {
  readonly id: string;
  readonly options: Readonly<PipelineOptions>;
  /** Top-level transforms in application order. */
  readonly roots: TransformNode[] = [];
  private readonly byLabel = new Map<string, TransformNode>();
  private readonly stack: TransformNode[] = [];
  private readonly listeners: ((change: GraphChange) => void)[] = [];
  private readonly begin = new PBegin(this);

  /**
   * @param options checked here: an unknown option, or one that cannot run (`bundleSize: 0`),
   *   throws a PipelineError naming it
   */
  constructor(options: PipelineOptions = {}) {
    this.options = checkedOptions(options);
    this.id = `pipeline${++nextPipelineId}`;
    created.push(new WeakRef(this));
  }

  /** Every pipeline of this process still alive, oldest first (for inspectors). */
  static live(): Pipeline[] {
    return created.map((r) => r.deref()).filter((p): p is Pipeline => p !== undefined);
  }

  /** A readable name: the one given in the options, else the id. */
  get name(): string {
    return this.options.name ?? this.id;
  }

  /** Applies a root transform (Create, a Read) to the pipeline. */
  apply<O extends PValue>(label: string, transform: PTransform<PBegin, O>): O;
  apply<O extends PValue>(transform: PTransform<PBegin, O>): O;
  apply<O extends PValue>(a: string | PTransform<PBegin, O>, b?: PTransform<PBegin, O>): O {
    return typeof a === "string" ? this.applyTransform(a, b!, this.begin) : this.applyTransform(null, a, this.begin);
  }

  /** Runs the pipeline on its runner (a bad runner option rejects, like any other failure). */
  async run(): Promise<PipelineResult> {
    return resolveRunner(this).run(this);
  }

  /** Every node, depth first in application order (composites before their parts). */
  allNodes(): TransformNode[] {
    const out: TransformNode[] = [];
    const walk = (n: TransformNode) => {
      out.push(n);
      n.children.forEach(walk);
    };
    this.roots.forEach(walk);
    return out;
  }

  /** Finds a node by its full label. */
  node(fullLabel: string): TransformNode | undefined {
    return this.byLabel.get(fullLabel);
  }

  /** Every PCollection of the pipeline (outputs of all nodes). */
  pcollections(): PCollection<unknown>[] {
    const seen = new Map<string, PCollection<unknown>>();
    for (const n of this.allNodes()) for (const pc of n.outputs.values()) seen.set(pc.id, pc);
    return [...seen.values()];
  }

  /**
   * Takes a transform out of the pipeline, with everything downstream of it (transforms
   * that read its outputs, as main or side input, and so on). Their labels become free, the
   * interactive runner forgets their caches, and PCollection variables of what was removed
   * fail with a clear error if used again. In a notebook the removal is also printed.
   *
   * @param target the full label of a top-level transform, or a PCollection (its producer is removed)
   * @returns what was removed
   * @example
   * const upper = rows.apply("Upper dept", beam.Map((r) => ({ ...r, dept: r.dept.toUpperCase() })));
   * upper.apply("Count", beam.combiners.Count.Globally());
   * p.remove("Upper dept");   // Removed "Upper dept" and 1 transform downstream: "Count"
   * // or, by the PCollection it produced: p.remove(upper)
   */
  remove(target: string | PCollection<unknown>): Removal {
    const root = removalTarget(this, target);
    const roots = downstreamOf(this.roots, root);
    const nodes = roots.flatMap((r) => subtree(r));
    const pcollections = [...new Set(nodes.flatMap((n) => [...n.outputs.values()]))];
    const removal = new Removal(root.fullLabel, roots.slice(1).map((r) => r.fullLabel));
    for (const r of roots) this.detach(r);
    for (const pc of pcollections) pc.removedBy = removal;
    this.emit({ type: "removed", removal, nodes, pcollections });
    removal.announce();
    return removal;
  }

  /** Full labels of the top-level transforms, in application order. */
  labels(): string[] {
    return this.roots.map((r) => r.fullLabel);
  }

  /** Follows changes to the graph; returns a function that stops following. */
  onChange(listener: (change: GraphChange) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** True when re-applying a label to the same input replaces the old transform (notebooks). */
  get replacesOnReapply(): boolean {
    const r = this.options.runner;
    return typeof r === "object" ? r.replacesOnReapply === true : resolveRunner(this).replacesOnReapply === true;
  }

  /** @internal The one place where transforms enter the graph. */
  applyTransform<In extends PValue, O extends PValue>(label: string | null, transform: PTransform<In, O>, input: In): O {
    if (!transform || typeof (transform as PTransform<In, O>).expand !== "function") {
      error(`apply() needs a transform, got ${typeof transform}`, {
        label,
        hint: "pass a transform such as beam.Map(fn) or beam.ParDo(new MyDoFn()).",
      });
    }
    const name = checkedLabel(label, transform.name, input as PValue);
    const parent = this.stack[this.stack.length - 1] ?? null;
    const fullLabel = parent ? `${parent.fullLabel}/${name}` : name;
    checkInputs(input as PValue, fullLabel, transform.name);
    const inputs = pcollectionsOf(input as PValue);
    for (const pc of inputs) pc.assertPresent(fullLabel);
    for (const pc of inputs) {
      if (pc.pipeline !== this) {
        error(`The input ${pc.label} belongs to another pipeline`, {
          label: fullLabel,
          hint: "build each pipeline from its own Create/Read; use one Pipeline object per pipeline.",
        });
      }
    }
    const existing = this.byLabel.get(fullLabel);
    if (existing && !(this.replacesOnReapply && !parent && sameInputs(existing.inputs, inputs))) {
      error(`A transform with label "${fullLabel}" already exists in the pipeline`, {
        hint: `give this transform a new label, e.g. .apply("${name} 2", ...); labels must be unique within a pipeline.`,
      });
    }
    const node: TransformNode = {
      id: `t${++nextNodeId}`,
      label: name,
      fullLabel,
      parent,
      children: [],
      transform,
      inputs,
      inputTags: inputTagsOf(input as PValue),
      sideInputs: [],
      outputs: new Map(),
      primitive: null,
      composite: false,
      kind: transform.name.replace(/\(.*$/, ""),
      params: safeParams(transform),
    };
    const siblings = parent ? parent.children : this.roots;
    const position = existing ? this.detach(existing) : siblings.length;
    siblings.splice(position, 0, node);
    this.byLabel.set(fullLabel, node);
    this.stack.push(node);
    let out: O;
    try {
      out = transform.expand(input, this.contextFor(node));
    } catch (e) {
      this.detach(node);
      // A re-applied cell that fails leaves the step it would have replaced in place.
      if (existing) this.reattach(existing, position);
      throw expandFailure(e, fullLabel, input as PValue);
    } finally {
      this.stack.pop();
    }
    if (!node.primitive || node.composite) node.outputs = taggedPCollections(out as PValue);
    if (existing) return this.adoptOutputs(existing, node, out);
    this.emit({ type: "applied", node });
    return out;
  }

  private contextFor(node: TransformNode): ExpandContext {
    return {
      node,
      primitive: <Out extends PValue>(spec: PrimitiveSpec, opts: { tags?: string[]; sideInputs?: PCollection<unknown>[] } = {}): Out => {
        checkPrimitiveInputs(spec, node);
        node.primitive = spec;
        node.sideInputs = opts.sideInputs ?? [];
        for (const pc of node.sideInputs) {
          pc.assertPresent(node.fullLabel);
          // A run computes only this pipeline's PCollections: another's would arrive empty.
          if (pc.pipeline !== this) {
            error(`The side input ${pc.label} belongs to another pipeline`, {
              label: node.fullLabel,
              hint: "build the side input in the same pipeline as the main input, or use one Pipeline object for both.",
            });
          }
        }
        const tags = opts.tags ?? ["main"];
        for (const tag of tags) node.outputs.set(tag, new PCollection(this, node, tag));
        if (tags.length === 1 && tags[0] === "main") return node.outputs.get("main") as unknown as Out;
        return Object.fromEntries(node.outputs) as unknown as Out;
      },
      override: (spec: PrimitiveSpec) => {
        node.primitive = spec;
        node.composite = true;
      },
    };
  }

  /** Removes a node and its parts from the graph (labels become free again); returns where it stood. */
  private detach(node: TransformNode): number {
    const siblings = node.parent ? node.parent.children : this.roots;
    const i = siblings.indexOf(node);
    if (i >= 0) siblings.splice(i, 1);
    const drop = (n: TransformNode) => {
      if (this.byLabel.get(n.fullLabel) === n) this.byLabel.delete(n.fullLabel);
      n.children.forEach(drop);
    };
    drop(node);
    return i >= 0 ? i : siblings.length;
  }

  /** Puts a detached node (and its parts) back where it stood. */
  private reattach(node: TransformNode, position: number): void {
    (node.parent ? node.parent.children : this.roots).splice(position, 0, node);
    for (const n of subtree(node)) this.byLabel.set(n.fullLabel, n);
  }

  /**
   * After a re-apply, the new node takes over the old node's PCollection objects so that
   * downstream transforms and notebook variables keep working with the new code.
   */
  private adoptOutputs<O extends PValue>(old: TransformNode, node: TransformNode, out: O): O {
    const kept: PCollection<unknown>[] = [];
    const orphaned: PCollection<unknown>[] = [];
    const mapping = new Map<PCollection<unknown>, PCollection<unknown>>();
    for (const [tag, oldPc] of old.outputs) {
      const fresh = node.outputs.get(tag);
      if (fresh) {
        mapping.set(fresh, oldPc);
        kept.push(oldPc);
      } else orphaned.push(oldPc);
    }
    for (const n of this.allNodes()) {
      n.inputs = n.inputs.map((pc) => mapping.get(pc) ?? pc);
      n.sideInputs = n.sideInputs.map((pc) => mapping.get(pc) ?? pc);
      for (const [tag, pc] of n.outputs) {
        const replacement = mapping.get(pc);
        if (replacement) {
          replacement.producer = n;
          n.outputs.set(tag, replacement);
        }
      }
    }
    // Side inputs inside ParDo specs hold PCollections too.
    for (const n of this.allNodes()) {
      if (n.primitive?.kind === "ParDo") for (const s of n.primitive.sideInputs) s.pcoll = (mapping.get(s.pcoll) ?? s.pcoll) as typeof s.pcoll;
    }
    this.emit({ type: "replaced", old, node, orphaned, kept });
    return remap(out, mapping);
  }

  private emit(change: GraphChange): void {
    for (const l of [...this.listeners]) l(change);
  }

  /**
   * The pipeline as a runner receives it: a portable description named after Beam's Runner
   * API (transforms with URNs, PCollections with coders, the environment), with the source of
   * every DoFn, function and CombineFn. `JSON.stringify(p)` gives the same.
   *
   * @example
   * const submitted = p.toJSON();
   * Object.values(submitted.components.transforms).map((t) => `${t.unique_name}: ${t.spec?.urn ?? "composite"}`);
   */
  toJSON(): PortablePipeline {
    return toPortable(this);
  }

  toString(): string {
    return `Pipeline[${this.name}]`;
  }
}

/** A source reads nothing; every other primitive needs a PCollection to read, else it would run on nothing. */
function checkPrimitiveInputs(spec: PrimitiveSpec, node: TransformNode): void {
  const isSource = spec.kind === "Create" || spec.kind === "Read";
  if (!isSource && node.inputs.length === 0) {
    error(`${node.kind} was applied to the pipeline itself, so it would have no input`, {
      label: node.fullLabel,
      hint: `apply it to a PCollection, e.g. rows.apply(${JSON.stringify(node.label)}, ...); only sources (beam.Create, beam.io.ReadFromText, ...) are applied to the pipeline.`,
    });
  }
  if (isSource && node.inputs.length > 0) {
    error(`${node.kind} is a source, but it was applied to ${node.inputs.length === 1 ? `the PCollection "${node.inputs[0].label}"` : "PCollections"}, which it would ignore`, {
      label: node.fullLabel,
      hint: `apply it to the pipeline: p.apply(${JSON.stringify(node.label)}, ...).`,
    });
  }
}

/** An error thrown while a transform built its part of the graph, naming the transform. */
function expandFailure(e: unknown, label: string, input: PValue): unknown {
  if (isPipelineError(e)) return e;
  return new PipelineError("Building the transform failed", {
    label,
    cause: e,
    hint:
      input instanceof PBegin
        ? "only sources (beam.Create, beam.io.ReadFromText, ...) are applied to the pipeline itself; apply this transform to a PCollection: rows.apply(...)."
        : "see the cause and the line: the transform's code failed while it was being applied.",
  });
}

/** The names of a record of PCollections (a CoGroupByKey's tags); undefined for other inputs. */
function inputTagsOf(input: PValue): string[] | undefined {
  if (!input || input instanceof PCollection || input instanceof PBegin || Array.isArray(input)) return undefined;
  return [...taggedPCollections(input).keys()];
}

function subtree(n: TransformNode): TransformNode[] {
  return [n, ...n.children.flatMap(subtree)];
}

function sameInputs(a: PCollection<unknown>[], b: PCollection<unknown>[]): boolean {
  return a.length === b.length && a.every((pc, i) => pc === b[i]);
}

function safeParams(t: PTransform<any, any>): Record<string, string> {
  try {
    return t.params();
  } catch {
    return {};
  }
}

function remap<O extends PValue>(out: O, mapping: Map<PCollection<unknown>, PCollection<unknown>>): O {
  if (out instanceof PCollection) return (mapping.get(out) ?? out) as O;
  if (Array.isArray(out)) return out.map((pc) => mapping.get(pc) ?? pc) as unknown as O;
  if (out && typeof out === "object" && !(out instanceof PBegin)) {
    return Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k, v instanceof PCollection ? mapping.get(v) ?? v : v]),
    ) as unknown as O;
  }
  return out;
}
