/**
 * A grading worker: the child process that runs one submission (`node worker.js`, started
 * by `sandbox.ts`). It runs the student's cells as tslab would (the same TypeScript
 * converter, so a cell that does not type-check does not run), the bundle's tests after
 * each question, and records the question's labelled PCollections for the stage-by-stage
 * comparison.
 *
 * Why student code cannot raise its score:
 * - Before any student code runs, SES `lockdown()` freezes every JavaScript intrinsic
 *   (`Array.prototype`, `Object.is`, `JSON`, `Promise`, ...) and beamlab's module objects
 *   are hardened, so redefining them throws (or is ignored in sloppy code).
 * - Tests see the names the setup cells defined (`beam`, `assertThat`, ...) as they were
 *   right after setup, whatever the student later assigned to those names.
 * - Results leave on fd 3 with one-time tokens read from stdin into this closure: a line
 *   printed by student code, or written to fd 3 without the token, is not a result, and a
 *   failed test's token cannot be turned into a passed one.
 */
import * as fs from "node:fs";
import Module = require("node:module");
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import type { WorkerConfig, WorkerMessage, StageRecord, StageTarget } from "./worker-protocol";
import type { Step } from "./plan";

type Converter = {
  convert(prevDecl: string, src: string): {
    output?: string;
    declOutput?: string;
    diagnostics: Array<{ start: { line: number; character: number }; messageText: string }>;
    lastExpressionVar?: string;
    hasToplevelAwait?: boolean;
  };
};
type Beam = typeof import("../index");
type PipelineLike = InstanceType<Beam["Pipeline"]>;
type PCollectionLike = InstanceType<Beam["PCollection"]>;

// Captured before student code runs: what the student later does to these names cannot reach here.
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const serialize = v8.serialize;
const runInThisContext = vm.runInThisContext;
const exitProcess = process.exit.bind(process);
// A student's stray rejection or a throw in a timer must not end the run (Node would exit).
process.on("unhandledRejection", (e) => process.stderr.write(`unhandled rejection: ${messageOf(e)}\n`));
process.on("uncaughtException", (e) => process.stderr.write(`uncaught exception: ${messageOf(e)}\n`));

const config = JSON.parse(fs.readFileSync(0, "utf8")) as WorkerConfig;

function send(msg: WorkerMessage): void {
  try {
    writeSync(3, stringify(msg) + "\n");
  } catch {
    // The grader is gone or the channel was closed by student code: nothing more can be said.
  }
}

/** tslab's cell exports: named imports arrive through defineProperty and must stay rewritable. */
function cellExports(): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  return new Proxy(target, {
    defineProperty(_t, prop, attrs) {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}

const studentExports = cellExports();
const rootRequire = Module.createRequire(path.join(config.root, "src.js"));
let beam: Beam;
const studentRequire = ((id: string) => (id === "beamlab" ? beam : rootRequire(id))) as NodeJS.Require;
// inKernel() looks for this global: pipelines default to the interactive runner and names
// come from the cell exports, as in the notebook.
(globalThis as Record<string, unknown>).__tslab__ = { exports: studentExports, require: studentRequire };

beam = rootRequire(config.entry) as Beam;
const { elementsOf } = rootRequire(path.join(path.dirname(config.entry), "collect.js")) as typeof import("../collect");
const { variableNames } = rootRequire(path.join(path.dirname(config.entry), "interactive", "names.js")) as typeof import("../interactive/names");
const Pipeline = beam.Pipeline;
const PCollection = beam.PCollection;
// Loaded now, before lockdown, so that their own set-up runs on unfrozen intrinsics.
for (const m of ["@duckdb/node-api", "arquero", "vega", "vega-lite"]) {
  try {
    rootRequire(m);
  } catch {
    // Not installed where this beamlab is: the student's code will say so if it needs it.
  }
}

// TypeScript probes files by catching stat errors with Error.stackTraceLimit set to 0, which
// lockdown makes read-only; these probes need no exception.
type Watch = (...args: unknown[]) => { close(): void };
const ts = rootRequire("@tslab/typescript-for-tslab") as { sys: { fileExists(p: string): boolean; directoryExists(p: string): boolean; watchFile?: Watch; watchDirectory?: Watch } };
const statOf = (p: string) => {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
};
ts.sys.fileExists = (p) => statOf(p)?.isFile() ?? false;
ts.sys.directoryExists = (p) => statOf(p)?.isDirectory() ?? false;
// Files do not change during a grading run: no watchers (they probe the same way).
ts.sys.watchFile = ts.sys.watchDirectory = () => ({ close() {} });

const workDir = process.cwd();
process.chdir(config.root);
const { createConverter } = rootRequire("tslab/dist/converter") as { createConverter(): Converter };
const converter = createConverter();
process.chdir(workDir);

rootRequire("ses");
const g = globalThis as unknown as { lockdown(o: object): void; harden<T>(x: T): T };
g.lockdown({ errorTaming: "unsafe", overrideTaming: "severe", consoleTaming: "unsafe", stackFiltering: "verbose", domainTaming: "unsafe", evalTaming: "unsafe-eval", localeTaming: "unsafe" });

/** Hardens a module object and what its re-export getters return (TypeScript emits those as getters). */
function hardenModule(obj: object, seen = new Set<object>()): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(obj))) {
    const value = d.get ? (obj as Record<string, unknown>)[key] : d.value;
    if (value && (typeof value === "object" || typeof value === "function")) {
      if (typeof value === "object") hardenModule(value as object, seen);
      g.harden(value);
    }
  }
  g.harden(obj);
}
hardenModule(beam);

