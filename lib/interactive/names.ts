/**
 * Notebook variable names of pipelines and PCollections, read from tslab's cell exports,
 * so graphs and the inspector can say `teachers` instead of an id.
 */
import { Pipeline } from "../pipeline/pipeline";
import { PCollection } from "../pipeline/pvalue";

function notebookLocals(): Record<string, unknown> | null {
  return (globalThis as { __tslab__?: { exports?: Record<string, unknown> } }).__tslab__?.exports ?? null;
}

/**
 * The pipelines a notebook can still reach: those held by a variable, directly or through
 * a PCollection (also in a field or an array). A pipeline whose variables were reassigned
 * (its cells re-run) is garbage to the student even while it is still in memory. Outside
 * a kernel there are no notebook variables: null.
 */
export function notebookPipelines(): Set<Pipeline> | null {
  const locals = notebookLocals();
  if (!locals) return null;
  const found = new Set<Pipeline>();
  const add = (v: unknown) => {
    if (v instanceof Pipeline) found.add(v);
    else if (v instanceof PCollection) found.add(v.pipeline);
  };
  for (const value of Object.values(locals)) {
    add(value);
    if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === "object" && !(value instanceof Pipeline) && !(value instanceof PCollection)) Object.values(value as Record<string, unknown>).forEach(add);
  }
  return found;
}

/** Names by id: pipelines by pipeline id, PCollections by PCollection id (`out.takes` for fields). */
export function variableNames(): Map<string, string> {
  const names = new Map<string, string>();
  const locals = notebookLocals();
  if (!locals) return names;
  // A variable holding the PCollection itself wins over a field of another variable.
  for (const [name, value] of Object.entries(locals)) {
    if ((value instanceof Pipeline || value instanceof PCollection) && !names.has(value.id)) names.set(value.id, name);
  }
  for (const [name, value] of Object.entries(locals)) {
    if (value instanceof Pipeline || value instanceof PCollection) continue;
    else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v instanceof PCollection && !names.has(v.id)) names.set(v.id, `${name}.${k}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => v instanceof PCollection && !names.has(v.id) && names.set(v.id, `${name}[${i}]`));
    }
  }
  return names;
}
