/**
 * The student notebook of an assignment: solutions replaced by stubs that throw, hidden tests
 * removed, outputs cleared, and every question and test cell marked with its id in its
 * metadata so that grading finds it even after a student edits it. Pure.
 */
import type { Assignment, Question } from "./authoring";
import { cellText, cloneJson, splitLines, type Notebook, type NotebookCell } from "./notebook";

/** What `metadata.beamlab` of a generated cell records. */
export type CellMark = { question: string } | { test: string; question: string; hidden: false } | { setup: true };

/** One public test as the student notebook records it, for `beam.grader.check`. */
export interface StudentTest {
  /** `q1-public-1` (see the manifest). */
  name: string;
  /** The test's TypeScript, tag line included: the same text as its read-only cell. */
  source: string;
}

/**
 * What the student notebook's `metadata.beamlab.assignment` records: no hidden data, and of
 * the hidden tests only how many there are (their sources stay in the autograder bundle).
 */
export interface StudentAssignmentInfo {
  name: string;
  questions: Array<{ id: string; points: number; public_tests: number; hidden_tests: number; tests: StudentTest[] }>;
}

/** The message of the stub: what a student sees when running an unanswered question. */
export function notAnsweredMessage(question: string): string {
  return `${question} is not answered yet`;
}

/** The line that stands for a solution in the student notebook: it compiles, and throws when run. */
export function stubLine(question: string, indent: string): string {
  return `${indent}throw new Error(${JSON.stringify(notAnsweredMessage(question))}); // TODO: your answer`;
}

/** The question cell's source as students get it: each solution region becomes one stub line. */
export function studentSource(q: Question): string {
  const lines = splitLines(q.source);
  const out: string[] = [];
  let i = 0;
  for (const r of q.regions) {
    out.push(...lines.slice(i, r.start));
    out.push(stubLine(q.id, /^\s*/.exec(lines[r.start])![0]));
    i = r.end + 1;
  }
  out.push(...lines.slice(i));
  return out.join("\n");
}

function cleared(cell: NotebookCell, source: string, mark: CellMark | null): NotebookCell {
  const copy = cloneJson(cell);
  copy.source = source;
  const metadata = { ...copy.metadata };
  delete metadata.beamlab;
  if (mark) metadata.beamlab = mark;
  copy.metadata = metadata;
  if (copy.cell_type === "code") {
    copy.outputs = [];
    copy.execution_count = null;
  }
  return copy;
}

/**
 * The student notebook: setup, untagged and public test cells kept, question cells with stubs,
 * hidden tests removed, outputs cleared. Public test cells are marked read-only and
 * undeletable in JupyterLab so that they stay as the author wrote them.
 */
export function studentNotebook(a: Assignment, name: string): Notebook {
  const byCell = new Map(a.questions.map((q) => [q.cell, q]));
  const tests = new Map(a.questions.flatMap((q) => q.tests.map((t) => [t.cell, t] as const)));
  const cells: NotebookCell[] = [];
  for (const c of a.cells) {
    const text = cellText(c.cell);
    if (c.kind === "question") {
      const q = byCell.get(c.index)!;
      cells.push(cleared(c.cell, studentSource(q), { question: q.id }));
    } else if (c.kind === "test") {
      const t = tests.get(c.index)!;
      if (t.hidden) continue;
      const cell = cleared(c.cell, text, { test: t.name, question: t.question, hidden: false });
      cell.metadata = { ...cell.metadata, editable: false, deletable: false };
      cells.push(cell);
    } else {
      cells.push(cleared(c.cell, text, c.kind === "setup" ? { setup: true } : null));
    }
  }
  const metadata = cloneJson(a.notebook.metadata);
  const info: StudentAssignmentInfo = {
    name,
    questions: a.questions.map((q) => ({
      id: q.id,
      points: q.points,
      public_tests: q.tests.filter((t) => !t.hidden).length,
      hidden_tests: q.tests.filter((t) => t.hidden).length,
      tests: q.tests.filter((t) => !t.hidden).map((t) => ({ name: t.name, source: t.source })),
    })),
  };
  metadata.beamlab = { ...((metadata.beamlab as object) ?? {}), assignment: info };
  return { nbformat: 4, nbformat_minor: a.notebook.nbformat_minor, metadata, cells };
}
