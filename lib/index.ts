/**
 * beamlab: Apache Beam's model in TypeScript, for teaching.
 *
 * @example
 * import * as beam from "beamlab";
 * const p = new beam.Pipeline();
 * const nums = p.apply("Create", beam.Create([1, 2, 3, 4, 5]));
 * const out = nums.apply("Multiply", beam.Map((n) => n * 10));
 * await p.run();
 * (await beam.collect(out)).print();
 */
import * as io from "./io";
import * as pvalue from "./pvalue";
import * as combiners from "./transforms/combiners";
import * as warehouse from "./warehouse";
import * as testing from "./testing";
import * as grader from "./grading/grader";
import * as teaching from "./teaching";
import "./runners/direct";
import "./runners/interactive";
import "./runners/local/local-runner";
import "./runners/portable/portable-runner";
import "./runners/spark/spark-runner";
import * as portable from "./runners/portable";
import * as spark from "./runners/spark";
import * as datasets from "./datasets";
import { installKernelApi } from "./interactive/kernel-api";
import { installCellHooks } from "./interactive/cells";

export { Pipeline, type PipelineOptions } from "./pipeline/pipeline";
export { Removal } from "./pipeline/removal";
export { PCollection, PBegin, type PValue, type ElementOf } from "./pipeline/pvalue";
export { PTransform, ptransform, type TransformNode } from "./pipeline/transform";
export { DoFn, TaggedOutput, TaggedOutputValue } from "./transforms/dofn";
export { ParDo } from "./transforms/pardo";
export type { BadElement, WithErrors } from "./transforms/exception-handling";
export type { ElementwiseTransform } from "./transforms/map";
export { Map, FlatMap, Filter } from "./transforms/map";
export { Create } from "./transforms/create";
export { GroupByKey, CoGroupByKey } from "./transforms/group";
export { CombinePerKey, CombineGlobally } from "./transforms/combine";
export type { CombineFn } from "./transforms/combine-fn";
export { Flatten } from "./transforms/flatten";
export { Partition } from "./transforms/partition";
export { Distinct, Keys, Values, KvSwap } from "./transforms/kv";
export { PipelineResult, type StepMetrics, type PipelineState, type StageMetrics, type WorkerMetrics } from "./runners/result";
export { DirectRunner } from "./runners/direct";
export { LocalRunner } from "./runners/local/local-runner";
export { movabilityFindings, type Finding } from "./runners/local/movable";
export { log, metrics, type LogLine, type DistributionResult } from "./runners/run-scope";
export type { Runner } from "./runners/registry";
export { PipelineError } from "./errors";
export { collect, type CollectOptions } from "./collect";
export { show, showGraph, type ShowOptions } from "./interactive/show";
export { chart, Chart, type ChartSource, type RowOf } from "./display/chart";
export { InteractiveRunner } from "./runners/interactive";
export { explain, Explanation } from "./display/explain";
export { compareRuns, RunsComparison } from "./display/compare-runs";
export { registerValidator, validatePipeline, type PipelineValidator, type ValidationFinding, type ValidationContext, type Severity } from "./pipeline/validate";
export type { PortablePipeline, PortableTransform, PortablePCollection, PortableCoder, PortableEnvironment } from "./pipeline/portable";
export type { ExecutionPlan, Stage, StageStep, StepRole, StageInput, StageOutput, StageSideInput } from "./runners/fusion";
export { lineage } from "./teaching/lineage";
export { diff } from "./teaching/diff";
export { stepThrough, type StepThroughOptions } from "./teaching/step-through";
export type { LineageTrace, Pairs, LineageOption } from "./teaching";
export type { SchemaRow, TableSchema } from "./io/schema";
/**
 * The table `beam.collect`, `wh.query` and `beam.testing` work with (arquero's). Exported so
 * a cell's inferred types name it as `beam.ColumnTable`: without it, a notebook whose
 * beamlab sits elsewhere (a linked or nested install) fails with TS2742.
 */
export type { ColumnTable } from "arquero";
export { io, pvalue, combiners, warehouse, testing, grader, teaching, portable, spark, datasets };

installKernelApi();
installCellHooks();
