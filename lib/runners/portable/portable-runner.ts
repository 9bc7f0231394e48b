/**
 * The portable runner (`runner: "portable"`): the pipeline translated into an Apache Beam
 * portable pipeline (`./translate.ts`) and submitted to a Beam job service (Prism, or a
 * Flink, Spark or Dataflow job server) at `jobEndpoint`, with a loopback environment: the
 * job service starts its SDK workers by calling back into this process, where Beam's
 * TypeScript worker runs each step with the live DoFn objects (`./bundle-operator.ts`).
 *
 * Sinks are written by the kernel once the job is DONE, through beamlab's own sinks and
 * `io/commit.ts` (all of them or none): a failed job leaves every output as it was.
 */
import { PipelineError, error } from "../../errors";
import { publishAll } from "../../io/commit";
import type { StagedOutput } from "../../io/source-sink";
import type { Pipeline } from "../../pipeline/pipeline";
import { assertValid } from "../../pipeline/validate";
import "../../pipeline/validators";
import { execute } from "../executor";
import { fuse } from "../fusion";
import { stepMetrics } from "../metrics";
import { hasOperator } from "../operator";
import { executableNodes, planFor, type ExecNode } from "../plan";
import { registerRunner, type Runner } from "../registry";
import { PipelineResult } from "../result";
import { startRun } from "../run-scope";
import { installStepOperator } from "./bundle-operator";
import { assertReachable, workerPoolAddress } from "./endpoint";
import { LiveRun } from "./live-run";
import { quietSdk } from "./quiet";
import { sdk } from "./sdk";
import { translate } from "./translate";

/** How often the job's state is asked for. */
const POLL_MILLIS = 50;

/** Runs pipelines on a Beam job service. */
export class PortableRunner implements Runner {
  readonly name = "portable";

  async run(pipeline: Pipeline): Promise<PipelineResult> {
    const endpoint = pipeline.options.jobEndpoint;
    if (!endpoint) {
      error('The portable runner needs the job service\'s address', {
        hint: 'write new beam.Pipeline({ runner: "portable", jobEndpoint: "localhost:8073" }); to start Prism on this machine: const prism = await beam.portable.startPrism(), then jobEndpoint: prism.endpoint.',
      });
    }
    // Everything that cannot work fails here, before the job service sees anything.
    assertValid(pipeline);
    const plan = planFor(executableNodes(pipeline, hasOperator), null);
    await assertReachable(endpoint);

    const scope = startRun(pipeline.name);
    const run = new LiveRun(pipeline, scope);
    const started = performance.now();
    const restore = quietSdk();
    let pool: Awaited<ReturnType<ReturnType<typeof sdk>["startWorkerPool"]>> | null = null;
    try {
      const s = sdk();
      installStepOperator();
      // A step that gets no bundle (its input is empty) still ran and sent 0, as on the direct runner.
      for (const e of plan) {
        run.stats.set(e, { millis: 0 });
        for (const pc of e.outputs.values()) run.counts.set(pc.id, 0);
      }
      const proto = translate(plan, run);
      const where = workerPoolAddress(endpoint);
      pool = await s.startWorkerPool(where.bind, where.advertise);
      for (const [id, env] of Object.entries(proto.components.environments)) proto.components.environments[id] = s.asExternalEnvironment(env, pool.address);
      const job = await s.submit(proto, endpoint, pipeline.name).catch((e: unknown) => {
        throw new PipelineError(`The job service at ${endpoint} refused the pipeline`, { cause: e, hint: "see the cause above; is it a Beam job service (Prism, or a Flink, Spark or Dataflow job server)?" });
      });
      try {
        const state = await finished(job);
        if (state !== s.terminal.DONE) throw run.failure ?? jobFailure(s.stateName(state), endpoint, job.problems());
      } finally {
        job.close();
      }
      await writeSinks(plan, run);
    } catch (e) {
      const err = e instanceof PipelineError ? e : new PipelineError("The pipeline failed", { cause: e, hint: "see the cause above." });
      (err as PipelineError & { result?: PipelineResult }).result = new PipelineResult("FAILED", [], err, performance.now() - started, { logs: scope.logs });
      throw err;
    } finally {
      run.close();
      await pool?.stop();
      restore();
    }
    return new PipelineResult("DONE", stepMetrics(pipeline, run.counts, run.stats, scope.metrics), null, performance.now() - started, { logs: scope.logs });
  }
}

/** A job that ended otherwise than DONE without a step's error: what the job service said. */
function jobFailure(state: string, endpoint: string, said: string[]): PipelineError {
  return new PipelineError(`The Beam job ended ${state} on the job service at ${endpoint}`, {
    cause: said.length ? new Error(said.join("\n").slice(0, 2000)) : undefined,
    hint: said.length ? "see what the job service said above." : "see the job service's log for why.",
  });
}

/** Waits for a terminal state of the job. */
async function finished(job: { getState(): Promise<{ state: number }> }): Promise<number> {
  const terminal = sdk().terminal.all;
  for (;;) {
    const { state } = await job.getState();
    if (terminal.includes(state)) return state;
    await new Promise((r) => setTimeout(r, POLL_MILLIS));
  }
}

/** Writes every sink from what the job collected for it, and publishes them together. */
async function writeSinks(plan: readonly ExecNode[], run: LiveRun): Promise<void> {
  const sinks = plan.filter((e) => e.spec.kind === "Write");
  if (!sinks.length) return;
  const replay = new Map<string, readonly unknown[]>();
  for (const e of sinks) replay.set(e.inputs[0].id, run.collected.get(e.inputs[0].id) ?? []);
  const outcome = await execute(fuse(sinks, new Set(replay.keys())), { options: run.pipeline.options, replay, scope: run.scope });
  try {
    await publishAll(outcome.writers.map((w) => w.staged()).filter((s): s is StagedOutput => s !== null));
  } catch (e) {
    for (const w of outcome.writers) await w.abort().catch(() => undefined);
    throw e;
  }
  // The sinks' own outputs (what they wrote) are counted here; their inputs were counted by the job.
  for (const e of sinks) for (const pc of e.outputs.values()) run.counts.set(pc.id, outcome.counts.get(pc.id) ?? 0);
  for (const [e, s] of outcome.stats) run.stats.set(e, s);
}

registerRunner("portable", () => new PortableRunner());
