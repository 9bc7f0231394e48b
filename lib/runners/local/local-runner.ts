/**
 * The local runner (`runner: "local"`): the coordinator on the main thread schedules the
 * pipeline's stages (`./stages.ts`) on N worker threads, moves the data between them
 * (scatter, gather, broadcast of side inputs, the shuffle of `./shuffle.ts`), and publishes
 * every sink's output through `io/commit.ts` only when the whole run succeeded. The first
 * failure cancels every worker; what they staged is removed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { PipelineError, error } from "../../errors";
import { publishAll } from "../../io/commit";
import type { IOContext, PortableIO, StagedOutput } from "../../io/source-sink";
import type { Pipeline } from "../../pipeline/pipeline";
import type { PCollection } from "../../pipeline/pvalue";
import { assertValid, registerValidator } from "../../pipeline/validate";
import { movableValidator } from "./movable-validator";
import { stepMetrics } from "../metrics";
import { hasOperator, type NodeStats } from "../operator";
import { executableNodes, planFor, type ExecNode } from "../plan";
import { registerRunner, type Runner } from "../registry";
import { PipelineResult, type StageMetrics, type WorkerMetrics } from "../result";
import { startRun, type RunScope } from "../run-scope";
import { inKernel } from "../../display/emit";
import { JobDisplay } from "../../display/job-view";
import { Job } from "../job";
import { movabilityFindings, refuseFindings, type Finding } from "./movable";
import { StagedRun, jobStages, placeByIO, workerNodes } from "./staged-run";
import { pack, transferList, unpack, type FromWorker, type ShuffleSpec, type ToWorker, type WorkerFailure, type WorkerNode } from "./protocol";
import { planStages, stageInputs, type Stage } from "./stages";
import { DEFAULT_BUNDLE_SIZE } from "../../pipeline/options";

/** How long cancelled workers get to remove what they staged before they are stopped. */
const CANCEL_GRACE_MILLIS = 3000;

