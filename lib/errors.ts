/**
 * Errors a student can act on: each names the transform label, the element (truncated),
 * the cause and what to do. Internal frames are kept off the message; the original error
 * stays reachable as `cause`.
 */
import * as path from "node:path";

const LIB_DIR = path.resolve(__dirname);
const MAX_ELEMENT_CHARS = 200;

/** An error raised while building or running a pipeline. */
export class PipelineError extends Error {
  /** Full label of the transform where it happened (`Parent/Child`), if any. */
  readonly label: string | null;
  /** A short rendering of the element being processed, if any. */
  readonly element: string | null;
  /** What the student can do about it. */
  readonly hint: string | null;
  /** How to go on with the pipeline after fixing it (notebooks: re-run the cell, or remove the step). */
  private wayOut: string | null = null;
  /** Where the user's code raised the cause (`file:line:column`, or "line 3 of cell [5]" in a notebook), when it can be found. */
  readonly userFrame: string | null;

  constructor(
    message: string,
    opts: { label?: string | null; element?: unknown; hint?: string | null; cause?: unknown; hasElement?: boolean } = {},
  ) {
    const element = opts.hasElement || opts.element !== undefined ? truncate(opts.element) : null;
    const userFrame = opts.cause instanceof Error ? findUserFrame(opts.cause) : null;
    super(composeMessage(message, opts.label ?? null, element, opts.cause, userFrame, opts.hint ?? null));
    this.name = "PipelineError";
    this.originalCause = opts.cause;
    this.label = opts.label ?? null;
    this.element = element;
    this.hint = opts.hint ?? null;
    this.userFrame = userFrame;
    // The stack would only show the runner's internals; the message already says where.
    this.stack = `${this.name}: ${this.message}`;
  }

  private readonly originalCause: unknown;

  /**
   * @internal Adds how to go on with the pipeline (a failed step stays in a notebook's
   * pipeline until its cell is re-run or it is removed) as the message's last line.
   */
  setWayOut(text: string): this {
    if (this.wayOut === text) return this;
    const previous = this.wayOut ? `\n  to go on: ${this.wayOut}` : "";
    this.wayOut = text;
    const base = previous && this.message.endsWith(previous) ? this.message.slice(0, -previous.length) : this.message;
    this.message = `${base}\n  to go on: ${text}`;
    this.stack = `${this.name}: ${this.message}`;
    return this;
  }

  /** The error that caused this one (kept off the printed form, which already describes it). */
  get cause(): unknown {
    return this.originalCause;
  }

  /** How Node (and so tslab) prints it: the message only, never the internals' stack. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

function composeMessage(
  message: string,
  label: string | null,
  element: string | null,
  cause: unknown,
  userFrame: string | null,
  hint: string | null,
): string {
  const lines = [label ? `${message} in transform "${label}"` : message];
  if (element !== null) lines.push(`  element: ${element}`);
  if (cause !== undefined) lines.push(`  cause: ${describeCause(cause)}`);
  if (userFrame) lines.push(`  at: ${userFrame}`);
  if (hint) lines.push(`  what to do: ${hint}`);
  return lines.join("\n");
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return truncate(cause);
}

/** Throws a {@link PipelineError}; the one way the library reports a user mistake. */
export function error(message: string, opts?: ConstructorParameters<typeof PipelineError>[1]): never {
  throw new PipelineError(message, opts);
}

/** A one-line rendering of any value, cut to a readable length. */
export function truncate(value: unknown, max = MAX_ELEMENT_CHARS): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : safeStringify(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function safeStringify(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const seen = new WeakSet<object>();
  const json = JSON.stringify(value, (_k, v) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[circular]";
      seen.add(v);
    }
    return v;
  });
  return json === undefined ? String(value) : json;
}

/** Describes a position in a notebook cell's script ("line 3 of cell [5]"); set by the kernel support. */
let cellPosition: (file: string, line: number, column: number) => string | null = () => null;

/** @internal Lets the kernel support describe positions in notebook cells. */
export function setCellPositionResolver(f: (file: string, line: number, column: number) => string | null): void {
  cellPosition = f;
}

/**
 * The first stack frame outside this library and Node's internals: the student's line, as
 * "line 3 of cell [5]" in a notebook. Never throws.
 */
export function findUserFrame(err: Error): string | null {
  try {
    const stack = typeof err.stack === "string" ? err.stack : "";
    for (const line of stack.split("\n").slice(1)) {
      const m = /\(?((?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
      if (!m) continue;
      const file = m[1].replace(/^at\s+/, "").trim();
      if (file.startsWith("node:") || file.includes("node_modules") || file.startsWith(LIB_DIR)) continue;
      if (file.startsWith("internal/")) continue;
      const inCell = describeCell(file, Number(m[2]), Number(m[3]));
      if (inCell) return inCell;
      // tslab runs cells through vm: the position is in the cell as compiled to JavaScript.
      if (file.startsWith("evalmachine.")) return `a notebook cell (line ${m[2]} of the cell compiled to JavaScript)`;
      return `${file}:${m[2]}:${m[3]}`;
    }
  } catch {
    // An error about an error must not hide the first one.
  }
  return null;
}

function describeCell(file: string, line: number, column: number): string | null {
  try {
    return cellPosition(file, line, column);
  } catch {
    return null;
  }
}
