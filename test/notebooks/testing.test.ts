import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../../..");

type Output = { output_type: string; text?: string | string[]; data?: Record<string, unknown> };

/** Runs cells as a notebook through `beamlab run` (the real tslab kernel); returns the run and each cell's outputs. */
function runNotebook(name: string, cells: string[]) {
  const dir = path.join(root, "test-artifacts", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const nb = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(
    nb,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      cells: cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
    }),
  );
  const run = spawnSync(process.execPath, [path.join(root, "bin/beamlab.js"), "run", nb], { cwd: root, encoding: "utf8", timeout: 110_000 });
  const saved = JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: { outputs: Output[] }[] };
  return { run, outputs: saved.cells.map((c) => c.outputs) };
}

function textOf(outputs: Output[]): string {
  return outputs.map((o) => [o.text ?? (o.data?.["text/plain"] as string | string[] | undefined) ?? ""].flat().join("")).join("");
}

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
