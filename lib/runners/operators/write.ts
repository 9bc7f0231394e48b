/**
 * Write: hands batches to a sink writer; after the run, the runner publishes what every
 * writer staged as one group, or aborts them all.
 */
import type { SinkWriter } from "../../io/source-sink";
import type { Operator, OperatorContext, SinkHandle } from "../operator";
import { writeFailure } from "./write-failure";

type Spec = Extract<OperatorContext["exec"]["spec"], { kind: "Write" }>;

export function writeOperator(ctx: OperatorContext): Operator {
  const sink = (ctx.exec.spec as Spec).sink;
  let writer: SinkWriter<unknown, unknown> | null = null;
  const out = ctx.outputs.get("main");
  // The writer exists only after setup; the handle lets the runner publish or abort it either way.
  const handle: SinkHandle = {
    label: ctx.exec.node.fullLabel,
    staged: () => writer?.staged() ?? null,
    abort: () => writer?.abort() ?? Promise.resolve(),
  };
  return {
    writer: handle,
    async setup() {
      writer = await sink.open(ctx.io());
    },
    async receive(batch) {
      const t0 = performance.now();
      try {
        await writer!.write(batch);
      } catch (e) {
        throw writeFailure(ctx.exec.node.fullLabel, ctx.exec.node.kind, batch, e);
      }
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
