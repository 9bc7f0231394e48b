/**
 * The byte framing between the Spark side (Python) and beamlab's Node processes: a record
 * is `[u32 length][u32 tag length][tag (UTF-8)][data]`, big-endian; a length of 0 ends a
 * batch. Tags say what the data is (a PCollection's id, a canonical key, `#meta`); the
 * data stays opaque bytes to Python (v8-serialized elements, or JSON).
 */

/** One framed record. */
export interface SparkRecord {
  tag: string;
  data: Buffer;
}

/** The frame of one record. */
export function frame(tag: string, data: Uint8Array): Buffer {
  const t = Buffer.from(tag, "utf8");
  const head = Buffer.alloc(8);
  head.writeUInt32BE(4 + t.length + data.length, 0);
  head.writeUInt32BE(t.length, 4);
  return Buffer.concat([head, t, data]);
}

/** The end of a batch. */
export const END = Buffer.alloc(4);

/** Cuts a byte stream into records and batch ends, whatever the chunks' boundaries. */
export class FrameReader {
  private buf = Buffer.alloc(0);

  constructor(private readonly onRecord: (r: SparkRecord) => void, private readonly onEnd: () => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    while (this.buf.length - at >= 4) {
      const len = this.buf.readUInt32BE(at);
      if (len === 0) {
        at += 4;
        this.onEnd();
        continue;
      }
      if (this.buf.length - at < 4 + len) break;
      const tagLen = this.buf.readUInt32BE(at + 4);
      const tag = this.buf.toString("utf8", at + 8, at + 8 + tagLen);
      const data = this.buf.subarray(at + 8 + tagLen, at + 4 + len);
      this.onRecord({ tag, data });
      at += 4 + len;
    }
    this.buf = this.buf.subarray(at);
  }
}

/** Every record of a file of frames (how partitions travel between the driver processes). */
export function readFramesFile(bytes: Buffer): SparkRecord[] {
  const out: SparkRecord[] = [];
  new FrameReader((r) => out.push({ tag: r.tag, data: Buffer.from(r.data) }), () => undefined).push(bytes);
  return out;
}
