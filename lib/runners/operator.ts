/**
 * The operator protocol: how the executor drives one executable node. Operators are
 * registered by primitive kind, so a runner dispatches through the registry rather than
 * on classes, and a new kind needs only a new factory.
 */
import { PipelineError, error } from "../errors";
import type { PipelineOptions } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { PrimitiveKind } from "../pipeline/transform";
import type { IOContext, StagedOutput } from "../io/source-sink";
import type { ExecNode } from "./plan";
import type { NodeLineage } from "../teaching/lineage-run";
import type { RunScope } from "./run-scope";

/** Where an operator sends a batch of one output PCollection. */
export interface OutputPort {
  readonly pcoll: PCollection<unknown>;
  emit(batch: unknown[]): Promise<void>;
}

/** Timing and state the executor keeps per node. */
export interface NodeStats {
  millis: number;
}

/** What an operator is given. */
export interface OperatorContext {
  readonly exec: ExecNode;
  readonly outputs: Map<string, OutputPort>;
  readonly stats: NodeStats;
  readonly bundleSize: number;
  readonly signal: AbortSignal;
  readonly options: Readonly<PipelineOptions>;
  /** The elements of a side input PCollection; complete when the operator is activated. */
  sideValues(pcoll: PCollection<unknown>): unknown[];
  /** Call after emitting a batch from `activate`: ends the bundle in the streaming steps below. */
  endBundle(): Promise<void>;
  /** The IO context for sources and sinks. */
  io(): IOContext;
  /**
   * Where this node records lineage; undefined when the run records none. Operators test it
   * once (when created, or once per batch), never per element, so a run without lineage
   * runs exactly the code it ran before lineage existed.
   */
  readonly lineage: NodeLineage | undefined;
  /** Where user code's logs and metrics go. */
  readonly scope: RunScope;
}

/**
 * One executable node at run time. Streaming operators get `receive` calls batch by
 * batch and take part in bundles; activating ones (sources, GroupByKey, sinks, ParDo with
 * side inputs) run `activate` once everything they read is complete.
 */
export interface Operator {
  setup?(): Promise<void>;
  receive?(batch: unknown[], from: PCollection<unknown>): void | Promise<void>;
  /**
   * For a CombinePerKey: a batch of keys, each paired with `value`, without the pairs having
   * been made (the pairing step is lifted into the combine: `./lifting.ts`).
   */
  receiveKeys?(keys: unknown[], value: unknown): void | Promise<void>;
  /** Ends the current bundle (DoFn.finishBundle); only for streaming operators. */
  endBundle?(): Promise<void>;
  activate?(): Promise<void>;
  teardown?(): Promise<void>;
  /** For sinks: the writer to publish or abort after the run. */
  readonly writer?: SinkHandle;
}

/** A sink's writer as the runner sees it after the run. */
export interface SinkHandle {
  readonly label: string;
  /** What the sink staged, to publish with every other sink (null when it never opened). */
  staged(): StagedOutput | null;
  /** Discards what it staged. Never throws. */
  abort(): Promise<void>;
}

export type OperatorFactory = (ctx: OperatorContext) => Operator;

const registry = new Map<PrimitiveKind, OperatorFactory>();

/** Registers the operator for a primitive kind (last registration wins). */
export function registerOperator(kind: PrimitiveKind, factory: OperatorFactory): void {
  registry.set(kind, factory);
}

/** True when an operator exists for `kind`. */
export function hasOperator(kind: PrimitiveKind): boolean {
  return registry.has(kind);
}

/** The operator for an executable node. */
export function createOperator(ctx: OperatorContext): Operator {
  const factory = registry.get(ctx.exec.spec.kind);
  if (!factory) error(`This runner cannot execute ${ctx.exec.spec.kind}`, { label: ctx.exec.node.fullLabel });
  return factory(ctx);
}

/** The error a cancelled run (a kernel interrupt) rejects with. */
export function cancelledError(): PipelineError {
  return new PipelineError("The pipeline was cancelled", { hint: "run the cell again when you are ready." });
}
