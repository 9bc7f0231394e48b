// beam.grader.check / checkAll without a kernel: the public tests in the student notebook's
// metadata (never the hidden ones), finding the notebook (option, JPY_SESSION_NAME, the
// folder), running tests against a fake tslab state (pass, fail with the row diff, "answer
// q1 first"), the text and HTML forms (escaped), unknown ids and the skip while grading.
import test, { afterEach, beforeEach, describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inspect } from "node:util";
import * as beam from "../../lib/index";
import { parseAssignment } from "../../lib/grading/authoring";
import { assignmentInfo, findNotebook } from "../../lib/grading/check-notebook";
import { checkAllHtml, checkAllText, checkHtml, checkText, summarySentence } from "../../lib/grading/check-view";
import type { CheckResult } from "../../lib/grading/check";
import type { Notebook } from "../../lib/grading/notebook";
import { studentNotebook, type StudentAssignmentInfo } from "../../lib/grading/student";
import { fixtureNotebook, SECRETS, sourceNotebook } from "./helpers";

/** The student notebook `beamlab assign` would write for these source cells. */
function student(cells: Parameters<typeof sourceNotebook>[0], name = "a1"): Notebook {
  const r = parseAssignment(sourceNotebook(cells));
  assert.ok(r.ok, JSON.stringify(r));
  return studentNotebook(r.assignment, name);
}

const infoOf = (nb: Notebook) => (nb.metadata.beamlab as { assignment: StudentAssignmentInfo }).assignment;

/** An assignment with a plain test, a row-diff test and a hidden test for q1; q2 has one public test. */
const CELLS = [
  "//# setup\nconst words = [\"apple\", \"Banana\", \"apple\"];",
  "//# question q1 points=3\n// BEGIN SOLUTION\nconst distinct = new Set(words.map((w) => w.toLowerCase())).size;\nconst lower = words.map((w) => w.toLowerCase());\n// END SOLUTION",
  "//# test q1\nif (distinct !== 2) throw new Error(`expected 2 distinct words, got ${distinct}`);",
  "//# test q1\nconst { assertThat, equalTo } = beam.testing;\nawait assertThat(lower, equalTo([\"apple\", \"banana\", \"apple\"]));",
  "//# test q1 hidden\n// HIDDEN_MARKER\nif (lower.length !== 3) throw new Error(\"three\");",
  "//# question q2 points=1.5\nconst n = 1; // SOLUTION",
  "//# test q2\nif (n !== 1) throw new Error(\"n is 1\");",
];

let dir = "";
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-check-"));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete (globalThis as { __tslab__?: unknown }).__tslab__;
});

function write(name: string, nb: unknown, mtime?: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(nb));
  if (mtime !== undefined) fs.utimesSync(file, mtime, mtime);
  return file;
}

/** Runs `f` with console.log captured; returns what it printed and its value. */
async function printed<T>(f: () => Promise<T>): Promise<{ out: string; value: T }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    const value = await f();
    return { out: lines.join("\n"), value };
  } finally {
    console.log = log;
  }
}

/** A fake tslab state: the notebook's variables as tslab keeps them. */
function kernel(vars: Record<string, unknown>): void {
  (globalThis as { __tslab__?: unknown }).__tslab__ = { exports: { beam, words: ["apple", "Banana", "apple"], ...vars }, require };
}

describe("the public tests in the student notebook", () => {
  test("each question records its public tests' sources, never a hidden one", () => {
    const info = infoOf(student(CELLS));
    assert.deepEqual(
      info.questions.map((q) => [q.id, q.tests.map((t) => t.name), q.hidden_tests]),
      [["q1", ["q1-public-1", "q1-public-2"], 1], ["q2", ["q2-public-1"], 0]],
    );
    assert.equal(info.questions[0].tests[0].source, CELLS[2]);
    assert.ok(!JSON.stringify(info).includes("HIDDEN_MARKER"));
    const parsed = parseAssignment(fixtureNotebook());
    assert.ok(parsed.ok);
    const fixture = JSON.stringify(infoOf(studentNotebook(parsed.assignment, "a0-words")));
    for (const s of SECRETS) assert.ok(!fixture.includes(s), `the metadata contains ${s}`);
  });

  test("a notebook without test sources (an older beamlab assign) says to get the notebook again", () => {
    const nb = student(CELLS);
    for (const q of infoOf(nb).questions) delete (q as Partial<typeof q>).tests;
    assert.match(String(assignmentInfo(nb)), /older `beamlab assign` that did not record the public tests of q1; ask for the notebook again/);
    assert.equal(assignmentInfo(sourceNotebook(["1"], { beamlab: { assignment: { hidden_data: "hidden" } } })), null, "a source notebook is no student notebook");
  });
});

