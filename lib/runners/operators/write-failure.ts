/**
 * Why a sink could not write a bundle. A sink reports a failure for a whole bundle, so the
 * element is found afterwards: the first one that cannot be written as JSON (a cycle, a
 * function, a symbol, a structure too deep, a getter or Proxy that throws), which is what
 * text sinks write for anything that is not a string.
 */
import { PipelineError, stepFailure } from "../../errors";

const HINT =
  "sinks write plain data: strings as they are, and numbers, booleans, null, dates, arrays and records of them as JSON, " +
  "which cannot hold a cycle, a function, a symbol or very deep nesting. Turn the element into plain data first, " +
  "e.g. beam.Map((x) => ({ id: x.id, name: x.name })), or filter such elements out.";

/** The error of a sink's `write(batch)` that threw `err`, naming the step and the element when it can be found. */
export function writeFailure(label: string, kind: string, batch: readonly unknown[], err: unknown): PipelineError {
  const index = batch.length === 1 ? 0 : batch.findIndex(cannotBeJson);
  return index >= 0
    ? stepFailure(err, { label, element: batch[index], hasElement: true, message: `${kind} could not write an element`, hint: HINT })
    : stepFailure(err, { label, message: `${kind} could not write a bundle of ${batch.length} elements`, hint: HINT });
}

function cannotBeJson(v: unknown): boolean {
  if (v === undefined || typeof v === "string") return false;
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x)) === undefined;
  } catch {
    return true;
  }
}
