/**
 * Validation, in two places. When a transform is applied, what cannot run fails while the
 * graph is built, naming the transform and the fix: an empty label, an input that is not a
 * PCollection (which a run would silently drop), a value handed to `collect` that is not one
 * PCollection. Before a run, the whole graph goes through a list of validators (each with one
 * job, see `./validators/`): every runner runs them and fails before doing any work when one
 * finds an error, and `beam.explain` shows what they found.
 */
import { PipelineError, error, truncate } from "../errors";
import { PBegin, PCollection, type PValue } from "./pvalue";
import type { Pipeline } from "./pipeline";
import type { TransformNode } from "./transform";

/**
 * The label a transform is applied under: `label`, or the transform's name when applied
 * without one. Throws when it is not a string with something in it.
 */
export function checkedLabel(label: unknown, transformName: string, input: PValue): string {
  const name = label ?? transformName;
  const where = describeInput(input);
  if (typeof name !== "string") {
    error(`A transform label must be a string, got ${describeValue(name)}`, {
      hint: `name the step with a string, e.g. .apply("Parse dates", ...)${where}.`,
    });
  }
  if (name.trim() === "") {
    const what =
      label === null
        ? "A transform applied without a label has an empty name and no label"
        : name === ""
          ? "A transform label is empty"
          : `A transform label is only whitespace (${JSON.stringify(name)})`;
    error(what, {
      hint: `give the step a label that says what it does, e.g. .apply("Parse dates", ...)${where}; labels name steps in graphs, errors and p.remove(...).`,
    });
  }
  // "/" joins a composite's label to its steps' ("Clean/Parse"): a label holding one would
  // name a step that is not there in errors, graphs and p.remove(...).
  if (name.includes("/")) {
    error(`A transform label cannot contain "/" (${truncate(name, 80)})`, {
      hint: `"/" separates a composite from its steps in full labels; write it another way, e.g. ${JSON.stringify(name.replace(/\//g, " per "))}${where}.`,
    });
  }
  return name;
}

function describeInput(input: PValue): string {
  return input instanceof PCollection ? ` (it was applied to "${input.label}")` : "";
}

/**
 * Checks that every part of a transform's input is a PCollection: an array or a record of
 * PCollections (Flatten, CoGroupByKey) must not hold anything else, which a run would drop.
 */
export function checkInputs(input: PValue, label: string, kind: string): void {
  if (input === undefined || input === null || input instanceof PBegin || input instanceof PCollection) return;
  const entries: [string, unknown][] = Array.isArray(input)
    ? input.map((v, i) => [`${i + 1}`, v])
    : Object.entries(input as Record<string, unknown>).map(([k, v]) => [JSON.stringify(k), v]);
  for (const [where, value] of entries) {
    if (value instanceof PCollection) continue;
    error(`Input ${where} of ${kind} is ${describeValue(value)}, not a PCollection`, {
      label,
      hint: Array.isArray(input)
        ? `pass PCollections only, e.g. beam.Flatten.of([a, b]); to add values from memory, make them a PCollection first: p.apply("More", beam.Create([...])).`
        : `pass a record of PCollections of [key, value] pairs, e.g. beam.CoGroupByKey.of({ students, takes }).`,
    });
  }
}

/** The first PCollection among `values` (whose pipeline a transform of them is applied to), or an error. */
export function firstPCollection(values: readonly unknown[], label: string, kind: string, example: string): PCollection<unknown> {
  const found = values.find((v): v is PCollection<unknown> => v instanceof PCollection);
  if (!found) {
    error(`${kind} needs PCollections, got ${values.length ? values.map(describeValue).join(", ") : "none"}`, { label, hint: `write ${example}.` });
  }
  return found;
}

/**
 * What a value is, in a few words, for "… is X, not a PCollection": `undefined`, `the
 * number 3`, `the outputs { main, takes } of "Split"`, `a Promise (did you forget await?)`.
 */
