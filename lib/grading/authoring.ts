/**
 * The authoring format of graded assignments: one source notebook whose TypeScript cells are
 * tagged by a first line `//# ...`. This module parses such a notebook into a typed
 * {@link Assignment} and collects every problem at once, each naming the cell and what to do.
 * Pure: no I/O (the hidden-data folder is checked by `hidden-data.ts`).
 *
 * - `//# question q1 points=3`: the answer cell of `q1`; its solution is the lines between
 *   `// BEGIN SOLUTION` and `// END SOLUTION`, and any single line ending in `// SOLUTION`.
 * - `//# test q1`, `//# test q1 hidden`, either with an optional `points=N`.
 * - `//# setup`: runs before everything; untagged cells are kept as they are.
 * - notebook metadata `beamlab.assignment.hidden_data`: a folder beside the source.
 */
import { cellText, firstLine, splitLines, type Notebook, type NotebookCell } from "./notebook";

/** Question ids: letters, digits, `-` and `_`. */
export const QUESTION_ID = /^[A-Za-z0-9_-]+$/;

/** What a source cell is, by its tag. */
export type CellKind = "setup" | "question" | "test" | "plain";

/** Lines (0-based, markers included) of one solution region of a question cell. */
export interface SolutionRegion {
  /** `block`: `// BEGIN SOLUTION` … `// END SOLUTION`; `line`: one line ending in `// SOLUTION`. */
  kind: "block" | "line";
  /** First line of the region (the BEGIN marker, or the marked line). */
  start: number;
  /** Last line of the region (the END marker, or the marked line). */
  end: number;
}

/** One test cell of a question. */
export interface TestSpec {
  /** Stable name, `q1-public-1`, `q1-hidden-2`: numbered in order within the question and kind. */
  name: string;
  question: string;
  hidden: boolean;
  /** Points this test is worth: its `points=N`, else an equal share of what the question has left. */
  points: number;
  /** True when the points came from `points=N` on the tag line. */
  explicitPoints: boolean;
  /** Index (0-based) of the cell in the source notebook. */
  cell: number;
  /** The test's TypeScript, tag line included. */
  source: string;
}

/** One question: its answer cell, its reference solution and its tests. */
export interface Question {
  id: string;
  points: number;
  /** Index (0-based) of the question cell in the source notebook. */
  cell: number;
  /** The question cell's source with the reference solution, tag line included. */
  source: string;
  regions: SolutionRegion[];
  /** Public and hidden tests in notebook order. */
  tests: TestSpec[];
}

/** One cell of the source, classified. */
export interface AssignmentCell {
  index: number;
  kind: CellKind;
  /** The question id of a question or test cell. */
  question?: string;
  /** The test's name, for a test cell. */
  test?: string;
  cell: NotebookCell;
}

/** A parsed, valid source notebook. */
export interface Assignment {
  notebook: Notebook;
  cells: AssignmentCell[];
  /** Questions in notebook order. */
  questions: Question[];
  /** Indexes of the `//# setup` cells, in order. */
  setup: number[];
  /** The `hidden_data` folder (relative to the source notebook), or null. */
  hiddenData: string | null;
}

/** One thing wrong with a source notebook. */
export interface AuthoringProblem {
  /** Index (0-based) of the cell, or null for the notebook as a whole. */
  cell: number | null;
  /** The cell's first line, as the author sees it. */
  line: string;
  message: string;
  /** What to do about it. */
  fix: string;
}

/** The result of {@link parseAssignment}: the assignment, or every problem found. */
export type ParseResult = { ok: true; assignment: Assignment } | { ok: false; problems: AuthoringProblem[] };

const TAG_LINE = /^\s*\/\/#(.*)$/;
const BEGIN = /^\s*\/\/\s*BEGIN SOLUTION\s*$/;
const END = /^\s*\/\/\s*END SOLUTION\s*$/;
const LINE_MARK = /\/\/\s*SOLUTION\s*$/;
const POINTS = /^points=(.*)$/;
const NUMBER = /^\d+(\.\d+)?$/;
const TAG_FORMS = "`//# question <id> points=N`, `//# test <id> [hidden] [points=N]` or `//# setup`";

/** A parsed tag line. */
type Tag =
  | { kind: "setup" }
  | { kind: "question"; id: string; points: number }
  | { kind: "test"; id: string; hidden: boolean; points: number | null };

/**
 * How a problem reads on the terminal: `cell 3 (//# test q9): <message>; <fix>`.
 * Cells are numbered from 1, markdown included, as `beamlab run` numbers them.
 */
export function formatProblem(p: AuthoringProblem): string {
  const where = p.cell === null ? "notebook metadata" : `cell ${p.cell + 1}${p.line ? ` (${p.line})` : ""}`;
  return `${where}: ${p.message}; ${p.fix}`;
}

