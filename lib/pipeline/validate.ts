/**
 * Checks made when a transform is applied, so that what cannot run fails while the graph
 * is built, naming the transform and the fix, instead of running wrong: an empty label,
 * an input that is not a PCollection (which a run would silently drop), a value handed to
 * `collect` that is not one PCollection.
 */
import { error, truncate } from "../errors";
import { PBegin, PCollection, type PValue } from "./pvalue";

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