export function describeValue(v: unknown): string {
  try {
    if (v === undefined) return "undefined";
    if (v === null) return "null";
    if (v instanceof PCollection) return `the PCollection "${v.label}"`;
    if (v instanceof PBegin) return "the pipeline's start (PBegin)";
    switch (typeof v) {
      case "string":
        return `the string ${truncate(v, 40)}`;
      case "number":
      case "bigint":
      case "boolean":
        return `the ${typeof v} ${truncate(v, 40)}`;
      case "function":
        return "a function";
      case "symbol":
        return "a symbol";
    }
    const outputs = taggedOutputs(v);
    if (outputs) return `the outputs { ${Object.keys(outputs).join(", ")} } of "${Object.values(outputs)[0].producer.fullLabel}"`;
    if (Array.isArray(v)) {
      const n = v.filter((x) => x instanceof PCollection).length;
      return n === v.length && n > 0 ? `an array of ${n} PCollection${n === 1 ? "" : "s"}` : `an array (${truncate(v, 40)})`;
    }
    if (typeof (v as { then?: unknown }).then === "function") return "a Promise (did you forget await?)";
    if (typeof (v as { apply?: unknown }).apply === "function" && typeof (v as { run?: unknown }).run === "function") return "a Pipeline";
    if (typeof (v as { numRows?: unknown }).numRows === "function") return "a table";
    if (typeof (v as { expand?: unknown }).expand === "function") return `a transform (${truncate((v as { name?: unknown }).name, 40)}) that was not applied`;
    return `a record (${truncate(v, 40)})`;
  } catch {
    return "a value that cannot be read";
  }
}

/** The PCollections of a multi-output ParDo's result (`{ main, takes, ... }`), or null. */
export function taggedOutputs(v: unknown): Record<string, PCollection<unknown>> | null {
  if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof PCollection) return null;
  const values = Object.values(v as Record<string, unknown>);
  return values.length > 0 && values.every((x) => x instanceof PCollection) ? (v as Record<string, PCollection<unknown>>) : null;
}

/**
 * `value` when it is a PCollection; else a PipelineError saying what it is and what to
 * pass instead (one output of a multi-output ParDo, one partition, ...).
 *
 * @param call how the student called it, e.g. `beam.collect` (for the code in the hint)
 * @param names notebook variable names by PCollection id (`out.takes`), when known
 */
export function expectPCollection<T>(value: unknown, call: string, names: ReadonlyMap<string, string> = new Map()): PCollection<T> {
  if (value instanceof PCollection) return value as PCollection<T>;
  const outputs = taggedOutputs(value);
  if (outputs) {
    const tags = Object.keys(outputs);
    const first = outputs[tags[0]];
    const known = names.get(first.id);
    const variable = known && known.endsWith(`.${tags[0]}`) ? known.slice(0, -tags[0].length - 1) : "out";
    error(`${call}() needs one PCollection, got ${describeValue(value)}`, {
      label: first.producer.fullLabel,
      hint: `pick one output: ${tags.map((t) => `${call}(${variable}.${t})`).join(" or ")}.`,
    });
  }
  const isArray = Array.isArray(value);
  const hint =
    value === undefined
      ? `pass the variable that holds what .apply(...) returned, e.g. ${call}(teachers); a variable is undefined until the cell that assigns it has run.`
      : isArray && (value as unknown[]).length > 0 && (value as unknown[]).every((x) => x instanceof PCollection)
        ? `pick one: ${call}(parts[0]), or merge them first with beam.Flatten.of(parts).`
        : `pass a PCollection, the result of .apply(...), e.g. ${call}(teachers).`;
  return error(`${call}() needs a PCollection, got ${describeValue(value)}`, { hint });
}

// ------------------------------------------------------------------ before a run

/** How bad a finding is: an `error` stops every run before any work; a `warning` is shown by `beam.explain`. */
export type Severity = "error" | "warning";

/** One thing validation found, with what to do about it. */
export interface ValidationFinding {
  severity: Severity;
  /** The validator that found it (its `name`). */
  check: string;
  /** The full label of the transform concerned, or null when none is. */
  label: string | null;
  /** What is wrong. */
  message: string;
  /** What to do. */
  hint: string;
}

/** What a validator looks at. */
export interface ValidationContext {
  readonly pipeline: Pipeline;
  /** The transforms to check (every node of the pipeline, or those a run needs), composites before their parts. */
  readonly nodes: readonly TransformNode[];
  /** The transforms (anywhere in the pipeline) reading a PCollection as a main input, by PCollection id. */
  readonly mainConsumers: ReadonlyMap<string, readonly TransformNode[]>;
  /** The transforms (anywhere in the pipeline) reading a PCollection as a side input, by PCollection id. */
  readonly sideConsumers: ReadonlyMap<string, readonly TransformNode[]>;
}

