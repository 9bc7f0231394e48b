/**
 * A course notebook run for its test: copied into test-artifacts (its relative paths,
 * `../datasets/...` and `out/...`, work as in notebooks/ without writing there), executed
 * with the real tslab kernel through `beamlab run`, and read back with its outputs (not a
 * test file itself).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { JOB_MIME, type JobPayload } from "../../lib/display/protocol";
import { root, runNotebookFile, type Output } from "./helpers";

/** A saved notebook stays small whatever it shows (as for the other course notebooks). */
export const MAX_SAVED_BYTES = 250_000;

type Cell = { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null };

export const joined = (t: string | string[] | undefined): string => (Array.isArray(t) ? t.join("") : (t ?? ""));

export class CourseNotebookRun {
  /** The folder the copy ran in (its `notebooks/` holds the notebook and its `out/`). */
  readonly dir: string;
  readonly run: ReturnType<typeof runNotebookFile>["run"];
  private readonly cells: Cell[];
  private readonly size: number;

  /** Runs `notebooks/<name>.ipynb` with `env` set for its kernel. */
  constructor(readonly name: string, timeoutMs: number, env: Record<string, string> = {}) {
    this.dir = path.join(root, "test-artifacts", `notebook-${name.slice(0, 2)}`);
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(this.dir, "notebooks"), { recursive: true });
    fs.symlinkSync(path.join(root, "datasets"), path.join(this.dir, "datasets"), "dir");
    const nb = path.join(this.dir, "notebooks", `${name}.ipynb`);
    fs.copyFileSync(path.join(root, "notebooks", `${name}.ipynb`), nb);
    const saved = Object.entries(env).map(([k]) => [k, process.env[k]] as const);
    Object.assign(process.env, env);
    try {
      this.run = runNotebookFile(nb, timeoutMs).run;
    } finally {
      for (const [k, v] of saved) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
    this.cells = (JSON.parse(fs.readFileSync(nb, "utf8")) as { cells: Cell[] }).cells;
    this.size = fs.statSync(nb).size;
  }

  /** It ran to the end, is committed without outputs, saved small, no error and nothing on stderr; the first cell says what is learnt. */
  assertClean(): void {
    assert.equal(this.run.status, 0, `${this.run.stdout}\n${this.run.stderr}`);
    const src = JSON.parse(fs.readFileSync(path.join(root, "notebooks", `${this.name}.ipynb`), "utf8")) as { cells: Cell[]; metadata: { kernelspec?: { name?: string } } };
    assert.equal(src.metadata.kernelspec?.name, "tslab");
    assert.match(joined(src.cells[0].source), /You will learn/);
    for (const c of src.cells.filter((x) => x.cell_type === "code")) assert.deepEqual([c.outputs, c.execution_count], [[], null], "committed without outputs");
    assert.ok(this.size < MAX_SAVED_BYTES, `saved size ${this.size} < ${MAX_SAVED_BYTES}`);
    const outputs = this.cells.flatMap((c) => c.outputs ?? []);
    assert.deepEqual(outputs.filter((o) => o.output_type === "error" || (o.output_type === "stream" && (o as { name?: string }).name === "stderr")), []);
  }

  /** The outputs of the code cell whose source contains `snippet`. */
  outputsOf(snippet: string): Output[] {
    const cell = this.cells.find((c) => c.cell_type === "code" && joined(c.source).includes(snippet));
    assert.ok(cell, `a code cell contains ${JSON.stringify(snippet)}`);
    return cell.outputs ?? [];
  }

  /** The text (streams and text/plain) of that cell's outputs. */
  textOf(snippet: string): string {
    return this.outputsOf(snippet)
      .map((o) => joined(o.text ?? (o.data?.["text/plain"] as string | string[] | undefined)))
      .join("\n");
  }

  /** The one job view of that cell. */
  jobOf(snippet: string): JobPayload {
    const views = this.outputsOf(snippet).filter((o) => o.data?.[JOB_MIME]);
    assert.equal(views.length, 1, `one job view in the cell with ${snippet}`);
    return views[0].data![JOB_MIME] as JobPayload;
  }
}