describe("finding the student notebook", () => {
  test("the notebook option, relative to the working directory", () => {
    const file = write("mine.ipynb", student(CELLS));
    const found = findNotebook("q1", { notebook: "mine.ipynb", cwd: dir, env: {} });
    assert.equal(found.path, file);
    assert.equal(found.via, "option");
    assert.throws(() => findNotebook("q1", { notebook: "nope.ipynb", cwd: dir, env: {} }), /cannot read nope\.ipynb: there is no such file in .*; pass the path of your assignment notebook, e.g. \{ notebook: "a1\.ipynb" \}/);
    write("plain.ipynb", sourceNotebook(["1"]));
    assert.throws(() => findNotebook("q1", { notebook: "plain.ipynb", cwd: dir, env: {} }), /plain\.ipynb is not an assignment notebook \(it has no beamlab\.assignment metadata\)/);
  });

  test("JPY_SESSION_NAME when it names an existing notebook; else the folder", () => {
    const session = write("session.ipynb", student(CELLS), 1000);
    write("newer.ipynb", student(CELLS), 2000);
    assert.equal(findNotebook("q1", { cwd: dir, env: { JPY_SESSION_NAME: session } }).via, "session");
    assert.equal(findNotebook("q1", { cwd: dir, env: { JPY_SESSION_NAME: session } }).path, session);
    const stale = findNotebook("q1", { cwd: dir, env: { JPY_SESSION_NAME: path.join(dir, "renamed.ipynb") } });
    assert.deepEqual([stale.via, path.basename(stale.path)], ["folder", "newer.ipynb"], "a renamed notebook's stale name is passed over");
    const scratch = write("scratch.ipynb", sourceNotebook(["1"]));
    assert.throws(() => findNotebook("q1", { cwd: dir, env: { JPY_SESSION_NAME: scratch } }), /scratch\.ipynb is not an assignment notebook/, "the kernel's own notebook decides");
  });

  test("the folder: the assignment notebook that has the question, edited last", () => {
    write("other.ipynb", student(["//# question x1 points=1\nconst x = 1; // SOLUTION", "//# test x1"], "other"), 3000);
    write("a1.ipynb", student(CELLS), 1000);
    write("a1-Copy1.ipynb", student(CELLS), 2000);
    write("broken.ipynb", "{ not json");
    write("plain.ipynb", sourceNotebook(["1"]), 4000);
    const cwd = dir;
    assert.equal(path.basename(findNotebook("q1", { cwd, env: {} }).path), "a1-Copy1.ipynb");
    assert.equal(path.basename(findNotebook("x1", { cwd, env: {} }).path), "other.ipynb");
    assert.equal(path.basename(findNotebook(null, { cwd, env: {} }).path), "other.ipynb", "checkAll takes the one edited last");
    assert.throws(() => findNotebook("q9", { cwd, env: {} }), /^CheckError: unknown question "q9": other\.ipynb has x1; check one of those$/m);
  });

  test("no assignment notebook: says what to pass", () => {
    write("plain.ipynb", sourceNotebook(["1"]));
    assert.throws(() => findNotebook("q1", { cwd: dir, env: {} }), (e: Error) => {
      assert.equal(e.message, `found no assignment notebook in ${dir}; pass yours, e.g. \`await beam.grader.check("q1", { notebook: "a1.ipynb" })\``);
      assert.equal(e.stack, `CheckError: ${e.message}`, "no stack frames of ours");
      return true;
    });
    assert.throws(() => findNotebook(null, { cwd: dir, env: {} }), /beam\.grader\.checkAll\(\{ notebook: "a1\.ipynb" \}\)/);
  });
});