let prevDecl = "";
/** Names the setup cells defined, as they were right after setup: tests always see these. */
let protectedNames: Record<string, unknown> = {};

function diagnosticsText(d: ReturnType<Converter["convert"]>["diagnostics"]): string {
  return d.map((x) => `${x.start.line + 1}:${x.start.character + 1} - ${x.messageText}`).join("\n");
}

function messageOf(e: unknown): string {
  try {
    if (e instanceof Error) return e.message || String(e.name);
    return `threw ${typeof e === "string" ? e : stringify(e) ?? String(e)}`;
  } catch {
    return "threw a value that cannot be shown";
  }
}

/** Compiles and runs one cell against `exportsObj`; returns null on success, else the message. */
async function runCell(source: string, exportsObj: Record<string, unknown>, keepDecl: boolean, file: string): Promise<string | null> {
  const converted = converter.convert(prevDecl, source);
  if (converted.diagnostics.length > 0) return `does not compile:\n${diagnosticsText(converted.diagnostics)}`;
  if (!converted.output) {
    if (keepDecl) prevDecl = converted.declOutput ?? "";
    return null;
  }
  const prefix = converted.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
  try {
    const fn = runInThisContext(`${prefix}${converted.output}\n})`, { filename: file }) as (e: unknown, r: unknown) => unknown;
    await fn(exportsObj, studentRequire);
  } catch (e) {
    return messageOf(e);
  }
  if (keepDecl) prevDecl = converted.declOutput ?? "";
  const last = converted.lastExpressionVar;
  if (last && exportsObj[last] != null) {
    const value = exportsObj[last];
    delete exportsObj[last];
    try {
      console.log(value);
    } catch {
      // Printing the cell's value is a courtesy.
    }
  }
  return null;
}

/** What a test sees: the student's variables, with the setup's names as setup left them. */
function testScope(): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const key of Object.keys(studentExports)) scope[key] = studentExports[key];
  return Object.assign(scope, protectedNames);
}

function notDefinedHint(message: string, question: string): string {
  const m = /Cannot find name '([^']+)'/.exec(message);
  return m ? `\`${m[1]}\` is not defined: ${question}'s answer must define it (the test reads it by name)\n${message}` : message;
}

// ---- stages --------------------------------------------------------------------------

/** Top-level labels per live pipeline when a question's cells started, to tell what they added. */
const labelsAtStart = new Map<string, Map<PipelineLike, Set<string>>>();

function snapshotLabels(): Map<PipelineLike, Set<string>> {
  return new Map(Pipeline.live().map((p) => [p, new Set(p.roots.map((n) => n.fullLabel))]));
}

/** Pipelines a question's cells added transforms to, first; then every other live pipeline. */
function pipelinesOf(question: string): PipelineLike[] {
  const before = labelsAtStart.get(question) ?? new Map();
  const live = Pipeline.live();
  const touched = live.filter((p) => p.roots.some((n) => !before.get(p)?.has(n.fullLabel)));
  return [...touched, ...live.filter((p) => !touched.includes(p))];
}

