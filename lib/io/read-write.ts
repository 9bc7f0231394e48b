/**
 * The Read and Write primitives that every source and sink is applied through, as
 * Beam's `beam.io.Read(source)` and `beam.io.Write(sink)`.
 */
import type { PBegin, PCollection } from "../pipeline/pvalue";
import { PTransform, type ExpandContext } from "../pipeline/transform";
import type { Sink, Source } from "./source-sink";

/** Reads a source; `name` is the kind graphs show (ReadFromText, ReadFromSQL, ...). */
export class Read<T> extends PTransform<PBegin, PCollection<T>> {
  constructor(readonly name: string, private readonly source: Source<unknown>) {
    super();
  }
  expand(_: PBegin, ctx: ExpandContext): PCollection<T> {
    return ctx.primitive({ kind: "Read", source: this.source });
  }
  params() {
    return this.source.describe();
  }
}

/** Writes to a sink; the output PCollection holds what the sink reports (file or table names). */
export class Write<T, R> extends PTransform<PCollection<T>, PCollection<R>> {
  constructor(readonly name: string, private readonly sink: Sink<unknown, unknown>) {
    super();
  }
  expand(_: PCollection<T>, ctx: ExpandContext): PCollection<R> {
    return ctx.primitive({ kind: "Write", sink: this.sink });
  }
  params() {
    return this.sink.describe();
  }
}
