/**
 * The Spark driver as the runner sees it: a pyspark process (`./python/driver.py`) holding
 * one SparkContext, sent one JSON command at a time. Its answers come on their own pipe
 * (fd 3), so what Spark and the JVM print (kept, never shown, unless the driver dies) is
 * never read as one. Partitions travel to and from it through files of frames in a
 * temporary folder of this run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import type { Readable } from "node:stream";
import { error } from "../../errors";
import type { WorkerFailure } from "../local/protocol";
import { installSpark, ROOT } from "./install";

/** How long a SparkContext gets to start (JVM start, and a cluster's executors). */
const START_TIMEOUT_MILLIS = 120_000;
/** The last lines of Spark's own output kept for when the driver dies. */
const KEEP_LINES = 40;

/** A Spark job's stage as the job view shows it. */
export interface SparkStageInfo {
  id: number;
  tasks: number;
}

/** An answer of the driver. */
export interface DriverAnswer {
  ok: boolean;
  meta?: string[];
  stages?: SparkStageInfo[];
  failure?: WorkerFailure | null;
  message?: string;
  parallelism?: number;
  ui?: string | null;
  app?: string;
}

/** Thrown when Spark failed for a reason of its own (not a DoFn's): its first line, never its stack traces. */
export class SparkFailure extends Error {}

/** A running pyspark driver. */
export class SparkSession {
  private readonly proc: ChildProcess;
  private readonly answers: AsyncIterator<string>;
  private readonly noise: string[] = [];
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-spark-"));
  private files = 0;
  parallelism = 2;
  ui: string | null = null;
  /** Spark's application id (`local-…`, `app-…`). */
  app: string | null = null;

  private constructor(master: string) {
    const python = installSpark();
    this.proc = spawn(python, [path.join(ROOT, "lib", "runners", "spark", "python", "driver.py")], {
      stdio: ["pipe", "ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        PYSPARK_PYTHON: python,
        PYSPARK_DRIVER_PYTHON: python,
        // Spark's driver, UI and block manager listen on the loopback only (a cluster on this machine).
        ...(master.startsWith("local") || /^spark:\/\/(127\.0\.0\.1|localhost):/.test(master) ? { SPARK_LOCAL_IP: "127.0.0.1" } : {}),
      },
    });
    const err = readline.createInterface({ input: this.proc.stderr! });
    err.on("line", (l) => {
      this.noise.push(l);
      if (this.noise.length > KEEP_LINES) this.noise.shift();
    });
    this.answers = readline.createInterface({ input: this.proc.stdio[3] as Readable })[Symbol.asyncIterator]();
  }

  /** Starts a driver on `master` with the given Spark settings. */
  static async start(opts: { master: string; name: string; conf: Record<string, string> }): Promise<SparkSession> {
    const s = new SparkSession(opts.master);
    const conf = {
      "spark.ui.showConsoleProgress": "false",
      "spark.log.level": "WARN",
      "spark.python.worker.reuse": "true",
      ...(opts.master.startsWith("local") ? { "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1" } : {}),
      ...opts.conf,
    };
    s.proc.stdin!.write(JSON.stringify({ master: opts.master, name: opts.name, conf, node: process.execPath, executor: path.join(__dirname, "executor.js") }) + "\n");
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<DriverAnswer>((_, reject) => {
      timer = setTimeout(() => reject(new SparkFailure(`Spark did not start within ${START_TIMEOUT_MILLIS / 1000}s`)), START_TIMEOUT_MILLIS);
    });
    try {
      const a = await Promise.race([s.next(), timeout]);
      s.parallelism = a.parallelism ?? 2;
      s.ui = a.ui ?? null;
      s.app = a.app ?? null;
    } catch (e) {
      await s.stop();
      error("Spark could not start", {
        cause: e,
        hint: `check the master (${opts.master}) is reachable and Java 17 is installed; run npm run bootstrap -- --spark. Spark said: ${s.lastWords()}`,
      });
    } finally {
      clearTimeout(timer);
    }
    return s;
  }

  /** The last line Spark printed that says what went wrong. */
  lastWords(): string {
    const told = this.noise.filter((l) => /Exception|Error|error:/.test(l));
    return (told[told.length - 1] ?? this.noise[this.noise.length - 1] ?? "(nothing)").slice(0, 400);
  }

  private async next(): Promise<DriverAnswer> {
    const r = await this.answers.next();
    if (r.done) throw new SparkFailure(`the Spark driver stopped: ${this.lastWords()}`);
    return JSON.parse(r.value) as DriverAnswer;
  }

  /** Sends a command; resolves with its answer, rejects with a DoFn's failure (as data) or a SparkFailure. */
  async call(cmd: Record<string, unknown>): Promise<DriverAnswer> {
    this.proc.stdin!.write(JSON.stringify(cmd) + "\n");
    const a = await this.next();
    if (a.ok) return a;
    if (a.failure) throw a.failure;
    throw new SparkFailure(a.message ?? "Spark failed");
  }

  /** A new file path in this run's folder. */
  file(): string {
    return path.join(this.tmp, `part-${this.files++}`);
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once("exit", r));
      this.proc.stdin!.end(JSON.stringify({ op: "stop" }) + "\n");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}
