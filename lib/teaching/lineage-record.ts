/**
 * What lineage records: for every element of a computed PCollection, the elements of its
 * producer's inputs it came from, as (input slot, element index) pairs. Slots number the
 * producer's main inputs, then its side inputs; an index is the element's position in that
 * input PCollection (the interactive runner caches PCollections as arrays in that order).
 *
 * Most steps are one to one (Map, most ParDos, a single-input Flatten): while every output j
 * comes from element j of slot 0 nothing is stored at all. A step that drops or fans out
 * elements (Filter, FlatMap) stores one index per output, and a step that brings elements
 * together (GroupByKey, Combine) stores each output's sources as ranges of one index list.
 */
import { IntList } from "./int-list";

/** Why a PCollection has no lineage although lineage is on. */
export interface LineageOff {
  readonly reason: "over-limit";
  /** Its element count (so far, when it was cut off during the run). */
  readonly elements: number;
  /** Source indexes it would have kept. */
  readonly sources: number;
  /** The limit it went over: the pipeline's `lineage.maxElements`. */
  readonly limit: number;
}

/** Identity: output j came from element j of slot 0; single: one source per output; multi: ranges. */
type Mode = "identity" | "single" | "multi";

/** Where each element of one PCollection came from; built while it is computed, read afterwards. */
export class PCollectionLineage {
  private mode: Mode = "identity";
  private count = 0;
  /** single: the source of output j (-1: none); multi: every source, output by output. */
  private index: IntList | null = null;
  /** The slot of each entry of `index`; null while every source is in slot 0. */
  private slots: IntList | null = null;
  /** multi: output j's sources are entries offsets[j] .. offsets[j + 1] - 1. */
  private offsets: IntList | null = null;
  private over = false;
  private storedWhenOver = 0;

  /**
   * @param pcollection id of the PCollection
   * @param inputs ids of the producer's inputs by slot (main inputs, then side inputs)
   * @param source true for Create / Read: element i is row i, nothing comes before it
   * @param limit most elements (and most stored sources) before lineage is off for it
   * @param elementWiseStep its producer makes each output from at most one input element (ParDo, Flatten)
   */
  constructor(
    readonly pcollection: string,
    readonly inputs: readonly string[],
    readonly source: boolean,
    readonly limit: number,
    private readonly elementWiseStep = false,
  ) {}

  /** Elements recorded. */
  get size(): number {
    return this.count;
  }

  /** Why there is no lineage for this PCollection, or null when there is. */
  get off(): LineageOff | null {
    return this.over ? { reason: "over-limit", elements: this.count, sources: this.storedWhenOver, limit: this.limit } : null;
  }

  /** Bytes of index storage held (the memory cost of lineage). */
  get bytes(): number {
    return (this.index?.bytes ?? 0) + (this.slots?.bytes ?? 0) + (this.offsets?.bytes ?? 0);
  }

  // ------------------------------------------------------------------ building

  /** `n` outputs that each came from element `index` of `slot` (-1: from no element, e.g. finishBundle). */
  addEach(slot: number, index: number, n = 1): void {
    if (n <= 0) return;
    if (this.over) return this.countOver(n, index >= 0 ? n : 0);
    if (this.mode === "identity") {
      if (n === 1 && slot === 0 && index === this.count) {
        this.count++;
        return this.check();
      }
      this.toSingle();
    }
    if (this.mode === "single") {
      this.index!.pushRepeated(index, n);
      this.pushSlots(slot, n);
    } else {
      for (let k = 0; k < n; k++) {
        if (index >= 0) {
          this.index!.push(index);
          if (this.slots || slot !== 0) this.pushSlots(slot, 1);
        }
        this.offsets!.push(this.index!.length);
      }
    }
    this.count += n;
    this.check();
  }

  /** `n` outputs from consecutive elements `start`, `start + 1`, ... of `slot` (a Map batch, a Flatten batch). */
  addRange(slot: number, start: number, n: number): void {
    if (n <= 0) return;
    if (this.over) return this.countOver(n, n);
    if (this.mode === "identity") {
      if (slot === 0 && start === this.count) {
        this.count += n;
        return this.check();
      }
      this.toSingle();
    }
    this.index!.pushRange(start, n);
    if (this.mode === "single") this.pushSlots(slot, n);
    else {
      if (this.slots || slot !== 0) this.pushSlots(slot, n);
      const end = this.index!.length;
      for (let k = n - 1; k >= 0; k--) this.offsets!.push(end - k);
    }
    this.count += n;
    this.check();
  }

  /**
   * One output per group, in order: output j came from the slot-0 elements
   * `index[offsets[j]] .. index[offsets[j + 1] - 1]` (GroupByKey, Combine).
   */
  addGroups(offsets: Int32Array, index: Int32Array): void {
    const n = offsets.length - 1;
    if (n <= 0) return;
    if (this.over) return this.countOver(n, index.length);
    if (this.count + n > this.limit || this.storedMulti() + index.length > this.limit) {
      this.goOver();
      return this.countOver(n, index.length);
    }
    this.toMulti();
    const base = this.index!.length;
    for (let i = 0; i < index.length; i++) this.index!.push(index[i]);
    if (this.slots) this.slots.pushRepeated(0, index.length);
    for (let j = 1; j <= n; j++) this.offsets!.push(base + offsets[j]);
    this.count += n;
  }

