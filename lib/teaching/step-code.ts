/**
 * The code a step runs, as a player shows it: a DoFn's `process`, the function given to
 * Map / FlatMap / Filter / Partition, a CombineFn's methods, a composite's body, a read's
 * query. It is the JavaScript the kernel runs (tslab compiled the cell, so types are gone),
 * re-indented so a method reads as it was written.
 */
import type { TransformNode } from "../pipeline/transform";
import { FunctionDoFn } from "../transforms/dofn";
import { elementWiseKind } from "./steps";

/** The code of a step and what it is, or null when the step runs no user code (GroupByKey, Flatten, ...). */
export function stepCode(n: TransformNode): { code: string; title: string } | null {
  const spec = n.composite ? null : n.primitive;
  if (spec?.kind === "ParDo") {
    const fn = spec.fn;
    // A Map inside a composite is a node of kind ParDo: name it as the API does.
    const kind = n.kind === "Partition" ? n.kind : (elementWiseKind(n) ?? n.kind);
    if (fn instanceof FunctionDoFn) return { code: dedent(String(fn.fn)), title: `${kind} function` };
    const wrapped = ownFunction(fn, "fn");
    if (wrapped) return { code: dedent(String(wrapped)), title: `${kind} function` };
    const cls = fn.constructor?.name || "DoFn";
    return { code: dedent(String(fn.process)), title: `${cls}.process` };
  }
  if (spec?.kind === "Read") {
    const query = (spec.source as { opts?: { query?: unknown } }).opts?.query ?? n.params.query;
    if (typeof query === "string") return { code: query, title: "query" };
    return null;
  }
  if (n.primitive?.kind === "CombinePerKey") return combineCode(n.primitive.combineFn);
  const body = ownFunction(n.transform, "body");
  if (body) return { code: dedent(String(body)), title: `${n.kind} body` };
  return null;
}

/** A function-valued own field of `x` (private fields of the transforms that wrap a user function). */
function ownFunction(x: unknown, key: string): ((...a: unknown[]) => unknown) | null {
  const v = x !== null && typeof x === "object" ? (x as Record<string, unknown>)[key] : undefined;
  return typeof v === "function" ? (v as (...a: unknown[]) => unknown) : null;
}

/** A CombineFn's methods, in the order they run. */
function combineCode(fn: object): { code: string; title: string } | null {
  const methods = ["createAccumulator", "addInput", "mergeAccumulators", "extractOutput"]
    .map((m) => (fn as Record<string, unknown>)[m])
    .filter((f): f is (...a: unknown[]) => unknown => typeof f === "function");
  if (!methods.length) return null;
  return { code: methods.map((f) => dedent(String(f))).join("\n\n"), title: `${fn.constructor?.name || "CombineFn"}` };
}

/**
 * Removes the indentation a method's source keeps on every line but the first
 * (`Function.prototype.toString` starts at the method name, mid-line).
 */
export function dedent(src: string): string {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length < 2) return src.trim();
  const rest = lines.slice(1).filter((l) => l.trim() !== "");
  const last = lines[lines.length - 1];
  // The closing brace sits at the method's own indentation; the body one level deeper.
  const base = /^\s*\}/.test(last) ? last.length - last.trimStart().length : Math.min(...rest.map((l) => l.length - l.trimStart().length));
  const cut = (l: string) => (l.slice(0, base).trim() === "" ? l.slice(base) : l.trimStart());
  return [lines[0], ...lines.slice(1).map(cut)].join("\n").trim();
}
