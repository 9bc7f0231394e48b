/**
 * Moving user code to a worker thread. A worker cannot share the notebook's objects, so
 * each DoFn, function and CombineFn is described as something the worker can make again:
 *
 * - a function or class exported by a module (the worker requires the same file; never the
 *   program's entry point, whose top-level code is the program), or a JavaScript global
 *   (`String`, `Boolean`);
 * - otherwise its source (`toString()`), re-evaluated in the worker, which is only right
 *   when it reads nothing from outside but globals, `beam`, `require` and module imports:
 *   its free variables are found before the run (see `./free-variables.ts`);
 * - an instance: its class so, and its own fields copied (data by structured clone,
 *   functions and nested instances moved the same way). The constructor is not run again.
 *
 * What cannot move is a finding naming the step, the variable and the fix.
 */
import { builtinModules } from "node:module";
import * as path from "node:path";
import { cellSources } from "../../interactive/cells";
import type { Pipeline } from "../../pipeline/pipeline";
import { freeVariables } from "./free-variables";
import { notebookImports, type ModuleImport } from "./notebook-imports";
import { executableNodes } from "../plan";
import { hasOperator } from "../operator";
import { FunctionDoFn } from "../../transforms/dofn";
import { error } from "../../errors";

/** A value as a worker rebuilds it. */
export type Moved =
  | { m: "data"; value: unknown }
  | { m: "global"; name: string }
  | { m: "export"; file: string; name: string }
  | { m: "source"; expr: string; imports: Record<string, ModuleImport>; beam: boolean }
  | { m: "instance"; cls: Moved; fields: Record<string, Moved> }
  | { m: "object"; fields: Record<string, Moved> }
  | { m: "array"; items: Moved[] };

/** One problem found before a run, in the shape of the pipeline's validation findings. */
export interface Finding {
  label: string;
  severity: "error" | "warning";
  message: string;
  hint: string;
}

/** The module beamlab is loaded from: `beam` in a moved function means this one. */
export const BEAMLAB_SPECIFIER = "beamlab";

/**
 * Every DoFn, function and CombineFn of the pipeline that cannot be moved to a worker,
 * as findings (empty when the whole pipeline can run on the local runner).
 */
export function movabilityFindings(pipeline: Pipeline): Finding[] {
  const findings: Finding[] = [];
  const mover = new Mover();
  for (const e of executableNodes(pipeline, hasOperator)) {
    const label = e.node.fullLabel;
    if (e.spec.kind === "ParDo") mover.move(e.spec.fn, { label, what: `the DoFn ${describeFn(e.spec.fn)}`, findings });
    else if (e.spec.kind === "CombinePerKey") mover.move(e.spec.combineFn, { label, what: "the combine function", findings });
  }
  return findings;
}

/** Where a value being moved sits, for findings. */
interface Place {
  label: string;
  /** "the DoFn SplitFn", "field factor of the DoFn SplitFn", ... */
  what: string;
  findings: Finding[];
}

/** Turns values into {@link Moved} descriptions, remembering module exports it has looked up. */
export class Mover {
  private readonly imports: Map<string, ModuleImport>;
  private readonly exportsByValue = new Map<unknown, { file: string; name: string } | null>();
  private readonly globals = new Map<unknown, string>();

  constructor(cells: readonly string[] = cellSources()) {
    this.imports = notebookImports(cells);
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      if (d && "value" in d && typeof d.value === "function") this.globals.set(d.value, name);
    }
  }

  /** The description of `value`; what cannot move is added to `place.findings` (the description is then partial). */
  move(value: unknown, place: Place): Moved {
    if (typeof value === "function") return this.moveFunction(value as (...a: unknown[]) => unknown, place);
    if (value === null || typeof value !== "object") return { m: "data", value };
    if (Array.isArray(value)) {
      return isData(value) ? { m: "data", value } : { m: "array", items: value.map((v, i) => this.move(v, { ...place, what: `item ${i} of ${place.what}` })) };
    }
    const proto = Object.getPrototypeOf(value);
    if (isCloneable(value, proto)) return { m: "data", value };
    const fields: Record<string, Moved> = {};
    for (const key of Object.keys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if (!("value" in d)) {
        this.find(place, `${place.what} has a getter "${key}"`, "make it a plain field (or a method), so a worker can copy it.");
        continue;
      }
      const what = value instanceof FunctionDoFn && key === "fn" ? `the function given to ${value.displayName()}` : `field "${key}" of ${place.what}`;
      fields[key] = this.move(d.value, { ...place, what });
    }
    if (proto === Object.prototype || proto === null) return isData(value) ? { m: "data", value } : { m: "object", fields };
    return { m: "instance", cls: this.moveFunction(proto.constructor, { ...place, what: `the class of ${place.what}` }), fields };
  }

  private moveFunction(fn: (...a: unknown[]) => unknown, place: Place): Moved {
    const global = this.globals.get(fn);
    if (global) return { m: "global", name: global };
    const exported = this.exportOf(fn);
    if (exported) return { m: "export", ...exported };
    let source: string;
    try {
      source = Function.prototype.toString.call(fn);
    } catch {
      return this.find(place, `${place.what} cannot be read as source`, "define it in a cell or a module as a plain function or class.");
    }
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      return this.find(place, `${place.what} is a bound or built-in function, whose code a worker cannot see`, "pass a plain arrow function instead, e.g. (x) => f(x), with f imported from a module.");
    }
    const expr = expressionOf(source);
    const free = freeVariables(expr);
    if (free.syntaxError) return this.find(place, `${place.what} cannot be parsed to move it (${free.syntaxError})`, "define it as a plain function or class.");
    for (const p of free.privateNames) {
      this.find(place, `${place.what} uses the private field #${p}, which a copy of the instance cannot carry`, `make it an ordinary field (private ${p} in TypeScript is fine).`);
    }
    const imports: Record<string, ModuleImport> = {};
    let beam = false;
    for (const name of free.names) {
      if (name === "require" || name in globalThis) continue;
      if (name === "beam") {
        beam = true;
        continue;
      }
      this.find(place, `${place.what} uses the variable "${name}" from outside it, which a worker cannot see`, fixFor(name, place));
    }
    for (const name of free.notebook) {
      const imp = this.imports.get(name) ?? moduleOfNotebookValue(name);
      if (imp) imports[name] = imp;
      else this.find(place, `${place.what} uses the notebook variable "${name}", which a worker cannot see`, fixFor(name, place));
    }
    return { m: "source", expr, imports, beam };
  }

  /** The module file and export name of a function or class, looked up among the loaded modules. */
  private exportOf(fn: unknown): { file: string; name: string } | null {
    if (this.exportsByValue.has(fn)) return this.exportsByValue.get(fn)!;
    let found: { file: string; name: string } | null = null;
    for (const [file, mod] of Object.entries(require.cache)) {
      const ex = mod?.exports as Record<string, unknown> | undefined;
      // The program's entry point is not required again: its top-level code is the program itself.
      if (!ex || (typeof ex !== "object" && typeof ex !== "function") || !path.isAbsolute(file) || mod === require.main) continue;
      for (const name of Object.keys(ex)) {
        const d = Object.getOwnPropertyDescriptor(ex, name);
        if (d && "value" in d && d.value === fn) {
          found = { file, name };
          break;
        }
      }
      if (found) break;
    }
    this.exportsByValue.set(fn, found);
    return found;
  }

  private find(place: Place, message: string, hint: string): Moved {
    place.findings.push({ label: place.label, severity: "error", message: `${capitalize(message)}`, hint });
    return { m: "data", value: undefined };
  }
}