describe("check and checkAll", () => {
  test("before the answer: the test names what the answer must define", async () => {
    const nb = write("a1.ipynb", student(CELLS));
    kernel({});
    const { out, value } = await printed(() => beam.grader.check("q1", { notebook: nb }));
    assert.deepEqual(value, {
      question: "q1",
      points: 3,
      passed: false,
      tests: [
        { name: "q1-public-1", passed: false, message: "answer q1 first: run its cell so that `distinct` exists" },
        { name: "q1-public-2", passed: false, message: "answer q1 first: run its cell so that `lower` exists" },
      ],
      hiddenTests: 1,
    });
    assert.equal(
      out,
      [
        "q1 (3 points)",
        "  ✗ q1-public-1 failed:",
        "      answer q1 first: run its cell so that `distinct` exists",
        "  ✗ q1-public-2 failed:",
        "      answer q1 first: run its cell so that `lower` exists",
        "2 of 2 public tests failed; 1 hidden test runs when graded",
      ].join("\n"),
    );
  });

  test("a wrong answer fails with its message and the row diff; a right one passes", async () => {
    const nb = write("a1.ipynb", student(CELLS));
    kernel({ distinct: 2, lower: ["apple", "Banana", "apple"] });
    const wrong = await printed(() => beam.grader.check("q1", { notebook: nb }));
    assert.equal(wrong.value.passed, false);
    assert.deepEqual(wrong.value.tests.map((t) => t.passed), [true, false]);
    assert.equal(
      wrong.value.tests[1].message.split("\n  what to do")[0],
      'assertThat(equalTo) failed: the array is not equal to the expected rows: 1 missing, 1 unexpected of 3 expected rows (3 actual)\n  missing (1):\n    "banana"\n  unexpected (1):\n    "Banana"',
    );
    assert.match(wrong.out, /^ {2}✓ q1-public-1 passed\n {2}✗ q1-public-2 failed:\n {6}assertThat\(equalTo\) failed: the array/m);
    assert.match(wrong.out, /\n1 of 2 public tests failed; 1 hidden test runs when graded$/);
    assert.doesNotMatch(wrong.out, /\n\s+at |dist\/lib|node:internal/, "no stack frames");

    kernel({ distinct: 3, lower: ["apple", "banana", "apple"] });
    const bad = await printed(() => beam.grader.check("q1", { notebook: nb }));
    assert.equal(bad.value.tests[0].message, "expected 2 distinct words, got 3", "a plain Error reads as its message");

    kernel({ distinct: 2, lower: ["apple", "banana", "apple"] });
    const right = await printed(() => beam.grader.check("q1", { notebook: nb }));
    assert.equal(right.value.passed, true);
    assert.equal(right.out, "q1 (3 points)\n  ✓ q1-public-1 passed\n  ✓ q1-public-2 passed\n2 public tests passed; 1 hidden test runs when graded");
    assert.equal(inspect(right.value), 'check("q1"): 2 public tests passed', "a cell ending in check prints one line, not the object again");
  });

  test("a test sees the notebook's variables by name, may shadow them, and keeps its own declarations to itself", async () => {
    const cells = [
      "//# question q1 points=1\nconst total = 6; // SOLUTION",
      "//# test q1\nconst total2 = total * 2;\nconst words = [\"shadowed\"];\nif (total2 !== 12 || words[0] !== \"shadowed\") throw new Error(\"scope\");\nconst fs = require(\"node:fs\");\nif (!fs.existsSync(\".\")) throw new Error(\"require\");",
      "//# test q1\nif (typeof total2 !== \"undefined\") throw new Error(\"leaked\");\nnull!.toString();",
    ];
    const nb = write("a1.ipynb", student(cells));
    kernel({ total: 6 });
    const r = await printed(() => beam.grader.check("q1", { notebook: nb }));
    assert.deepEqual(r.value.tests.map((t) => [t.passed, t.message]), [
      [true, "passed"],
      [false, "TypeError: Cannot read properties of null (reading 'toString')"],
    ]);
    assert.equal((globalThis as { __tslab__?: { exports: Record<string, unknown> } }).__tslab__?.exports.total2, undefined);
    assert.match(r.out, /no hidden tests$/);
  });

  test("checkAll: a table of every question with a total line, then the failures", async () => {
    const nb = write("a1.ipynb", student(CELLS));
    kernel({ distinct: 2, lower: ["apple", "Banana", "apple"], n: 1 });
    const { out, value } = await printed(() => beam.grader.checkAll({ notebook: nb }));
    assert.deepEqual(value.map((r) => [r.question, r.passed, r.tests.length, r.hiddenTests]), [["q1", false, 2, 1], ["q2", true, 1, 0]]);
    const lines = out.split("\n");
    assert.deepEqual(lines.slice(0, 4), [
      "question  points  public tests passed  hidden tests",
      "q1             3                  1/2             1",
      "q2          1.50                  1/1             0",
      "total       4.50                  2/3             1",
    ]);
    assert.equal(lines[4], "✗ q1-public-2 failed:");
    assert.equal(lines.at(-1), "1 of 3 public tests failed; 1 hidden test runs when graded");
  });

  test("an unknown id throws, naming the known ones", async () => {
    const nb = write("a1.ipynb", student(CELLS));
    kernel({});
    await assert.rejects(beam.grader.check("q3", { notebook: nb }), (e: Error) => {
      assert.equal(e.name, "CheckError");
      assert.equal(e.message, 'unknown question "q3": a1.ipynb has q1, q2; check one of those'.replace("a1.ipynb", nb));
      return true;
    });
  });

  test("while grading (BEAMLAB_GRADING=1) nothing runs: one line, and an empty result", async () => {
    const nb = write("a1.ipynb", student(["//# question q1 points=1\nconst x = 1; // SOLUTION", "//# test q1\n(globalThis as any).__checkRan = true;"]));
    kernel({ x: 1 });
    const before = process.env.BEAMLAB_GRADING;
    process.env.BEAMLAB_GRADING = "1";
    try {
      const one = await printed(() => beam.grader.check("q1", { notebook: nb }));
      assert.equal(one.out, 'check("q1") is skipped while grading: the grader runs every test itself');
      assert.deepEqual(one.value, { question: "q1", points: 0, passed: false, tests: [], hiddenTests: 0 });
      const all = await printed(() => beam.grader.checkAll({ notebook: nb }));
      assert.equal(all.out, "checkAll() is skipped while grading: the grader runs every test itself");
      assert.deepEqual(all.value, []);
      assert.equal((globalThis as { __checkRan?: boolean }).__checkRan, undefined, "no test ran");
    } finally {
      if (before === undefined) delete process.env.BEAMLAB_GRADING;
      else process.env.BEAMLAB_GRADING = before;
    }
    await printed(() => beam.grader.check("q1", { notebook: nb }));
    assert.equal((globalThis as { __checkRan?: boolean }).__checkRan, true, "outside grading it runs");
    delete (globalThis as { __checkRan?: boolean }).__checkRan;
  });
});

