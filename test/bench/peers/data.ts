/**
 * The benchmark's input files: the generated college tables (every table at `rows` rows,
 * as the engine benchmark does) and `rows` text lines, written once per size and reused
 * by every engine of the run, so that all of them read the same bytes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeCollegeSync, writeTextLines } from "../../../datasets/generate";

/** The directory holding the inputs for `rows` rows, written on first use. */
export function inputsFor(rows: number, root = path.join(os.tmpdir(), "beamlab-bench-peers")): string {
  const dir = path.join(root, String(rows));
  const done = path.join(dir, "DONE");
  if (fs.existsSync(done)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  writeCollegeSync(dir, { rows, eol: "\n", tables: ["teacher", "student", "class"], teachers: rows, students: rows });
  writeTextLines(path.join(dir, "words.txt"), rows);
  fs.writeFileSync(done, new Date().toISOString());
  return dir;
}
