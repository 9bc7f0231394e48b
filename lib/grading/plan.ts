/**
 * What grading runs for one submission, in order: the bundle's setup cells, the student's
 * own cells, and after each question the bundle's tests of it. Tests and setup always come
 * from the autograder bundle, never from the submission. Question cells are found by the id
 * in their metadata, else by their `//# question` line; a duplicated question uses its last
 * copy; questions run in the assignment's order whatever order the student left them in.
 * Pure.
 */
import { QUESTION_ID } from "./authoring";
import type { AutograderManifest } from "./manifest";
import { cellText, splitLines, type Notebook, type NotebookCell } from "./notebook";

/** One step of a grading run. */
export type Step =
  | { kind: "setup"; source: string; cell: number }
  /** A cell of the submission (`question` is the question whose answer area it is in, or null before the first). */
  | { kind: "cell"; source: string; cell: number; question: string | null }
  | { kind: "test"; source: string; test: string; question: string }
  /** After a question's tests: record its labelled PCollections for the stage-by-stage comparison. */
  | { kind: "stages"; question: string };

/** The steps for a submission and what was found wrong with its cells. */
export interface GradingPlan {
  steps: Step[];
  /** Question ids not found in the submission. */
  missing: string[];
  /** Damage notes: `q4 missing`, `q2 appears 2 times (the last copy is graded)`, ... */
  damage: string[];
}

type Mark = { kind: "question"; id: string; byLine: boolean } | { kind: "test" } | { kind: "setup" } | null;

const TAG = /^\s*\/\/#\s*(\S+)\s*(\S*)/;

/** What a submission cell is: metadata first (it survives edits of the first line), then the tag line. */
function markOf(cell: NotebookCell, ids: ReadonlySet<string>): Mark {
  const meta = cell.metadata?.beamlab as Record<string, unknown> | undefined;
  if (meta && typeof meta === "object") {
    if (typeof meta.test === "string") return { kind: "test" };
    if (meta.setup === true) return { kind: "setup" };
    if (typeof meta.question === "string" && ids.has(meta.question)) return { kind: "question", id: meta.question, byLine: false };
  }
  const m = TAG.exec(splitLines(cellText(cell))[0] ?? "");
  if (!m) return null;
  if (m[1] === "test") return { kind: "test" };
  if (m[1] === "setup") return { kind: "setup" };
  if (m[1] === "question" && QUESTION_ID.test(m[2]) && ids.has(m[2])) return { kind: "question", id: m[2], byLine: true };
  return null;
}

/**
 * The grading plan of a submission. Each question "owns" the cells after it up to the next
 * question cell (the student's helper cells), and they move with it when questions are run
 * in the assignment's order.
 */
export function planSubmission(manifest: AutograderManifest, submission: Notebook): GradingPlan {
  const ids = new Set(manifest.questions.map((q) => q.id));
  // Blocks in the submission's order: the cells before the first question, then one per question cell.
  const blocks: Array<{ question: string | null; steps: Step[] }> = [{ question: null, steps: [] }];
  const byLine: string[] = [];
  submission.cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const mark = markOf(cell, ids);
    if (mark?.kind === "test" || mark?.kind === "setup") return;
    const source = cellText(cell);
    if (mark?.kind === "question") {
      if (mark.byLine && !byLine.includes(mark.id)) byLine.push(mark.id);
      blocks.push({ question: mark.id, steps: [{ kind: "cell", source, cell: index + 1, question: mark.id }] });
    } else {
      const block = blocks[blocks.length - 1];
      block.steps.push({ kind: "cell", source, cell: index + 1, question: block.question });
    }
  });
  // A duplicated question is graded by its last copy; an earlier copy's own cell is dropped and
  // the student's cells after it join the block before it, so they still run.
  const copies = new Map<string, number>();
  const merged: typeof blocks = [];
  blocks.forEach((b, i) => {
    const later = b.question !== null && blocks.slice(i + 1).some((x) => x.question === b.question);
    if (b.question !== null) copies.set(b.question, (copies.get(b.question) ?? 0) + 1);
    if (!later) merged.push(b);
    else {
      const before = merged[merged.length - 1];
      before.steps.push(...b.steps.slice(1).map((s) => ({ ...s, question: before.question }) as Step));
    }
  });
  const areas = new Map(merged.filter((b) => b.question !== null).map((b) => [b.question!, b.steps]));
  const seenOrder = merged.filter((b) => b.question !== null).map((b) => b.question!);
  const preamble = merged[0].steps;

  const steps: Step[] = manifest.setup.map((s) => ({ kind: "setup" as const, source: s.source, cell: s.cell + 1 }));
  steps.push(...preamble);
  const missing: string[] = [];
  const damage: string[] = [];
  for (const q of manifest.questions) {
    const own = areas.get(q.id);
    if (!own) {
      missing.push(q.id);
      damage.push(`${q.id} missing`);
    } else steps.push(...own);
    for (const t of q.tests) steps.push({ kind: "test", source: t.source, test: t.name, question: q.id });
    if (own) steps.push({ kind: "stages", question: q.id });
  }
  for (const [id, n] of copies) if (n > 1) damage.push(`${id} appears ${n} times (the last copy is graded)`);
  for (const id of byLine) damage.push(`${id} found by its \`//# question\` line (its cell metadata was lost)`);
  const expected = manifest.questions.map((q) => q.id).filter((id) => seenOrder.includes(id));
  if (seenOrder.join(",") !== expected.join(",")) damage.push("question cells reordered (graded in the assignment's order)");
  return { steps, missing, damage };
}
