/**
 * Errors a student can act on: each names the transform label, the element (truncated),
 * the cause and what to do. Internal frames are kept off the message; the original error
 * stays reachable as `cause`.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describeThrown, isError, renderValue } from "./render";
import { parseStack, type StackFrame } from "./stack";

const LIB_DIR = path.resolve(__dirname);
/** beamlab's own code: the compiled library, and its TypeScript sources when stacks are source-mapped. */
const OWN_DIRS = [LIB_DIR, ...(path.basename(LIB_DIR) === "lib" && path.basename(path.dirname(LIB_DIR)) === "dist" ? [path.resolve(LIB_DIR, "..", "..", "lib")] : [])].map(
  (d) => d + path.sep,
);
const MAX_ELEMENT_CHARS = 200;
/** A cause's message is cut here: a 10 MB message must not become a 10 MB error. */
const MAX_CAUSE_CHARS = 2000;

/** A captured log line, as the runners keep them (see `runners/run-scope.ts`). */
export interface LogLineLike {
  time: number;
  level: string;
  step: string;
  worker: number | null;
  text: string;
}

/** Options of a {@link PipelineError}. */
export interface PipelineErrorOptions {
  /** Full label of the transform where it happened. */
  label?: string | null;
  /** The element being processed (rendered, truncated); pass `hasElement` when it may be `undefined`. */
  element?: unknown;
  hasElement?: boolean;
  /** @internal An element already rendered by another PipelineError (kept as it is). */
  elementText?: string | null;
  /** What the student can do about it. */
  hint?: string | null;
  /** The error that caused this one (its message is shown; its stack gives the user's line). */
  cause?: unknown;
  /** @internal The cause was thrown even though it is `undefined` (`throw undefined`). */
  hasCause?: boolean;
}

/** An error raised while building or running a pipeline. */
export class PipelineError extends Error {
  /** Full label of the transform where it happened (`Parent/Child`), if any. */
  readonly label: string | null;
  /** A short rendering of the element being processed, if any. */
  readonly element: string | null;
  /** What the student can do about it. */
  readonly hint: string | null;
  /** The first line of the message without the transform's label: what went wrong. */
  readonly headline: string;
  /** How to go on with the pipeline after fixing it (notebooks: re-run the cell, or remove the step). */
  private wayOut: string | null = null;
  /** Where the user's code raised the cause (`file:line:column`, or "line 3 of cell [5]" in a notebook), when it can be found. */
  readonly userFrame: string | null;

