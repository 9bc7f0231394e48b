/**
 * Messages between the local runner's coordinator (the main thread) and its workers.
 * Elements travel as v8-serialized buffers (what structured clone does), transferred
 * rather than copied between threads.
 */
import * as v8 from "node:v8";
import type { PortableIO, StagedOutput } from "../../io/source-sink";
import type { SideInputKind } from "../../transforms/side-inputs";
import type { LogLine } from "../run-scope";
import type { Moved } from "./movable";

/** A node as a worker builds it. */
export interface WorkerNode {
  id: string;
  label: string;
  kind: string;
  inputs: string[];
  sideInputs: string[];
  outputs: [string, string][];
  spec:
    | { kind: "ParDo"; fn: Moved; tags: string[]; sides: { kind: SideInputKind; pcoll: string; defaultValue?: { value: unknown } }[] }
    | { kind: "Flatten" }
    | { kind: "Read"; parts: PortableIO[] }
    | { kind: "Write"; shard: PortableIO };
}

/** How a shuffle brings equal keys to one worker: grouped, or combined (lifted before the shuffle). */
export interface ShuffleSpec {
  label: string;
  input: string;
  output: string;
  combineFn: Moved | null;
}

export type ToWorker =
  | { type: "run"; id: number; nodes: WorkerNode[]; capture: string[] }
  | { type: "put"; id: number; pcoll: string; data: Uint8Array[] }
  | { type: "take"; id: number; pcoll: string }
  | { type: "partition"; id: number; shuffle: ShuffleSpec }
  | { type: "gather"; id: number; shuffle: ShuffleSpec; parts: Uint8Array[] }
  | { type: "drop"; pcolls: string[] }
  | { type: "cancel" };

/** A failure as it crosses threads (a PipelineError's parts). */
export interface WorkerFailure {
  headline: string;
  label: string | null;
  element: string | null;
  hint: string | null;
  cause: { name: string; message: string; stack?: string } | null;
  logs: LogLine[];
  cancelled: boolean;
}

export interface StepFigures {
  counts: [string, number][];
  millis: [string, number][];
  metrics: { counters: [string, [string, number][]][]; distributions: [string, [string, { count: number; sum: number; min: number; max: number }][]][] };
}

export type FromWorker =
  | { type: "ready" }
  | ({ type: "done"; id: number; staged: StagedOutput[]; data?: Uint8Array } & Partial<StepFigures>)
  | { type: "parts"; id: number; parts: Uint8Array[]; millis: number }
  | { type: "failed"; id: number; failure: WorkerFailure }
  | { type: "logs"; lines: LogLine[] };

/** Elements as one buffer. */
export function pack(values: readonly unknown[]): Uint8Array {
  const b = v8.serialize(values);
  // A buffer sharing its memory with others cannot be transferred on its own.
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

export function unpack(buf: Uint8Array): unknown[] {
  return v8.deserialize(buf) as unknown[];
}

/** The buffers' memory, to transfer instead of copy. */
export function transferList(bufs: readonly Uint8Array[]): ArrayBuffer[] {
  return bufs.map((b) => b.buffer as ArrayBuffer);
}
