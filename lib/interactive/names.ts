/**
 * Notebook variable names of pipelines and PCollections, read from tslab's cell exports,
 * so graphs and the inspector can say `teachers` instead of an id.
 */
import { Pipeline } from "../pipeline/pipeline";
import { PCollection } from "../pipeline/pvalue";

/** Names by id: pipelines by pipeline id, PCollections by PCollection id (`out.takes` for fields). */
export function variableNames(): Map<string, string> {
  const names = new Map<string, string>();
  const locals = (globalThis as { __tslab__?: { exports?: Record<string, unknown> } }).__tslab__?.exports;
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
