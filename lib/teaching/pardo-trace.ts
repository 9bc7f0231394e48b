/**
 * Lineage of a ParDo batch: which input element each output came from. The operator marks
 * how far each output list has grown after every input element (or says the batch was one
 * to one, as a Map's is), and commits the batch just before emitting it.
 */
import type { NodeLineage } from "./lineage-run";

export class ParDoTrace {
  /** Index in the input PCollection of the current batch's first element. */
  private base = 0;
  private readonly ends: number[] = [];
  private readonly tags: string[];
  private readonly tagEnds: number[][];
  private oneToOne = false;
  private sideRanges: [number, number, number][] = [];

  /** @param tags the ParDo's tagged outputs (not "main") */
  constructor(private readonly node: NodeLineage, tags: readonly string[]) {
    this.tags = [...tags];
    this.tagEnds = this.tags.map(() => []);
  }

  /** After one input element: the length of each output list so far. */
  mark(out: readonly unknown[], byTag: ReadonlyMap<string, readonly unknown[]> | null): void {
    this.ends.push(out.length);
    if (byTag !== null) for (let t = 0; t < this.tags.length; t++) this.tagEnds[t].push(byTag.get(this.tags[t])?.length ?? 0);
  }

  /** The batch was one to one (a Map): output i came from input i. */
  markOneToOne(): void {
    this.oneToOne = true;
  }

  /** The side inputs' sizes, once they are complete. */
  sideInputs(sizes: readonly number[]): void {
    this.sideRanges = sizes.map((n, s) => [this.node.firstSideSlot + s, 0, n]);
  }

  /** Records where each output of a batch of `batchLength` inputs came from; call before emitting. */
  commit(batchLength: number, out: readonly unknown[], byTag: ReadonlyMap<string, readonly unknown[]> | null): void {
    const main = this.node.output("main");
    if (this.node.fromSideInputs) {
      for (let j = 0; j < out.length; j++) main.addFromRanges(this.sideRanges);
      for (const t of this.tags) for (let j = 0; j < (byTag?.get(t)?.length ?? 0); j++) this.node.output(t).addFromRanges(this.sideRanges);
    } else if (this.oneToOne) main.addRange(0, this.base, out.length);
    else {
      this.record(main, this.ends);
      this.tags.forEach((t, k) => this.record(this.node.output(t), this.tagEnds[k]));
    }
    this.base += batchLength;
    this.oneToOne = false;
    this.ends.length = 0;
    for (const e of this.tagEnds) e.length = 0;
  }

  /** Outputs that came from no input element (emitted by finishBundle). */
  orphans(out: readonly unknown[], byTag: ReadonlyMap<string, readonly unknown[]> | null): void {
    this.node.output("main").addEach(0, -1, out.length);
    for (const t of this.tags) this.node.output(t).addEach(0, -1, byTag?.get(t)?.length ?? 0);
  }

  private record(rec: ReturnType<NodeLineage["output"]>, ends: readonly number[]): void {
    let prev = 0;
    for (let i = 0; i < ends.length; i++) {
      const n = ends[i] - prev;
      if (n > 0) rec.addEach(0, this.base + i, n);
      prev = ends[i];
    }
  }
}
