/**
 * Builds the portable description of a pipeline (see `./portable.ts` for its shape).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { truncate } from "../errors";
import type { Pipeline } from "./pipeline";
import type { PCollection } from "./pvalue";
import type { TransformNode } from "./transform";
import { combinerCode, doFnCode, type UserCode } from "./source-text";
import { ENVIRONMENT_ID, URNS, type PortableCoder, type PortableEnvironment, type PortablePipeline, type PortableSideInput, type PortableSpec, type PortableTransform, type PortablePCollection } from "./portable";
const WINDOWING_ID = "global";

/** beamlab's version, from its package.json (the compiled module is dist/lib/pipeline/). */
const SDK_VERSION = ((): string => {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8")).version);
  } catch {
    return "unknown";
  }
})();

/** The portable description of `pipeline` (see {@link PortablePipeline}). */
export function toPortable(pipeline: Pipeline): PortablePipeline {
  const transformIds = new Map<TransformNode, string>();
  for (const n of pipeline.allNodes()) transformIds.set(n, `ref_AppliedPTransform_${n.fullLabel.replace(/[^A-Za-z0-9]+/g, "-")}_${n.id.slice(1)}`);
  const pcId = (pc: PCollection<unknown>) => `ref_PCollection_${pc.id}`;
  const coders: Record<string, PortableCoder> = {
    value: { spec: { urn: URNS.coders.value }, component_coder_ids: [] },
  };
  const transforms: Record<string, PortableTransform> = {};
  const pcollections: Record<string, PortablePCollection> = {};

  for (const n of pipeline.allNodes()) {
    transforms[transformIds.get(n)!] = {
      unique_name: n.fullLabel,
      ...specOf(n, pcId),
      subtransforms: n.children.map((c) => transformIds.get(c)!),
      inputs: tagged(n.inputs, n.inputTags, pcId),
      outputs: Object.fromEntries([...n.outputs].map(([tag, pc]) => [tag, pcId(pc)])),
      ...(n.primitive || n.children.length === 0 ? { environment_id: ENVIRONMENT_ID } : {}),
      annotations: { kind: n.kind, params: { ...n.params } },
    };
    for (const pc of n.outputs.values()) {
      if (pcollections[pcId(pc)]) continue;
      pcollections[pcId(pc)] = { unique_name: pc.label, coder_id: coderOf(pc, coders), is_bounded: "BOUNDED", windowing_strategy_id: WINDOWING_ID };
    }
  }
  return {
    components: {
      transforms,
      pcollections,
      windowing_strategies: { [WINDOWING_ID]: { window_fn: { urn: URNS.globalWindows }, accumulation_mode: "DISCARDING", environment_id: ENVIRONMENT_ID } },
      coders,
      environments: { [ENVIRONMENT_ID]: environment() },
    },
    root_transform_ids: pipeline.roots.map((r) => transformIds.get(r)!),
    requirements: [],
    display_data: { name: pipeline.name, options: Object.fromEntries(Object.entries(pipeline.options).map(([k, v]) => [k, typeof v === "object" && v !== null ? (v as { name?: string }).name ?? truncate(v, 60) : String(v)])) },
  };
}

function tagged(inputs: PCollection<unknown>[], tags: readonly string[] | undefined, pcId: (pc: PCollection<unknown>) => string): Record<string, string> {
  if (tags && tags.length === inputs.length) return Object.fromEntries(inputs.map((pc, i) => [tags[i], pcId(pc)]));
  if (inputs.length === 1) return { main: pcId(inputs[0]) };
  return Object.fromEntries(inputs.map((pc, i) => [String(i), pcId(pc)]));
}

function codePayload(code: UserCode, urn: string): Record<string, unknown> {
  return { urn, name: code.name, source: code.source, ...(Object.keys(code.fields).length ? { fields: code.fields } : {}) };
}

