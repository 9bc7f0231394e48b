/**
 * Every failure of a step names the step. Operators name their own failures where they
 * know the element (a DoFn's, a key's, a sink's); this wrapper is the net under them, so
 * that anything else an operator throws (a source's raw error, an internal TypeError)
 * still says which transform failed instead of "The pipeline failed".
 */
import { stepFailure } from "../errors";
import type { TransformNode } from "../pipeline/transform";
import { isPromise } from "../transforms/dofn";
import type { Operator } from "./operator";

const HINT =
  "the cause says what went wrong, usually an element this step cannot handle or one of its options: " +
  "fix the step before it (or this step's options) and run again.";

/** `op` with each of its methods turning a failure into a PipelineError that names `node`. */
export function labelled(op: Operator, node: TransformNode, signal: AbortSignal): Operator {
  const fail = (e: unknown): never => {
    // A cancelled run stops with the cancellation, which is no step's failure.
    if (signal.aborted) throw e;
    throw stepFailure(e, { label: node.fullLabel, message: `${node.kind} failed`, hint: HINT });
  };
  const guard = <A extends unknown[], R>(method: ((...args: A) => R) | undefined): ((...args: A) => R) | undefined =>
    method &&
    ((...args: A): R => {
      try {
        const r = method.apply(op, args);
        return (isPromise(r) ? r.catch(fail) : r) as R;
      } catch (e) {
        return fail(e);
      }
    });
  return {
    setup: guard(op.setup),
    receive: guard(op.receive),
    receiveKeys: guard(op.receiveKeys),
    endBundle: guard(op.endBundle),
    activate: guard(op.activate),
    teardown: op.teardown && (() => op.teardown!()),
    writer: op.writer,
  };
}
