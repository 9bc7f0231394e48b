// A notebook in a subfolder of a folder outside the repository whose node_modules/beamlab
// links back to it (how the issue met TS2742): its cells' inferred types (notebook 06's
// comparison cell returns `wh.query(...)`, others `beam.collect`, `beam.chart`) are named
// through beamlab's own exports, so the real tslab kernel compiles and runs them.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tslabNotebookJson } from "../notebook";
import { root, textOf, type Output } from "./helpers";

test("cells whose inferred types come from beamlab's dependencies compile in a folder that links beamlab", { timeout: 300_000 }, () => {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-linked-")));
  try {
    fs.mkdirSync(path.join(tmp, "node_modules"));
    fs.symlinkSync(root, path.join(tmp, "node_modules", "beamlab"), "dir");
    const dir = path.join(tmp, "notebooks", "week1", "lab");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(tmp, "grades.csv"), "sid,grade\ns1,A\ns2,B\ns3,A\n");
    const nb = path.join(dir, "types.ipynb");
    fs.writeFileSync(nb, tslabNotebookJson([
      'import * as beam from "beamlab";\nconst wh = beam.warehouse.open();\nawait wh.load("course.grades", "../../../grades.csv", "sid:STRING,grade:STRING")',
      // Notebook 06's shape: a helper whose return type is inferred from wh.query.
      "async function compare(grade: string) {\n  return wh.query(`SELECT sid FROM course.grades WHERE grade = '${grade}' ORDER BY sid`);\n}\n(await compare(\"A\")).array(\"sid\").join(\",\")",
      'const p = new beam.Pipeline();\nconst nums = p.apply("Create", beam.Create([1, 2, 3]));\nasync function table() { return beam.collect(nums); }\nconst chartOf = async () => beam.chart(await compare("B")).count("sid");\n(await table()).numRows()',
      "(await chartOf()).constructor.name",
    ]));
    const run = spawnSync(process.execPath, [path.join(root, "bin", "beamlab.js"), "run", nb], {
      cwd: root,
      encoding: "utf8",
      timeout: 280_000,
      env: { ...process.env, BEAMLAB_WAREHOUSE: path.join(tmp, "warehouse.duckdb") },
    });
    const out = `${run.stdout}${run.stderr}`;
    assert.doesNotMatch(out, /TS2742|cannot be named/);
    assert.equal(run.status, 0, out);
    const cells = (JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: { outputs: Output[] }[] }).cells.map((c) => textOf(c.outputs));
    assert.match(cells[1], /s1,s3/);
    assert.match(cells[2], /\b3\b/);
    assert.match(cells[3], /Chart/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
