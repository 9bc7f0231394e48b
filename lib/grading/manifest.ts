/**
 * The autograder bundle's manifest (`manifest.json`): what the grader needs to know about an
 * assignment, typed and versioned. Pure: build it, and read it back with every field checked.
 */
import type { Assignment, CellKind } from "./authoring";
import type { HiddenTable } from "./hidden-data";
import { cellText } from "./notebook";

/** The manifest's format name and version; the grader refuses any other. */
export const MANIFEST_FORMAT = "beamlab-autograder";
export const MANIFEST_VERSION = 1;
/** File names inside the autograder folder. */
export const MANIFEST_FILE = "manifest.json";
export const SOURCE_FILE = "source.ipynb";
export const HIDDEN_DATA_DIR = "hidden_data";

/** One test as the grader runs it. */
export interface ManifestTest {
  name: string;
  hidden: boolean;
  points: number;
  /** Index (0-based) of the test's cell in the source notebook. */
  cell: number;
  /** The test's TypeScript, tag line included. */
  source: string;
}

/** One question, with its reference solution and its tests. */
export interface ManifestQuestion {
  id: string;
  points: number;
  cell: number;
  /** The question cell with the instructor's solution. */
  solution: string;
  /** The question cell as students get it (stubs instead of solutions). */
  student: string;
  tests: ManifestTest[];
}

/** One cell of the source notebook, in the original order (which grading keeps). */
export interface ManifestCell {
  kind: CellKind;
  cellType: "code" | "markdown" | "raw";
  question?: string;
  test?: string;
}

/** The manifest of an autograder bundle. */
export interface AutograderManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  /** The assignment's name: the source notebook's file name without `.ipynb`. */
  name: string;
  /** The source notebook inside the bundle. */
  source: typeof SOURCE_FILE;
  totalPoints: number;
  questions: ManifestQuestion[];
  /** The `//# setup` cells' sources, in order. */
  setup: Array<{ cell: number; source: string }>;
  cells: ManifestCell[];
  /** The hidden data copied into the bundle, or null when the assignment has none. */
  hiddenData: { dir: typeof HIDDEN_DATA_DIR; tables: HiddenTable[] } | null;
}

/** Builds the manifest of a parsed assignment. */
export function buildManifest(a: Assignment, name: string, studentSources: Map<string, string>, hiddenTables: HiddenTable[] | null): AutograderManifest {
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name,
    source: SOURCE_FILE,
    totalPoints: a.questions.reduce((s, q) => s + q.points, 0),
    questions: a.questions.map((q) => ({
      id: q.id,
      points: q.points,
      cell: q.cell,
      solution: q.source,
      student: studentSources.get(q.id) ?? "",
      tests: q.tests.map((t) => ({ name: t.name, hidden: t.hidden, points: t.points, cell: t.cell, source: t.source })),
    })),
    setup: a.setup.map((i) => ({ cell: i, source: cellText(a.notebook.cells[i]) })),
    cells: a.cells.map((c) => ({
      kind: c.kind,
      cellType: c.cell.cell_type,
      ...(c.question !== undefined ? { question: c.question } : {}),
      ...(c.test !== undefined ? { test: c.test } : {}),
    })),
    hiddenData: hiddenTables ? { dir: HIDDEN_DATA_DIR, tables: hiddenTables } : null,
  };
}

/** Thrown by {@link readManifest} on a manifest the grader cannot use. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManifestError";
  }
}

function need(ok: boolean, what: string): void {
  if (!ok) throw new ManifestError(`manifest.json: ${what}; run \`npx beamlab assign\` again to rebuild the autograder folder`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === "string";

/** Checks parsed `manifest.json` and returns it typed; throws {@link ManifestError} naming the bad field. */
export function readManifest(json: unknown): AutograderManifest {
  need(isObj(json), "not a JSON object");
  const m = json as Record<string, unknown>;
  need(m.format === MANIFEST_FORMAT, `format is ${JSON.stringify(m.format)}, not "${MANIFEST_FORMAT}"`);
  need(m.version === MANIFEST_VERSION, `version ${JSON.stringify(m.version)} is not the version ${MANIFEST_VERSION} this beamlab reads`);
  need(isStr(m.name) && m.source === SOURCE_FILE && isNum(m.totalPoints), "name, source or totalPoints is missing");
  need(Array.isArray(m.questions), "questions is not a list");
  for (const [i, q] of (m.questions as unknown[]).entries()) {
    need(isObj(q) && isStr(q.id) && isNum(q.points) && isNum(q.cell) && isStr(q.solution) && isStr(q.student) && Array.isArray(q.tests), `question ${i + 1} is incomplete`);
    for (const t of (q as { tests: unknown[] }).tests) {
      need(isObj(t) && isStr(t.name) && typeof t.hidden === "boolean" && isNum(t.points) && isNum(t.cell) && isStr(t.source), `a test of question ${String((q as { id: string }).id)} is incomplete`);
    }
  }
  need(Array.isArray(m.setup) && (m.setup as unknown[]).every((s) => isObj(s) && isNum(s.cell) && isStr(s.source)), "setup is not a list of cells");
  need(Array.isArray(m.cells) && (m.cells as unknown[]).every((c) => isObj(c) && ["setup", "question", "test", "plain"].includes(c.kind as string)), "cells is not a list of cell kinds");
  const h = m.hiddenData;
  need(h === null || (isObj(h) && h.dir === HIDDEN_DATA_DIR && Array.isArray(h.tables) && (h.tables as unknown[]).every((t) => isObj(t) && isStr(t.table) && isStr(t.csv))), "hiddenData is neither null nor a list of tables");
  return json as AutograderManifest;
}
