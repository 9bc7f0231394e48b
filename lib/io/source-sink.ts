/**
 * The contracts between IO transforms and runners: a Source yields bundles of elements,
 * a Sink writes them in two phases so a failed run leaves nothing behind: it stages its
 * output while the run goes on, and the runner publishes what every sink of the run staged
 * as one group when the whole pipeline succeeded (see `./commit.ts`).
 */
import type { PipelineOptions } from "../pipeline/pipeline";
import type { DeclaredColumn } from "../pipeline/pvalue";
import type { TableWrite } from "../warehouse/transaction";
import type { FieldSchema } from "./schema";

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

/**
 * A bounded source of elements. A runner that stops reading early (a failure further down,
 * an interrupt) calls the iterator's `return()`, so a source written as an async generator
 * must release what it holds (file handles, connections) in `finally`.
 */
export interface Source<T> {
  /** Yields the elements in bundles (arrays). */
  read(ctx: IOContext): AsyncIterable<T[]>;
  /** Short strings describing the source, for graphs. */
  describe(): Record<string, string>;
  /** The columns of its elements when the source declares them (a schema, a query's result types). */
  schema?(): readonly DeclaredColumn[] | null;
  /**
   * Parts that other threads can read, together the whole source (by file, and by byte
   * range in large files), for a runner with workers; absent when the source cannot split.
   */
  split?(parts: number, ctx: IOContext): PortableIO[];
}

/**
 * A source part or a sink shard another thread can make: `require(module)[factory](args)`,
 * with `args` plain data.
 */
export interface PortableIO {
  readonly module: string;
  readonly factory: string;
  readonly args: unknown;
}

/** Files a sink wrote under temporary names, each to be renamed to its target. */
export interface StagedFiles {
  readonly kind: "files";
  /** The sink's transform label, for errors. */
  readonly label: string;
  readonly files: readonly { readonly staged: string; readonly target: string }[];
}

/** Rows a sink will write into a warehouse table, in the run's transaction on that file. */
export interface StagedTable {
  readonly kind: "table";
  /** The sink's transform label, for errors. */
  readonly label: string;
  /** The warehouse file (an absolute path). */
  readonly warehouse: string;
  readonly write: TableWrite;
}

/** What a sink has staged: published with the other sinks of the run, or discarded. */
export type StagedOutput = StagedFiles | StagedTable;

/** An open sink: receives bundles, then is closed, then published or aborted by the runner. */
export interface SinkWriter<T, R> {
  write(batch: T[]): void | Promise<void>;
  /** Ends writing; returns the elements of the sink's output PCollection (e.g. file names). */
  close(): Promise<R[]>;
  /** What to publish when the whole pipeline succeeded; called after `close`. Changes nothing visible. */
  staged(): StagedOutput;
  /** Removes everything staged; called when the pipeline (or the publication) failed. Must not throw. */
  abort(): Promise<void>;
}

/** A destination for a PCollection. */
export interface Sink<T, R> {
  open(ctx: IOContext): Promise<SinkWriter<T, R>>;
  describe(): Record<string, string>;
  /** The fields every element must fit, when the sink declares them (a table's schema); validation compares them with the input's columns. */
  schema?(): readonly FieldSchema[];
  /**
   * Shard `index` of `count` (one per worker) that another thread can write, or null when
   * this sink must be written in one place (a fixed number of shards, a table).
   */
  shard?(index: number, count: number): PortableIO | null;
}
