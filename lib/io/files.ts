/**
 * File helpers shared by the text and CSV IO: glob expansion, line reading and staged
 * shard writing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { globSync } from "tinyglobby";
import { error } from "../errors";

/** Files matching a path or glob, sorted; fails when nothing matches. */
export function matchFiles(pattern: string, label: string): string[] {
  if (!/[*?[\]{}]/.test(pattern)) {
    if (fs.existsSync(pattern) && fs.statSync(pattern).isFile()) return [pattern];
    error(`No file matches ${JSON.stringify(pattern)}`, { label, hint: `check the path; the working directory is ${process.cwd()}.` });
  }
  const abs = path.isAbsolute(pattern);
  const files = globSync(pattern, { absolute: abs, onlyFiles: true, expandDirectories: false, cwd: process.cwd() }).sort();
  if (files.length === 0) error(`No file matches ${JSON.stringify(pattern)}`, { label, hint: `check the pattern; the working directory is ${process.cwd()}.` });
  return files;
}

/** Lines of a file, in chunks, without holding the file in memory. Handles \n and \r\n. */
export async function* readLines(file: string, bundleSize: number, signal?: AbortSignal, range?: { start: number; end: number }): AsyncGenerator<string[]> {
  if (range && range.end <= range.start) return;
  const stream = fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20, ...(range ? { start: range.start, end: range.end - 1 } : {}) });
  let rest = "";
  let batch: string[] = [];
  let first = true;
  for await (const chunk of stream as AsyncIterable<string>) {
    if (signal?.aborted) {
      stream.destroy();
      return;
    }
    let text = rest + chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      batch.push(text.slice(start, end));
      start = nl + 1;
      if (batch.length >= bundleSize) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
  }
  if (rest.length) batch.push(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
  if (batch.length) yield batch;
}

/** Beam's shard file name: prefix + template (S… shard, N… count, zero-padded) + suffix. */
export function shardName(prefix: string, template: string, shard: number, count: number, suffix: string): string {
  const name = template.replace(/S+/g, (m) => String(shard).padStart(m.length, "0")).replace(/N+/g, (m) => String(count).padStart(m.length, "0"));
  return `${prefix}${name}${suffix}`;
}

/**
 * Writes lines into a temporary file beside `finalPath` (so that the rename into place,
 * done by the run's commit, stays on one file system), so a failed run leaves no
 * half-written file.
 */
export class AtomicFile {
  /** The temporary file the lines go to. */
  readonly stagedPath: string;
  private fd: number;
  private buffer: string[] = [];
  private buffered = 0;

  constructor(readonly finalPath: string) {
    fs.mkdirSync(path.dirname(path.resolve(finalPath)), { recursive: true });
    this.stagedPath = path.join(path.dirname(path.resolve(finalPath)), `.${path.basename(finalPath)}.beamlab-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
    this.fd = fs.openSync(this.stagedPath, "w");
  }

  writeLine(line: string): void {
    this.buffer.push(line);
    this.buffered += line.length + 1;
    if (this.buffered > 1 << 20) this.flush();
  }

  private flush(): void {
    if (!this.buffer.length) return;
    fs.writeSync(this.fd, this.buffer.join("\n") + "\n");
    this.buffer = [];
    this.buffered = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  abort(): void {
    try {
      if (this.fd >= 0) fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = -1;
    fs.rmSync(this.stagedPath, { force: true });
  }
}
