/**
 * Lineage of a Flatten: each output is one element of one of its inputs. Batches of an
 * input arrive in order, so a counter per input gives each element's index in it.
 */
import type { NodeLineage } from "./lineage-run";

export class FlattenTrace {
  private readonly next: number[];
  /** For `Flatten.of([a, a])`: each batch of `a` arrives once per slot, slot after slot. */
  private readonly turn = new Map<string, number>();

  constructor(private readonly node: NodeLineage) {
    this.next = node.exec.inputs.map(() => 0);
  }

  /** A batch of `n` elements from the input PCollection `pcollection`, about to be emitted. */
  batch(pcollection: string, n: number): void {
    const slots = this.node.slotsOf(pcollection);
    const k = this.turn.get(pcollection) ?? 0;
    this.turn.set(pcollection, (k + 1) % slots.length);
    const slot = slots[k];
    this.node.output("main").addRange(slot, this.next[slot], n);
    this.next[slot] += n;
  }
}
