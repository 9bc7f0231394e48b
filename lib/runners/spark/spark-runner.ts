/**
 * The Spark runner (`runner: "spark"`): the local runner's stages (`../local/stages.ts`) as
 * Spark jobs. This process plans, checks that every DoFn can move (the same refusals as the
 * local runner), runs coordinator stages (Create, unsplittable sources, the warehouse sink)
 * itself, and has a pyspark driver (`./session.ts`) run the others on Spark: element-wise
 * stages in each Python worker's Node process (`./executor.ts`), shuffles through Spark's
 * partitionBy on the canonical key encoding, combines lifted. Sinks' shards are committed
 * through `io/commit.ts` only when the whole run succeeded.
 */
import * as fs from "node:fs";
import * as v8 from "node:v8";
import { PipelineError } from "../../errors";
import { publishAll } from "../../io/commit";
import type { StagedOutput } from "../../io/source-sink";
import { DEFAULT_BUNDLE_SIZE } from "../../pipeline/options";
import type { Pipeline } from "../../pipeline/pipeline";
import type { PCollection } from "../../pipeline/pvalue";
import { assertValid, registerValidator } from "../../pipeline/validate";
import { inKernel } from "../../display/emit";
import { JobDisplay } from "../../display/job-view";
import { Job } from "../job";
import { stepMetrics } from "../metrics";
import { hasOperator, type NodeStats } from "../operator";
import { executableNodes, planFor, type ExecNode } from "../plan";
import { registerRunner, type Runner } from "../registry";
import { PipelineResult, type StageMetrics, type WorkerMetrics } from "../result";
import { startRun, type RunScope } from "../run-scope";
import { toPipelineError } from "../local/local-runner";
import { movabilityFindings, refuseFindings, type Finding } from "../local/movable";
import { StagedRun, jobStages, placeByIO, workerNodes } from "../local/staged-run";
import { movableValidator } from "../local/movable-validator";
import type { WorkerNode } from "../local/protocol";
import { planStages, stageInputs, type Stage } from "../local/stages";
import type { ExecutorHeader, PartitionMeta } from "./executor";
import { frame, readFramesFile } from "./frames";
import { masterUI } from "./cluster";
import { SparkFailure, SparkSession, type DriverAnswer } from "./session";
import type { JobLink } from "../../display/protocol";

/** The master when the options name none. */
export const DEFAULT_SPARK_MASTER = "local[2]";

/** A Node process on a Spark executor and what it did. */
interface ExecutorFigures {
  worker: number;
  /** Spark's executor id ("driver" on local[N]). */
  executor: string;
  /** The Node process on that executor (`pid 1234`): an executor runs one per Python worker. */
  node: string;
  elementsOut: number;
  busyMillis: number;
}

/** The run's bookkeeping in this process. */
class SparkRun extends StagedRun {
  /** PCollections held by the driver as RDDs, with their partition counts. */
  readonly inSpark = new Map<string, number>();
  readonly staged: StagedOutput[] = [];
  readonly stages: (StageMetrics & { sparkStages?: string; tasks?: number })[] = [];
  readonly executors = new Map<string, ExecutorFigures>();
  /** Where executors list the files each attempt staged (see {@link sweep}). */
  readonly ledger: string;

  constructor(pipeline: Pipeline, plan: ExecNode[], readonly spark: SparkSession, scope: RunScope, stages: readonly Stage[]) {
    super(pipeline, plan, scope, stages);
    this.ledger = spark.file();
  }

  /** Removes every staged file still there: a failed run's, and a retried task's first attempt's. */
  sweep(): void {
    const listed = fs.existsSync(this.ledger) ? fs.readFileSync(this.ledger, "utf8").split("\n").filter(Boolean) : [];
    for (const line of listed) for (const f of JSON.parse(line) as string[]) fs.rmSync(f, { force: true });
    for (const s of this.staged) if (s.kind === "files") for (const f of s.files) fs.rmSync(f.staged, { force: true });
  }

  /** Every element of a PCollection here (collected from Spark when it is there). */
  override async whole(pc: PCollection<unknown>): Promise<unknown[]> {
    const held = this.held.get(pc.id);
    if (held) return held;
    if (!this.inSpark.has(pc.id)) return [];
    const file = this.spark.file();
    await this.spark.call({ op: "collect", id: pc.id, file });
    const values = readFramesFile(fs.readFileSync(file)).map((r) => v8.deserialize(r.data));
    fs.rmSync(file, { force: true });
    this.held.set(pc.id, values);
    return values;
  }

  /** A PCollection held here handed to Spark, cut into the default parallelism's partitions. */
  async toSpark(pc: PCollection<unknown>): Promise<void> {
    if (this.inSpark.has(pc.id)) return;
    const file = this.spark.file();
    const fd = fs.openSync(file, "w");
    try {
      for (const v of this.held.get(pc.id) ?? []) fs.writeSync(fd, frame("", v8.serialize(v)));
    } finally {
      fs.closeSync(fd);
    }
    const n = this.spark.parallelism;
    await this.spark.call({ op: "parallelize", id: pc.id, file, partitions: n });
    this.inSpark.set(pc.id, n);
  }