/** Parses `//# ...` on the first line of a code cell; null when the cell has no tag. */
function parseTag(text: string, report: (message: string, fix: string) => void): Tag | null | "bad" {
  const m = TAG_LINE.exec(splitLines(text)[0]);
  if (!m) return null;
  const [word, ...rest] = m[1].trim().split(/\s+/).filter(Boolean);
  if (word === "setup") {
    if (rest.length) {
      report(`\`//# setup\` takes nothing after it, but has "${rest.join(" ")}"`, "write the tag line as `//# setup` alone");
      return "bad";
    }
    return { kind: "setup" };
  }
  if (word !== "question" && word !== "test") {
    report(`unknown tag \`//#${m[1].trimEnd()}\``, `use ${TAG_FORMS}, or start the line with \`// \` to make it a comment`);
    return "bad";
  }
  const [id, ...options] = rest;
  let ok = true;
  if (!id || POINTS.test(id) || id === "hidden") {
    report(`\`//# ${word}\` needs a question id`, `write e.g. \`//# ${word} q1${word === "question" ? " points=3" : ""}\``);
    return "bad";
  }
  if (!QUESTION_ID.test(id)) {
    report(`bad question id "${id}"`, "use only letters, digits, `-` and `_`, e.g. `q1` or `part-2a`");
    ok = false;
  }
  let points: number | null = null;
  let hidden = false;
  for (const opt of options) {
    const p = POINTS.exec(opt);
    if (p) {
      if (points !== null) {
        report("`points=` is given twice", "keep one `points=N`");
        ok = false;
      } else if (!NUMBER.test(p[1]) || (word === "question" && Number(p[1]) === 0)) {
        report(`bad points "${p[1]}"`, word === "question" ? "a question is worth a positive number, e.g. `points=3` or `points=1.5`" : "a test is worth a number, e.g. `points=1`, or leave `points=` out to share the question's points equally");
        ok = false;
        points = NaN;
      } else points = Number(p[1]);
    } else if (opt === "hidden" && word === "test" && !hidden) hidden = true;
    else {
      report(`unknown option "${opt}" in \`//# ${word}\``, word === "question" ? "write `//# question <id> points=N`" : "write `//# test <id>`, optionally followed by `hidden` and `points=N`");
      ok = false;
    }
  }
  if (word === "question") {
    if (points === null) {
      report(`question ${id} has no points`, `add them to the tag line: \`//# question ${id} points=3\``);
      ok = false;
    }
    return ok ? { kind: "question", id, points: points as number } : "bad";
  }
  return ok ? { kind: "test", id, hidden, points } : "bad";
}

/** The solution regions of a question cell's lines (the tag line, line 0, is never one). */
function findRegions(lines: string[], report: (message: string, fix: string) => void): SolutionRegion[] {
  const regions: SolutionRegion[] = [];
  let open: number | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (BEGIN.test(line)) {
      if (open !== null) report(`\`// BEGIN SOLUTION\` on line ${i + 1} while the region opened on line ${open + 1} is still open`, "close the first region with `// END SOLUTION` before opening another");
      else open = i;
    } else if (END.test(line)) {
      if (open === null) report(`\`// END SOLUTION\` on line ${i + 1} has no \`// BEGIN SOLUTION\` before it`, "add `// BEGIN SOLUTION` where the solution starts, or remove this line");
      else {
        regions.push({ kind: "block", start: open, end: i });
        open = null;
      }
    } else if (open === null && LINE_MARK.test(line)) regions.push({ kind: "line", start: i, end: i });
  }
  if (open !== null) report(`the solution region opened on line ${open + 1} is left open`, "add `// END SOLUTION` after the last line of the solution");
  return regions;
}

/** True when any line of a cell is a solution marker (they belong in question cells only). */
function hasSolutionMarker(lines: string[]): boolean {
  return lines.some((l) => BEGIN.test(l) || END.test(l) || LINE_MARK.test(l));
}

/** The `hidden_data` folder named by `beamlab.assignment`, checked for shape only. */
function readHiddenData(metadata: Record<string, unknown>, problems: AuthoringProblem[]): string | null {
  const beamlab = metadata.beamlab as Record<string, unknown> | undefined;
  const assignment = beamlab && typeof beamlab === "object" ? beamlab.assignment : undefined;
  if (assignment === undefined) return null;
  const add = (message: string, fix: string) => problems.push({ cell: null, line: "", message, fix });
  if (typeof assignment !== "object" || assignment === null || Array.isArray(assignment)) {
    add("`beamlab.assignment` is not an object", 'write it as {"hidden_data": "hidden"} or leave it out');
    return null;
  }
  const folder = (assignment as Record<string, unknown>).hidden_data;
  if (folder === undefined || folder === null) return null;
  if (typeof folder !== "string" || folder.trim() === "") {
    add("`beamlab.assignment.hidden_data` is not a folder name", 'name a folder beside the source notebook, e.g. "hidden"');
    return null;
  }
  if (folder.startsWith("/") || /^[A-Za-z]:/.test(folder) || folder.split(/[\\/]/).includes("..")) {
    add(`\`beamlab.assignment.hidden_data\` "${folder}" is outside the assignment's folder`, "put the hidden data in a folder beside the source notebook and name it relative to it");
    return null;
  }
  return folder;
}