  constructor(message: string, opts: PipelineErrorOptions = {}) {
    const element = opts.elementText ?? (opts.hasElement || opts.element !== undefined ? truncate(opts.element) : null);
    const userFrame = isError(opts.cause) ? findUserFrame(opts.cause) : null;
    super(composeMessage(message, opts.label ?? null, element, opts.cause, opts.hasCause || opts.cause !== undefined, userFrame, opts.hint ?? null));
    this.name = "PipelineError";
    this.originalCause = opts.cause;
    this.label = opts.label ?? null;
    this.element = element;
    this.hint = opts.hint ?? null;
    this.headline = message;
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

  /** What the failing element's code logged before it failed (console.log, beam.log), oldest first. */
  logs: readonly LogLineLike[] = [];

  /** @internal Keeps the failing element's log lines beside the error, and shows the last few in the message. */
  withLogs(lines: readonly LogLineLike[]): this {
    if (!lines.length) return this;
    this.logs = lines;
    const shown = lines.slice(-5).map((l) => `    ${l.level === "log" || l.level === "info" ? "" : `${l.level}: `}${truncate(l.text)}`);
    const more = lines.length > 5 ? ` (last 5 of ${lines.length})` : "";
    this.message = `${this.message}\n  logged before it failed${more}:\n${shown.join("\n")}`;
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
  hasCause: boolean,
  userFrame: string | null,
  hint: string | null,
): string {
  const lines = [label ? `${message} in transform "${label}"` : message];
  if (element !== null) lines.push(`  element: ${element}`);
  if (hasCause) lines.push(`  cause: ${cause === undefined ? "undefined (the code threw undefined, not an Error)" : describeCause(cause)}`);
  if (userFrame) lines.push(`  at: ${userFrame}`);
  if (hint) lines.push(`  what to do: ${hint}`);
  return lines.join("\n");
}

function describeCause(cause: unknown): string {
  return isError(cause) ? describeThrown(cause, MAX_CAUSE_CHARS) : truncate(cause);
}

/** Throws a {@link PipelineError}; the one way the library reports a user mistake. */
export function error(message: string, opts?: PipelineErrorOptions): never {
  throw new PipelineError(message, opts);
}

/**
 * @internal The error of a step that failed outside the user's code (encoding a key,
 * writing a file, ...), naming the step: an error that already names its step is returned
 * as it is; an unlabelled PipelineError keeps what it says and gets the label (and the
 * element, when it has none); anything else becomes the cause of `message`.
 */
export function stepFailure(
  err: unknown,
  step: { label: string; message: string; hint: string; element?: unknown; hasElement?: boolean },
): PipelineError {
  const hasElement = step.hasElement || step.element !== undefined;
  if (isPipelineError(err)) {
    if (err.label) return err;
    return new PipelineError(err.headline, {
      label: step.label,
      element: step.element,
      hasElement,
      elementText: hasElement ? undefined : err.element,
      cause: err.cause,
      hint: err.hint ?? step.hint,
    });
  }
  return new PipelineError(step.message, { label: step.label, element: step.element, hasElement, cause: err, hasCause: true, hint: step.hint });
}

/** `value instanceof PipelineError`, false instead of throwing (a thrown Proxy's traps may throw). */
export function isPipelineError(value: unknown): value is PipelineError {
  try {
    return value instanceof PipelineError;
  } catch {
    return false;
  }
}

/** A one-line rendering of any value, cut to a readable length. Never throws. */
export function truncate(value: unknown, max = MAX_ELEMENT_CHARS): string {
  const text = renderValue(value, max);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Describes a position in a notebook cell's script ("line 3 of cell [5]"); set by the kernel support. */
let cellPosition: (file: string, line: number, column: number) => string | null = () => null;

/** @internal Lets the kernel support describe positions in notebook cells. */
export function setCellPositionResolver(f: (file: string, line: number, column: number) => string | null): void {
  cellPosition = f;
}

/**
 * The student's line that raised `err`: the first stack frame outside beamlab, Node's
 * internals and node_modules, as "line 3 of cell [5]" in a notebook and `path:line:column`
 * in a module (ESM `file://` URLs as paths). Null when beamlab itself raised the error and
 * the only user frame is the code awaiting the run (`await p.run()`), which is not where
 * anything went wrong. Never throws.
 */
export function findUserFrame(err: Error): string | null {
  try {
    const stack = err.stack;
    if (typeof stack !== "string") return null;
    const frames = parseStack(stack).map((f) => ({ frame: f, file: localPath(f.file) }));
    let pastOwnCode = false;
    for (let i = 0; i < frames.length; i++) {
      const { frame, file } = frames[i];
      if (isNodeInternal(file)) continue;
      if (isLibrary(file)) {
        pastOwnCode = true;
        continue;
      }
      // User code that beamlab called (a DoFn) has beamlab below it; the code awaiting the run does not.
      if (pastOwnCode && frame.async && !frames.slice(i + 1).some((f) => isLibrary(f.file))) return null;
      return describeFrame(frame, file);
    }
  } catch {
    // An error about an error must not hide the first one.
  }
  return null;
}

/** A `file://` URL as a path; other files as they are. */
function localPath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}

function isNodeInternal(file: string): boolean {
  return file.startsWith("node:") || file.startsWith("internal/") || file.startsWith("<") || file === "native";
}

function isLibrary(file: string): boolean {
  return file.includes(`${path.sep}node_modules${path.sep}`) || file.includes("/node_modules/") || OWN_DIRS.some((d) => file.startsWith(d));
}

function describeFrame(frame: StackFrame, file: string): string {
  const inCell = describeCell(frame.file, frame.line, frame.column);
  if (inCell) return inCell;
  // tslab runs cells through vm: the position is in the cell as compiled to JavaScript.
  if (frame.file.startsWith("evalmachine.")) return `a notebook cell (line ${frame.line} of the cell compiled to JavaScript)`;
  return `${file}:${frame.line}:${frame.column}`;
}

function describeCell(file: string, line: number, column: number): string | null {
  try {
    return cellPosition(file, line, column);
  } catch {
    return null;
  }
}
