/**
 * A Spark standalone cluster on this machine (one master, N workers, all on 127.0.0.1),
 * started from pyspark's own `bin/spark-class`, for the tests and the benchmark. Bounded
 * start time; `stop()` ends every process it started and waits for them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { error } from "../../errors";
import { installSpark, sparkHome, sparkPython } from "./install";
import { freePort } from "../free-port";

/** How long the master and its workers get to be up and registered. */
const START_TIMEOUT_MILLIS = 90_000;

/** A running standalone cluster. */
export interface StandaloneCluster {
  /** `spark://127.0.0.1:PORT`, for `sparkMaster`. */
  readonly master: string;
  /** The master's web UI. */
  readonly ui: string;
  /** The worker processes' ids, in start order. */
  readonly workerPids: readonly number[];
  /** Kills worker `i` (SIGKILL), as a machine that dies would. */
  killWorker(i: number): void;
  stop(): Promise<void>;
}


/** The web UI of each standalone master this process started and has not stopped (the job view links an application's page there). */
const masterUIs = new Map<string, string>();

/** The web UI of a standalone master started by {@link startStandalone} in this process, or null. */
export function masterUI(master: string): string | null {
  return masterUIs.get(master) ?? null;
}

/** Starts a master and `workers` workers of `cores` cores each; resolves once all are registered. */
export async function startStandalone(opts: { workers?: number; cores?: number; memory?: string } = {}): Promise<StandaloneCluster> {
  installSpark();
  const home = sparkHome();
  const env = { ...process.env, SPARK_HOME: home, SPARK_LOCAL_IP: "127.0.0.1", PYSPARK_PYTHON: sparkPython(), SPARK_NO_DAEMONIZE: "1" };
  const procs: ChildProcess[] = [];
  const start = (cls: string, args: string[]) => {
    const p = spawn(path.join(home, "bin", "spark-class"), [cls, ...args], { env, stdio: "ignore" });
    procs.push(p);
    return p;
  };
  const [port, uiPort] = [await freePort(), await freePort()];
  const master = `spark://127.0.0.1:${port}`;
  const ui = `http://127.0.0.1:${uiPort}`;
  start("org.apache.spark.deploy.master.Master", ["--host", "127.0.0.1", "--port", String(port), "--webui-port", String(uiPort)]);
  const workers: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      procs.map((p) =>
        p.exitCode !== null || p.signalCode !== null
          ? undefined
          : new Promise<void>((resolve) => {
              p.once("exit", () => resolve());
              p.kill("SIGTERM");
              setTimeout(() => p.kill("SIGKILL"), 10_000).unref();
            }),
      ),
    );
  };
  const want = opts.workers ?? 2;
  const deadline = Date.now() + START_TIMEOUT_MILLIS;
  try {
    await until(deadline, async () => (await fetch(`${ui}/json/`).then((r) => r.ok, () => false)), "the master's web UI");
    for (let i = 0; i < want; i++) {
      const wPort = await freePort();
      const wUi = await freePort();
      workers.push(start("org.apache.spark.deploy.worker.Worker", [master, "--host", "127.0.0.1", "--port", String(wPort), "--webui-port", String(wUi), "--cores", String(opts.cores ?? 1), "--memory", opts.memory ?? "1g"]));
    }
    await until(deadline, async () => {
      const state = (await fetch(`${ui}/json/`).then((r) => r.json(), () => null)) as { aliveworkers?: number } | null;
      return (state?.aliveworkers ?? 0) >= want;
    }, `${want} registered workers`);
  } catch (e) {
    await stop();
    throw e;
  }
  masterUIs.set(master, ui);
  return {
    master,
    ui,
    workerPids: workers.map((w) => w.pid!),
    killWorker: (i) => workers[i].kill("SIGKILL"),
    stop: async () => {
      masterUIs.delete(master);
      await stop();
    },
  };
}

async function until(deadline: number, ok: () => Promise<boolean>, what: string): Promise<void> {
  while (!(await ok())) {
    if (Date.now() > deadline) error(`The Spark standalone cluster did not start (no ${what} within ${START_TIMEOUT_MILLIS / 1000}s)`, { hint: "check Java 17 is installed and run npm run bootstrap -- --spark." });
    await new Promise((r) => setTimeout(r, 250));
  }
}