/** The default number of workers: the machine's available parallelism. */
export function defaultWorkers(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

/** One worker thread and its requests in flight. */
class WorkerHandle {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (f: WorkerFailure) => void }>();
  readonly ready: Promise<void>;
  busyMillis = 0;
  elementsOut = 0;

  constructor(readonly index: number, count: number, pipeline: Pipeline, private readonly onLogs: (m: Extract<FromWorker, { type: "logs" }>) => void, onCrash: (e: unknown) => void) {
    const o = pipeline.options;
    const worker = new Worker(path.join(__dirname, "worker.js"), {
      workerData: { index, workers: count, cwd: process.cwd(), options: { bundleSize: o.bundleSize ?? DEFAULT_BUNDLE_SIZE, warehouse: o.warehouse, name: o.name } },
    });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once("message", (m: FromWorker) => (m.type === "ready" ? resolve() : reject(new Error(`worker ${index} did not start`))));
      worker.once("error", reject);
    });
    worker.on("message", (m: FromWorker) => this.receive(m));
    worker.on("error", (e) => {
      for (const p of this.pending.values()) p.reject({ headline: `Worker ${index} crashed`, label: null, element: null, hint: "see the cause; run again, or use the direct runner.", cause: { name: e.name, message: e.message, stack: e.stack }, logs: [], cancelled: false });
      this.pending.clear();
      onCrash(e);
    });
  }
  private readonly worker: Worker;

  private receive(m: FromWorker): void {
    if (m.type === "logs") return this.onLogs(m);
    if (m.type === "ready") return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === "failed") p.reject(m.failure);
    else p.resolve(m);
  }

  call<T extends FromWorker>(msg: WithoutId<Extract<ToWorker, { id: number }>>, transfer: ArrayBuffer[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (m: FromWorker) => void, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  post(msg: Extract<ToWorker, { type: "cancel" | "drop" }>): void {
    this.worker.postMessage(msg);
  }

  /** Resolves when no request is in flight any more (or after `millis`). */
  async settled(millis: number): Promise<void> {
    const start = Date.now();
    while (this.pending.size && Date.now() - start < millis) await new Promise((r) => setTimeout(r, 20));
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

/** The run's bookkeeping on the coordinator, and the worker threads. */
class Run extends StagedRun {
  readonly inWorkers = new Set<string>();
  readonly broadcast = new Set<string>();
  readonly workerStaged: StagedOutput[] = [];
  readonly stages: StageMetrics[] = [];

  constructor(pipeline: Pipeline, plan: ExecNode[], readonly workers: WorkerHandle[], scope: RunScope, stages: readonly Stage[]) {
    super(pipeline, plan, scope, stages);
  }

  /** How many nodes read a PCollection (as main or side input). */
  readers(id: string): number {
    return this.plan.filter((e) => e.inputs.some((pc) => pc.id === id) || e.sideInputs.some((pc) => pc.id === id)).length;
  }

  /** Every element of a PCollection on the coordinator (gathered from the workers, in worker order). */
  override async whole(pc: PCollection<unknown>): Promise<unknown[]> {
    if (!this.inWorkers.has(pc.id)) return super.whole(pc);
    const parts = await Promise.all(this.workers.map((w) => w.call<Extract<FromWorker, { type: "done" }>>({ type: "take", pcoll: pc.id })));
    const all: unknown[] = [];
    for (const p of parts) for (const v of unpack(p.data!)) all.push(v);
    this.held.set(pc.id, all);
    return all;
  }

  /** A coordinator PCollection cut into one contiguous part per worker. */
  async scatter(pc: PCollection<unknown>): Promise<void> {
    if (this.inWorkers.has(pc.id)) return;
    const values = this.held.get(pc.id) ?? [];
    const n = this.workers.length;
    const size = Math.ceil(values.length / n);
    await Promise.all(
      this.workers.map((w, i) => {
        const data = [pack(values.slice(i * size, (i + 1) * size))];
        return w.call({ type: "put", pcoll: pc.id, data }, transferList(data));
      }),
    );
    this.inWorkers.add(pc.id);
  }

  /** Every element of a side input on every worker. */
  async broadcastSide(pc: PCollection<unknown>): Promise<void> {
    if (this.broadcast.has(pc.id)) return;
    const values = await this.whole(pc);
    await Promise.all(
      this.workers.map((w) => {
        const data = [pack(values)];
        return w.call({ type: "put", pcoll: `${pc.id}#side`, data }, transferList(data));
      }),
    );
    this.broadcast.add(pc.id);
  }
}

registerValidator(movableValidator);

/** Runs pipelines on worker threads of this process. */
export class LocalRunner implements Runner {
  readonly name = "local";

  async run(pipeline: Pipeline): Promise<PipelineResult> {
    // The movability findings first, each in its own words; then every other check.
    refuseFindings(movabilityFindings(pipeline));
    assertValid(pipeline);
    const count = pipeline.options.workers ?? defaultWorkers();
    const plan = planFor(executableNodes(pipeline, hasOperator), null);
    const ctx = { options: pipeline.options, bundleSize: pipeline.options.bundleSize ?? DEFAULT_BUNDLE_SIZE, signal: new AbortController().signal, label: "" };
    const stages = planStages(plan, placeByIO(count));
    // In a notebook the job view shows the logs; elsewhere they print as they come.
    const scope = startRun(pipeline.name, null, !inKernel());
    const job = inKernel() ? new Job(pipeline, this.name, scope, jobStages(stages), { keepsCache: false }) : null;
    if (job) new JobDisplay(job);
    const started = performance.now();
    let crash: unknown = null;
    const workers = Array.from({ length: count }, (_, i) => new WorkerHandle(i, count, pipeline, (m) => m.lines.forEach((l) => scope.logs.add(l)), (e) => (crash = e)));
    const run = new Run(pipeline, plan, workers, scope, stages);
    try {
      await Promise.all(workers.map((w) => w.ready));
      for (const stage of stages) {
        const t0 = performance.now();
        job?.stage(stage.index, "running", { elementsIn: run.elementsIn(stage) });
        if (stage.kind === "coordinator") await run.coordinatorStage(stage);
        else if (stage.kind === "workers") await this.workersStage(run, stage, ctx);
        else await this.shuffleStage(run, stage);
        run.stages.push({
          index: stage.index,
          kind: stage.kind,
          steps: stage.nodes.map((e) => e.node.fullLabel),
          elementsIn: run.elementsIn(stage),
          wallMillis: performance.now() - t0,
        });
        if (job) reportStage(job, run, stages.slice(0, stage.index + 1), started);
        if (crash) throw crash;
      }
      await publishAll([...run.workerStaged, ...run.writers.map((w) => w.staged()).filter((s): s is StagedOutput => s !== null)]);
    } catch (e) {
      await this.stopAll(run);
      const err = toPipelineError(e);
      job?.finish("FAILED", err.label);
      (err as PipelineError & { result?: PipelineResult }).result = new PipelineResult("FAILED", [], err, performance.now() - started, { logs: scope.logs });
      throw err;
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
    const stats = new Map<ExecNode, NodeStats>([...run.millis].map(([e, ms]) => [e, { millis: ms }]));
    const workerMetrics = workerFigures(workers);
    job?.finish("DONE");
    return new PipelineResult("DONE", stepMetrics(pipeline, run.counts, stats, scope.metrics), null, performance.now() - started, { logs: scope.logs, stages: run.stages, workers: workerMetrics, job: job?.snapshot() });
  }

  /** Cancels every worker, waits for them to remove what they staged, and removes what finished stages staged. */
  private async stopAll(run: Run): Promise<void> {
    for (const w of run.workers) w.post({ type: "cancel" });
    await Promise.all(run.workers.map((w) => w.settled(CANCEL_GRACE_MILLIS)));
    for (const s of run.workerStaged) if (s.kind === "files") for (const f of s.files) fs.rmSync(f.staged, { force: true });
    for (const w of run.writers) await w.abort().catch(() => undefined);
  }

  private async workersStage(run: Run, stage: Stage, ctx: IOContext): Promise<void> {
    const { main, side } = stageInputs(stage);
    for (const pc of main) await run.scatter(pc);
    for (const pc of side) await run.broadcastSide(pc);
    const n = run.workers.length;
    const capture = run.captured(stage);
    const shared = new Map<ExecNode, WorkerNode["spec"]>();
    const parts = new Map<ExecNode, PortableIO[]>();
    for (const e of stage.nodes) {
      const moved = run.movedSpec(e);
      if (moved) shared.set(e, moved);
      else if (e.spec.kind === "Read") parts.set(e, e.spec.source.split!(n, { ...ctx, label: e.node.fullLabel }));
    }
    const specFor = (e: ExecNode, w: number): WorkerNode["spec"] => {
      if (e.spec.kind === "Read") return { kind: "Read", parts: parts.get(e)!.filter((_, i) => i % n === w) };
      if (e.spec.kind === "Write") return { kind: "Write", shard: e.spec.sink.shard!(w, n)! };
      return shared.get(e)!;
    };
    const results = await Promise.all(
      run.workers.map((w) => {
        const nodes = workerNodes(stage, (e) => specFor(e, w.index));
        return w.call<Extract<FromWorker, { type: "done" }>>({ type: "run", nodes, capture });
      }),
    );
    results.forEach((r, i) => {
      const w = run.workers[i];
      run.workerStaged.push(...r.staged);
      for (const [id, c] of r.counts ?? []) {
        run.addCount(id, c);
        w.elementsOut += c;
      }
      for (const [label, ms] of r.millis ?? []) {
        run.addMillis(label, ms);
        w.busyMillis += ms;
      }
      if (r.metrics) run.scope.metrics.merge(r.metrics);
    });
    for (const id of capture) run.inWorkers.add(id);
  }

  private async shuffleStage(run: Run, stage: Stage): Promise<void> {
    for (const e of stage.nodes) {
      const input = e.inputs[0];
      const output = e.outputs.get("main")!;
      await run.scatter(input);
      const findings: Finding[] = [];
      const combineFn = e.spec.kind === "CombinePerKey" ? run.mover.move(e.spec.combineFn, { label: e.node.fullLabel, what: "the combine function", findings }) : null;
      refuseFindings(findings);
      const shuffle: ShuffleSpec = { label: e.node.fullLabel, input: input.id, output: output.id, combineFn };
      const cut = await Promise.all(run.workers.map((w) => w.call<Extract<FromWorker, { type: "parts" }>>({ type: "partition", shuffle })));
      cut.forEach((c, i) => {
        run.workers[i].busyMillis += c.millis;
        run.addMillis(e.node.fullLabel, c.millis);
      });
      const done = await Promise.all(
        run.workers.map((w, j) => {
          const parts = cut.map((c) => c.parts[j]);
          return w.call<Extract<FromWorker, { type: "done" }>>({ type: "gather", shuffle, parts }, transferList(parts));
        }),
      );
      done.forEach((d, i) => {
        for (const [id, c] of d.counts ?? []) {
          run.addCount(id, c);
          run.workers[i].elementsOut += c;
        }
        for (const [label, ms] of d.millis ?? []) {
          run.addMillis(label, ms);
          run.workers[i].busyMillis += ms;
        }
      });
      run.inWorkers.add(output.id);
      // The workers' copy of an input that nothing else reads is memory the rest of the run needs.
      if (run.readers(input.id) === 1) for (const w of run.workers) w.post({ type: "drop", pcolls: [input.id] });
    }
  }
}

function workerFigures(workers: readonly WorkerHandle[]): WorkerMetrics[] {
  return workers.map((w) => ({ worker: w.index, elementsOut: w.elementsOut, busyMillis: Math.round(w.busyMillis * 1000) / 1000 }));
}

/** Tells the job view what the stages run so far did: the last one's figures, every step's counts, the workers'. */
function reportStage(job: Job, run: Run, done: readonly Stage[], started: number): void {
  const last = run.stages[run.stages.length - 1];
  job.stage(last.index, "done", { ...last, elementsIn: run.viewedElementsIn(done[done.length - 1]) });
  const finished = new Set(done.flatMap((s) => s.nodes));
  job.steps({ counts: new Map(run.counts), millis: new Map(run.millis), done: finished, elapsedMillis: performance.now() - started });
  job.setWorkers(workerFigures(run.workers));
}

/** A worker's failure (or anything else that ended the run) as the PipelineError the student sees (the Spark runner's too). */
export function toPipelineError(e: unknown): PipelineError {
  if (e instanceof PipelineError) return e;
  if (isWorkerFailure(e)) {
    const cause = e.cause ? Object.assign(new Error(e.cause.message), { name: e.cause.name, stack: e.cause.stack }) : undefined;
    return new PipelineError(e.headline, { label: e.label, elementText: e.element, hint: e.hint, cause }).withLogs(e.logs);
  }
  return new PipelineError("The pipeline failed", { cause: e, hint: "see the cause above." });
}

function isWorkerFailure(e: unknown): e is WorkerFailure {
  return typeof e === "object" && e !== null && typeof (e as WorkerFailure).headline === "string" && "cancelled" in e;
}

registerRunner("local", () => new LocalRunner());