async function record(pc: PCollectionLike, target: StageTarget, foundBy: "label" | "variable"): Promise<StageRecord> {
  const base = { label: target.label, variable: target.variable, foundBy };
  try {
    const elements = await elementsOf(pc);
    if (elements.length > config.maxStageElements) return { ...base, count: elements.length, data: null, error: null };
    let data: string;
    try {
      data = Buffer.from(serialize(elements)).toString("base64");
    } catch {
      // Functions or class instances cannot be cloned: compare their text.
      data = Buffer.from(serialize(elements.map((e) => String(e)))).toString("base64");
    }
    return { ...base, count: elements.length, data, error: null };
  } catch (e) {
    return { ...base, count: null, data: null, error: messageOf(e) };
  }
}

/** The reference run: every top-level output its cells added, with its variable name. */
function referenceTargets(question: string): Array<{ target: StageTarget; pc: PCollectionLike }> {
  const before = labelsAtStart.get(question) ?? new Map();
  const names = variableNames();
  const out: Array<{ target: StageTarget; pc: PCollectionLike }> = [];
  for (const p of Pipeline.live()) {
    for (const node of p.roots) {
      if (before.get(p)?.has(node.fullLabel)) continue;
      for (const [tag, pc] of node.outputs) {
        const label = node.outputs.size > 1 || (tag !== "main" && tag !== "") ? `${node.fullLabel}.${tag}` : node.fullLabel;
        out.push({ target: { label, variable: names.get(pc.id) ?? null }, pc: pc as PCollectionLike });
      }
    }
  }
  return out;
}

function findStage(question: string, target: StageTarget): { pc: PCollectionLike; foundBy: "label" | "variable" } | null {
  const [label, tag] = splitTag(target.label);
  for (const p of pipelinesOf(question)) {
    const node = p.node(label);
    if (!node || node.parent) continue;
    const pc = tag ? node.outputs.get(tag) : node.outputs.size === 1 ? [...node.outputs.values()][0] : node.outputs.get("main");
    if (pc) return { pc: pc as PCollectionLike, foundBy: "label" };
  }
  const v = target.variable ? studentExports[target.variable] : undefined;
  if (v instanceof PCollection) return { pc: v as PCollectionLike, foundBy: "variable" };
  return null;
}

/** `Split.takes` → ["Split", "takes"] when "Split.takes" is no label of its own. */
function splitTag(label: string): [string, string | null] {
  const dot = label.lastIndexOf(".");
  if (dot <= 0) return [label, null];
  for (const p of Pipeline.live()) if (p.node(label)) return [label, null];
  return [label.slice(0, dot), label.slice(dot + 1)];
}

async function stages(question: string): Promise<StageRecord[]> {
  if (config.stages === "all") return Promise.all(referenceTargets(question).map(({ target, pc }) => record(pc, target, "label")));
  const out: StageRecord[] = [];
  for (const target of config.stages[question] ?? []) {
    const found = findStage(question, target);
    out.push(found ? await record(found.pc, target, found.foundBy) : { label: target.label, variable: target.variable, foundBy: null, count: null, data: null, error: null });
  }
  return out;
}

// ---- the run -------------------------------------------------------------------------

async function runStep(step: Step, i: number): Promise<void> {
  const t = config.tokens[i];
  if (step.kind === "cell" && step.question && !labelsAtStart.has(step.question)) labelsAtStart.set(step.question, snapshotLabels());
  send({ k: t.start, step: i });
  if (step.kind === "setup" || step.kind === "cell") {
    const failed = await runCell(step.source, studentExports, true, `cell[${step.cell}].js`);
    if (step.kind === "setup" && !failed) protectedNames = Object.fromEntries(Object.keys(studentExports).map((k) => [k, studentExports[k]]));
    send(failed === null ? { k: t.ok, step: i } : { k: t.fail, step: i, message: failed });
  } else if (step.kind === "test") {
    const failed = await runCell(step.source, testScope(), false, `${step.test}.js`);
    send(failed === null ? { k: t.ok, step: i } : { k: t.fail, step: i, message: notDefinedHint(failed, step.question) });
  } else {
    send({ k: t.ok, step: i, stages: await stages(step.question) });
  }
}

async function main(): Promise<void> {
  const skip = new Set(config.skip);
  for (const [i, step] of config.steps.entries()) {
    // A skipped question cell still marks where its question's pipelines start.
    if (step.kind === "cell" && step.question && !labelsAtStart.has(step.question)) labelsAtStart.set(step.question, snapshotLabels());
    if (!skip.has(i)) await runStep(step, i);
  }
}

main().then(
  () => exitProcess(0),
  (e) => {
    process.stderr.write(`grading worker failed: ${messageOf(e)}\n${process.env.BEAMLAB_GRADING_DEBUG ? String((e as Error)?.stack) : ""}\n`);
    exitProcess(70);
  },
);
