/**
 * The job endpoint of the portable runner: the `jobEndpoint` option's form (`host:port`),
 * and whether anything answers there, checked before a pipeline is translated so that a
 * job service that is not running is one clear error rather than a gRPC timeout.
 *
 * No Beam SDK imports: the options check loads this module for every pipeline.
 */
import * as net from "node:net";
import * as os from "node:os";
import { error } from "../../errors";

/** How long the reachability check waits for a TCP connection. */
const CONNECT_TIMEOUT_MILLIS = 3000;

/** What is wrong with a `jobEndpoint` value (null when nothing). */
export function jobEndpointProblem(v: unknown): string | null {
  if (typeof v !== "string") return `must be "host:port", got ${typeof v === "object" ? "an object" : String(v)}`;
  return parseEndpoint(v) ? null : `must be "host:port" (e.g. "localhost:8073"), got ${JSON.stringify(v.slice(0, 60))}`;
}

/** `host:port` split, or null when it is not of that form (an IPv6 host is written in brackets). */
export function parseEndpoint(v: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/**
 * Where the kernel's loopback worker pool listens and what address the job service is given
 * for it: 127.0.0.1 for a job service on this machine; otherwise every interface and this
 * machine's name (`BEAMLAB_WORKER_HOST` when the cluster knows it by another), since the
 * runner's workers call it from elsewhere.
 */
export function workerPoolAddress(endpoint: string): { bind: string; advertise: string } {
  const host = parseEndpoint(endpoint)?.host ?? "";
  const local = host === "localhost" || host === "::1" || /^127\./.test(host);
  if (local) return { bind: "127.0.0.1", advertise: "127.0.0.1" };
  return { bind: "0.0.0.0", advertise: process.env.BEAMLAB_WORKER_HOST ?? os.hostname() };
}

/**
 * Resolves when a TCP connection to `endpoint` opens; otherwise throws a PipelineError
 * saying that no job service answers there and how to start one.
 */
export async function assertReachable(endpoint: string): Promise<void> {
  const parsed = parseEndpoint(endpoint);
  if (!parsed) error(`Pipeline option jobEndpoint must be "host:port"`, { hint: 'write e.g. runner: "portable", jobEndpoint: "localhost:8073".' });
  const problem = await new Promise<string | null>((resolve) => {
    const socket = net.connect({ host: parsed.host, port: parsed.port });
    const done = (p: string | null) => {
      socket.destroy();
      resolve(p);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MILLIS, () => done(`no answer within ${CONNECT_TIMEOUT_MILLIS / 1000}s`));
    socket.once("connect", () => done(null));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
  if (problem) {
    error(`No Beam job service answers at ${endpoint} (${problem})`, {
      hint: "start one first: in a notebook, const prism = await beam.portable.startPrism() and use prism.endpoint; on a cluster, the Flink, Spark or Dataflow job server's address.",
    });
  }
}
