/**
 * The source text of user code, as the runner receives it (what `toJSON` and `beam.explain`
 * show, and what a runner moving code to a worker would re-evaluate): a function's text, a
 * DoFn's class with its instance's data fields, a CombineFn's methods.
 */
import { truncate } from "../errors";
import { FunctionDoFn, type DoFn } from "../transforms/dofn";

/** The user code of a step: its name, its source, and the data fields of its instance. */
export interface UserCode {
  /** The function's or class's name (`lambda` for an anonymous function). */
  name: string;
  /** JavaScript source text, as compiled from the cell or module that defined it. */
  source: string;
  /** The instance's own data fields (a DoFn's constructor arguments kept in fields), each rendered as short text. */
  fields: Record<string, string>;
}

/** The text of a function, or a note saying it has none (a native or bound function). */
export function functionSource(fn: unknown): string {
  if (typeof fn !== "function") return String(fn);
  try {
    const text = Function.prototype.toString.call(fn);
    return /\{\s*\[native code\]\s*\}$/.test(text) ? `// ${fn.name || "function"}: native or bound code, no source` : text;
  } catch {
    return "// source not readable";
  }
}

/** The own enumerable data fields of an object, rendered (functions are code, not data: they are left out). */
export function dataFields(obj: object, skip: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(obj)) {
    if (skip.has(key)) continue;
    try {
      const v = (obj as Record<string, unknown>)[key];
      if (typeof v !== "function") out[key] = truncate(v, 120);
    } catch {
      out[key] = "(not readable)";
    }
  }
  return out;
}

/** A DoFn's code: the function of a Map/FlatMap/Filter, else the DoFn's class. */
export function doFnCode(fn: DoFn<any, any>): UserCode {
  if (fn instanceof FunctionDoFn) return { name: fn.fn.name || "lambda", source: functionSource(fn.fn), fields: {} };
  const cls = (fn as object).constructor;
  return { name: cls?.name || "DoFn", source: functionSource(cls), fields: dataFields(fn, new Set(["lineageFromSideInputs"])) };
}

/** A combiner's code: a function over the values, a CombineFn's class, or a CombineFn record's four methods. */
export function combinerCode(combiner: unknown): UserCode {
  if (typeof combiner === "function") return { name: combiner.name || "lambda", source: functionSource(combiner), fields: {} };
  if (combiner === null || typeof combiner !== "object") return { name: "CombineFn", source: String(combiner), fields: {} };
  const cls = combiner.constructor;
  if (cls && cls !== Object) return { name: cls.name || "CombineFn", source: functionSource(cls), fields: dataFields(combiner) };
  const methods = ["createAccumulator", "addInput", "mergeAccumulators", "extractOutput"]
    .map((m) => `${m}: ${functionSource((combiner as Record<string, unknown>)[m])}`)
    .join(",\n  ");
  return { name: (combiner as { displayName?: string }).displayName ?? "CombineFn", source: `{\n  ${methods}\n}`, fields: {} };
}