  /** What the partitions of a Spark job reported: counts, times, staged shards, logs, metrics. */
  absorb(a: DriverAnswer): void {
    for (const text of a.meta ?? []) {
      const m = JSON.parse(text) as PartitionMeta;
      const executor = m.executor ?? "unknown";
      const key = `${executor} ${m.process}`;
      const ex = this.executors.get(key) ?? { worker: this.executors.size, executor, node: m.process, elementsOut: 0, busyMillis: 0 };
      this.executors.set(key, ex);
      this.staged.push(...m.staged);
      for (const [id, c] of m.counts) {
        this.addCount(id, c);
        ex.elementsOut += c;
      }
      for (const [label, ms] of m.millis) {
        this.addMillis(label, ms);
        ex.busyMillis += ms;
      }
      if (m.metrics) this.scope.metrics.merge(m.metrics);
      for (const l of m.logs) this.scope.logs.add({ ...l, worker: ex.worker, text: `[executor ${executor} · ${m.process}] ${l.text}` });
    }
  }
}

registerValidator(movableValidator);

/** Runs pipelines on Apache Spark (`local[N]` or a standalone cluster) through pyspark. */
export class SparkRunner implements Runner {
  readonly name = "spark";

  async run(pipeline: Pipeline): Promise<PipelineResult> {
    // Everything that cannot run is refused before Spark starts, in the local runner's words.
    refuseFindings(movabilityFindings(pipeline));
    assertValid(pipeline);
    const o = pipeline.options;
    const plan = planFor(executableNodes(pipeline, hasOperator), null);
    const scope = startRun(pipeline.name, null, !inKernel());
    const started = performance.now();
    const master = o.sparkMaster ?? DEFAULT_SPARK_MASTER;
    const spark = await SparkSession.start({ master, name: pipeline.name || "beamlab", conf: o.sparkConf ?? {} });
    const startupMillis = performance.now() - started;
    const n = spark.parallelism;
    const stages = planStages(plan, placeByIO(n));
    const job = inKernel() ? new Job(pipeline, this.name, scope, jobStages(stages), { keepsCache: false }) : null;
    if (job) new JobDisplay(job);
    job?.setLinks(sparkLinks(spark, master, true));
    const run = new SparkRun(pipeline, plan, spark, scope, stages);
    try {
      for (const stage of stages) {
        const t0 = performance.now();
        job?.stage(stage.index, "running", { elementsIn: run.elementsIn(stage) });
        const answers = stage.kind === "coordinator" ? (await run.coordinatorStage(stage), []) : stage.kind === "workers" ? [await this.sparkStage(run, stage)] : await this.shuffleStage(run, stage);
        const sparkStages = answers.flatMap((a) => a.stages ?? []);
        run.stages.push({
          index: stage.index,
          kind: stage.kind,
          steps: stage.nodes.map((e) => e.node.fullLabel),
          elementsIn: run.elementsIn(stage),
          wallMillis: performance.now() - t0,
          ...(sparkStages.length ? { sparkStages: sparkStages.map((s) => s.id).join(","), tasks: sparkStages.reduce((a, s) => a + s.tasks, 0) } : {}),
        });
        if (job) {
          job.stage(stage.index, "done", { ...run.stages[run.stages.length - 1], elementsIn: run.viewedElementsIn(stage) });
          job.steps({ counts: new Map(run.counts), millis: new Map(run.millis), done: new Set(stages.slice(0, stage.index + 1).flatMap((s) => s.nodes)), elapsedMillis: performance.now() - started });
          job.setWorkers(executorFigures(run));
        }
      }
      await publishAll([...run.staged, ...run.writers.map((w) => w.staged()).filter((s): s is StagedOutput => s !== null)]);
    } catch (e) {
      run.sweep();
      for (const w of run.writers) await w.abort().catch(() => undefined);
      const err = e instanceof SparkFailure ? new PipelineError("Spark failed", { cause: new Error(e.message), hint: `the run stopped for a reason of Spark's, not your code's; run again, or use the local runner. Spark said: ${spark.lastWords()}` }) : toPipelineError(e);
      job?.setLinks(sparkLinks(spark, master, false));
      job?.finish("FAILED", err.label);
      (err as PipelineError & { result?: PipelineResult }).result = new PipelineResult("FAILED", [], err, performance.now() - started, { logs: scope.logs });
      throw err;
    } finally {
      run.sweep();
      await spark.stop();
    }
    const stats = new Map<ExecNode, NodeStats>([...run.millis].map(([e, ms]) => [e, { millis: ms }]));
    job?.setLinks(sparkLinks(spark, master, false));
    job?.finish("DONE");
    return new PipelineResult("DONE", stepMetrics(pipeline, run.counts, stats, scope.metrics), null, performance.now() - started, { logs: scope.logs, stages: run.stages, workers: executorFigures(run), job: job?.snapshot(), startupMillis });
  }

