/**
 * ReadFromText and WriteToText.
 */
import * as fs from "node:fs";
import { error, PipelineError } from "../errors";
import type { PBegin, PCollection } from "../pipeline/pvalue";
import type { PTransform } from "../pipeline/transform";
import { AtomicFile, matchFiles, readLines, shardName } from "./files";
import { Read, Write } from "./read-write";
import type { IOContext, PortableIO, Sink, SinkWriter, Source } from "./source-sink";
import { byteRanges, MIN_SPLIT_BYTES } from "./byte-ranges";

class TextSource implements Source<string> {
  constructor(private readonly pattern: string, private readonly range: { start: number; end: number } | null = null) {}
  async *read(ctx: IOContext): AsyncIterable<string[]> {
    if (this.range) yield* readLines(this.pattern, ctx.bundleSize, ctx.signal, this.range);
    else for (const file of matchFiles(this.pattern, ctx.label)) yield* readLines(file, ctx.bundleSize, ctx.signal);
  }
  /** Every file whole, and files of a megabyte or more in byte ranges cut at line starts. */
  split(parts: number, ctx: IOContext): PortableIO[] {
    const out: PortableIO[] = [];
    for (const file of matchFiles(this.pattern, ctx.label)) {
      const ranges = parts < 2 || fs.statSync(file).size < MIN_SPLIT_BYTES ? [null] : byteRanges(file, parts, { csv: false, skipFirstLine: false });
      for (const r of ranges) out.push({ module: __filename, factory: "textPartSource", args: { file, range: r && { start: r.start, end: r.end } } });
    }
    return out;
  }
  describe() {
    return { pattern: this.pattern };
  }
}

/** @internal A worker's part of a text source (see `TextSource.split`). */
export function textPartSource(part: { file: string; range: { start: number; end: number } | null }): Source<string> {
  return new TextSource(part.file, part.range);
}

/**
 * The lines of the files matching `pattern` (a path or a glob such as `data/*.txt`), without
 * their line endings.
 *
 * @example
 * const lines = p.apply("Read", beam.io.ReadFromText("datasets/college/staging/*.csv"));
 */
export function ReadFromText(pattern: string): PTransform<PBegin, PCollection<string>> {
  if (typeof pattern !== "string" || !pattern) error("ReadFromText needs a file path or glob pattern", { hint: 'write beam.io.ReadFromText("data/input.txt").' });
  return new Read<string>("ReadFromText", new TextSource(pattern));
}

/** Options of WriteToText, as in Beam. */
export interface WriteToTextOptions {
  /** Number of output files (default 1; on the local runner, default one per worker). */
  numShards?: number;
  /** Beam's template between prefix and suffix (default "-SSSSS-of-NNNNN"; "" for one plain file). */
  shardNameTemplate?: string;
  /** Appended to every file name, e.g. ".txt". */
  fileNameSuffix?: string;
}

/** How an element is written as a line: strings as they are, everything else as JSON. */
export function formatLine(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (value === undefined) return "undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** How a text sink names its files; `shard` set when it writes one shard of several (a worker's). */
interface TextSinkOptions extends Required<WriteToTextOptions> {
  /** True when the user chose numShards (so a runner with workers keeps it). */
  shardsGiven: boolean;
  shard?: { index: number; count: number };
}

class TextSink implements Sink<unknown, string> {
  constructor(private readonly prefix: string, private readonly opts: TextSinkOptions) {}
  /** One shard per worker, unless numShards was given or the template names one plain file. */
  shard(index: number, count: number): PortableIO | null {
    if (this.opts.shardsGiven || this.opts.shardNameTemplate === "") return null;
    return { module: __filename, factory: "textShardSink", args: { prefix: this.prefix, opts: { ...this.opts, shard: { index, count } } } };
  }
  async open(ctx: IOContext): Promise<SinkWriter<unknown, string>> {
    const shard = this.opts.shard;
    const n = shard ? 1 : this.opts.shardNameTemplate === "" ? 1 : this.opts.numShards;
    const files: AtomicFile[] = [];
    for (let i = 0; i < n; i++) {
      const name = shard
        ? shardName(this.prefix, this.opts.shardNameTemplate, shard.index, shard.count, this.opts.fileNameSuffix)
        : shardName(this.prefix, this.opts.shardNameTemplate, i, n, this.opts.fileNameSuffix);
      try {
        files.push(new AtomicFile(name));
      } catch (e) {
        // The shards opened so far would stay open and on disk.
        files.forEach((f) => f.abort());
        throw new PipelineError(`Cannot write ${name}`, { label: ctx.label, cause: e, hint: "check that its folder can be created and written to." });
      }
    }
    let next = 0;
    return {
      write(batch) {
        for (let i = 0; i < batch.length; i++) {
          files[next].writeLine(formatLine(batch[i]));
          if (n > 1) next = (next + 1) % n;
        }
      },
      async close() {
        files.forEach((f) => f.close());
        return files.map((f) => f.finalPath);
      },
      staged() {
        return { kind: "files", label: ctx.label, files: files.map((f) => ({ staged: f.stagedPath, target: f.finalPath })) };
      },
      async abort() {
        files.forEach((f) => f.abort());
      },
    };
  }
  describe() {
    return { prefix: this.prefix, shards: String(this.opts.numShards) };
  }
}

/** @internal A worker's shard of a text sink (see `TextSink.shard`). */
export function textShardSink(a: { prefix: string; opts: TextSinkOptions }): Sink<unknown, string> {
  return new TextSink(a.prefix, a.opts);
}

/**
 * Writes each element as a line to Beam-style shard files (`prefix-00000-of-00001`),
 * strings as they are and records as JSON. Files appear only when the whole pipeline
 * succeeds. The output PCollection holds the file names.
 *
 * @example
 * out.apply("Write", beam.io.WriteToText("out/multiplied.txt"));   // out/multiplied.txt-00000-of-00001
 */
export function WriteToText(prefix: string, opts: WriteToTextOptions = {}): PTransform<PCollection<any>, PCollection<string>> {
  if (typeof prefix !== "string" || !prefix) error("WriteToText needs an output path prefix", { hint: 'write beam.io.WriteToText("out/result.txt").' });
  const numShards = opts.numShards ?? 1;
  if (!Number.isInteger(numShards) || numShards < 1) error(`numShards must be a positive integer, got ${opts.numShards}`, { hint: "use numShards: 1 for a single file." });
  if (fs.existsSync(prefix) && fs.statSync(prefix).isDirectory()) error(`${prefix} is a directory`, { hint: 'give a file prefix inside it, e.g. "out/result.txt".' });
  return new Write<any, string>(
    "WriteToText",
    new TextSink(prefix, { numShards, shardsGiven: opts.numShards !== undefined, shardNameTemplate: opts.shardNameTemplate ?? "-SSSSS-of-NNNNN", fileNameSuffix: opts.fileNameSuffix ?? "" }),
  );
}
