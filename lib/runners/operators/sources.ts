/**
 * Create and Read: the operators that bring elements into a pipeline.
 */
import { PipelineError } from "../../errors";
import type { Operator, OperatorContext } from "../operator";
import { deepFreeze } from "../immutable";

type Spec<K extends string> = Extract<OperatorContext["exec"]["spec"], { kind: K }>;

/**
 * Create's values (its own copy, see `transforms/create.ts`) whose every element an earlier
 * run froze: a run of the same pipeline again need not look at each one to know.
 */
const frozenValues = new WeakSet<readonly unknown[]>();

export function createOperator(ctx: OperatorContext): Operator {
  const values = (ctx.exec.spec as Spec<"Create">).values;
  const out = ctx.outputs.get("main")!;
  const label = ctx.exec.node.fullLabel;
  return {
    async activate() {
      const frozen = frozenValues.has(values);
      for (let i = 0; i < values.length; i += ctx.bundleSize) {
        const batch = values.slice(i, i + ctx.bundleSize);
        if (!frozen) freezeAll(batch, i);
        await out.emit(batch);
        await ctx.endBundle();
      }
      frozenValues.add(values);
    },
  };

  function freezeAll(batch: unknown[], i: number): void {
    for (let j = 0; j < batch.length; j++) {
      try {
        // Elements are shared with the caller's array: freezing keeps a DoFn from changing them.
        deepFreeze(batch[j]);
      } catch (e) {
        throw new PipelineError(`Create could not read element ${i + j + 1} of ${values.length}`, {
          label,
          element: batch[j],
          hasElement: true,
          cause: e,
          hint: "Create takes plain data (strings, numbers, dates, arrays and records of them): build this element from plain values, e.g. { ...x } or a record of its fields, instead of an object with throwing getters or a Proxy.",
        });
      }
    }
  }
}

export function readOperator(ctx: OperatorContext): Operator {
  const source = (ctx.exec.spec as Spec<"Read">).source;
  const out = ctx.outputs.get("main")!;
  return {
    async activate() {
      const it = source.read(ctx.io())[Symbol.asyncIterator]();
      let finished = false;
      try {
        for (;;) {
          const t0 = performance.now();
          const next = await it.next();
          ctx.stats.millis += performance.now() - t0;
          if (next.done) break;
          await out.emit(next.value);
          await ctx.endBundle();
        }
        finished = true;
      } finally {
        // A failure further down or an interrupt stops the reading: return() lets the source
        // close its file or connection (otherwise every failed run in a notebook leaks one).
        if (!finished) await it.return?.().catch(() => undefined);
      }
    },
  };
}
