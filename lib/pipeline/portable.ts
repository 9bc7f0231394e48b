/**
 * The pipeline as a runner receives it: a portable JSON description named after Beam's
 * Runner API (`beam_runner_api.proto`): components holding transforms (each with its
 * `unique_name`, a `spec` with a URN and payload, its `subtransforms` when composite, its
 * inputs and outputs by tag), PCollections with their coder, coders, windowing strategies and
 * the one environment the code runs in (beamlab on Node). Each DoFn's, function's and
 * CombineFn's source text is in its payload: it is what step 2 of a pipeline's life submits.
 * `p.toJSON()` builds it (see `./to-portable.ts`).
 *
 * No Node imports: the JupyterLab extension renders these types too.
 */

/** Beam's FunctionSpec: what a transform is (its URN) and how it is parameterised. */
export interface PortableSpec {
  urn: string;
  payload: Record<string, unknown>;
}

/** A side input of a ParDo, as Beam's SideInput: how the function sees it, and which PCollection it is. */
export interface PortableSideInput {
  /** `beam:side_input:iterable:v1` or `beam:side_input:multimap:v1`. */
  access_pattern: { urn: string };
  /** The view the function receives: list, iter, dict or singleton. */
  view: string;
  pcollection_id: string;
}

/** Beam's PTransform. */
export interface PortableTransform {
  unique_name: string;
  /** Absent for composites without a URN of their own (they are their subtransforms). */
  spec?: PortableSpec;
  /** Ids of the transforms a composite expands to, in order. */
  subtransforms: string[];
  /** PCollection ids by local tag (`main`, or the tags of a record input / a multi-output ParDo). */
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  environment_id?: string;
  /** beamlab's own: the transform kind and its parameters as shown in graphs. */
  annotations: { kind: string; params: Record<string, string> };
}

/** Beam's PCollection. */
export interface PortablePCollection {
  unique_name: string;
  coder_id: string;
  is_bounded: "BOUNDED";
  windowing_strategy_id: string;
}

/** Beam's Coder: how elements are encoded between steps (and, later, between workers). */
export interface PortableCoder {
  spec: { urn: string; payload?: Record<string, unknown> };
  component_coder_ids: string[];
}

/** Beam's Environment: where the user code runs. */
export interface PortableEnvironment {
  urn: string;
  payload: { runtime: string; version: string; sdk: string; sdk_version: string; platform: string; arch: string };
  /** URNs this environment can execute. */
  capabilities: string[];
  dependencies: string[];
}

/** Beam's Pipeline message: what `p.toJSON()` returns. */
export interface PortablePipeline {
  components: {
    transforms: Record<string, PortableTransform>;
    pcollections: Record<string, PortablePCollection>;
    windowing_strategies: Record<string, { window_fn: { urn: string }; accumulation_mode: "DISCARDING"; environment_id: string }>;
    coders: Record<string, PortableCoder>;
    environments: Record<string, PortableEnvironment>;
  };
  /** The top-level transforms, in application order. */
  root_transform_ids: string[];
  requirements: string[];
  /** beamlab's own: the pipeline's name and its options as given. */
  display_data: { name: string; options: Record<string, string> };
}

/** The URNs used; Beam's where Beam has one. */
export const URNS = {
  pardo: "beam:transform:pardo:v1",
  groupByKey: "beam:transform:group_by_key:v1",
  flatten: "beam:transform:flatten:v1",
  read: "beam:transform:read:v1",
  combinePerKey: "beam:transform:combine_per_key:v1",
  write: "beamlab:transform:write:v1",
  doFn: "beamlab:dofn:javascript:v1",
  combineFn: "beamlab:combinefn:javascript:v1",
  iterable: "beam:side_input:iterable:v1",
  multimap: "beam:side_input:multimap:v1",
  environment: "beamlab:env:node:v1",
  globalWindows: "beam:window_fn:global_windows:v1",
  coders: {
    value: "beamlab:coder:structured_clone:v1",
    kv: "beam:coder:kv:v1",
    iterable: "beam:coder:iterable:v1",
    row: "beam:coder:row:v1",
  },
} as const;

/** The id of the one environment: beamlab's SDK on Node, in the kernel's process. */
export const ENVIRONMENT_ID = "beamlab-node";