/** Shares each question's points among its tests; reports sums that cannot work. */
function assignPoints(q: Question, report: (message: string, fix: string) => void): void {
  const explicit = q.tests.filter((t) => t.explicitPoints);
  const shared = q.tests.filter((t) => !t.explicitPoints);
  const given = explicit.reduce((s, t) => s + t.points, 0);
  const left = q.points - given;
  const eps = 1e-9;
  if (shared.length === 0) {
    if (Math.abs(left) > eps) report(`the tests of ${q.id} add up to ${given} points, but ${q.id} is worth ${q.points}`, `make the tests' \`points=\` add up to ${q.points}, or change the question's points`);
  } else if (left <= eps) {
    report(`the tests of ${q.id} with \`points=\` already take ${given} of its ${q.points} points, leaving nothing for ${shared.length} test(s) without`, `lower their points, give every test \`points=\`, or raise the question's points`);
  } else for (const t of shared) t.points = left / shared.length;
}

/**
 * Parses a source notebook into an {@link Assignment}. Every problem is collected (not just the
 * first), each naming its cell and what to do; see {@link formatProblem}.
 */
export function parseAssignment(notebook: Notebook): ParseResult {
  const problems: AuthoringProblem[] = [];
  const cells: AssignmentCell[] = [];
  const questions = new Map<string, Question>();
  const setup: number[] = [];
  const pendingTests: Array<{ test: TestSpec; line: string }> = [];

  notebook.cells.forEach((cell, index) => {
    const line = firstLine(cell);
    const report = (message: string, fix: string) => problems.push({ cell: index, line, message, fix });
    if (cell.cell_type !== "code") {
      cells.push({ index, kind: "plain", cell });
      return;
    }
    const text = cellText(cell);
    const lines = splitLines(text);
    const tag = parseTag(text, report);
    if (tag === "bad") return;
    if (tag === null || tag.kind === "setup" || tag.kind === "test") {
      if (hasSolutionMarker(lines)) report("a solution marker outside a question cell would be shown to students", "move the solution into its `//# question` cell, or remove the marker");
    }
    if (tag === null) {
      cells.push({ index, kind: "plain", cell });
    } else if (tag.kind === "setup") {
      setup.push(index);
      cells.push({ index, kind: "setup", cell });
    } else if (tag.kind === "question") {
      const regions = findRegions(lines, report);
      const earlier = questions.get(tag.id);
      if (earlier) {
        report(`duplicate question id ${tag.id} (cell ${earlier.cell + 1} has it too)`, "give each question its own id");
        return;
      }
      if (regions.length === 0 && !problems.some((p) => p.cell === index)) {
        report(`question ${tag.id} has no solution`, "mark the instructor's answer with `// BEGIN SOLUTION` … `// END SOLUTION`, or end a line with `// SOLUTION`");
      }
      questions.set(tag.id, { id: tag.id, points: tag.points, cell: index, source: text, regions, tests: [] });
      cells.push({ index, kind: "question", question: tag.id, cell });
    } else {
      const test: TestSpec = { name: "", question: tag.id, hidden: tag.hidden, points: tag.points ?? 0, explicitPoints: tag.points !== null, cell: index, source: text };
      pendingTests.push({ test, line });
      cells.push({ index, kind: "test", question: tag.id, cell });
    }
  });

  // Tests are matched once every question is known, so that a test above its question is
  // reported as misplaced rather than as a test of an unknown question.
  for (const { test, line } of pendingTests) {
    const report = (message: string, fix: string) => problems.push({ cell: test.cell, line, message, fix });
    const q = questions.get(test.question);
    if (!q) {
      const known = [...questions.keys()];
      report(`a test for unknown question ${test.question}`, known.length ? `use one of the question ids ${known.join(", ")}, or add a \`//# question ${test.question} points=N\` cell` : `add a \`//# question ${test.question} points=N\` cell above it`);
      continue;
    }
    if (test.cell < q.cell) {
      report(`the test of ${q.id} comes before its question (cell ${q.cell + 1})`, "move the test cell below the question cell: tests run after the answer");
      continue;
    }
    const kind = test.hidden ? "hidden" : "public";
    test.name = `${q.id}-${kind}-${q.tests.filter((t) => t.hidden === test.hidden).length + 1}`;
    q.tests.push(test);
    const c = cells.find((x) => x.index === test.cell);
    if (c) c.test = test.name;
  }

  for (const q of questions.values()) {
    const report = (message: string, fix: string) => problems.push({ cell: q.cell, line: firstLine(notebook.cells[q.cell]), message, fix });
    if (q.tests.length === 0) report(`question ${q.id} has no tests`, `add a cell below it starting with \`//# test ${q.id}\` (or \`//# test ${q.id} hidden\`)`);
    else assignPoints(q, report);
  }
  if (questions.size === 0 && problems.length === 0) {
    problems.push({ cell: null, line: "", message: "the notebook has no `//# question` cell", fix: "start each answer cell with `//# question <id> points=N`" });
  }

  const hiddenData = readHiddenData(notebook.metadata, problems);
  if (problems.length) {
    problems.sort((a, b) => (a.cell ?? -1) - (b.cell ?? -1));
    return { ok: false, problems };
  }
  return { ok: true, assignment: { notebook, cells, questions: [...questions.values()], setup, hiddenData } };
}
