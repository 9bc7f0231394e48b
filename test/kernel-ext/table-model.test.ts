import { test } from "node:test";
import assert from "node:assert/strict";
import type { PCollectionPayload } from "../../lib/display/protocol";
import { TableModel, columnTypeLabel, formatCount } from "../../kernel-ext/src/model/table-model";
import { VirtualWindow } from "../../kernel-ext/src/model/virtual-window";

function payload(rows: PCollectionPayload["rows"], total: number | null = rows.length, offset = 0): PCollectionPayload {
  return {
    version: 1,
    pipeline: { id: "p", name: "p" },
    label: "L",
    pcollection: "c",
    columns: [
      { name: "k", type: "string", nullable: false },
      { name: "n", type: "integer", nullable: true },
    ],
    shape: "record",
    rows,
    offset,
    total,
    pageCode: null,
  };
}

test("column headers and counts format", () => {
  assert.equal(columnTypeLabel({ name: "a", type: "integer", nullable: true }), "integer?");
  assert.equal(formatCount(1234567), "1,234,567");
});

test("sort cycles asc/desc/none and keeps missing values last", () => {
  const m = new TableModel(payload([{ k: "b", n: 2 }, { k: "a", n: null }, { k: "c", n: 1 }]));
  const col = (i: number) => m.rowAt(i).cells![1].text;
  m.toggleSort(1);
  assert.deepEqual([0, 1, 2].map(col), ["1", "2", "null"]);
  m.toggleSort(1);
  assert.deepEqual([0, 1, 2].map(col), ["2", "1", "null"]);
  m.toggleSort(1);
  assert.equal(m.sort, null);
  assert.deepEqual([0, 1, 2].map((i) => m.rowAt(i).index), [0, 1, 2]);
});

test("filter matches any column, or one with col:text", () => {
  const m = new TableModel(payload([{ k: "apple", n: 1 }, { k: "banana", n: 11 }, { k: "cherry", n: 3 }]));
  m.setFilter("an");
  assert.equal(m.viewLength, 1);
  m.setFilter("1");
  assert.equal(m.viewLength, 2);
  m.setFilter("k:1");
  assert.equal(m.viewLength, 0);
  m.setFilter("");
  assert.equal(m.viewLength, 3);
});

test("paging: holes are reported as aligned pages and filled by addPage", () => {
  const m = new TableModel(payload([{ k: "a", n: 1 }, { k: "b", n: 2 }], 10));
  assert.equal(m.viewLength, 10);
  assert.equal(m.rowAt(5).cells, null);
  assert.equal(m.showingText(), "showing 2 of 10");
  assert.deepEqual(m.missingPage(0, 6, 4), { offset: 0, limit: 4 });
  assert.equal(m.missingPage(0, 2, 4), null);
  m.addPage(payload([{ k: "e", n: 5 }, { k: "f", n: 6 }, { k: "g", n: 7 }, { k: "h", n: 8 }], 10, 4));
  assert.equal(m.rowAt(5).cells![0].text, "f");
  assert.equal(m.loadedCount, 6);
  assert.equal(m.complete, false);
});

test("expanding a nested cell adds detail lines", () => {
  const p = payload([{ k: "a", n: 1 }]);
  p.columns.push({ name: "r", type: "record", nullable: false });
  p.rows[0].r = { x: 1, y: [1, 2] };
  const m = new TableModel(p);
  assert.equal(m.toggleExpanded(0, 0), false, "strings do not expand");
  assert.equal(m.toggleExpanded(0, 2), true);
  assert.equal(m.expandedLines(0).length, 4);
  m.toggleExpanded(0, 2);
  assert.equal(m.expandedLines(0).length, 0);
});

test("virtual window renders only visible rows plus overscan", () => {
  const w = new VirtualWindow(20);
  w.update(100000);
  assert.equal(w.totalHeight, 2000000);
  const r = w.range(20 * 5000, 200, 3);
  assert.deepEqual([r.start, r.end, r.top], [4997, 5013, 4997 * 20]);
  assert.deepEqual(w.range(0, 200, 3), { start: 0, end: 13, top: 0, totalHeight: 2000000 });
  assert.equal(w.range(1e9, 200, 0).end, 100000);
  assert.equal(new VirtualWindow(20).range(0, 100).end, 0);
});

test("virtual window handles taller (expanded) rows", () => {
  const w = new VirtualWindow(10, (i) => (i === 2 ? 100 : 0));
  w.update(10);
  assert.equal(w.totalHeight, 200);
  assert.equal(w.rowAt(25), 2);
  assert.equal(w.rowAt(129), 2);
  assert.equal(w.rowAt(130), 3);
  assert.equal(w.scrollToReveal(9, 0, 50), 150);
  assert.equal(w.scrollToReveal(0, 0, 50), null);
});
