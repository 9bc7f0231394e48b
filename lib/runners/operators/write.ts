/**
 * Write: hands batches to a sink writer; the executor commits or aborts it after the run.
 */
import type { SinkWriter } from "../../io/source-sink";
import type { Operator, OperatorContext } from "../operator";

type Spec = Extract<OperatorContext["exec"]["spec"], { kind: "Write" }>;

export function writeOperator(ctx: OperatorContext): Operator {
  const sink = (ctx.exec.spec as Spec).sink;
  let writer: SinkWriter<unknown, unknown> | null = null;
  const out = ctx.outputs.get("main");
  // The writer exists only after setup; the handle lets the executor commit or abort it either way.
  const handle = {
    commit: () => writer?.commit() ?? Promise.resolve(),
    abort: () => writer?.abort() ?? Promise.resolve(),
    get mayFailOnCommit() {
      return writer?.mayFailOnCommit === true;
    },
  };
  return {
    writer: handle,
    async setup() {
      writer = await sink.open(ctx.io());
    },
    async receive(batch) {
      const t0 = performance.now();
      await writer!.write(batch);
      ctx.stats.millis += performance.now() - t0;
    },
    async activate() {
      const t0 = performance.now();
      const results = await writer!.close();
      ctx.stats.millis += performance.now() - t0;
      if (out && results.length) await out.emit(results);
    },
  };
}
