// beam.grader.check / checkAll in a real tslab kernel: the fixture assignment (plus a public
// row-diff test for q2) assigned, its student notebook answered (q1 right, q2 partly wrong)
// with check cells before and after the answers, run by `beamlab run` in its own folder, so
// the notebook is found by the folder scan.
import test from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { assign } from "../../lib/grading/assign";
import type { Notebook, NotebookCell } from "../../lib/grading/notebook";
import { stubLine } from "../../lib/grading/student";
import { root, runNotebookFile, textOf, type Output } from "./helpers";

const FIXTURE_DIR = path.join(root, "test", "grading", "fixtures", "a0-words");
const ROW_DIFF_TEST = '//# test q2\nconst { assertThat, equalTo } = beam.testing;\nawait assertThat(shout, equalTo(["APPLE!", "BANANA!", "CHERRY!", "APPLE!"]));';

const code = (source: string, id: string): NotebookCell => ({ cell_type: "code", id, metadata: {}, source, outputs: [], execution_count: null });
const textOfCell = (c: NotebookCell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

/** The student notebook of the fixture assignment with one more public test of q2, written by assign(). */
function studentNotebookFile(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(FIXTURE_DIR, path.join(dir, "source"), { recursive: true });
  const source = path.join(dir, "source", "a0-words.ipynb");
  const nb = JSON.parse(fs.readFileSync(source, "utf8")) as Notebook;
  nb.cells.push(code(ROW_DIFF_TEST, "row-diff"));
  fs.writeFileSync(source, JSON.stringify(nb));
  return assign(source, path.join(dir, "out")).studentNotebook;
}

/** Replaces a question's stub line by an answer. */
function answer(nb: Notebook, question: string, lines: string): void {
  const cell = nb.cells.find((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question === question && !("test" in (c.metadata.beamlab as object)))!;
  const text = textOfCell(cell);
  const stub = text.split("\n").find((l) => l.trimStart() === stubLine(question, ""))!;
  assert.ok(stub, `the stub of ${question}`);
  cell.source = text.replace(stub, lines);
}

test("in a notebook, check shows public tests passing and failing with the row diff, the hidden-test count, and what to answer first", { timeout: 180_000 }, () => {
  const file = studentNotebookFile(path.join(root, "test-artifacts", "check"));
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  const setup = nb.cells.findIndex((c) => (c.metadata.beamlab as { setup?: boolean } | undefined)?.setup);
  nb.cells.splice(setup + 1, 0, code('await beam.grader.check("q1");', "check-before"));
  answer(nb, "q1", "const distinct = new Set(lower).size;");
  // Right for every word but the first: the first public test of q2 passes, the row-diff one fails.
  answer(nb, "q2", '  const shout = words.map((w, i) => (i === 0 ? w : w.toUpperCase()) + "!");');
  nb.cells.push(
    code('await beam.grader.check("q1");', "check-q1"),
    code('await beam.grader.check("q2");', "check-q2"),
    code("await beam.grader.checkAll();", "check-all"),
    code('await beam.grader.check("q9");', "check-unknown"),
  );
  fs.writeFileSync(file, JSON.stringify(nb));

  const { run, outputs } = runNotebookFile(file, 150_000);
  const ids = nb.cells.map((c) => c.id);
  const out = (id: string): Output[] => outputs[ids.indexOf(id)];
  const text = (id: string) => textOf(out(id));
  const all = `${run.stdout}${run.stderr}`;
  assert.match(all, /cell \d+: PipelineAssertionError/, "the row-diff test cell itself fails in the notebook");

  assert.equal(
    text("check-before"),
    "q1 (3 points)\n  ✗ q1-public-1 failed:\n      answer q1 first: run its cell so that `distinct` exists\n1 of 1 public test failed; 1 hidden test runs when graded" +
      'check("q1"): 1 of 1 public test failed\n',
  );
  assert.equal(text("check-q1"), 'q1 (3 points)\n  ✓ q1-public-1 passed\n1 public test passed; 1 hidden test runs when graded' + 'check("q1"): 1 public test passed\n');

  const q2 = text("check-q2");
  assert.ok(
    q2.startsWith(
      "q2 (2 points)\n  ✓ q2-public-1 passed\n  ✗ q2-public-2 failed:\n" +
        "      assertThat(equalTo) failed: the array is not equal to the expected rows: 1 missing, 1 unexpected of 4 expected rows (4 actual)\n" +
        '        missing (1):\n          "APPLE!"\n        unexpected (1):\n          "apple!"\n        what to do: ',
    ),
    q2,
  );
  assert.ok(q2.endsWith('\n1 of 2 public tests failed; 1 hidden test runs when graded' + 'check("q2"): 1 of 2 public tests failed\n'), q2);
  const html = out("check-q2").find((o) => o.output_type === "display_data")?.data?.["text/html"];
  assert.match(String(html), /class="beamlab-check"[\s\S]*&quot;apple!&quot;[\s\S]*1 of 2 public tests failed; 1 hidden test runs when graded/);

  const table = text("check-all");
  assert.ok(
    table.startsWith(
      [
        "question  points  public tests passed  hidden tests",
        "q1             3                  1/1             1",
        "q2             2                  1/2             1",
        "total          5                  2/3             2",
        "✗ q2-public-2 failed:",
        "    assertThat(equalTo) failed: the array is not equal to the expected rows",
      ].join("\n"),
    ),
    table,
  );
  assert.ok(table.endsWith("\n1 of 3 public tests failed; 2 hidden tests run when graded" + "checkAll(): 1 of 3 public tests failed\n"), table);

  assert.equal(text("check-unknown").trim(), 'CheckError: unknown question "q9": a0-words.ipynb has q1, q2; check one of those');
  for (const id of ["check-before", "check-q1", "check-q2", "check-all", "check-unknown"]) {
    assert.doesNotMatch(text(id), /node_modules|dist\/lib|\n\s+at /, `no internal stack frames in ${id}`);
  }
});
