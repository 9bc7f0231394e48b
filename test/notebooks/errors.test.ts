import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "../../..");

test("in a notebook, a failing DoFn reads as a student-facing error, not a stack trace", { timeout: 120_000 }, () => {
  const dir = path.join(root, "test-artifacts", "errors");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const nb = path.join(dir, "errors.ipynb");
  const cells = [
    'import * as beam from "beamlab";\nconst p = new beam.Pipeline();\nconst rows = p.apply("Create", beam.Create([{ name: "Ada Lovelace" }, { name: "Plato" }]));',
    'const split = rows.apply("Split name", beam.Map((r) => {\n  const [first, last] = r.name.split(" ");\n  return { first, last: last.toUpperCase() };\n}));\nawait beam.show(split);',
  ];
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
  assert.equal(run.status, 1, "the run fails");
  assert.match(run.stdout + run.stderr, /cell 2: PipelineError/, "naming the notebook cell");
  const saved = JSON.parse(fs.readFileSync(nb, "utf8"));
  const text = saved.cells[1].outputs.map((o: { text?: string | string[] }) => [o.text ?? ""].flat().join("")).join("");
  assert.match(text, /failed in transform "Split name"/);
  assert.match(text, /element: \{"name":"Plato"\}/);
  assert.match(text, /cause: TypeError: Cannot read properties of undefined \(reading 'toUpperCase'\)/);
  assert.match(text, /at: a notebook cell/);
  assert.match(text, /what to do: /);
  assert.doesNotMatch(text, /node_modules|dist\/lib|\n\s+at .*\(/, "no internal stack frames");
});
