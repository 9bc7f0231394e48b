/**
 * Running cells as a notebook through `beamlab run` (the real tslab kernel), for the
 * notebook tests (not a test file itself).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { tslabNotebookJson } from "../notebook";

export const root = path.resolve(__dirname, "../../..");

export type Output = { output_type: string; text?: string | string[]; data?: Record<string, unknown> };

/** Runs cells as a notebook through `beamlab run` (the real tslab kernel); returns the run and each cell's outputs. */
export function runNotebook(name: string, cells: string[]) {
  const dir = path.join(root, "test-artifacts", name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const nb = path.join(dir, `${name}.ipynb`);
  fs.writeFileSync(
    nb,
    tslabNotebookJson(cells),
  );
  return runNotebookFile(nb);
}

/** Runs an existing notebook file in place through `beamlab run` (in its own folder); returns the run and each cell's outputs. */
export function runNotebookFile(nb: string, timeout = 110_000) {
  const run = spawnSync(process.execPath, [path.join(root, "bin/beamlab.js"), "run", nb], { cwd: root, encoding: "utf8", timeout });
  const saved = JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: { outputs: Output[] }[] };
  return { run, outputs: saved.cells.map((c) => c.outputs) };
}

export function textOf(outputs: Output[]): string {
  return outputs.map((o) => [o.text ?? (o.data?.["text/plain"] as string | string[] | undefined) ?? ""].flat().join("")).join("");
}
