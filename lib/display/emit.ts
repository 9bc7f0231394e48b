/**
 * The only module that loads tslab. tslab's public `display` sends one MIME type per
 * output; its kernel module keeps the writer of the current execute request, which takes a
 * whole bundle (every MIME type of one output, plus a display id for updates in place).
 * Outside a kernel, the text/plain part is printed instead.
 */

import * as path from "node:path";

type Writer = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

/**
 * A module of the tslab install (`tslab/dist/...` or one of tslab's own dependencies),
 * resolved from the project's node_modules: the same instance the kernel runs. Null when
 * tslab is not installed.
 */
export function tslabRequire<T>(id: string): T | null {
  try {
    if (id.startsWith("tslab/")) return require(id) as T;
    return require(require.resolve(id, { paths: [path.dirname(require.resolve("tslab/package.json"))] })) as T;
  } catch {
    return null;
  }
}

function kernelWriter(): Writer | null {
  return tslabRequire<{ lastWriteDisplayData?: Writer | null }>("tslab/dist/jupyter")?.lastWriteDisplayData ?? null;
}

/** True inside a tslab kernel. */
export function inKernel(): boolean {
  // tslab's executor sets this global when the kernel starts, before any cell runs.
  return typeof (globalThis as { __tslab__?: unknown }).__tslab__ === "object";
}

let nextDisplay = 0;

/** Sends a display bundle; with `id`, later calls with the same id update it in place. */
export function displayBundle(bundle: Record<string, unknown>, opts: { id?: string; update?: boolean } = {}): boolean {
  const write = kernelWriter();
  if (!write) {
    if (!opts.update) console.log(String(bundle["text/plain"] ?? ""));
    return false;
  }
  write({ data: bundle, metadata: {}, transient: opts.id ? { display_id: opts.id } : {} }, opts.update === true);
  return true;
}

/** A fresh display id for an output that will be updated in place. */
export function newDisplayId(): string {
  return `beamlab-${process.pid}-${Date.now()}-${++nextDisplay}`;
}
