/**
 * What every reliability case checks after its failure: the process is still healthy (no
 * unhandled rejection so far, and a good pipeline still runs on both runners). Not a test
 * file itself.
 */
import assert from "node:assert/strict";
import * as beam from "../../lib";

const unhandled: unknown[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));

/** The runners every case is tried on. */
export const RUNNERS = ["direct", "interactive"] as const;

/** Asserts that no promise was rejected unhandled, and that a good pipeline runs and gives the right result. */
export async function assertHealthy(runner: (typeof RUNNERS)[number] = "direct"): Promise<void> {
  // A rejection is reported on a later tick than the one that caused it.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(unhandled, [], "no unhandled rejection");
  const p = new beam.Pipeline({ runner });
  const doubled = p.apply("Create", beam.Create([1, 2, 3])).apply("Double", beam.Map((n: number) => n * 2));
  const grouped = doubled.apply("Key", beam.Map((n: number) => [n % 4, n] as [number, number])).apply("Group", beam.GroupByKey());
  const result = await p.run();
  assert.equal(result.state, "DONE");
  assert.deepEqual([...(await beam.collect(doubled)).array("element")], [2, 4, 6]);
  assert.equal((await beam.collect(grouped)).numRows(), 2);
}

/**
 * Asserts that `f` throws a PipelineError whose message matches every pattern, and
 * returns it.
 */
export function throwsPipelineError(f: () => unknown, ...patterns: RegExp[]): beam.PipelineError {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof beam.PipelineError, `expected a PipelineError, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`);
  for (const re of patterns) assert.match(thrown.message, re);
  return thrown;
}

/** Like {@link throwsPipelineError} for a promise. */
export async function rejectsPipelineError(p: Promise<unknown>, ...patterns: RegExp[]): Promise<beam.PipelineError> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof beam.PipelineError, `expected a PipelineError, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`);
  for (const re of patterns) assert.match(thrown.message, re);
  return thrown;
}
