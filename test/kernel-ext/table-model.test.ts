import { test } from "node:test";
import assert from "node:assert/strict";
import type { PCollectionPayload } from "../../lib/display/protocol";
import { TableModel, columnTypeLabel, detailLineCount, formatCount } from "../../kernel-ext/src/model/table-model";
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
  assert.equal(m.showingText(), "3 elements, sorted by n");
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
  assert.equal(m.showingText(), "showing 2 of 10 elements");
  assert.deepEqual(m.missingPage(0, 6, 4), { kind: "page", offset: 0, limit: 4 });
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
  const detail = m.expandedDetails(0)[0];
  assert.equal(detail.kind === "tree" && detail.lines.length, 4);
  m.toggleExpanded(0, 2);
  assert.equal(m.expandedDetails(0).length, 0);
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

test("counts are singular for one: 1 element, 1 match", () => {
  const m = new TableModel(payload([{ k: "a", n: 1 }]));
  assert.equal(m.showingText(), "showing 1 of 1 element");
  m.setFilter("a");
  assert.equal(m.showingText(), "1 match of 1 element");
  m.setFilter("zzz");
  assert.equal(m.showingText(), "0 matches of 1 element");
});

test("a complete table filters locally with the filter language; a bad filter is reported and not applied", () => {
  const m = new TableModel(payload([{ k: "apple", n: 1 }, { k: "banana", n: 11 }, { k: "cherry", n: null }]));
  m.setFilter("n > 2");
  assert.equal(m.remote, false);
  assert.deepEqual([0].map((i) => m.rowAt(i).cells![0].text), ["banana"]);
  assert.equal(m.viewLength, 1);
  m.setFilter("n is null and k:err");
  assert.equal(m.rowAt(0).cells![0].text, "cherry");
  m.setFilter("count > 2");
  assert.match(m.filterError ?? "", /unknown column "count"; the columns are k, n/);
  assert.equal(m.viewLength, 3, "a filter that does not parse shows every row");
  assert.equal(m.missingPage(0, 3, 10), null);
});

/** A 300-row PCollection of which 2 rows are embedded: sort and filter must ask the kernel. */
function partial(): TableModel {
  return new TableModel(payload([{ k: "r0", n: 0 }, { k: "r1", n: 1 }], 300));
}

/** What the kernel would answer for a view of [k: r<i>, n: i] rows (indices given). */
function reply(indices: number[], offset: number, matched: number) {
  const page = payload(indices.map((i) => ({ k: `r${i}`, n: i })), matched, offset);
  return { page, indices, matched, total: 300 };
}

test("remote mode: a filter on a partly loaded table asks the kernel and pages through the matches", () => {
  const m = partial();
  m.setFilter("n >= 250");
  assert.equal(m.remote, true);
  assert.equal(m.viewLength, 0);
  assert.equal(m.showingText(), "searching all 300 elements…");
  const need = m.missingPage(0, 20, 10);
  assert.ok(need && need.kind === "query");
  assert.deepEqual({ filter: need.filter, sort: need.sort, offset: need.offset, limit: need.limit }, { filter: "n >= 250", sort: null, offset: 0, limit: 10 });
  assert.equal(m.addQueryPage(need.key, reply([250, 251, 252, 253, 254, 255, 256, 257, 258, 259], 0, 50)), true);
  assert.equal(m.viewLength, 50);
  assert.equal(m.showingText(), "50 matches of 300 elements");
  assert.deepEqual(m.rowAt(3), { index: 253, cells: m.rowAt(3).cells });
  assert.equal(m.rowAt(3).cells![0].text, "r253");
  assert.equal(m.rowAt(12).cells, null);
  const next = m.missingPage(0, 20, 10);
  assert.ok(next && next.kind === "query" && next.offset === 10 && next.key === need.key);
  // The rows it fetched are rows of the PCollection: they expand like any other.
  assert.equal(m.loadedCount, 12);
});

test("remote mode: a reply for an older filter is ignored; sorting asks with the column name", () => {
  const m = partial();
  m.setFilter("n > 5");
  const first = m.missingPage(0, 10, 10)!;
  m.setFilter("n > 6");
  assert.equal(first.kind === "query" && m.addQueryPage(first.key, reply([6], 0, 1)), false);
  assert.equal(m.viewLength, 0);
  m.setFilter("");
  m.toggleSort(1);
  m.toggleSort(1);
  const need = m.missingPage(0, 10, 10)!;
  assert.ok(need.kind === "query");
  assert.deepEqual(need.sort, { column: "n", descending: true });
  assert.equal(need.filter, "");
  m.addQueryPage(need.key, reply([299, 298, 297], 0, 300));
  assert.equal(m.rowAt(0).cells![1].text, "299");
  assert.equal(m.showingText(), "300 elements, sorted by n");
  m.toggleSort(1);
  assert.equal(m.remote, false, "no sort and no filter: back to the PCollection's order");
  assert.equal(m.rowAt(299).index, 299);
});

test("remote mode without a kernel falls back to the loaded rows and says so", () => {
  const m = partial();
  m.setFilter("r1");
  assert.equal(m.remote, true);
  m.useLoadedRows();
  assert.equal(m.remote, false);
  assert.equal(m.viewLength, 1);
  assert.equal(m.showingText(), "1 match of 300 elements (among the 2 rows loaded)");
  m.setFilter("r");
  assert.equal(m.remote, true, "the next filter tries the kernel again");
});

test("an expanded list of records is a nested table of at most 10 rows", () => {
  const p = payload([{ k: "CS313E", n: 1 }]);
  p.columns.push({ name: "value", type: "group", nullable: false });
  p.rows[0].value = Array.from({ length: 14 }, (_, i) => ({ cno: "CS313E", cname: i % 2 ? "Elements" : "Intro", credits: i === 3 ? null : 3 }));
  const m = new TableModel(p);
  assert.equal(m.rowAt(0).cells![2].text, '14 × {cno: "CS313E", cname (2 different): "Intro" | "Elements", credits (2 different): 3 | null}');
  assert.equal(m.toggleExpanded(0, 2), true);
  const [d] = m.expandedDetails(0);
  assert.ok(d.kind === "table");
  assert.deepEqual(d.fields, ["cno", "cname", "credits"]);
  assert.equal(d.rows.length, 10);
  assert.equal(d.more, 4);
  assert.equal(d.count, 14);
  assert.equal(d.rows[3][2].kind, "null");
  assert.equal(detailLineCount(d), 13);
});

test("remote mode: while the kernel has not answered, the loaded rows show sorted/filtered (never a blank table)", () => {
  const m = partial();
  m.toggleSort(1);
  m.toggleSort(1);
  assert.equal(m.remote, true);
  assert.equal(m.showingText(), "sorting all 300 elements…");
  assert.equal(m.viewLength, 2);
  assert.deepEqual([0, 1].map((i) => m.rowAt(i).index), [1, 0]);
  const need = m.missingPage(0, 10, 10)!;
  assert.ok(need.kind === "query" && need.offset === 0);
  m.addQueryPage(need.key, reply([299, 298], 0, 300));
  assert.equal(m.viewLength, 300);
  assert.deepEqual([0, 1].map((i) => m.rowAt(i).index), [299, 298]);
});