  /** An element-wise stage as one Spark job over the union of its inputs' partitions and its sources' parts. */
  private async sparkStage(run: SparkRun, stage: Stage): Promise<DriverAnswer> {
    const { main, side } = stageInputs(stage);
    for (const pc of [...main, ...side]) await run.toSpark(pc);
    const o = run.pipeline.options;
    const options = { bundleSize: o.bundleSize ?? DEFAULT_BUNDLE_SIZE, warehouse: o.warehouse, name: o.name };
    const ctx = { options: o, bundleSize: options.bundleSize, signal: new AbortController().signal, label: "" };
    const capture = run.captured(stage);
    const shared = new Map<ExecNode, WorkerNode["spec"]>();
    const parts = new Map<ExecNode, ReturnType<NonNullable<Extract<ExecNode["spec"], { kind: "Read" }>["source"]["split"]>>>();
    for (const e of stage.nodes) {
      const moved = run.movedSpec(e);
      if (moved) shared.set(e, moved);
      // A source's parts (files and byte ranges) each get a Spark partition of their own.
      else if (e.spec.kind === "Read") parts.set(e, e.spec.source.split!(run.spark.parallelism, { ...ctx, label: e.node.fullLabel }));
    }
    const fromInputs = main.reduce((a, pc) => a + (run.inSpark.get(pc.id) ?? 0), 0);
    const reads = Math.max(0, ...[...parts.values()].map((p) => p.length));
    const total = fromInputs + reads;
    const specFor = (e: ExecNode, p: number): WorkerNode["spec"] => {
      if (e.spec.kind === "Read") return { kind: "Read", parts: p >= fromInputs && parts.get(e)![p - fromInputs] ? [parts.get(e)![p - fromInputs]] : [] };
      if (e.spec.kind === "Write") return { kind: "Write", shard: e.spec.sink.shard!(p, total)! };
      return shared.get(e)!;
    };
    const headers = Array.from({ length: total }, (_, p): string => {
      const header: ExecutorHeader = {
        mode: "run",
        cwd: process.cwd(),
        options,
        partition: p,
        ledger: run.ledger,
        nodes: workerNodes(stage, (e) => specFor(e, p)),
        inputs: main.map((pc) => pc.id),
        sides: side.map((pc) => pc.id),
        capture,
      };
      return JSON.stringify(header);
    });
    const a = await run.spark.call({ op: "stage", headers, inputs: main.map((pc) => pc.id), sides: side.map((pc) => pc.id), reads, outputs: capture });
    run.absorb(a);
    for (const id of capture) run.inSpark.set(id, total);
    return a;
  }

  /** GroupByKey or CombinePerKey: Node cuts (and partially combines) each partition, Spark shuffles by key, Node gathers. */
  private async shuffleStage(run: SparkRun, stage: Stage): Promise<DriverAnswer[]> {
    const answers: DriverAnswer[] = [];
    const o = run.pipeline.options;
    const options = { bundleSize: o.bundleSize ?? DEFAULT_BUNDLE_SIZE, warehouse: o.warehouse, name: o.name };
    for (const e of stage.nodes) {
      const input = e.inputs[0];
      const output = e.outputs.get("main")!;
      await run.toSpark(input);
      const findings: Finding[] = [];
      const combineFn = e.spec.kind === "CombinePerKey" ? run.mover.move(e.spec.combineFn, { label: e.node.fullLabel, what: "the combine function", findings }) : null;
      refuseFindings(findings);
      const header = (mode: "cut" | "gather"): string => JSON.stringify({ mode, cwd: process.cwd(), options, partition: 0, label: e.node.fullLabel, output: output.id, combineFn } satisfies ExecutorHeader);
      const n = run.spark.parallelism;
      const a = await run.spark.call({ op: "shuffle", input: input.id, output: output.id, cut: header("cut"), gather: header("gather"), partitions: n });
      run.absorb(a);
      run.inSpark.set(output.id, n);
      answers.push(a);
    }
    return answers;
  }
}

/**
 * The Spark pages of a run: the driver's UI while the run goes on (it ends with the
 * SparkContext, so afterwards it is named, not linked), and on a standalone master this
 * process started, the master's page of the application, which outlives the run.
 */
export function sparkLinks(spark: Pick<SparkSession, "ui" | "app">, master: string, running: boolean): JobLink[] {
  const links: JobLink[] = [];
  if (spark.ui) links.push(running ? { label: "Spark UI", href: spark.ui, live: true } : { label: "Spark UI", href: spark.ui, live: false, note: "closed with the run" });
  const ui = masterUI(master);
  if (ui && spark.app) links.push({ label: "Spark master: this application", href: `${ui}/app/?appId=${encodeURIComponent(spark.app)}`, live: true });
  return links;
}

function executorFigures(run: SparkRun): WorkerMetrics[] {
  return [...run.executors.values()].map((x) => ({ ...x, busyMillis: Math.round(x.busyMillis * 1000) / 1000 }));
}

registerRunner("spark", () => new SparkRunner());
