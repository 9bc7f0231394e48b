/**
 * Where a large file can be cut into parts that workers read on their own: at the start of
 * a line, and for CSV only outside a quoted field (a quoted field may hold a newline).
 */
import * as fs from "node:fs";

/** A part of a file: bytes `[start, end)`, starting `lineOffset` lines into the file. */
export interface ByteRange {
  start: number;
  end: number;
  lineOffset: number;
}

/** Files smaller than this are read whole: splitting them costs more than it saves. */
export const MIN_SPLIT_BYTES = 1 << 20;

const NL = 10;
const QUOTE = 34;

/**
 * About `parts` ranges of equal size, each starting at a line (after the header line when
 * `skipFirstLine`). With `csv`, a cut inside a quoted field moves to the next line ending
 * outside quotes; the file is scanned once for that.
 */
export function byteRanges(file: string, parts: number, opts: { csv: boolean; skipFirstLine: boolean }): ByteRange[] {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, "r");
  try {
    const cuts: { at: number; line: number }[] = [];
    const chunk = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let line = 0;
    let quoted = false;
    let first = opts.skipFirstLine;
    let start = -1;
    let next = 0;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, pos);
      if (n === 0) break;
      for (let i = 0; i < n; i++) {
        const c = chunk[i];
        if (opts.csv && c === QUOTE) quoted = !quoted;
        else if (c === NL && !quoted) {
          line++;
          const at = pos + i + 1;
          if (first) {
            first = false;
            start = at;
            cuts.push({ at, line });
            next = at + Math.ceil((size - at) / parts);
            continue;
          }
          if (start < 0) {
            start = 0;
            cuts.push({ at: 0, line: 0 });
            next = Math.ceil(size / parts);
          }
          if (at >= next && at < size) {
            cuts.push({ at, line });
            next = at + Math.ceil((size - start) / parts);
          }
        }
      }
      pos += n;
      // Text needs no quote state: jump to the next cut instead of scanning every byte.
      if (!opts.csv && start >= 0 && next > pos && next < size) pos = Math.max(pos, next - 1);
    }
    if (start < 0) cuts.push({ at: opts.skipFirstLine ? size : 0, line: 0 });
    const ranges: ByteRange[] = [];
    for (let i = 0; i < cuts.length; i++) {
      const end = i + 1 < cuts.length ? cuts[i + 1].at : size;
      if (end > cuts[i].at || ranges.length === 0) ranges.push({ start: cuts[i].at, end, lineOffset: cuts[i].line });
    }
    return ranges;
  } finally {
    fs.closeSync(fd);
  }
}