/** The spec of a node: its primitive's, CombinePerKey's for the lifted composite, none for other composites. */
function specOf(n: TransformNode, pcId: (pc: PCollection<unknown>) => string): { spec?: PortableSpec } {
  const p = n.primitive;
  if (!p) return {};
  switch (p.kind) {
    case "ParDo":
      return {
        spec: {
          urn: URNS.pardo,
          payload: {
            do_fn: codePayload(doFnCode(p.fn), URNS.doFn),
            side_inputs: Object.fromEntries(
              p.sideInputs.map((s, i): [string, PortableSideInput] => [`side${i}`, { access_pattern: { urn: s.kind === "dict" ? URNS.multimap : URNS.iterable }, view: s.kind, pcollection_id: pcId(s.pcoll) }]),
            ),
            output_tags: [...n.outputs.keys()],
          },
        },
      };
    case "GroupByKey":
      return { spec: { urn: URNS.groupByKey, payload: {} } };
    case "Flatten":
      return { spec: { urn: URNS.flatten, payload: {} } };
    case "Create":
      // As Beam Java's Create.Values: a Read of a bounded in-memory source.
      return { spec: { urn: URNS.read, payload: { source: { kind: "Create", elements: p.values.length, first: p.values.slice(0, 3).map((v) => truncate(v, 80)) }, is_bounded: "BOUNDED" } } };
    case "Read":
      return { spec: { urn: URNS.read, payload: { source: { kind: n.kind, ...safeDescribe(p.source) }, is_bounded: "BOUNDED" } } };
    case "Write":
      return { spec: { urn: URNS.write, payload: { sink: { kind: n.kind, ...safeDescribe(p.sink) } } } };
    case "CombinePerKey": {
      const combiner = (n.transform as unknown as { combiner?: unknown }).combiner ?? p.combineFn;
      return {
        spec: {
          urn: URNS.combinePerKey,
          payload: {
            combine_fn: codePayload(combinerCode(combiner), URNS.combineFn),
            accumulator_coder_id: "value",
            // The runner accumulates per key before the shuffle and merges after it (combiner lifting).
            lifted: true,
          },
        },
      };
    }
  }
}

function safeDescribe(io: { describe(): Record<string, string> }): Record<string, string> {
  try {
    return { ...io.describe() };
  } catch {
    return {};
  }
}

/** The coder of a PCollection: a row coder when its columns are declared, KV for grouped outputs, else JavaScript values by structured clone. */
function coderOf(pc: PCollection<unknown>, coders: Record<string, PortableCoder>): string {
  const columns = safeSchema(pc);
  if (columns && columns.length) {
    const id = `row_${columns.map((c) => `${c.name}-${c.type ?? "ANY"}`).join("_").replace(/[^A-Za-z0-9_-]/g, "")}`;
    coders[id] ??= { spec: { urn: URNS.coders.row, payload: { fields: columns.map((c) => ({ name: c.name, type: c.type ?? "ANY", nullable: c.nullable })) } }, component_coder_ids: [] };
    return id;
  }
  const kind = producingKind(pc);
  if (kind === "GroupByKey") {
    coders.iterable_value ??= { spec: { urn: URNS.coders.iterable }, component_coder_ids: ["value"] };
    coders.kv_value_iterable ??= { spec: { urn: URNS.coders.kv }, component_coder_ids: ["value", "iterable_value"] };
    return "kv_value_iterable";
  }
  if (kind === "CombinePerKey") {
    coders.kv_value_value ??= { spec: { urn: URNS.coders.kv }, component_coder_ids: ["value", "value"] };
    return "kv_value_value";
  }
  return "value";
}

/** The kind of what produces `pc`, looking up through composites whose output it is (a lifted CombinePerKey's). */
function producingKind(pc: PCollection<unknown>): string | undefined {
  let kind = pc.producer.primitive?.kind;
  for (let n: TransformNode | null = pc.producer; n && [...n.outputs.values()].includes(pc); n = n.parent) if (n.primitive?.kind === "CombinePerKey") kind = "CombinePerKey";
  return kind;
}

function safeSchema(pc: PCollection<unknown>) {
  try {
    return pc.schema;
  } catch {
    return null;
  }
}

function environment(): PortableEnvironment {
  return {
    urn: URNS.environment,
    payload: { runtime: "node", version: process.version, sdk: "beamlab", sdk_version: SDK_VERSION, platform: process.platform, arch: process.arch },
    capabilities: [URNS.pardo, URNS.groupByKey, URNS.flatten, URNS.read, URNS.combinePerKey, URNS.write, URNS.coders.value, URNS.coders.kv, URNS.coders.iterable, URNS.coders.row],
    dependencies: [],
  };
}
