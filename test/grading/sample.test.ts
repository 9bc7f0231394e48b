// The sample assignment (notebooks/assignments/a1-college-cleanup/) built with `beamlab assign`
// and its sample submissions graded with `beamlab grade`: each one's total, status and points
// per question are what submissions/expected.json says, the feedback of the wrong stage names
// where its rows went wrong, and no hidden test's source reaches a feedback page.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readManifest } from "../../lib/grading/manifest";
import { ROOT } from "./helpers";

const DIR = path.join(ROOT, "notebooks", "assignments", "a1-college-cleanup");
type Expected = Record<string, { total: number; status: string; questions: Record<string, number> }>;

test("the sample submissions of a1-college-cleanup get their expected grades", { timeout: 900_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-sample-"));
  try {
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 880_000 });
    const a = cli(["assign", path.join(DIR, "a1-college-cleanup.ipynb"), "--out", path.join(tmp, "build")]);
    assert.equal(a.status, 0, a.stderr);
    const out = path.join(tmp, "grades");
    const g = cli(["grade", path.join(tmp, "build", "autograder"), path.join(DIR, "submissions"), "--out", out, "--workers", "2", "--timeout", "20"]);
    assert.equal(g.status, 0, g.stderr + g.stdout);

    const expected = JSON.parse(fs.readFileSync(path.join(DIR, "submissions", "expected.json"), "utf8")) as Expected;
    const report = JSON.parse(fs.readFileSync(path.join(out, "grades.json"), "utf8")) as {
      submissions: Array<{ submission: string; total: number; status: string; questions: Array<{ id: string; points: number; stageSummary: string | null }> }>;
    };
    const actual = Object.fromEntries(report.submissions.map((s) => [s.submission, { total: s.total, status: s.status, questions: Object.fromEntries(s.questions.map((q) => [q.id, q.points])) }]));
    assert.deepEqual(actual, expected);

    // The CSV has one column per question, in the assignment's order.
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").split("\n");
    assert.equal(csv[0], "submission,total,max,status,q1,q2,q3,q4");
    assert.ok(csv.includes("full-marks,14,14,ok,4,3,4,3"), csv.join("\n"));

    // Stage by stage: the wrong stage is named, and what follows it is not blamed.
    const wrong = report.submissions.find((s) => s.submission === "wrong-stage")!.questions.find((q) => q.id === "q1")!;
    assert.match(wrong.stageSummary ?? "", /^matches up to `Read students`; \d+ rows with a different `dob` after `Parse dob`/);

    // Hidden tests' sources never reach a student's page or results.json.
    const manifest = readManifest(JSON.parse(fs.readFileSync(path.join(tmp, "build", "autograder", "manifest.json"), "utf8")));
    const hiddenLines = manifest.questions.flatMap((q) => q.tests.filter((t) => t.hidden).flatMap((t) => t.source.split("\n").slice(1))).map((l) => l.trim()).filter((l) => l.length > 25);
    assert.ok(hiddenLines.length > 0);
    for (const name of Object.keys(expected)) {
      const page = fs.readFileSync(path.join(out, "feedback", `${name}.html`), "utf8");
      const results = fs.readFileSync(path.join(out, "results", name, "results.json"), "utf8");
      for (const line of hiddenLines) {
        assert.ok(!page.includes(line) && !results.includes(JSON.stringify(line).slice(1, -1)), `${name}: a hidden test's line leaked: ${line}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
