/**
 * Runs one public test in the live kernel, against the student's current variables, as the
 * test's cell would run: its TypeScript compiled to JavaScript (no type check: the cell
 * itself is type-checked when the student runs it), every notebook variable in scope by
 * name, `require` resolving as in the notebook. Passing means completing; failing means
 * throwing, and the failure is told as a student reads it, never with our stack frames.
 */
import * as path from "node:path";
import Module = require("node:module");
import vm = require("node:vm");
import type * as TS from "typescript";
import { tslabRequire } from "../display/emit";
import { truncate } from "../errors";

/** The outcome of one test. */
export interface TestOutcome {
  passed: boolean;
  /** "passed", or why it failed (an assertion's row diff as it is). */
  message: string;
}

/** What tslab keeps of the notebook: each cell's top-level names, and the notebook's `require`. */
interface TslabState {
  exports: Record<string, unknown>;
  require: NodeJS.Require;
}

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package " +
    "private protected public await arguments eval undefined NaN Infinity require exports module").split(" "),
);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** tslab's temporary holder of a cell's last expression. */
const LAST_EXPR = /^tsLastExpr\d*$/;
const VARS = "__beamlabCheckVars";

/** The TypeScript compiler tslab compiles cells with (the project's own only when tslab's is missing). */
function typescript(): typeof TS {
  const ts = tslabRequire<typeof TS>("@tslab/typescript-for-tslab");
  if (ts) return ts;
  try {
    return require("typescript") as typeof TS;
  } catch {
    throw new Error("cannot compile the tests: neither tslab's TypeScript nor the typescript package is installed; run `npm run bootstrap`");
  }
}

/** The notebook's variables and `require`; outside a kernel, none and the working directory's. */
function kernelState(): TslabState {
  const t = (globalThis as { __tslab__?: Partial<TslabState> }).__tslab__;
  return {
    exports: t && typeof t.exports === "object" && t.exports ? t.exports : {},
    require: typeof t?.require === "function" ? t.require : Module.createRequire(path.join(process.cwd(), "check.js")),
  };
}

/** The names a test can read as plain identifiers (the others stay reachable through nothing, as in a cell). */
export function variableNames(exports: Record<string, unknown>): string[] {
  return Object.keys(exports).filter((k) => IDENTIFIER.test(k) && !RESERVED.has(k) && !LAST_EXPR.test(k) && k !== VARS);
}

/**
 * The test as one function: an outer one puts each notebook variable in scope by name, the
 * test's own code runs in an inner async one, so its `const`s may shadow them and its
 * top-level `await`s work. The test gets its own `exports`: nothing it declares leaks into
 * the notebook.
 */
export function wrapTest(source: string, names: readonly string[], ts: typeof TS = typescript()): string {
  const out = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, sourceMap: false, inlineSourceMap: false, removeComments: false },
    reportDiagnostics: true,
  });
  const problem = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (problem) throw new TestCompileError(ts.flattenDiagnosticMessageText(problem.messageText, "\n"), problem.file && problem.start !== undefined ? problem.file.getLineAndCharacterOfPosition(problem.start).line + 1 : null);
  const decls = names.map((n) => `var ${n} = ${VARS}[${JSON.stringify(n)}];`).join(" ");
  // Declarations on the first line, so the test's lines keep their numbers in the compiled code.
  return `(function (${VARS}) { ${decls} return async function (exports, require) {\n${out.outputText}\n}; })`;
}

/** A public test that does not compile (the author's slip, reported as the test's failure). */
class TestCompileError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

/** "X is not defined" for a name the notebook does not have: the answer's cell did not define it. */
function undefinedName(e: unknown, exports: Record<string, unknown>): string | null {
  if (!(e instanceof ReferenceError)) return null;
  const m = /^(\S+) is not defined$/.exec(e.message);
  return m && !(m[1] in exports) ? m[1] : null;
}

/** How a failure reads: an assertion's message as it is, other errors as Node names them, without a stack. */
export function failureMessage(e: unknown): string {
  if (e instanceof Error || (typeof e === "object" && e !== null && "message" in e)) {
    const err = e as { name?: unknown; message?: unknown };
    const message = String(err.message);
    const name = typeof err.name === "string" ? err.name : "Error";
    return name === "Error" || name === "PipelineAssertionError" ? message : `${name}: ${message}`;
  }
  return `the test threw ${truncate(e)}`;
}

/**
 * Runs one public test of `question` against the notebook's variables. Never throws: a
 * failure is the outcome's message. A name the notebook lacks reads "answer q1 first".
 */
export async function runTest(question: string, test: { name: string; source: string }): Promise<TestOutcome> {
  const state = kernelState();
  let fn: (exports: Record<string, unknown>, require: NodeJS.Require) => Promise<unknown>;
  try {
    const code = wrapTest(test.source, variableNames(state.exports));
    const outer = vm.runInThisContext(code, { filename: `test ${test.name}` }) as (vars: Record<string, unknown>) => typeof fn;
    fn = outer(state.exports);
  } catch (e) {
    const where = e instanceof TestCompileError && e.line !== null ? `line ${e.line}: ` : "";
    const why = (e instanceof Error ? e.message : String(e)).replace(/\.$/, "");
    return { passed: false, message: `the test does not compile (${where}${why}); tell your instructor` };
  }
  try {
    await fn({}, state.require);
    return { passed: true, message: "passed" };
  } catch (e) {
    const name = undefinedName(e, state.exports);
    if (name) return { passed: false, message: `answer ${question} first: run its cell so that \`${name}\` exists` };
    return { passed: false, message: failureMessage(e) };
  }
}
