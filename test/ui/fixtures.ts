/**
 * A hand-made notebook whose saved outputs carry beamlab's MIME types, so the
 * renderers can be looked at without a kernel. It includes a hostile string in a
 * cell, a label and a graph node: it must show as text, never as markup.
 */
import {
  GRAPH_MIME,
  PCOLLECTION_MIME,
  PROGRESS_MIME,
  type GraphPayload,
  type PCollectionPayload,
  type ProgressPayload,
} from "../../lib/display/protocol";

export const HOSTILE = "<img src=x onerror=alert(1)>";

export function pcollectionPayload(rows = 500, total = 5000): PCollectionPayload {
  return {
    version: 1,
    pipeline: { id: "p1", name: "wordcount" },
    label: `CountWords ${HOSTILE}`,
    pcollection: "pc3",
    columns: [
      { name: "word", type: "string", nullable: false },
      { name: "count", type: "integer", nullable: true },
      { name: "when", type: "date", nullable: false },
      { name: "big", type: "bigint", nullable: false },
      { name: "info", type: "record", nullable: false },
      { name: "tags", type: "array", nullable: false },
    ],
    shape: "record",
    rows: Array.from({ length: rows }, (_, i) => ({
      word: i === 1 ? HOSTILE : `word${String(i).padStart(4, "0")}`,
      count: i % 13 === 0 ? null : i % 17 === 0 ? { $beamlab: "nan" } : i % 19 === 0 ? { $beamlab: "undefined" } : (i * 7) % 97,
      when: { $beamlab: "date", v: `2024-01-${String(1 + (i % 28)).padStart(2, "0")}T00:00:00.000Z` },
      big: { $beamlab: "bigint", v: (12345678901234567890n + BigInt(i)).toString() },
      info: { len: `word${i}`.length, first: `w${i}`, deep: { x: [1, 2, { y: HOSTILE }] } },
      tags: [`t${i % 3}`, "x"],
    })),
    offset: 0,
    total,
    pageCode: null,
  };
}

export function graphPayload(): GraphPayload {
  return {
    version: 1,
    pipeline: { id: "p1", name: "wordcount" },
    nodes: [
      { id: "t1", kind: "transform", label: "ReadLines", fullLabel: "ReadLines", primitive: "Read" },
      { id: "pc1", kind: "pcollection", label: "lines", fullLabel: "ReadLines", count: 1200, varName: "lines" },
      { id: "t2", kind: "transform", label: "SplitWords", fullLabel: "SplitWords", primitive: "ParDo", params: { fn: "split" } },
      { id: "pc2", kind: "pcollection", label: HOSTILE, fullLabel: "SplitWords", count: 9800, varName: "words" },
      { id: "t3", kind: "transform", label: "CountWords", fullLabel: "CountWords", primitive: "Composite" },
      { id: "pc3", kind: "pcollection", label: "counts", fullLabel: "CountWords", count: 5000, varName: "counts" },
      { id: "t4", kind: "transform", label: "Stopwords", fullLabel: "Stopwords", primitive: "Create" },
      { id: "pc4", kind: "pcollection", label: "stop", fullLabel: "Stopwords", count: 12, varName: "stop" },
    ],
    edges: [
      { from: "t1", to: "pc1", kind: "output", count: 1200 },
      { from: "pc1", to: "t2", kind: "main", count: 1200 },
      { from: "t2", to: "pc2", kind: "output", count: 9800 },
      { from: "pc2", to: "t3", kind: "main", count: 9800 },
      { from: "t4", to: "pc4", kind: "output", count: 12 },
      { from: "pc4", to: "t2", kind: "side" },
      { from: "t3", to: "pc3", kind: "output", count: 5000 },
    ],
  };
}

export function progressPayload(): ProgressPayload {
  return {
    version: 1,
    pipeline: { id: "p1", name: "wordcount" },
    state: "DONE",
    elapsedMillis: 1234,
    steps: [
      { label: "ReadLines", elementsIn: 0, elementsOut: 1200, millis: 40, done: true },
      { label: HOSTILE, elementsIn: 1200, elementsOut: 9800, millis: 300, done: true },
    ],
  };
}

function displayData(data: Record<string, unknown>) {
  return { output_type: "display_data", data, metadata: {} };
}

/** The .ipynb text of the fixture notebook (tslab kernelspec; no kernel is needed to view it). */
export function fixtureNotebook(): string {
  const code = (n: number, source: string, outputs: unknown[]) => ({ cell_type: "code", execution_count: n, metadata: {}, source, outputs });
  const nb = {
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# beamlab renderers (hand-made outputs)" },
      code(1, "counts.show()", [
        displayData({ [PCOLLECTION_MIME]: pcollectionPayload(), "text/html": "<b>HTML FALLBACK</b>", "text/plain": "PCollection counts" }),
      ]),
      code(2, "p.graph()", [
        displayData({
          [GRAPH_MIME]: graphPayload(),
          "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='30'><text y='20'>SVG FALLBACK</text></svg>",
          "text/plain": "graph",
        }),
      ]),
      code(3, "p.run()", [displayData({ [PROGRESS_MIME]: progressPayload(), "text/plain": "progress" })]),
    ],
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1);
}