/**
 * The module a notebook variable holds, when it holds one (an import in a cell run before
 * beamlab's hooks were installed, such as the one importing beamlab): the same object as a
 * loaded module's exports, or TypeScript's `import * as` copy of it (`default` is the module).
 */
function moduleOfNotebookValue(name: string): ModuleImport | null {
  const locals = (globalThis as { __tslab__?: { exports?: Record<string, unknown> } }).__tslab__?.exports;
  const d = locals ? Object.getOwnPropertyDescriptor(locals, name) : undefined;
  const v = d && "value" in d ? d.value : undefined;
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return null;
  const inner = (v as { default?: unknown }).default;
  const same = (m: unknown) => m === v || (inner !== undefined && m === inner);
  if (same(require(BEAMLAB_INDEX))) return { specifier: BEAMLAB_SPECIFIER, form: "namespace" };
  for (const b of builtinModules) {
    try {
      if (same(require(b))) return { specifier: `node:${b}`, form: "namespace" };
    } catch {
      // Not loadable here (a builtin behind a flag): not this one.
    }
  }
  for (const [file, mod] of Object.entries(require.cache)) if (mod && path.isAbsolute(file) && same(mod.exports)) return { specifier: file, form: "namespace" };
  return null;
}

const BEAMLAB_INDEX = path.resolve(__dirname, "../../index.js");

/** The fix for a variable a moved function reads from outside. */
function fixFor(name: string, place: Place): string {
  const inDoFn = !place.what.startsWith("the function given to");
  return (
    `${inDoFn ? `pass it to the constructor and keep it in a field (new MyFn(${name}), then this.${name})` : `use a DoFn class with a constructor argument (new MyFn(${name}))`}, ` +
    `give it as a side input (beam.pvalue.AsSingleton / AsList / AsDict of a PCollection), or import it from a module; ` +
    `or run this pipeline on the direct runner.`
  );
}

/** An expression for a function's source: methods (`process(x) {...}`) are not expressions on their own. */
function expressionOf(source: string): string {
  const direct = freeVariables(source);
  if (!direct.syntaxError) return source;
  return `Object.values({ ${source} })[0]`;
}

function describeFn(fn: unknown): string {
  try {
    return String((fn as { displayName(): string }).displayName());
  } catch {
    return "DoFn";
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const CLONEABLE = [Date.prototype, RegExp.prototype, Map.prototype, Set.prototype, ArrayBuffer.prototype, Error.prototype];

/** Values structured clone copies faithfully (their prototype survives). */
function isCloneable(value: object, proto: unknown): boolean {
  if (ArrayBuffer.isView(value) || (CLONEABLE as object[]).includes(proto as object)) {
    try {
      structuredClone(value);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

/** Plain data all the way down (no functions, no class instances), so structured clone copies it as it is. */
function isData(v: unknown, depth = 0): boolean {
  if (v === null || typeof v !== "object") return typeof v !== "function" && typeof v !== "symbol";
  if (depth > 64) return false;
  if (Array.isArray(v)) return v.every((x) => isData(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (isCloneable(v, proto)) return true;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.keys(v).every((k) => {
    const d = Object.getOwnPropertyDescriptor(v, k)!;
    return "value" in d && isData(d.value, depth + 1);
  });
}

/** Throws one PipelineError for the findings that stop a run (each named, with its fix). */
export function refuseFindings(findings: readonly Finding[]): void {
  const errors = findings.filter((f) => f.severity === "error");
  if (!errors.length) return;
  const [first, ...rest] = errors;
  const more = rest.length ? ` (and ${rest.length} more: ${rest.map((f) => `"${f.label}": ${f.message}`).join("; ")})` : "";
  error(`${first.message}${more}`, { label: first.label, hint: first.hint });
}