describe("the text and HTML forms", () => {
  const HOSTILE = "<img src=x onerror=alert(1)>";
  const result: CheckResult = {
    question: `q1${HOSTILE}`,
    points: 2,
    passed: false,
    tests: [
      { name: "q1-public-1", passed: true, message: "passed" },
      { name: `q1-public-2${HOSTILE}`, passed: false, message: `expected ${HOSTILE}\n  missing (1):\n    "a & b"` },
    ],
    hiddenTests: 2,
  };

  test("the sentence: passed, failed, no public and no hidden tests, singular and plural", () => {
    assert.equal(summarySentence(2, 0, 3), "2 public tests passed; 3 hidden tests run when graded");
    assert.equal(summarySentence(2, 1, 1), "1 of 2 public tests failed; 1 hidden test runs when graded");
    assert.equal(summarySentence(1, 0, 0), "1 public test passed; no hidden tests");
    assert.equal(summarySentence(0, 0, 2), "no public tests; 2 hidden tests run when graded");
  });

  test("text: the message's lines are indented under the failed test", () => {
    assert.equal(
      checkText(result),
      [`q1${HOSTILE} (2 points)`, "  ✓ q1-public-1 passed", `  ✗ q1-public-2${HOSTILE} failed:`, `      expected ${HOSTILE}`, "        missing (1):", '          "a & b"', "1 of 2 public tests failed; 2 hidden tests run when graded"].join("\n"),
    );
  });

  test("HTML: every value escaped, theme colours only, words beside the marks", () => {
    for (const html of [checkHtml(result), checkAllHtml([result])]) {
      assert.ok(!html.includes("<img"), html);
      assert.ok(html.includes("expected &lt;img src=x onerror=alert(1)&gt;"), html);
      assert.ok(html.includes("q1-public-2&lt;img src=x onerror=alert(1)&gt;"), html);
      assert.ok(html.includes("&quot;a &amp; b&quot;"), html);
      assert.doesNotMatch(html, /#[0-9a-f]{3,6}\b|rgba?\(|hsla?\(|:\s*(?:white|black|red|green)\b/i, "no fixed colours");
      for (const m of html.matchAll(/(?:color|background): ([^;"]+)/g)) assert.match(m[1], /^var\(--jp-[\w-]+\)$/);
      assert.match(html, /failed/);
    }
    assert.match(checkHtml(result), /<p style="margin: 4px 0 0">1 of 2 public tests failed; 2 hidden tests run when graded<\/p>/);
    const table = checkAllHtml([result]);
    assert.match(table, /<th align="left"[^>]*>question<\/th>/);
    assert.match(table, /<tfoot><tr><th align="left"[^>]*>total<\/th><th align="right"[^>]*>2<\/th><th align="right"[^>]*>1\/2<\/th><th align="right"[^>]*>2<\/th><\/tr><\/tfoot>/);
    assert.match(checkAllText([result]), /^total\s+2\s+1\/2\s+2$/m);
  });
});
