// The authoring format: tags, solution regions, points, and every validation error, each
// naming its cell; the student notebook and the autograder manifest built from it.
import test, { describe } from "node:test";
import assert from "node:assert/strict";
import { formatProblem, parseAssignment, type Assignment } from "../../lib/grading/authoring";
import { buildManifest, readManifest } from "../../lib/grading/manifest";
import { parseLoadJson } from "../../lib/grading/hidden-data";
import { studentNotebook, studentSource } from "../../lib/grading/student";
import { studentSyntaxProblems } from "../../lib/grading/syntax";
import { fixtureNotebook, SECRETS, sourceNotebook } from "./helpers";

function parsed(cells: Parameters<typeof sourceNotebook>[0], metadata?: Record<string, unknown>): Assignment {
  const r = parseAssignment(sourceNotebook(cells, metadata));
  assert.ok(r.ok, r.ok ? "" : r.problems.map(formatProblem).join("\n"));
  return r.assignment;
}

/** The formatted problems of an invalid notebook. */
function problems(cells: Parameters<typeof sourceNotebook>[0], metadata?: Record<string, unknown>): string[] {
  const r = parseAssignment(sourceNotebook(cells, metadata));
  assert.equal(r.ok, false, "the notebook should be refused");
  return r.ok ? [] : r.problems.map(formatProblem);
}

const Q1 = "//# question q1 points=3\n// BEGIN SOLUTION\nconst x = 1;\n// END SOLUTION";
const T1 = "//# test q1\nif (x !== 1) throw new Error('x');";

describe("parsing the tags", () => {
  test("question, public and hidden tests with and without points, setup, untagged and markdown cells", () => {
    const a = parsed(
      [
        ["markdown", "# Title\n//# question not-a-tag points=1"],
        "//# setup\nconst data = [1, 2];",
        "//# question q_1-a points=4\nconst keep = 1;\n// BEGIN SOLUTION\nconst y = 2;\n// END SOLUTION\n  const z = 3; // SOLUTION",
        "//# test q_1-a",
        "//# test q_1-a hidden points=1.5",
        "//# test q_1-a hidden",
        "console.log('untagged');",
        "//# test   q_1-a   points=0.5  ",
      ],
      { beamlab: { assignment: { hidden_data: "hidden" } } },
    );
    assert.deepEqual(a.cells.map((c) => c.kind), ["plain", "setup", "question", "test", "test", "test", "plain", "test"]);
    assert.deepEqual(a.setup, [1]);
    assert.equal(a.hiddenData, "hidden");
    assert.equal(a.questions.length, 1);
    const q = a.questions[0];
    assert.equal(q.id, "q_1-a");
    assert.equal(q.points, 4);
    assert.equal(q.cell, 2);
    assert.deepEqual(q.regions, [{ kind: "block", start: 2, end: 4 }, { kind: "line", start: 5, end: 5 }]);
    // 4 points: 1.5 and 0.5 given, the other 2 shared by the two tests without points=.
    assert.deepEqual(
      q.tests.map((t) => [t.name, t.hidden, t.points, t.explicitPoints, t.cell]),
      [["q_1-a-public-1", false, 1, false, 3], ["q_1-a-hidden-1", true, 1.5, true, 4], ["q_1-a-hidden-2", true, 1, false, 5], ["q_1-a-public-2", false, 0.5, true, 7]],
    );
    assert.deepEqual(a.cells.filter((c) => c.kind === "test").map((c) => c.test), ["q_1-a-public-1", "q_1-a-hidden-1", "q_1-a-hidden-2", "q_1-a-public-2"]);
  });

  test("a question's points are split equally among tests without points=", () => {
    const a = parsed(["//# question q1 points=2\nconst x = 1; // SOLUTION", "//# test q1", "//# test q1 hidden", "//# test q1 hidden", "//# test q1"]);
    assert.deepEqual(a.questions[0].tests.map((t) => t.points), [0.5, 0.5, 0.5, 0.5]);
  });

  test("source given as a list of lines (as JupyterLab saves it) parses the same", () => {
    const nb = sourceNotebook([Q1, T1]);
    nb.cells[0].source = ["//# question q1 points=3\n", "// BEGIN SOLUTION\n", "const x = 1;\n", "// END SOLUTION"];
    const r = parseAssignment(nb);
    assert.ok(r.ok);
    assert.deepEqual(r.assignment.questions[0].regions, [{ kind: "block", start: 1, end: 3 }]);
  });

  test("the fixture assignment parses", () => {
    const r = parseAssignment(fixtureNotebook());
    assert.ok(r.ok);
    assert.deepEqual(r.assignment.questions.map((q) => [q.id, q.points, q.tests.map((t) => `${t.name}:${t.points}`)]), [
      ["q1", 3, ["q1-public-1:1", "q1-hidden-1:2"]],
      ["q2", 2, ["q2-hidden-1:1", "q2-public-1:1"]],
    ]);
  });
});

