/**
 * Beam's Prism runner (a Go program, Beam's own portable runner) as a job service on this
 * machine, for the tests and for trying `runner: "portable"` in a notebook. It is built
 * once from its Go module (fetched through the Go module proxy) into the project's
 * `.cache/go` (`npm run bootstrap -- --prism` does it ahead of time), with one line patched
 * so that its job port listens on 127.0.0.1 only (Prism listens on every interface and
 * has no flag for it).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { error } from "../../errors";
import { freePort } from "../free-port";

/** The Prism release built (the same Beam version line as the job API the SDK speaks). */
export const PRISM_VERSION = "v2.77.0";
const MODULE = "github.com/apache/beam/sdks/v2";
const LISTEN_FILE = "go/pkg/beam/runners/prism/internal/jobservices/server.go";
const LISTEN_ANY = 'net.Listen("tcp", fmt.Sprintf(":%d", port))';
const LISTEN_LOOPBACK = 'net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))';
/** How long a starting Prism gets to open its job port. */
const START_TIMEOUT_MILLIS = 30_000;

/** The project root (this module is dist/lib/runners/portable/prism.js). */
const ROOT = path.resolve(__dirname, "..", "..", "..", "..");
const GO_DIR = path.join(ROOT, ".cache", "go");

/** Where the Prism binary is: `BEAMLAB_PRISM`, else the project's `.cache/go/bin/prism`. */
export function prismBinary(): string {
  return process.env.BEAMLAB_PRISM ?? path.join(GO_DIR, "bin", "prism");
}

/** The Go toolchain: `BEAMLAB_GO`, else /usr/local/go/bin/go when present, else `go` on PATH. */
function goBinary(): string {
  if (process.env.BEAMLAB_GO) return process.env.BEAMLAB_GO;
  return fs.existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : "go";
}

/**
 * Builds Prism into `.cache/go/bin` unless it is there; returns its path. Takes a few
 * minutes the first time (the module download and the build), well under a second after.
 * Go refuses overlays of files in the module cache, so the module's Go tree is copied to
 * `.cache/go/prism-src`, the one line patched, and Prism built there.
 */
export function installPrism(log: (line: string) => void = () => undefined): string {
  const bin = prismBinary();
  if (fs.existsSync(bin)) return bin;
  const env = { ...process.env, GOPATH: GO_DIR, GOBIN: path.join(GO_DIR, "bin"), GOCACHE: path.join(GO_DIR, "build"), GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
  const go = (args: string[], cwd: string) => {
    log(`go ${args.join(" ")}`);
    const r = spawnSync(goBinary(), args, { env, encoding: "utf8", cwd, stdio: ["ignore", "pipe", "pipe"] });
    if (r.error || r.status !== 0) {
      error(`Building Beam's Prism runner failed (go ${args[0]})`, {
        cause: r.error ?? new Error((r.stderr || r.stdout || "").trim().split("\n").slice(-8).join("\n")),
        hint: "Prism needs Go (1.24 or later) and the Go module proxy; or point BEAMLAB_PRISM at a prism binary, or give any Beam job service's address as jobEndpoint.",
      });
    }
    return r.stdout;
  };
  fs.mkdirSync(GO_DIR, { recursive: true });
  const dir = JSON.parse(go(["mod", "download", "-json", `${MODULE}@${PRISM_VERSION}`], GO_DIR)).Dir as string;
  const src = path.join(GO_DIR, "prism-src");
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(src, { recursive: true });
  for (const f of ["go.mod", "go.sum", "go"]) fs.cpSync(path.join(dir, f), path.join(src, f), { recursive: true });
  makeWritable(src);
  const listen = path.join(src, LISTEN_FILE);
  const source = fs.readFileSync(listen, "utf8");
  if (!source.includes(LISTEN_ANY)) error(`Prism ${PRISM_VERSION}'s job server does not listen as expected`, { hint: `update the patch in lib/runners/portable/prism.ts (${LISTEN_FILE}).` });
  fs.writeFileSync(listen, source.replace(LISTEN_ANY, LISTEN_LOOPBACK));
  go(["build", "-o", bin, "./go/cmd/prism"], src);
  return bin;
}

/** The module cache's files are read-only; the copy must not be. */
function makeWritable(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    fs.chmodSync(p, e.isDirectory() ? 0o755 : 0o644);
    if (e.isDirectory()) makeWritable(p);
  }
}

/** A running Prism job service. */
export interface PrismServer {
  /** Its job endpoint, `127.0.0.1:port`: the `jobEndpoint` option. */
  readonly endpoint: string;
  readonly pid: number;
  /** What it printed (the last lines), for a failed job's details. */
  log(): string;
  /** Stops it and waits until it exited. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

/**
 * Starts Prism on 127.0.0.1 (building it first when needed), on `port` or a free one, and
 * resolves once its job port accepts connections. Stop it with `stop()`; it is also killed
 * when this process exits.
 *
 * ```ts
 * const prism = await beam.portable.startPrism();
 * const p = new beam.Pipeline({ runner: "portable", jobEndpoint: prism.endpoint });
 * ```
 */
export async function startPrism(opts: { port?: number } = {}): Promise<PrismServer> {
  const bin = installPrism();
  const port = opts.port ?? (await freePort());
  const child = spawn(bin, [`--job_port=${port}`, "--serve_http=false", "--log_level=warn"], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => (running.delete(child), resolve())));
  const server: PrismServer = {
    endpoint: `127.0.0.1:${port}`,
    pid: child.pid!,
    log: () => lines.join("\n"),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killed);
    },
  };
  const start = Date.now();
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() - start > START_TIMEOUT_MILLIS) {
      await server.stop();
      error(`Prism did not start on 127.0.0.1:${port}`, { cause: new Error(server.log().split("\n").slice(-5).join("\n") || "no output"), hint: "is the port taken? start it on another one: beam.portable.startPrism({ port: 8099 })." });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}


function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port });
    c.once("connect", () => (c.destroy(), resolve(true)));
    c.once("error", () => resolve(false));
  });
}
