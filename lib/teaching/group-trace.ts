/**
 * Lineage of a GroupByKey or a lifted CombinePerKey: which inputs went into each key's
 * output. Each input notes its group's number (4 bytes); once all input is in, one counting
 * sort turns that into each output's list of inputs, in the order the outputs are emitted.
 */
import { IntList } from "./int-list";
import type { PCollectionLineage } from "./lineage-record";

export class GroupTrace {
  private groupOf: IntList | null = new IntList(1024);
  private inputs = 0;
  private groups = 0;

  constructor(private readonly rec: PCollectionLineage) {}

  /** A number for a new key's group. */
  newGroup(): number {
    return this.groups++;
  }

  /** The next input went into group `group`. */
  input(group: number): void {
    this.inputs++;
    if (this.groupOf === null) return;
    // Past the limit the output's lineage is off anyway: stop holding memory for it.
    if (this.inputs > this.rec.limit) this.groupOf = null;
    else this.groupOf.push(group);
  }

  /** Records every output's inputs; `order` gives the groups in the order their outputs will be emitted. */
  commit(order: Iterable<number>): void {
    const pos = new Int32Array(this.groups);
    let n = 0;
    for (const g of order) pos[g] = n++;
    const groupOf = this.groupOf;
    this.groupOf = null;
    if (groupOf === null || n > this.rec.limit) return this.rec.skip(n, this.inputs);
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < groupOf.length; i++) offsets[pos[groupOf.get(i)] + 1]++;
    for (let j = 0; j < n; j++) offsets[j + 1] += offsets[j];
    const cursor = offsets.slice(0, n);
    const index = new Int32Array(groupOf.length);
    for (let i = 0; i < groupOf.length; i++) index[cursor[pos[groupOf.get(i)]]++] = i;
    this.rec.addGroups(offsets, index);
  }
}