describe("validation names the cell and what to do", () => {
  const cases: Array<[string, Parameters<typeof sourceNotebook>[0], RegExp, Record<string, unknown>?]> = [
    ["unknown tag", [Q1, T1, "//# quesiton q2 points=1\nconst y = 2;"], /^cell 3 \(\/\/# quesiton q2 points=1\): unknown tag `\/\/# quesiton q2 points=1`; use `\/\/# question <id> points=N`/],
    ["setup with extra words", [Q1, T1, "//# setup now"], /^cell 3 \(\/\/# setup now\): `\/\/# setup` takes nothing after it/],
    ["a question without tests", [Q1, T1, "//# question q2 points=1\nconst y = 2; // SOLUTION"], /^cell 3 \(\/\/# question q2 points=1\): question q2 has no tests; add a cell below it starting with `\/\/# test q2`/],
    ["a test for an unknown question", [Q1, T1, "//# test q7 hidden"], /^cell 3 \(\/\/# test q7 hidden\): a test for unknown question q7; use one of the question ids q1/],
    ["a test above its question", ["//# test q1", Q1, T1], /^cell 1 \(\/\/# test q1\): the test of q1 comes before its question \(cell 2\); move the test cell below/],
    ["duplicate question ids", [Q1, T1, "//# question q1 points=2\nconst y = 2; // SOLUTION"], /^cell 3 \(\/\/# question q1 points=2\): duplicate question id q1 \(cell 1 has it too\); give each question its own id/],
    ["a solution region left open", ["//# question q1 points=3\nconst a = 0;\n// BEGIN SOLUTION\nconst x = 1;", T1], /^cell 1 \(\/\/# question q1 points=3\): the solution region opened on line 3 is left open; add `\/\/ END SOLUTION`/],
    ["END without BEGIN", ["//# question q1 points=3\nconst x = 1;\n// END SOLUTION", T1], /^cell 1 \(\/\/# question q1 points=3\): `\/\/ END SOLUTION` on line 3 has no `\/\/ BEGIN SOLUTION` before it/],
    ["BEGIN inside an open region", ["//# question q1 points=3\n// BEGIN SOLUTION\n// BEGIN SOLUTION\nconst x = 1;\n// END SOLUTION", T1], /^cell 1 \(\/\/# question q1 points=3\): `\/\/ BEGIN SOLUTION` on line 3 while the region opened on line 2 is still open/],
    ["a question without a solution", ["//# question q1 points=3\nconst x = 1;", T1], /^cell 1 \(\/\/# question q1 points=3\): question q1 has no solution; mark the instructor's answer/],
    ["points that are not a number", ["//# question q1 points=three\nconst x = 1; // SOLUTION", T1], /^cell 1 \(\/\/# question q1 points=three\): bad points "three"; a question is worth a positive number/],
    ["a question worth 0", ["//# question q1 points=0\nconst x = 1; // SOLUTION", T1], /^cell 1 \(\/\/# question q1 points=0\): bad points "0"/],
    ["negative test points", [Q1, "//# test q1 points=-1"], /^cell 2 \(\/\/# test q1 points=-1\): bad points "-1"; a test is worth a number/],
    ["a question without points", ["//# question q1\nconst x = 1; // SOLUTION", T1], /^cell 1 \(\/\/# question q1\): question q1 has no points; add them to the tag line: `\/\/# question q1 points=3`/],
    ["tests' points that do not add up", [Q1, "//# test q1 points=1", "//# test q1 hidden points=1"], /^cell 1 \(\/\/# question q1 points=3\): the tests of q1 add up to 2 points, but q1 is worth 3/],
    ["tests' points that leave nothing", [Q1, "//# test q1 points=3", "//# test q1 hidden"], /^cell 1 \(\/\/# question q1 points=3\): the tests of q1 with `points=` already take 3 of its 3 points, leaving nothing for 1 test\(s\) without/],
    ["a bad id", ["//# question q.1 points=3\nconst x = 1; // SOLUTION", T1], /^cell 1 \(\/\/# question q\.1 points=3\): bad question id "q\.1"; use only letters, digits, `-` and `_`/],
    ["a tag without an id", [Q1, T1, "//# test hidden"], /^cell 3 \(\/\/# test hidden\): `\/\/# test` needs a question id/],
    ["an unknown option", [Q1, "//# test q1 secret"], /^cell 2 \(\/\/# test q1 secret\): unknown option "secret" in `\/\/# test`/],
    ["a solution marker outside a question cell", [Q1, T1, "//# setup\nconst k = 1; // SOLUTION"], /^cell 3 \(\/\/# setup\): a solution marker outside a question cell would be shown to students/],
    ["hidden data outside the folder", [Q1, T1], /^notebook metadata: `beamlab\.assignment\.hidden_data` "\.\.\/elsewhere" is outside the assignment's folder/, { beamlab: { assignment: { hidden_data: "../elsewhere" } } }],
    ["no question at all", ["console.log(1);"], /^notebook metadata: the notebook has no `\/\/# question` cell/],
  ];
  for (const [name, cells, expected, metadata] of cases) {
    test(name, () => {
      const found = problems(cells, metadata);
      assert.ok(found.some((p) => expected.test(p)), `expected ${expected} among:\n${found.join("\n")}`);
    });
  }

  test("every problem is reported at once, in cell order", () => {
    const found = problems([
      "//# question q1 points=3\n// BEGIN SOLUTION\nconst x = 1;",
      "//# frobnicate",
      "//# test q9",
      "//# question q2 points=x\nconst y = 1; // SOLUTION",
      "//# test q1",
    ]);
    assert.deepEqual(found.map((p) => p.split(":")[0]), ["cell 1 (//# question q1 points=3)", "cell 2 (//# frobnicate)", "cell 3 (//# test q9)", "cell 4 (//# question q2 points=x)"]);
    assert.equal(found.length, 4, found.join("\n"));
  });
});

describe("the student notebook", () => {
  test("solutions become stubs that throw; hidden tests, hidden data and outputs are gone; cells carry their ids", () => {
    const source = fixtureNotebook();
    // An executed source: the outputs of the reference solution must not reach students either.
    source.cells[3].outputs = [{ output_type: "stream", name: "stdout", text: "SECRET_SOLUTION_Q1_PRINT 3\n" }];
    source.cells[3].execution_count = 4;
    const r = parseAssignment(source);
    assert.ok(r.ok);
    const nb = studentNotebook(r.assignment, "a0-words");
    const bytes = JSON.stringify(nb);
    for (const s of SECRETS) assert.ok(!bytes.includes(s), `the student notebook contains ${s}`);
    // What is not secret stays: setup, context around the solution, public tests, untagged cells.
    for (const s of ["SETUP_RAN_MARKER", "KEPT_CONTEXT_Q1", 'console.log("after the answer");', "expected 3 distinct words", "UNTAGGED_KEPT", "BANANA!"]) {
      assert.ok(nb.cells.some((c) => String(c.source).includes(s)), `the student notebook lost ${s}`);
    }
    assert.equal(nb.cells.length, source.cells.length - 2, "the two hidden tests are removed");
    const q1 = nb.cells.find((c) => (c.metadata.beamlab as { question?: string })?.question === "q1")!;
    assert.equal(
      q1.source,
      '//# question q1 points=3\nconst lower = words.map((w) => w.toLowerCase()); // KEPT_CONTEXT_Q1\nthrow new Error("q1 is not answered yet"); // TODO: your answer\nconsole.log("after the answer");',
    );
    assert.deepEqual(q1.outputs, []);
    assert.equal(q1.execution_count, null);
    const q2 = nb.cells.find((c) => (c.metadata.beamlab as { question?: string })?.question === "q2")!;
    assert.equal(q2.source, '//# question q2 points=2\n  throw new Error("q2 is not answered yet"); // TODO: your answer', "the indentation of the line is kept");
    assert.deepEqual(
      nb.cells.map((c) => c.metadata.beamlab ?? null),
      [null, { setup: true }, null, { question: "q1" }, { test: "q1-public-1", question: "q1", hidden: false }, null, null, { question: "q2" }, { test: "q2-public-1", question: "q2", hidden: false }],
    );
    const test1 = nb.cells[4];
    assert.equal(test1.metadata.editable, false);
    assert.equal(test1.metadata.deletable, false);
    const tests = {
      q1: [{ name: "q1-public-1", source: "//# test q1\nif (distinct !== 3) throw new Error(`expected 3 distinct words, got ${distinct}`);" }],
      q2: [{ name: "q2-public-1", source: '//# test q2\nif (shout[1] !== "BANANA!") throw new Error(`expected BANANA!, got ${shout[1]}`);' }],
    };
    assert.deepEqual(nb.metadata.beamlab, { assignment: { name: "a0-words", questions: [{ id: "q1", points: 3, public_tests: 1, hidden_tests: 1, tests: tests.q1 }, { id: "q2", points: 2, public_tests: 1, hidden_tests: 1, tests: tests.q2 }] } });
    assert.deepEqual(nb.cells.map((c) => c.id), ["a0-0", "a0-1", "a0-2", "a0-3", "a0-4", "a0-6", "a0-7", "a0-8", "a0-10"], "cell ids are kept");
  });

  test("a solution region that is not whole statements is refused: its stub would not compile", () => {
    const a = parsed(["//# question q1 points=1\nconst x = [1, 2].map(\n// BEGIN SOLUTION\n  (n) => n * 2\n// END SOLUTION\n);", "//# test q1"]);
    assert.equal(studentSource(a.questions[0]), '//# question q1 points=1\nconst x = [1, 2].map(\nthrow new Error("q1 is not answered yet"); // TODO: your answer\n);');
    const found = studentSyntaxProblems(a).map(formatProblem);
    assert.equal(found.length, 1);
    assert.match(found[0], /^cell 1 \(\/\/# question q1 points=1\): with the solution replaced by a stub, q1 does not compile \(line 3: .*\); make each solution region whole statements/);
    assert.deepEqual(studentSyntaxProblems(parsed([Q1, T1])), [], "whole statements are fine");
  });
});

describe("the autograder manifest", () => {
  test("round-trips through JSON and keeps solutions, every test with its points, setup and cell order", () => {
    const r = parseAssignment(fixtureNotebook());
    assert.ok(r.ok);
    const a = r.assignment;
    const tables = [{ table: "course.words", csv: "words.csv", schema: "word:STRING,n:INTEGER" }];
    const m = buildManifest(a, "a0-words", new Map(a.questions.map((q) => [q.id, studentSource(q)])), tables);
    const back = readManifest(JSON.parse(JSON.stringify(m)));
    assert.deepEqual(back, m);
    assert.equal(m.totalPoints, 5);
    assert.deepEqual(m.questions.map((q) => q.tests.map((t) => [t.name, t.hidden, t.points])), [
      [["q1-public-1", false, 1], ["q1-hidden-1", true, 2]],
      [["q2-hidden-1", true, 1], ["q2-public-1", false, 1]],
    ]);
    assert.match(m.questions[0].solution, /SECRET_SOLUTION_Q1_BLOCK/);
    assert.match(m.questions[0].student, /q1 is not answered yet/);
    assert.match(m.questions[1].tests[0].source, /HIDDEN_TEST_Q2_MARKER/);
    assert.deepEqual(m.setup.map((s) => s.cell), [1]);
    assert.deepEqual(m.cells.map((c) => c.kind), ["plain", "setup", "plain", "question", "test", "test", "plain", "plain", "question", "test", "test"]);
    assert.deepEqual(m.hiddenData, { dir: "hidden_data", tables });
  });

  test("a manifest of another version or with a missing field is refused, saying what to do", () => {
    const r = parseAssignment(fixtureNotebook());
    assert.ok(r.ok);
    const m = buildManifest(r.assignment, "a0", new Map(), null);
    assert.throws(() => readManifest({ ...m, version: 2 }), /manifest\.json: version 2 is not the version 1 this beamlab reads; run `npx beamlab assign` again/);
    const broken = JSON.parse(JSON.stringify(m));
    delete broken.questions[1].tests[0].points;
    assert.throws(() => readManifest(broken), /a test of question q2 is incomplete/);
    assert.throws(() => readManifest([]), /not a JSON object/);
  });
});

describe("load.json of the hidden data", () => {
  test("a good load.json lists its tables", () => {
    const r = parseLoadJson({ "course.words": { csv: "words.csv", schema: "word:STRING,n:INTEGER" } }, () => true);
    assert.deepEqual(r, { tables: [{ table: "course.words", csv: "words.csv", schema: "word:STRING,n:INTEGER" }], problems: [] });
  });

  test("bad table names, missing or escaping CSVs and bad schemas are all reported", () => {
    const r = parseLoadJson(
      {
        words: { csv: "words.csv", schema: "word:STRING" },
        "a.missing": { csv: "nope.csv", schema: "x:STRING" },
        "a.escape": { csv: "../secret.csv", schema: "x:STRING" },
        "a.schema": { csv: "words.csv", schema: "x:WORDS" },
        "a.nothing": {},
      },
      (csv) => csv === "words.csv",
    );
    assert.equal(r.problems.length, 5, r.problems.join("\n"));
    assert.match(r.problems[0], /table "words" is not of the form dataset\.table/);
    assert.match(r.problems[1], /the CSV of a\.missing, "nope\.csv", does not exist/);
    assert.match(r.problems[2], /the CSV of a\.escape, "\.\.\/secret\.csv", is outside the hidden-data folder/);
    assert.match(r.problems[3], /the schema of a\.schema: Unknown type WORDS for column x/);
    assert.match(r.problems[4], /table a\.nothing needs "csv"/);
  });
});
