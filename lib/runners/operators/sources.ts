/**
 * Create and Read: the operators that bring elements into a pipeline.
 */
import type { Operator, OperatorContext } from "../operator";
import { deepFreeze } from "../immutable";

type Spec<K extends string> = Extract<OperatorContext["exec"]["spec"], { kind: K }>;

export function createOperator(ctx: OperatorContext): Operator {
  const values = (ctx.exec.spec as Spec<"Create">).values;
  const out = ctx.outputs.get("main")!;
  return {
    async activate() {
      for (let i = 0; i < values.length; i += ctx.bundleSize) {
        // Elements are shared with the caller's array: freezing keeps a DoFn from changing them.
        const batch = values.slice(i, i + ctx.bundleSize).map(deepFreeze);
        await out.emit(batch);
        await ctx.endBundle();
      }
    },
  };
}

export function readOperator(ctx: OperatorContext): Operator {
  const source = (ctx.exec.spec as Spec<"Read">).source;
  const out = ctx.outputs.get("main")!;
  return {
    async activate() {
      const it = source.read(ctx.io())[Symbol.asyncIterator]();
      for (;;) {
        const t0 = performance.now();
        const next = await it.next();
        ctx.stats.millis += performance.now() - t0;
        if (next.done) break;
        await out.emit(next.value);
        await ctx.endBundle();
      }
    },
  };
}