/**
 * One check made before a run, with one job. Register more with {@link registerValidator};
 * every runner and `beam.explain` run them all.
 *
 * @example
 * registerValidator({
 *   name: "no-empty-create",
 *   description: "Create is given at least one value",
 *   check: (ctx) => ctx.nodes.filter((n) => n.primitive?.kind === "Create" && n.primitive.values.length === 0)
 *     .map((n) => ({ severity: "warning", check: "no-empty-create", label: n.fullLabel, message: "Create has no values", hint: "give it values." })),
 * });
 */
export interface PipelineValidator {
  /** Short kebab-case name, shown with each finding. */
  readonly name: string;
  /** What it checks, in a few words (shown by `beam.explain`). */
  readonly description: string;
  check(ctx: ValidationContext): ValidationFinding[];
}

const registered: PipelineValidator[] = [];

/** Adds a validator run before every run (a validator with the same name is replaced). */
export function registerValidator(v: PipelineValidator): void {
  const i = registered.findIndex((r) => r.name === v.name);
  if (i >= 0) registered[i] = v;
  else registered.push(v);
}

/** The validators registered, in registration order. */
export function validators(): readonly PipelineValidator[] {
  return registered;
}

/**
 * Runs every validator over the pipeline (or over the transforms in `scope` and their
 * composites and parts). A validator that throws is reported as an error finding of its own
 * rather than hiding the others.
 */
export function validatePipeline(pipeline: Pipeline, scope?: Iterable<TransformNode>): ValidationFinding[] {
  const all = pipeline.allNodes();
  const nodes = scope ? inScope(all, scope) : all;
  const mainConsumers = new Map<string, TransformNode[]>();
  const sideConsumers = new Map<string, TransformNode[]>();
  const add = (m: Map<string, TransformNode[]>, id: string, n: TransformNode) => (m.get(id) ?? m.set(id, []).get(id)!).push(n);
  for (const n of all) {
    for (const pc of n.inputs) add(mainConsumers, pc.id, n);
    for (const pc of n.sideInputs) add(sideConsumers, pc.id, n);
  }
  const ctx: ValidationContext = { pipeline, nodes, mainConsumers, sideConsumers };
  const findings: ValidationFinding[] = [];
  for (const v of registered) {
    try {
      findings.push(...v.check(ctx));
    } catch (e) {
      findings.push({ severity: "error", check: v.name, label: null, message: `The check "${v.description}" failed: ${e instanceof Error ? String(e.message).slice(0, 200) : truncate(e, 200)}`, hint: "this is a problem in the check, not in your pipeline; report it with the pipeline that shows it." });
    }
  }
  return findings;
}

/**
 * Fails, before any work, when validation found errors: one PipelineError listing every
 * error with its transform and what to do. Warnings do not stop a run.
 */
export function assertValid(pipeline: Pipeline, scope?: Iterable<TransformNode>): void {
  const errors = validatePipeline(pipeline, scope).filter((f) => f.severity === "error");
  if (errors.length === 0) return;
  const lines = errors.map((f, i) => `${i + 1}. ${f.label ? `[${f.label}] ` : ""}${f.message}: ${f.hint}`);
  throw new PipelineError(`The pipeline did not pass validation (${errors.length} problem${errors.length === 1 ? "" : "s"}), so nothing was run:\n${lines.join("\n")}`, {
    label: errors.length === 1 ? errors[0].label : null,
    hint: "fix each problem above and run again; beam.explain(p) shows every finding.",
  });
}

/** The nodes of `scope` with their composites and parts, in the pipeline's order. */
function inScope(all: TransformNode[], scope: Iterable<TransformNode>): TransformNode[] {
  const keep = new Set<TransformNode>();
  const down = (n: TransformNode) => {
    keep.add(n);
    n.children.forEach(down);
  };
  for (const n of scope) {
    down(n);
    for (let p = n.parent; p; p = p.parent) keep.add(p);
  }
  return all.filter((n) => keep.has(n));
}
