/**
 * Flatten: passes every input batch on; it costs nothing but the count.
 */
import type { Operator, OperatorContext } from "../operator";

export function flattenOperator(ctx: OperatorContext): Operator {
  const out = ctx.outputs.get("main")!;
  return {
    receive(batch) {
      return out.emit(batch);
    },
  };
}
