import test from "node:test";
import assert from "node:assert/strict";
import { runNotebook, textOf } from "./helpers";

test("in a notebook, a failed assertThat shows the student the row diff and what to do, without internals", { timeout: 120_000 }, () => {
  const { run, outputs } = runNotebook("testing", [
    [
      'import * as beam from "beamlab";',
      "const { assertThat, equalTo, hasCount } = beam.testing;",
      "const p = new beam.Pipeline();",
      "type Student = { sid: string; name: string; dob: string };",
      'const rows = p.apply("Students", beam.Create<Student>([',
      '  { sid: "s1", name: "Ada", dob: "1990-01-02" },',
      '  { sid: "s2", name: "Alan", dob: "1991-06-23" },',
      '  { sid: "s3", name: "Grace", dob: "1992-12-09" },',
      "]));",
      '// Keeps the US format for the first student: the bug the test should find.',
      'const formatted = rows.apply("Format dob", beam.Map((s: Student) => (s.sid === "s1" ? { ...s, dob: "01/02/1990" } : s)));',
    ].join("\n"),
    "await assertThat(formatted, hasCount(3));\nconsole.log(\"count ok\");",
    [
      "await assertThat(formatted, equalTo([",
      '  { sid: "s1", name: "Ada", dob: "1990-01-02" },',
      '  { dob: "1991-06-23", name: "Alan", sid: "s2" },',
      '  { sid: "s3", name: "Grace", dob: "1992-12-09" },',
      '  { sid: "s4", name: "Edsger", dob: "1993-05-11" },',
      "]));",
    ].join("\n"),
  ]);
  assert.equal(run.status, 1, "the failing assertion fails the run");
  assert.equal(textOf(outputs[1]), "count ok\n");
  const text = textOf(outputs[2]);
  assert.ok(
    text.includes(
      'PipelineAssertionError: assertThat(equalTo) failed: PCollection "Format dob" is not equal to the expected rows: 1 missing, 1 changed of 4 expected rows (3 actual)\n' +
        "  changed (1; the actual row, then each changed field: expected → actual):\n" +
        '    { sid: "s1", name: "Ada", dob: "01/02/1990" }\n' +
        '      dob: "1990-01-02" → "01/02/1990"\n' +
        "  missing (1):\n" +
        '    { sid: "s4", name: "Edsger", dob: "1993-05-11" }\n' +
        "  what to do: compare the rows above with what \"Format dob\" and the steps before it do",
    ),
    text,
  );
  assert.doesNotMatch(text, /node_modules|dist\/lib|\n\s+at .*\(/, "no internal stack frames");
});
