// `beamlab init` without npm install: what a course folder holds, what it refuses, the
// dependency it writes; and the parts of `beamlab test` that need no kernel (which notebooks
// run, which assignments are graded, how grades are compared).
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InitError, packageVersion, scaffoldCourse } from "../../lib/course/init";
import { courseName } from "../../lib/course/template";
import { gradedAssignments, gradeMismatches, notebooksBelow } from "../../lib/course/course-test";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "bin", "beamlab.js");

/** Runs `f` in a fresh temporary folder, removed afterwards. */
function inTmp(f: (tmp: string) => void): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-init-"));
  try {
    f(tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function below(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test("a bare course: package.json with npm start/test, tsconfig, README, .gitignore, the college data, a first notebook", () => {
  inTmp((tmp) => {
    const dir = path.join(tmp, "My Course 2026");
    const r = scaffoldCourse({ dir });
    assert.deepEqual(r.files, below(dir));
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    assert.equal(pkg.name, "my-course-2026");
    assert.deepEqual(pkg.scripts, { start: "beamlab start", test: "beamlab test" });
    assert.deepEqual(pkg.dependencies, { beamlab: `^${packageVersion()}` });
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")).compilerOptions.moduleResolution, "node10");
    assert.match(fs.readFileSync(path.join(dir, ".gitignore"), "utf8"), /^\.venv\/$/m);
    assert.match(fs.readFileSync(path.join(dir, "README.md"), "utf8"), /npm install +# .*\nnpm start/);
    // The data set, byte for byte; the course notebooks and the assignment were not asked for.
    for (const f of below(path.join(ROOT, "datasets", "college"))) {
      assert.ok(fs.readFileSync(path.join(dir, "datasets", "college", f)).equals(fs.readFileSync(path.join(ROOT, "datasets", "college", f))), f);
    }
    assert.deepEqual(below(path.join(dir, "notebooks")), ["00-start.ipynb"]);
    const start = JSON.parse(fs.readFileSync(path.join(dir, "notebooks", "00-start.ipynb"), "utf8"));
    assert.equal(start.metadata.kernelspec.name, "tslab");
    assert.match(start.cells[1].source, /import \* as beam from "beamlab"/);
  });
});

test("with the course notebooks and the assignment: the six notebooks and a1-college-cleanup, without outputs of earlier runs", () => {
  inTmp((tmp) => {
    const dir = path.join(tmp, "course");
    scaffoldCourse({ dir, withCourseNotebooks: true, withAssignment: true });
    const nbs = below(path.join(dir, "notebooks"));
    assert.deepEqual(nbs.filter((f) => !f.includes("/")), fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => /^0[1-6]-.*\.ipynb$/.test(f)).sort());
    assert.equal(nbs.filter((f) => !f.includes("/")).length, 6);
    const a1 = path.join("notebooks", "assignments", "a1-college-cleanup");
    assert.deepEqual(below(path.join(dir, a1)), below(path.join(ROOT, a1)).filter((f) => !/(^|\/)(out|\.ipynb_checkpoints)\//.test(f) && !f.endsWith(".duckdb")));
    assert.ok(!fs.existsSync(path.join(dir, "notebooks", "00-start.ipynb")));
    assert.match(fs.readFileSync(path.join(dir, "README.md"), "utf8"), /a1-college-cleanup/);
  });
});

test("a tarball is copied into the course and depended on as file:; a version range is written as given", () => {
  inTmp((tmp) => {
    const tgz = path.join(tmp, "beamlab-9.9.9.tgz");
    fs.writeFileSync(tgz, "not really a tarball");
    const r = scaffoldCourse({ dir: path.join(tmp, "a"), beamlab: tgz });
    assert.equal(r.beamlab, "file:beamlab-9.9.9.tgz");
    assert.ok(fs.readFileSync(path.join(tmp, "a", "beamlab-9.9.9.tgz")).equals(fs.readFileSync(tgz)));
    assert.equal(scaffoldCourse({ dir: path.join(tmp, "b"), beamlab: "~0.1.0" }).beamlab, "~0.1.0");
    assert.throws(() => scaffoldCourse({ dir: path.join(tmp, "c"), beamlab: path.join(tmp, "missing.tgz") }), (e: unknown) => e instanceof InitError && /no such tarball: .*missing\.tgz.*npm pack/.test(e.message));
  });
});

test("init refuses a folder that is not empty, and says so on the command line", () => {
  inTmp((tmp) => {
    fs.writeFileSync(path.join(tmp, "notes.md"), "mine");
    assert.throws(() => scaffoldCourse({ dir: tmp }), (e: unknown) => e instanceof InitError && /not an empty folder/.test(e.message));
    assert.deepEqual(fs.readdirSync(tmp), ["notes.md"]);

    const cli = (args: string[]) => spawnSync(process.execPath, [CLI, "init", ...args], { cwd: tmp, encoding: "utf8" });
    const refused = cli([tmp, "--no-install"]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^beamlab: .* already exists and is not an empty folder/);
    const usage = cli(["--with-everything"]);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /unknown option for 'init': --with-everything\nusage: beamlab init <dir>/);
    const made = cli(["fresh", "--with-assignment", "--no-install"]);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /^\[beamlab\] made fresh\/ \(\d+ files; beamlab \^[\d.]+\)\n\[beamlab\] next: cd fresh && npm install && npm start\n$/);
    assert.ok(fs.existsSync(path.join(tmp, "fresh", "notebooks", "assignments", "a1-college-cleanup", "submissions", "expected.json")));
  });
});

test("course names are valid npm names", () => {
  assert.equal(courseName("CS 327E: Elements of Databases"), "cs-327e-elements-of-databases");
  assert.equal(courseName("__"), "beamlab-course");
  assert.equal(courseName("data.eng"), "data.eng");
});

test("beamlab test runs notebooks in path order, skips submissions and outputs, grades assignments that have submissions", () => {
  inTmp((tmp) => {
    const nb = (rel: string, metadata: Record<string, unknown> = {}) => {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] }));
    };
    nb("02-b.ipynb");
    nb("01-a.ipynb");
    nb("week2/lab/deep.ipynb");
    nb("out/01-a.ipynb");
    nb(".ipynb_checkpoints/01-a-checkpoint.ipynb");
    nb("a1/a1.ipynb", { beamlab: { assignment: {} } });
    nb("a1/submissions/ann.ipynb");
    nb("a2/a2.ipynb", { beamlab: { assignment: {} } });
    nb("a3/notes.ipynb");
    fs.mkdirSync(path.join(tmp, "a3", "submissions"));
    const found = notebooksBelow(tmp).map((f) => path.relative(tmp, f));
    assert.deepEqual(found, ["01-a.ipynb", "02-b.ipynb", "a1/a1.ipynb", "a2/a2.ipynb", "a3/notes.ipynb", "week2/lab/deep.ipynb"]);
    assert.deepEqual(gradedAssignments(notebooksBelow(tmp)).map((f) => path.relative(tmp, f)), ["a1/a1.ipynb"]);
  });
});

test("grades are compared submission by submission with expected.json", () => {
  const g = (total: number, status: string, q1: number) => ({ total, status, questions: { q1 } });
  assert.deepEqual(gradeMismatches({ ann: g(4, "ok", 4), bo: g(0, "ok", 0) }, { ann: g(4, "ok", 4), bo: g(0, "ok", 0) }), []);
  assert.deepEqual(gradeMismatches({ ann: g(4, "ok", 4), bo: g(0, "ok", 0) }, { ann: g(3, "ok", 3), cy: g(1, "timeout q1", 1) }), [
    "ann: expected 4 ok {q1: 4}, got 3 ok {q1: 3}",
    "bo: expected 0 ok {q1: 0}, got nothing",
    "cy: expected nothing, got 1 timeout q1 {q1: 1}",
  ]);
});
