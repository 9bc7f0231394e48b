/**
 * `beam.teaching`: what step-through demos are built on. `beam.lineage` and `beam.diff`
 * are also exported at the top level, as the verbs students call.
 */
export { pairs, type PairsOptions } from "./pairs";
export { lineageStatus, type LineageStatus } from "./lineage-status";
export { lineage, type ElementSelector, type TraceOptions } from "./lineage";
export { diff, type DiffOptions } from "./diff";
export type { LineageTrace, TraceStep, TraceInput } from "./lineage-trace";
export type { Pairs, PairRow, PairStatus, PairCounts, FanOut } from "./pairing";
export type { FieldChange } from "./changes";
export type { LineageOption, LineageLimits } from "./lineage-options";
export { DEFAULT_MAX_ELEMENTS } from "./lineage-options";
export { stepThrough, type StepThrough, type StepThroughOptions } from "./step-through";
export { LINEAGE_MIME, PAIRS_MIME, STEPTHROUGH_MIME, type LineagePayload, type PairsPayload, type StepThroughPayload, type StepPayload } from "./protocol";
