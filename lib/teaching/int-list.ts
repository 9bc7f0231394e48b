/**
 * A growable list of element indexes. Lineage keeps one or two indexes per element of
 * every computed PCollection: as 32-bit integers in one typed array they cost 4 bytes
 * each, where a JavaScript array of numbers costs twice that and is scanned by the GC.
 */
export class IntList {
  private data: Int32Array;
  private size = 0;

  constructor(capacity = 64) {
    this.data = new Int32Array(Math.max(4, capacity));
  }

  get length(): number {
    return this.size;
  }

  push(v: number): void {
    if (this.size === this.data.length) this.grow(this.size + 1);
    this.data[this.size++] = v;
  }

  /** Appends `start`, `start + 1`, ..., `start + n - 1`. */
  pushRange(start: number, n: number): void {
    if (this.size + n > this.data.length) this.grow(this.size + n);
    for (let i = 0; i < n; i++) this.data[this.size++] = start + i;
  }

  /** Appends `n` copies of `v`. */
  pushRepeated(v: number, n: number): void {
    if (this.size + n > this.data.length) this.grow(this.size + n);
    this.data.fill(v, this.size, this.size + n);
    this.size += n;
  }

  get(i: number): number {
    return this.data[i];
  }

  /** Gives back the unused capacity once nothing more will be appended. */
  trim(): void {
    if (this.data.length > this.size + 16) this.data = this.data.slice(0, this.size);
  }

  /** Bytes held (for the memory figures of the benchmark). */
  get bytes(): number {
    return this.data.byteLength;
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.size));
    this.data = next;
  }
}
