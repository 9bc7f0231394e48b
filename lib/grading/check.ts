/**
 * `beam.grader.check(id)` and `beam.grader.checkAll()`: a student runs a question's public
 * tests in the live kernel, against the variables the notebook has now, and sees what passes,
 * what fails (with the row diff) and how many hidden tests grading adds. The tests come from
 * the student notebook's metadata (`beamlab assign` writes them there); hidden tests are not
 * in it and run only when graded.
 */
import { displayBundle } from "../display/emit";
import { findNotebook, requireQuestion, type FoundNotebook } from "./check-notebook";
import { runTest } from "./check-run";
import { checkAllHtml, checkAllText, checkHtml, checkText, publicSentence } from "./check-view";
import type { StudentAssignmentInfo } from "./student";

/** Options of {@link check} and {@link checkAll}. */
export interface CheckOptions {
  /**
   * The student notebook to read the tests from (relative to the working directory, which
   * in a notebook is its folder). Needed only when it cannot be found by itself: by default
   * the notebook Jupyter started the kernel for, else the assignment notebook of the folder
   * edited last.
   */
  notebook?: string;
}

/** One public test's result. */
export interface PublicTestResult {
  /** `q1-public-1`. */
  name: string;
  passed: boolean;
  /** "passed", or why it failed (an assertion's row diff, or "answer q1 first: ..."). */
  message: string;
}

/** What {@link check} found for one question. */
export interface CheckResult {
  question: string;
  /** The question's points (0 while grading, when nothing is read). */
  points: number;
  /** True when every public test passed (false while grading, when none is run). */
  passed: boolean;
  tests: PublicTestResult[];
  /** How many hidden tests grading runs besides the public ones (not run here). */
  hiddenTests: number;
}

/** Set by the grader for the processes that run submissions. */
function grading(): boolean {
  const v = process.env.BEAMLAB_GRADING;
  return v !== undefined && v !== "" && v !== "0";
}

/**
 * One line instead of a check: the grader runs every test itself, and a check would run them
 * twice. (Its result prints as nothing, so that a cell ending in it adds no second line.)
 */
function skipped(call: string): void {
  console.log(`${call} is skipped while grading: the grader runs every test itself`);
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * The result, printed as one line. tslab prints a cell's last value, so `await check("q1")`
 * alone in a cell would repeat the whole display as an object dump below it.
 */
function printedAs<T extends object>(value: T, line: string): T {
  Object.defineProperty(value, INSPECT, { value: () => line, enumerable: false });
  return value;
}

async function runQuestion(q: StudentAssignmentInfo["questions"][number]): Promise<CheckResult> {
  const tests: PublicTestResult[] = [];
  // One after another, as the cells would run: a test may depend on what an earlier one computed.
  for (const t of q.tests) tests.push({ name: t.name, ...(await runTest(q.id, t)) });
  return { question: q.id, points: q.points, passed: tests.every((t) => t.passed), tests, hiddenTests: q.hidden_tests };
}

function lookup(question: string | null, options: CheckOptions): FoundNotebook {
  if (options.notebook !== undefined && typeof options.notebook !== "string") throw new TypeError('the notebook option is a path, e.g. { notebook: "a1.ipynb" }');
  return findNotebook(question, { notebook: options.notebook });
}

/**
 * Runs the public tests of question `id` against the notebook's current variables and
 * shows each test's result (a failure with its message and row diff), ending with how many
 * hidden tests run when graded. A failing test does not throw: the result says it. Throws
 * only for an id the assignment does not have (naming the ones it has) or when no
 * assignment notebook can be found (pass `{ notebook: "a1.ipynb" }` then).
 *
 * @example
 * import * as beam from "beamlab";
 * const r = await beam.grader.check("q1");   // shows: ✓ q1-public-1 passed … 1 hidden test runs when graded
 * r.passed;                                  // true when every public test of q1 passed
 * await beam.grader.check("q1", { notebook: "a1.ipynb" });   // when the notebook is not found by itself
 */
export async function check(id: string, options: CheckOptions = {}): Promise<CheckResult> {
  if (grading()) {
    skipped(`check(${JSON.stringify(id)})`);
    return printedAs({ question: id, points: 0, passed: false, tests: [], hiddenTests: 0 }, "");
  }
  if (typeof id !== "string") throw new TypeError('check takes a question id, e.g. check("q1")');
  const found = lookup(id, options);
  const result = await runQuestion(requireQuestion(found, id));
  displayBundle({ "text/html": checkHtml(result), "text/plain": checkText(result) });
  return printedAs(result, `check(${JSON.stringify(id)}): ${publicSentence([result])}`);
}

/**
 * Runs the public tests of every question and shows a table: each question's points,
 * public tests passed of total and hidden tests, a total line, then each failure with its
 * message. Returns the results in the assignment's order.
 *
 * @example
 * import * as beam from "beamlab";
 * const results = await beam.grader.checkAll();
 * results.filter((r) => !r.passed).map((r) => r.question);   // the questions to work on
 */
export async function checkAll(options: CheckOptions = {}): Promise<CheckResult[]> {
  if (grading()) {
    skipped("checkAll()");
    return printedAs([], "");
  }
  const found = lookup(null, options);
  const results: CheckResult[] = [];
  for (const q of found.info.questions) results.push(await runQuestion(q));
  displayBundle({ "text/html": checkAllHtml(results), "text/plain": checkAllText(results) });
  return printedAs(results, `checkAll(): ${publicSentence(results)}`);
}
