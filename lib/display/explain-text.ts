/**
 * The words `beam.explain` uses for stages and submitted code, shared by the kernel's static
 * forms and the extension's renderer. No Node imports.
 */
import type { PortableTransform } from "../pipeline/portable";
import type { ExplainStage } from "./protocol";

const ROLE_TEXT: Record<string, string> = {
  source: "reads the source",
  "shuffle-read": "reads the shuffle, emits [key, values]",
  "combine-merge": "merges the partial accumulators per key, extracts the output",
  "buffered-read": "reads its buffered main input with the side inputs",
  "sink-finalize": "finalizes the sink",
  "cached-read": "reads the cached PCollection",
  pardo: "fused",
  flatten: "flatten, unzipped into this stage",
  "shuffle-write": "writes to the shuffle",
  "combine-partial": "partial combine (lifted), writes accumulators to the shuffle",
  "buffer-write": "buffers the main input",
  "sink-write": "writes to the sink",
};

/** What a step role means, in a few words. */
export function roleText(role: string): string {
  return ROLE_TEXT[role] ?? role;
}

/** What a stage hands on, in a few words. */
export function outputText(o: ExplainStage["outputs"][number]): string {
  switch (o.kind) {
    case "shuffle":
      return `${o.lifted ? "partial accumulators of " : ""}${o.label} → shuffle → ${o.to}`;
    case "buffer":
      return `${o.label} → buffered for ${o.to}`;
    case "sink":
      return `${o.label} → sink ${o.to}`;
    case "side-input":
      return `${o.label} → side input of ${o.to}`;
    default:
      return `${o.label} (result)`;
  }
}

/** What a stage reads, in a few words. */
export function inputText(i: ExplainStage["inputs"][number]): string {
  const from = i.fromStages.length ? ` (from ${i.fromStages.join(", ")})` : "";
  switch (i.kind) {
    case "shuffle":
      return `shuffle of ${i.label}${from}`;
    case "buffer":
      return `buffered main input of ${i.label}${from}`;
    case "sink":
      return `staged output of ${i.label}${from}`;
    case "cached":
      return `cached ${i.label}`;
    default:
      return `source ${i.label}`;
  }
}

/** The user code in a transform's payload (a DoFn, a function, a CombineFn), if any. */
export function codeOf(t: PortableTransform): { name: string; source: string; fields?: Record<string, string> } | null {
  const payload = t.spec?.payload as Record<string, unknown> | undefined;
  const code = (payload?.do_fn ?? payload?.combine_fn) as { name: string; source: string; fields?: Record<string, string> } | undefined;
  return code && typeof code.source === "string" ? code : null;
}

