/**
 * Window math for the virtualized grid: which rows are visible for a scroll position.
 *
 * Rows have a base height, but an expanded row (nested value shown) is taller, so the
 * window works on prefix sums of row heights and finds the first visible row with a
 * binary search: O(log n) per scroll event even with many thousands of rows.
 */

/** The rows to put in the DOM for one scroll position. */
export interface VisibleRange {
  /** First row index to render (inclusive). */
  start: number;
  /** Last row index to render (exclusive). */
  end: number;
  /** Pixel offset of row `start` from the top of the scrolled content. */
  top: number;
  /** Height of all rows together (the size of the scroll spacer). */
  totalHeight: number;
}

export class VirtualWindow {
  private offsets: Float64Array = new Float64Array(1);

  /**
   * @param rowHeight - base height of a row, in pixels.
   * @param extraHeight - extra pixels for row `i` (0 for a collapsed row).
   */
  constructor(
    private rowHeight: number,
    private extraHeight: (i: number) => number = () => 0,
  ) {}

  /** Recomputes the prefix sums; call when the row count or an expansion changes. */
  update(rowCount: number): void {
    const o = new Float64Array(rowCount + 1);
    for (let i = 0; i < rowCount; i++) o[i + 1] = o[i] + this.rowHeight + this.extraHeight(i);
    this.offsets = o;
  }

  get rowCount(): number {
    return this.offsets.length - 1;
  }

  get totalHeight(): number {
    return this.offsets[this.offsets.length - 1];
  }

  /** Top pixel of row `i`. */
  rowTop(i: number): number {
    return this.offsets[Math.max(0, Math.min(i, this.rowCount))];
  }

  /** Height of row `i`. */
  rowHeightOf(i: number): number {
    return this.rowTop(i + 1) - this.rowTop(i);
  }

  /** Index of the row that contains pixel `y` (clamped to the rows that exist). */
  rowAt(y: number): number {
    const n = this.rowCount;
    if (n === 0) return 0;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Rows to render for a viewport, with `overscan` extra rows above and below so fast
   * scrolling does not show blank space before the next frame.
   */
  range(scrollTop: number, viewportHeight: number, overscan = 5): VisibleRange {
    const n = this.rowCount;
    if (n === 0) return { start: 0, end: 0, top: 0, totalHeight: 0 };
    const first = this.rowAt(Math.max(0, scrollTop));
    const last = this.rowAt(Math.max(0, scrollTop + Math.max(0, viewportHeight) - 1));
    const start = Math.max(0, first - overscan);
    const end = Math.min(n, last + 1 + overscan);
    return { start, end, top: this.offsets[start], totalHeight: this.totalHeight };
  }

  /**
   * The scrollTop that brings row `i` fully into a viewport, or null when it already is.
   */
  scrollToReveal(i: number, scrollTop: number, viewportHeight: number, headerHeight = 0): number | null {
    const top = this.rowTop(i);
    const bottom = this.rowTop(i + 1);
    if (top < scrollTop) return top;
    const visibleBottom = scrollTop + viewportHeight - headerHeight;
    if (bottom > visibleBottom) return bottom - viewportHeight + headerHeight;
    return null;
  }
}
