/**
 * A tslab notebook for tests: code cells (strings) and markdown cells (["markdown", text]),
 * nbformat 4.5, no outputs. Not a test file itself.
 */
import type { Notebook } from "../lib/grading/notebook";

export function tslabNotebook(cells: Array<string | ["markdown", string]>, metadata: Record<string, unknown> = {}): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" }, ...metadata },
    cells: cells.map((c, i) =>
      typeof c === "string"
        ? { cell_type: "code" as const, id: `c${i}`, metadata: {}, source: c, outputs: [], execution_count: null }
        : { cell_type: "markdown" as const, id: `c${i}`, metadata: {}, source: c[1] },
    ),
  };
}

/** {@link tslabNotebook} as the JSON text of an .ipynb file. */
export function tslabNotebookJson(cells: Array<string | ["markdown", string]>, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify(tslabNotebook(cells, metadata));
}
