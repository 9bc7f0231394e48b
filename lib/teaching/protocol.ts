/**
 * The payloads of a lineage trace and of before/after pairs, as the display bundles carry
 * them for a front end (the step-through player). No Node imports, like
 * lib/display/protocol.ts, so the extension can compile it in. Bounded: a payload holds at
 * most {@link PAYLOAD_LIMITS} of each list and says when it was cut.
 */
import type { EncodedValue, PipelineRef } from "../display/protocol";

/** A lineage trace (`beam.lineage`). */
export const LINEAGE_MIME = "application/vnd.beamlab.lineage.v1+json";
/** Before/after pairs (`beam.diff`, `beam.teaching.pairs`). */
export const PAIRS_MIME = "application/vnd.beamlab.pairs.v1+json";

export const PAYLOAD_LIMITS = { elementsPerStep: 100, linksPerInput: 1000, rows: 500 };

/** Which way a step is from the selected element. */
export type TraceSide = "upstream" | "selected" | "downstream";

/** Links from one input of a step to the step's traced elements. */
export interface TraceInputPayload {
  pcollectionId: string;
  pcollection: string;
  /** The input's name: a CoGroupByKey's tag; null for an unnamed input. */
  tag: string | null;
  /** True for a side input. */
  side: boolean;
  /** `[input element index, output element index]` pairs. */
  links: [number, number][];
  truncated: boolean;
}

export interface TraceStepPayload {
  side: TraceSide;
  label: string;
  kind: string;
  pcollectionId: string;
  pcollection: string;
  /** A Create or Read: indexes are row positions, nothing comes before. */
  source: boolean;
  /** How many elements of this step are in the trace. */
  total: number;
  /** Their indexes in the PCollection (ascending) and the elements, the first PAYLOAD_LIMITS.elementsPerStep of them. */
  indexes: number[];
  elements: EncodedValue[];
  inputs: TraceInputPayload[];
}

/** Payload of {@link LINEAGE_MIME}. */
export interface LineagePayload {
  version: 1;
  pipeline: PipelineRef;
  pcollectionId: string;
  pcollection: string;
  index: number;
  element: EncodedValue;
  steps: TraceStepPayload[];
  complete: boolean;
  notes: string[];
}

export type PairStatusPayload = "changed" | "unchanged" | "dropped" | "added";

export interface PairRowPayload {
  status: PairStatusPayload;
  beforeIndex: number | null;
  afterIndex: number | null;
  before: EncodedValue;
  after: EncodedValue;
  /** Names of the changed fields; "" for a whole value. */
  changed: string[];
  fanOut: { position: number; of: number } | null;
}

/** Payload of {@link PAIRS_MIME}. */
export interface PairsPayload {
  version: 1;
  before: string;
  after: string;
  step: { label: string; kind: string } | null;
  method: "lineage" | "row diff";
  counts: { before: number; after: number; changed: number; unchanged: number; dropped: number; added: number; fannedOut: number };
  /** Rows in order; when cut, the rows that are not unchanged come first. */
  rows: PairRowPayload[];
  truncated: boolean;
  notes: string[];
}