  /** One output that came from whole ranges of several inputs (`[slot, start, n]` each): a combine's default from its side input. */
  addFromRanges(ranges: readonly (readonly [number, number, number])[]): void {
    const total = ranges.reduce((a, r) => a + r[2], 0);
    if (this.over) return this.countOver(1, total);
    this.toMulti();
    for (const [slot, start, n] of ranges) {
      this.index!.pushRange(start, n);
      if (this.slots || slot !== 0) this.pushSlots(slot, n);
    }
    this.offsets!.push(this.index!.length);
    this.count++;
    this.check();
  }

  /** Records `n` outputs (with `sources` sources in all) without keeping them: lineage is off for this PCollection from now on. */
  skip(n: number, sources: number): void {
    if (!this.over) this.goOver();
    this.countOver(n, sources);
  }

  /** For a source: how many rows it has (element i is row i, so nothing else is kept). */
  sourceRows(n: number): void {
    if (this.source) this.count = n;
  }

  /** Ends recording: gives back spare capacity. */
  finish(): void {
    this.index?.trim();
    this.slots?.trim();
    this.offsets?.trim();
  }

  private toSingle(): void {
    this.mode = "single";
    this.index = new IntList(Math.max(64, this.count * 2));
    this.index.pushRange(0, this.count);
  }

  private toMulti(): void {
    if (this.mode === "multi") return;
    const n = this.count;
    const offsets = new IntList(n + 64);
    offsets.push(0);
    if (this.mode === "identity") {
      this.index = new IntList(Math.max(64, n));
      this.index.pushRange(0, n);
      for (let j = 1; j <= n; j++) offsets.push(j);
    } else {
      // A "none" (-1) becomes an empty range.
      const index = new IntList(Math.max(64, n));
      const slots = this.slots ? new IntList(Math.max(64, n)) : null;
      for (let j = 0; j < n; j++) {
        const i = this.index!.get(j);
        if (i >= 0) {
          index.push(i);
          slots?.push(this.slots!.get(j));
        }
        offsets.push(index.length);
      }
      this.index = index;
      this.slots = slots;
    }
    this.offsets = offsets;
    this.mode = "multi";
  }

  private pushSlots(slot: number, n: number): void {
    if (!this.slots) {
      if (slot === 0) return;
      // Every entry so far was in slot 0.
      this.slots = new IntList(Math.max(64, this.index!.length * 2));
      this.slots.pushRepeated(0, this.index!.length - n);
    }
    this.slots.pushRepeated(slot, n);
  }

  private storedMulti(): number {
    return this.mode === "multi" ? this.index!.length : this.count;
  }

  private check(): void {
    if (this.count > this.limit || (this.mode === "multi" && this.index!.length > this.limit)) this.goOver();
  }

  private goOver(): void {
    this.storedWhenOver = this.storedMulti();
    this.over = true;
    this.index = this.slots = this.offsets = null;
  }

  private countOver(n: number, sources: number): void {
    this.count += n;
    this.storedWhenOver += sources;
  }

  // ------------------------------------------------------------------ reading

  /** Calls `f(slot, index)` for every source of output `j`; false when lineage is off for it. */
  forEachSource(j: number, f: (slot: number, index: number) => void): boolean {
    if (this.over || this.source) return !this.over;
    if (j < 0 || j >= this.count) return true;
    if (this.mode === "identity") f(0, j);
    else if (this.mode === "single") {
      const i = this.index!.get(j);
      if (i >= 0) f(this.slots ? this.slots.get(j) : 0, i);
    } else {
      const end = this.offsets!.get(j + 1);
      for (let k = this.offsets!.get(j); k < end; k++) f(this.slots ? this.slots.get(k) : 0, this.index!.get(k));
    }
    return true;
  }

  /** The sources of output `j`, as `[slot, index]` pairs. */
  sourcesOf(j: number): [number, number][] {
    const out: [number, number][] = [];
    this.forEachSource(j, (s, i) => out.push([s, i]));
    return out;
  }

  /**
   * True when it was made element by element (a ParDo or a Flatten): each output from at
   * most one input element. Decided by the step, not by the data, so a GroupByKey whose
   * groups happen to hold one element each is still not element-wise.
   */
  get elementWise(): boolean {
    return this.elementWiseStep && !this.over;
  }

  /**
   * Every output with a source in `slot` for which `has(index)` holds, ascending: what the
   * given input elements led to.
   */
  outputsFrom(slot: number, has: (index: number) => boolean): number[] {
    const out: number[] = [];
    if (this.over || this.source) return out;
    if (this.mode === "identity") {
      if (slot !== 0) return out;
      for (let j = 0; j < this.count; j++) if (has(j)) out.push(j);
      return out;
    }
    for (let j = 0; j < this.count; j++) {
      let hit = false;
      this.forEachSource(j, (s, i) => {
        if (!hit && s === slot && has(i)) hit = true;
      });
      if (hit) out.push(j);
    }
    return out;
  }
}
