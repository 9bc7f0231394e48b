/**
 * Shared helpers for the unit tests (not a test file itself).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as beam from "../../lib";

let sinks = 0;

/**
 * Collects the elements of `pc` into an array when the pipeline runs (a Map that
 * records what it sees). Read the array after `await p.run()`.
 */
export function sink<T>(pc: beam.PCollection<T>, label = `__sink${++sinks}`): T[] {
  const out: T[] = [];
  pc.apply(
    label,
    beam.Map((x: T) => {
      out.push(x);
      return null;
    }),
  );
  return out;
}

/** A canonical, order-independent form of a list of elements, for comparisons. */
export function sorted<T>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

const dirs: string[] = [];
process.on("exit", () => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed at process exit. */
export function tmpDir(prefix = "beamlab-unit-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Writes `content` to `dir/name` and returns the path. */
export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

/** Runs the pipeline expecting failure; returns the error (asserted to be a PipelineError). */
export async function runFails(p: beam.Pipeline): Promise<beam.PipelineError> {
  try {
    await p.run();
  } catch (e) {
    if (!(e instanceof beam.PipelineError)) throw new Error(`expected a PipelineError, got ${String(e)}`);
    return e;
  }
  throw new Error("expected the pipeline to fail, but it succeeded");
}

/** A Map whose calls are counted, to prove what a run or show recomputes. */
export function counted<I, O>(fn: (x: I) => O): { c: { calls: number }; t: ReturnType<typeof beam.Map<I, O>> } {
  const c = { calls: 0 };
  const t = beam.Map((x: I) => {
    c.calls++;
    return fn(x);
  });
  return { c, t };
}
