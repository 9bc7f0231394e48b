/**
 * How a process that runs a share of a stage (a local-runner worker thread, a Spark
 * executor's Node process) rebuilds the stage's nodes from their messages, and how it
 * reports a failure across the process boundary. One definition for every runner that
 * moves code.
 */
import { isPipelineError } from "../../errors";
import type { PortableIO, Sink, Source } from "../../io/source-sink";
import type { PCollection } from "../../pipeline/pvalue";
import type { PrimitiveSpec, TransformNode } from "../../pipeline/transform";
import { SideInput } from "../../transforms/side-inputs";
import type { ExecNode } from "../plan";
import type { LogLine } from "../run-scope";
import type { WorkerFailure, WorkerNode } from "./protocol";
import type { Reviver } from "./revive";

const pc = (id: string) => ({ id }) as PCollection<unknown>;

function buildSpec(n: WorkerNode, reviver: Reviver): PrimitiveSpec {
  const s = n.spec;
  switch (s.kind) {
    case "ParDo":
      return {
        kind: "ParDo",
        fn: reviver.revive(s.fn) as never,
        tags: s.tags,
        sideInputs: s.sides.map((side) => new SideInput(side.kind, pc(`${side.pcoll}#side`), side.defaultValue)),
      };
    case "Flatten":
      return { kind: "Flatten" };
    case "Read":
      return { kind: "Read", source: concatSources(s.parts.map((p) => portable<Source<unknown>>(p))) };
    case "Write":
      return { kind: "Write", sink: portable<Sink<unknown, unknown>>(s.shard) };
  }
}

function portable<T>(p: PortableIO): T {
  return (require(p.module) as Record<string, (a: unknown) => T>)[p.factory](p.args);
}

/** This share's parts of a source, read one after the other. */
function concatSources(parts: Source<unknown>[]): Source<unknown> {
  return {
    async *read(ctx) {
      for (const part of parts) yield* part.read(ctx);
    },
    describe: () => ({}),
  };
}

/** A node as the executor runs it; side inputs are read from `<id>#side`. */
export function toExec(n: WorkerNode, reviver: Reviver): ExecNode {
  const node = { id: n.id, label: n.label, fullLabel: n.label, kind: n.kind, children: [], parent: null, params: {} } as unknown as TransformNode;
  return {
    node,
    spec: buildSpec(n, reviver),
    inputs: n.inputs.map(pc),
    sideInputs: n.sideInputs.map((id) => pc(`${id}#side`)),
    outputs: new Map(n.outputs.map(([tag, id]) => [tag, pc(id)])),
  };
}

/** A failure as plain data (a PipelineError's parts), to cross a thread or process boundary. */
export function failureOf(e: unknown, cancelled: boolean): WorkerFailure {
  if (isPipelineError(e)) {
    const c = e.cause;
    return {
      headline: e.headline,
      label: e.label,
      element: e.element,
      hint: e.hint,
      cause: c instanceof Error ? { name: c.name, message: c.message, stack: c.stack } : c === undefined || c === null ? null : { name: "Error", message: String(c) },
      logs: [...e.logs] as LogLine[],
      cancelled,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return { headline: "The worker failed", label: null, element: null, hint: null, cause: { name: err.name, message: err.message, stack: err.stack }, logs: [], cancelled };
}
