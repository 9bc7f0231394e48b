/**
 * The contracts between IO transforms and runners: a Source yields bundles of elements,
 * a Sink writes them in two phases so a failed run leaves nothing behind.
 */
import type { PipelineOptions } from "../pipeline/pipeline";
import type { DeclaredColumn } from "../pipeline/pvalue";

/** What a runner hands to sources and sinks. */
export interface IOContext {
  /** The options of the pipeline being run (warehouse path, ...). */
  readonly options: Readonly<PipelineOptions>;
  /** Elements per bundle the runner would like. */
  readonly bundleSize: number;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** Full label of the transform, for errors. */
  readonly label: string;
}

/** A bounded source of elements. */
export interface Source<T> {
  /** Yields the elements in bundles (arrays). */
  read(ctx: IOContext): AsyncIterable<T[]>;
  /** Short strings describing the source, for graphs. */
  describe(): Record<string, string>;
  /** The columns of its elements when the source declares them (a schema, a query's result types). */
  schema?(): readonly DeclaredColumn[] | null;
}

/** An open sink: receives bundles, then is closed, then committed or aborted by the runner. */
export interface SinkWriter<T, R> {
  write(batch: T[]): void | Promise<void>;
  /** Ends writing; returns the elements of the sink's output PCollection (e.g. file names). */
  close(): Promise<R[]>;
  /** Makes the output visible; called only when the whole pipeline succeeded. */
  commit(): Promise<void>;
  /** Removes everything written; called when the pipeline failed. Must not throw. */
  abort(): Promise<void>;
  /**
   * True when commit can fail for reasons outside the run (e.g. a table that is not empty);
   * such writers are committed before the others, so that their failure leaves nothing behind.
   */
  readonly mayFailOnCommit?: boolean;
}

/** A destination for a PCollection. */
export interface Sink<T, R> {
  open(ctx: IOContext): Promise<SinkWriter<T, R>>;
  describe(): Record<string, string>;
}
