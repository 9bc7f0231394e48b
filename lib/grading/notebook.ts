/**
 * The parts of nbformat 4 that assignments use: cells, their source and metadata. Pure.
 */

/** One cell of an nbformat 4 notebook (fields we do not use are kept as they are). */
export interface NotebookCell {
  cell_type: "code" | "markdown" | "raw";
  id?: string;
  metadata: Record<string, unknown>;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
  [field: string]: unknown;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** A cell's source as one string (nbformat allows a list of lines too). */
export function cellText(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? "");
}

/** Lines of a source, without their line ends. */
export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** The first line of a cell's source, trimmed, cut to `max` characters: how errors name a cell. */
export function firstLine(cell: NotebookCell, max = 60): string {
  const line = splitLines(cellText(cell))[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Checks that parsed JSON looks like an nbformat 4 notebook and returns it typed, or the
 * problem as a sentence.
 */
export function asNotebook(json: unknown): Notebook | string {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return "it is not a notebook (expected a JSON object with cells)";
  const nb = json as Partial<Notebook>;
  if (nb.nbformat !== 4) return `it is nbformat ${String(nb.nbformat)}; save it as nbformat 4 (JupyterLab does)`;
  if (!Array.isArray(nb.cells)) return "it has no list of cells";
  for (const [i, c] of nb.cells.entries()) {
    if (typeof c !== "object" || c === null || typeof (c as NotebookCell).cell_type !== "string") return `cell ${i + 1} is not a cell`;
  }
  return { nbformat: 4, nbformat_minor: nb.nbformat_minor ?? 5, metadata: (nb.metadata as Record<string, unknown>) ?? {}, cells: nb.cells as NotebookCell[] };
}
