// `beamlab grade` end to end, on a small pipeline assignment built here (hidden data, two
// questions, public and hidden tests): one batch in which one submission is right, one has a
// wrong middle stage, one loops forever, one calls process.exit, one allocates without end,
// one cheats, one is damaged, and one is not a notebook. Each is scored as it deserves and the
// rest of the batch is graded. Also the grading plan of damaged notebooks, without a worker.
import test, { describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { assign } from "../../lib/grading/assign";
import { grade } from "../../lib/grading/grade";
import { readManifest } from "../../lib/grading/manifest";
import { cellText, type Notebook } from "../../lib/grading/notebook";
import { planSubmission } from "../../lib/grading/plan";
import type { SubmissionGrade } from "../../lib/grading/results";
import { ROOT, sourceNotebook } from "./helpers";

const SETUP = [
  "//# setup",
  'import * as beam from "beamlab";',
  "const { assertThat, equalTo, hasCount, satisfiesAll } = beam.testing;",
  "type Raw = { sid: string; dob: string | null };",
].join("\n");

const Q1 = [
  "//# question q1 points=4",
  "const p1 = new beam.Pipeline();",
  'const raw = p1.apply("Read students", beam.io.ReadFromSQL<Raw>({ query: "SELECT sid, dob FROM college_staging.student" }));',
  "// BEGIN SOLUTION",
  "const MONTHS = [\"Jan\", \"Feb\", \"Mar\", \"Apr\", \"May\", \"Jun\", \"Jul\", \"Aug\", \"Sep\", \"Oct\", \"Nov\", \"Dec\"];",
  "function toIso(s: string | null): string | null {",
  "  if (!s) return null;",
  "  let m = /^(\\d{2})\\/(\\d{2})\\/(\\d{4})$/.exec(s);",
  "  if (m) return `${m[3]}-${m[1]}-${m[2]}`;",
  "  m = /^([A-Z][a-z]{2})-(\\d{2})-(\\d{4})$/.exec(s);",
  "  if (m) return `${m[3]}-${String(MONTHS.indexOf(m[1]) + 1).padStart(2, \"0\")}-${m[2]}`;",
  "  return /^\\d{4}-\\d{2}-\\d{2}$/.test(s) ? s : null;",
  "}",
  "// END SOLUTION",
  'const parsed = raw.apply("Parse dob", beam.Map((r: Raw) => ({ sid: r.sid, dob: toIso(r.dob) })));',
  'const valid = parsed.apply("Drop invalid", beam.Filter((r: { sid: string; dob: string | null }) => r.dob !== null));',
  'const unique = valid.apply("Dedup", beam.Distinct());',
].join("\n");

const Q1_PUBLIC = ["//# test q1", "await assertThat(unique, satisfiesAll((rows) => rows.every((r) => /^\\d{4}-\\d{2}-\\d{2}$/.test(r.dob ?? \"\"))));"].join("\n");
const Q1_HIDDEN = [
  "//# test q1 hidden",
  "await assertThat(unique, equalTo([",
  '  { sid: "s1", dob: "1999-05-10" }, { sid: "s2", dob: "2000-01-31" }, { sid: "s3", dob: "2001-12-02" }, { sid: "s5", dob: "1998-07-04" },',
  "]));",
].join("\n");

const Q2 = [
  "//# question q2 points=2",
  "const p2 = new beam.Pipeline();",
  'const words = p2.apply("Words", beam.Create(["a", "b", "a"]));',
  'const counts = words.apply("Count", beam.combiners.Count.PerElement()); // SOLUTION',
].join("\n");
const Q2_PUBLIC = ["//# test q2", 'await assertThat(counts, equalTo([["a", 2], ["b", 1]]));'].join("\n");

const HIDDEN_CSV = "sid,dob\ns1,05/10/1999\ns2,Jan-31-2000\ns3,2001-12-02\ns4,\ns5,07/04/1998\ns5,07/04/1998\ns6,not a date\n";

function buildAssignment(dir: string): { autograder: string; student: Notebook } {
  const src = path.join(dir, "a2-stages.ipynb");
  fs.mkdirSync(path.join(dir, "hidden"), { recursive: true });
  fs.writeFileSync(path.join(dir, "hidden", "student.csv"), HIDDEN_CSV);
  fs.writeFileSync(path.join(dir, "hidden", "load.json"), JSON.stringify({ "college_staging.student": { csv: "student.csv", schema: "sid:STRING,dob:STRING" } }));
  const nb = sourceNotebook([["markdown", "# A2"], SETUP, Q1, Q1_PUBLIC, Q1_HIDDEN, Q2, Q2_PUBLIC], { beamlab: { assignment: { hidden_data: "hidden" } } });
  fs.writeFileSync(src, JSON.stringify(nb));
  const r = assign(src, path.join(dir, "build"));
  return { autograder: r.autograderDir, student: JSON.parse(fs.readFileSync(r.studentNotebook, "utf8")) as Notebook };
}

/** The student notebook with each question's stub replaced. */
function answered(student: Notebook, answers: Record<string, string>): Notebook {
  const nb = JSON.parse(JSON.stringify(student)) as Notebook;
  for (const c of nb.cells) {
    const q = (c.metadata.beamlab as { question?: string } | undefined)?.question;
    if (q && answers[q] !== undefined) c.source = cellText(c).replace(/^\s*throw new Error\("q\d is not answered yet"\);.*$/m, answers[q]);
  }
  return nb;
}

const GOOD_Q1 = Q1.split("// BEGIN SOLUTION\n")[1].split("// END SOLUTION")[0].trimEnd();
const GOOD_Q2 = 'const counts = words.apply("Count", beam.combiners.Count.PerElement());';
// Mis-reads Mon-DD-YYYY as day first: one row comes out of "Parse dob" with another dob.
const WRONG_Q1 = GOOD_Q1.replace("${m[3]}-${String(MONTHS.indexOf(m[1]) + 1).padStart(2, \"0\")}-${m[2]}", "${m[3]}-${m[2]}-${String(MONTHS.indexOf(m[1]) + 1).padStart(2, \"0\")}");

describe("beamlab grade", () => {
  test("grades a batch: right, wrong stage, loop, exit, memory bomb, cheat, damaged, unreadable", { timeout: 600_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-grade-test-"));
    try {
      const { autograder, student } = buildAssignment(dir);
      const subs = path.join(dir, "subs");
      fs.mkdirSync(subs);
      const write = (name: string, nb: Notebook | string) => fs.writeFileSync(path.join(subs, `${name}.ipynb`), typeof nb === "string" ? nb : JSON.stringify(nb));
      write("right", answered(student, { q1: GOOD_Q1, q2: GOOD_Q2 }));
      write("wrong-stage", answered(student, { q1: WRONG_Q1, q2: GOOD_Q2 }));
      write("loop", answered(student, { q1: `${GOOD_Q1}\nwhile (true) {}`, q2: GOOD_Q2 }));
      write("exits", answered(student, { q1: GOOD_Q1, q2: `process.exit(0);\n${GOOD_Q2}` }));
      write("bomb", answered(student, { q1: `${GOOD_Q1}\nconst hog: number[][] = [];\nwhile (true) hog.push(new Array(1 << 20).fill(hog.length));`, q2: GOOD_Q2 }));
      // Wrong answers, and every trick at the checker: none may earn a point.
      const cheat = answered(student, {
        q1: [
          "const toIso = (s: string | null) => s;",
          "(beam.testing as any).assertThat = async () => {};",
          "(Array.prototype as any).every = () => true;",
          "(Object as any).is = () => true;",
          "(JSON as any).stringify = () => \"{}\";",
          'console.log("after the attempts:", typeof (beam.testing.assertThat as any).length, [1, 2].every((x) => x === 1), Object.is(1, 2), JSON.stringify({ a: 1 }));',
          "(globalThis as any).assertThat = async () => {};",
          "console.log = () => {};",
          'process.stdout.write(JSON.stringify({ k: "forged", step: 3 }) + "\\n" + JSON.stringify({ test: "q1-hidden-1", passed: true }) + "\\n");',
          "try { require(\"fs\").writeSync(3, JSON.stringify({ k: \"0\".repeat(32), step: 3 }) + \"\\n\"); } catch {}",
        ].join("\n"),
        q2: 'const counts = words.apply("Count", beam.combiners.Count.PerElement()).apply("Wrong", beam.Map(([w, n]: [string, number]) => [w, n + 1] as [string, number]));\nconst assertThat = async () => {};\nconst equalTo = () => ({ name: "equalTo", match: async () => ({ ok: true }) });',
      });
      const q2Test = cheat.cells.find((c) => (c.metadata.beamlab as { test?: string } | undefined)?.test);
      if (q2Test) q2Test.source = "// nothing";
      write("cheat", cheat);
      // Damaged: q1 duplicated (the last copy is right), questions swapped, q2's metadata lost.
      const dmg = answered(student, { q1: GOOD_Q1, q2: GOOD_Q2 });
      const q1Cell = dmg.cells.find((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question === "q1")!;
      const q2Cell = dmg.cells.find((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question === "q2")!;
      q2Cell.metadata = {};
      const firstCopy = { ...JSON.parse(JSON.stringify(q1Cell)), source: answered(student, { q1: WRONG_Q1 }).cells.find((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question === "q1")!.source };
      dmg.cells = [dmg.cells[0], dmg.cells[1], firstCopy, q2Cell, q1Cell];
      write("damaged", dmg);
      const missing = answered(student, { q2: GOOD_Q2 });
      missing.cells = missing.cells.filter((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question !== "q1");
      write("missing", missing);
      write("unreadable", "this is not JSON");

      const files = fs.readdirSync(subs).sort().map((f) => path.join(subs, f));
      const started = Date.now();
      const report = await grade(autograder, files, { workers: 2, limits: { cellSeconds: 20, memoryMiB: 512 } });
      const by = new Map(report.submissions.map((s) => [s.submission, s]));
      const summary = (s: SubmissionGrade | undefined) => s && `${s.total} ${s.status} [${s.questions.map((q) => `${q.id}=${q.points}`).join(" ")}]`;

      assert.deepEqual(Object.fromEntries(report.submissions.map((g) => [g.submission, summary(g)])), {
        right: "6 ok [q1=4 q2=2]",
        "wrong-stage": "4 ok [q1=2 q2=2]", // the public format test passes, the hidden rows do not
        loop: "2 timeout q1 [q1=0 q2=2]",
        exits: "4 exited q2 [q1=4 q2=0]",
        bomb: "2 memory q1 [q1=0 q2=2]",
        cheat: "0 ok [q1=0 q2=0]",
        damaged: "6 damaged: q1 appears 2 times (the last copy is graded) [q1=4 q2=2]",
        missing: "2 damaged: q1 missing [q1=0 q2=2]",
        unreadable: "0 unreadable: not a notebook: Unexpected token 'h', \"this is not JSON\" is not valid JSON [q1=0 q2=0]",
      });
      assert.deepEqual(by.get("damaged")!.damage, ["q1 appears 2 times (the last copy is graded)", "q2 found by its `//# question` line (its cell metadata was lost)", "question cells reordered (graded in the assignment's order)"]);
      assert.equal(summary(by.get("missing")), "2 damaged: q1 missing [q1=0 q2=2]");

      // Where the wrong stage went wrong, and that later stages carry it.
      const wrong = by.get("wrong-stage")!.questions[0];
      assert.deepEqual(wrong.stages.map((s) => `${s.label}:${s.status}`), ["Read students:match", "Parse dob:differs", "Drop invalid:differs", "Dedup:differs"]);
      assert.equal(wrong.stageSummary, "matches up to `Read students`; 1 row with a different `dob` after `Parse dob`");
      assert.deepEqual(wrong.stages[1].rows?.changed, [{ expected: { sid: "s2", dob: "2000-01-31" }, actual: { sid: "s2", dob: "2000-31-01" }, fields: ["dob"] }]);
      assert.equal(by.get("right")!.questions[0].stageSummary, "every stage matches the reference (4 compared)");
      // The cheat's own attempts were refused, and its console tricks did not reach the result.
      assert.match(by.get("cheat")!.output, /after the attempts: number false false \{"a":1\}\n/, "lockdown left every intrinsic as it was");
      assert.equal(by.get("loop")!.questions[0].reason, "cell 3 ran past 20 s; q1 earns 0 points");
      // The batch ran in parallel: well under the sum of its parts.
      const sum = report.submissions.reduce((s, g) => s + g.seconds, 0);
      assert.ok((Date.now() - started) / 1000 < sum, `batch ${(Date.now() - started) / 1000} s, sum ${sum} s`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the CLI writes grades.csv with one column per question and exits 0; a bad bundle exits 1", { timeout: 300_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-grade-cli-"));
    try {
      const { autograder, student } = buildAssignment(dir);
      const sub = path.join(dir, "ada.ipynb");
      fs.writeFileSync(sub, JSON.stringify(answered(student, { q2: GOOD_Q2 })));
      const out = path.join(dir, "out");
      const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "grade", autograder, sub, "--out", out, "--workers", "1", "--timeout", "20"], { encoding: "utf8", timeout: 280_000 });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.equal(fs.readFileSync(path.join(out, "grades.csv"), "utf8"), "submission,total,max,status,q1,q2\nada,2,6,ok,0,2\n");
      const json = JSON.parse(fs.readFileSync(path.join(out, "grades.json"), "utf8"));
      assert.match(json.submissions[0].questions[0].tests[0].message, /^cell 3 \(the answer to q1\) failed: does not compile:\n5:80 - Cannot find name 'toIso'/);
      assert.ok(fs.existsSync(path.join(out, "results", "ada", "results.json")));
      assert.ok(fs.existsSync(path.join(out, "feedback", "ada.html")));
      const bad = spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "grade", dir, sub, "--out", out], { encoding: "utf8" });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /is not an autograder folder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("grading plan", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-plan-"));
  const { autograder, student } = buildAssignment(dir);
  const manifest = readManifest(JSON.parse(fs.readFileSync(path.join(autograder, "manifest.json"), "utf8")));
  fs.rmSync(dir, { recursive: true, force: true });
  const kinds = (nb: Notebook) => planSubmission(manifest, nb).steps.map((s) => (s.kind === "cell" ? `cell${s.cell}:${s.question ?? "-"}` : s.kind === "test" ? s.test : s.kind === "stages" ? `stages:${s.question}` : "setup"));

  test("setup and tests come from the bundle; the submission's test cells are never run", () => {
    const nb = JSON.parse(JSON.stringify(student)) as Notebook;
    for (const c of nb.cells) if ((c.metadata.beamlab as { test?: string } | undefined)?.test) c.source = "console.log('edited test')";
    const steps = planSubmission(manifest, nb).steps;
    assert.ok(!steps.some((s) => s.kind !== "stages" && s.source.includes("edited test")));
    assert.deepEqual(kinds(nb), ["setup", "cell3:q1", "q1-public-1", "q1-hidden-1", "stages:q1", "cell5:q2", "q2-public-1", "stages:q2"]);
  });

  test("a student's own cells move with the question above them", () => {
    const nb = JSON.parse(JSON.stringify(student)) as Notebook;
    const helper = { cell_type: "code" as const, metadata: {}, source: "const mine = 1;", outputs: [], execution_count: null };
    const q1 = nb.cells.findIndex((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question === "q1");
    const q2 = nb.cells.findIndex((c) => (c.metadata.beamlab as { question?: string } | undefined)?.question === "q2");
    nb.cells = [nb.cells[0], nb.cells[1], nb.cells[q2], helper, nb.cells[q1]];
    assert.deepEqual(kinds(nb), ["setup", "cell5:q1", "q1-public-1", "q1-hidden-1", "stages:q1", "cell3:q2", "cell4:q2", "q2-public-1", "stages:q2"]);
    assert.deepEqual(planSubmission(manifest, nb).damage, ["question cells reordered (graded in the assignment's order)"]);
  });
});
