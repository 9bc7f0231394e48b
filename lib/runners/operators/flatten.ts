/**
 * Flatten: passes every input batch on; it costs nothing but the count. A run that records
 * lineage notes which input (and which of its elements) each batch came from.
 */
import { FlattenTrace } from "../../teaching/flatten-trace";
import type { Operator, OperatorContext } from "../operator";

export function flattenOperator(ctx: OperatorContext): Operator {
  const out = ctx.outputs.get("main")!;
  if (ctx.lineage !== undefined) {
    const trace = new FlattenTrace(ctx.lineage);
    return {
      receive(batch, from) {
        trace.batch(from.id, batch.length);
        return out.emit(batch);
      },
    };
  }
  return {
    receive(batch) {
      return out.emit(batch);
    },
  };
}
