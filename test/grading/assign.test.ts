// `beamlab assign` end to end: the CLI on the fixture assignment (with hidden data) in a temp
// dir, its refusal of an invalid source, and the student notebook run headless in a real
// tslab kernel with `beamlab run` (the unanswered questions fail with "q1 is not answered yet",
// setup and untagged cells run) next to the bundle's source, whose solutions pass every test.
import test, { describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readManifest } from "../../lib/grading/manifest";
import type { Notebook } from "../../lib/grading/notebook";
import { FIXTURE_DIR, ROOT, SECRETS, sourceNotebook } from "./helpers";

const BEAMLAB = path.join(ROOT, "bin", "beamlab.js");
const skipVenv = process.env.BEAMLAB_SKIP_VENV && process.env.BEAMLAB_SKIP_VENV !== "0"
  ? "BEAMLAB_SKIP_VENV is set"
  : !fs.existsSync(path.join(ROOT, ".venv", "bin", "jupyter"))
    ? ".venv is missing (run npm run bootstrap)"
    : false;

function beamlab(args: string[], cwd: string, timeout = 60_000) {
  const r = spawnSync(process.execPath, [BEAMLAB, ...args], { cwd, encoding: "utf8", timeout, env: process.env });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", all: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** A temp dir holding a copy of the fixture assignment (source + hidden/). */
function fixtureCopy(parent = os.tmpdir()): string {
  fs.mkdirSync(parent, { recursive: true });
  const dir = fs.mkdtempSync(path.join(parent, "beamlab-assign-"));
  fs.cpSync(FIXTURE_DIR, dir, { recursive: true });
  return dir;
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"));

describe("beamlab assign", () => {
  test("writes the student notebook and the autograder bundle, and prints a summary", () => {
    const dir = fixtureCopy();
    try {
      const r = beamlab(["assign", "a0-words.ipynb", "--out", "out"], dir);
      assert.equal(r.status, 0, r.all);
      assert.equal(r.stderr, "");
      assert.equal(
        r.stdout,
        [
          "[beamlab] a0-words: 2 questions, 5 points; 2 public tests, 2 hidden tests",
          "  q1  3 points    1 public, 1 hidden",
          "  q2  2 points    1 public, 1 hidden",
          "[beamlab] student notebook: out/student/a0-words.ipynb",
          "[beamlab] autograder (keep it private): out/autograder/ (solutions, all tests, hidden data: 1 table)",
          "",
        ].join("\n"),
      );
      const out = path.join(dir, "out");
      assert.deepEqual(fs.readdirSync(path.join(out, "student")), ["a0-words.ipynb"], "nothing but the notebook for students");
      const bytes = fs.readFileSync(path.join(out, "student", "a0-words.ipynb"), "utf8");
      for (const s of SECRETS) assert.ok(!bytes.includes(s), `the student notebook contains ${s}`);
      assert.match(bytes, /q1 is not answered yet/);

      const ag = path.join(out, "autograder");
      assert.deepEqual(fs.readdirSync(ag).sort(), ["hidden_data", "manifest.json", "source.ipynb"]);
      assert.deepEqual(readJson(path.join(ag, "hidden_data", "load.json")), readJson(path.join(dir, "hidden", "load.json")));
      assert.equal(fs.readFileSync(path.join(ag, "hidden_data", "words.csv"), "utf8"), fs.readFileSync(path.join(dir, "hidden", "words.csv"), "utf8"));
      const m = readManifest(readJson(path.join(ag, "manifest.json")));
      assert.equal(m.name, "a0-words");
      assert.deepEqual(m.hiddenData, { dir: "hidden_data", tables: [{ table: "course.words", csv: "words.csv", schema: "word:STRING,n:INTEGER" }] });
      assert.deepEqual(m.questions.map((q) => [q.id, q.points, q.tests.length]), [["q1", 3, 2], ["q2", 2, 2]]);
      const source = readJson(path.join(ag, "source.ipynb")) as Notebook;
      const text = JSON.stringify(source);
      for (const s of ["SECRET_SOLUTION_Q1_BLOCK", "SECRET_SOLUTION_Q2_LINE", "HIDDEN_TEST_Q1_MARKER", "HIDDEN_TEST_Q2_MARKER"]) assert.ok(text.includes(s), `the bundle's source lost ${s}`);
      assert.deepEqual(source.cells[5].metadata.beamlab, { test: "q1-hidden-1", question: "q1", hidden: true });

      // Again into the same folder: replaced, not merged.
      fs.writeFileSync(path.join(ag, "stale.txt"), "from an earlier version");
      assert.equal(beamlab(["assign", "a0-words.ipynb", "--out", "out"], dir).status, 0);
      assert.ok(!fs.existsSync(path.join(ag, "stale.txt")));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refuses an invalid source, naming every problem, and writes nothing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-assign-bad-"));
    try {
      const nb = sourceNotebook(
        [
          "//# setup\nconst k = 1;",
          "//# question q1 points=2\n// BEGIN SOLUTION\nconst x = 1;",
          "//# tset q1",
          "//# question q1 points=1\nconst y = 1; // SOLUTION",
          "//# question q3 points=1\nconst z = 1; // SOLUTION",
        ],
        { beamlab: { assignment: { hidden_data: "missing-folder" } } },
      );
      fs.writeFileSync(path.join(dir, "bad.ipynb"), JSON.stringify(nb));
      const r = beamlab(["assign", "bad.ipynb", "--out", "out"], dir);
      assert.equal(r.status, 1, r.all);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trimEnd().split("\n");
      assert.equal(lines[0], "beamlab: bad.ipynb cannot be assigned (5 problems):");
      assert.match(lines[1], /^ {2}cell 2 \(\/\/# question q1 points=2\): the solution region opened on line 2 is left open; add `\/\/ END SOLUTION`/);
      assert.match(lines[2], /^ {2}cell 2 \(\/\/# question q1 points=2\): question q1 has no tests/);
      assert.match(lines[3], /^ {2}cell 3 \(\/\/# tset q1\): unknown tag `\/\/# tset q1`/);
      assert.match(lines[4], /^ {2}cell 4 \(\/\/# question q1 points=1\): duplicate question id q1 \(cell 2 has it too\)/);
      assert.match(lines[5], /^ {2}cell 5 \(\/\/# question q3 points=1\): question q3 has no tests/);
      assert.equal(lines.length, 6, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.ok(!fs.existsSync(path.join(dir, "out")), "nothing written");

      // Once the cells are right, a missing hidden-data folder is named too.
      const fixed = sourceNotebook(["//# question q1 points=2\nconst x = 1; // SOLUTION", "//# test q1"], { beamlab: { assignment: { hidden_data: "missing-folder" } } });
      fs.writeFileSync(path.join(dir, "bad.ipynb"), JSON.stringify(fixed));
      const r2 = beamlab(["assign", "bad.ipynb", "--out", "out"], dir);
      assert.equal(r2.status, 1, r2.all);
      assert.match(r2.stderr, /^ {2}hidden data: the hidden-data folder .*missing-folder does not exist; create it beside the source notebook/m);
      assert.ok(!fs.existsSync(path.join(dir, "out")), "nothing written");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("usage errors exit 2 and say how to call it", () => {
    const r = beamlab(["assign", "x.ipynb"], os.tmpdir());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /'assign' needs one source notebook and --out <dir>\nusage: beamlab assign <source\.ipynb> --out <dir>/);
    const missing = beamlab(["assign", "no-such.ipynb", "--out", "o"], os.tmpdir());
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no-such\.ipynb cannot be assigned \(1 problem\):\n {2}the file does not exist/);
  });
});

test("the student notebook runs in a real tslab kernel: setup runs, unanswered questions fail with their message; the reference solutions pass", { skip: skipVenv, timeout: 240_000 }, () => {
  // Inside the repository, so that `import * as beam from "beamlab"` resolves through node_modules.
  const dir = fixtureCopy(path.join(ROOT, "test-artifacts"));
  try {
    assert.equal(beamlab(["assign", "a0-words.ipynb", "--out", "out"], dir).status, 0);
    const student = path.join(dir, "out", "student", "a0-words.ipynb");
    const source = path.join(dir, "out", "autograder", "source.ipynb");
    const run = beamlab(["run", "--out", path.join(dir, "executed"), "--timeout", "120", student, source], dir, 200_000);
    assert.equal(run.status, 1, run.all);
    const failing = run.all.split("\n").filter((l) => /^notebook .*, cell \d+: /.test(l)).map((l) => l.replace(/^notebook (\S+)/, (_, p: string) => `notebook ${path.basename(p)}`));
    assert.deepEqual(failing, [
      "notebook a0-words.ipynb, cell 4: Error: q1 is not answered yet",
      "notebook a0-words.ipynb, cell 5: CompileError: Cannot find name 'distinct'.; Cannot find name 'distinct'.",
      "notebook a0-words.ipynb, cell 8: Error: q2 is not answered yet",
      "notebook a0-words.ipynb, cell 9: CompileError: Cannot find name 'shout'.; Cannot find name 'shout'.",
    ], `only the unanswered questions and their public tests fail; the source passes:\n${run.all}`);
    const executed = readJson(path.join(dir, "executed", "a0-words.ipynb")) as Notebook;
    const out = (i: number) => JSON.stringify(executed.cells[i].outputs);
    assert.match(out(1), /SETUP_RAN_MARKER 4/, "the setup cell ran");
    assert.match(out(5), /UNTAGGED_KEPT true/, "the untagged cell ran (with beamlab imported by setup)");
    assert.doesNotMatch(out(3), /after the answer/, "the stub stops the cell");
    const reference = JSON.stringify((readJson(path.join(dir, "executed", "source.ipynb")) as Notebook).cells[3].outputs);
    assert.match(reference, /SECRET_SOLUTION_Q1_PRINT 3/);
    assert.match(reference, /after the answer/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
