/**
 * What beamlab needs to know of tslab's cells, learnt by wrapping tslab's execute path
 * (only inside a kernel):
 *
 * - each cell's TypeScript and execution count, and a file name for its compiled script
 *   (`cell[5].js`; tslab gives the vm none), so errors can say "line 3 of cell [5]";
 * - the end of each cell, to print what must come last (a removal's description) and to
 *   let an interrupted pipeline stop and show its summary before the cell ends;
 * - tslab's stack trace of an interrupt, replaced by one calm line; other errors printed
 *   from a cell keep only the student's frames, at their lines of TypeScript.
 */
import vm = require("node:vm");
import type * as TS from "typescript";
import { inKernel, tslabRequire } from "../display/emit";
import { setCellPositionResolver } from "../errors";
import { setRemovalAnnouncer } from "../pipeline/removal";
import { settleInterrupted } from "../runners/interactive";
import { typescriptLine } from "./cell-positions";
import { tidyCellTrace } from "./cell-traces";

/** One executed cell. */
interface Cell {
  count: number;
  ts: string;
  /** The script tslab ran (null until it ran one: type-only cells run nothing). */
  js: string | null;
}

type WriteStream = (name: string, text: string) => void;
interface Handler {
  execCount: number;
  handleExecuteImpl(req: { code?: unknown }, writeStream: WriteStream, writeDisplayData: unknown): Promise<unknown>;
}

/** Cells kept for positions of errors raised later by code they defined (a DoFn runs in a later cell). */
const MAX_CELLS = 500;
const cells = new Map<string, Cell>();
let current: { cell: Cell; atEnd: (() => void)[] } | null = null;
const INSTALLED = Symbol.for("beamlab.cellHooks");
/** How long an interrupted cell waits for its pipeline to stop and show its summary. */
const SETTLE_MILLIS = 3000;

/** The TypeScript of the cells executed so far, oldest first (the local runner reads their imports). */
export function cellSources(): string[] {
  return [...cells.values()].sort((a, b) => a.count - b.count).map((c) => c.ts);
}

/** The file name of a cell's compiled script in stack traces. */
export function cellFileName(count: number): string {
  return `cell[${count}].js`;
}

/** tslab prints these errors (with a stack) when the kernel is interrupted. */
function isInterruptTrace(text: string): boolean {
  return /^(Error: Interrupted asynchronously|Error: Script execution was interrupted by `SIGINT`)/.test(text);
}

/**
 * "line 3 of cell [5]" for a position in a cell's compiled script, "cell [5] (line 6 of
 * the cell compiled to JavaScript)" when the TypeScript line cannot be told, null when the
 * file is no cell of this kernel. Never throws.
 */
export function describeCellPosition(file: string, line: number, column: number): string | null {
  const cell = cells.get(file);
  if (!cell) return null;
  try {
    const ts = tslabRequire<typeof TS>("@tslab/typescript-for-tslab");
    const tsLine = ts && cell.js ? typescriptLine(ts, { ts: cell.ts, js: cell.js }, line, column) : null;
    if (tsLine !== null) {
      const code = cell.ts.split("\n")[tsLine - 1]?.trim() ?? "";
      const shown = code.length > 80 ? `${code.slice(0, 79)}…` : code;
      return `line ${tsLine} of cell [${cell.count}]${shown ? `: ${shown}` : ""}`;
    }
  } catch {
    // Fall back to the JavaScript position below.
  }
  return `cell [${cell.count}] (line ${line} of the cell compiled to JavaScript)`;
}

/**
 * Runs `f` when the cell being executed ends (before its reply), or returns false when no
 * cell is being executed (outside a kernel).
 */
export function atCellEnd(f: () => void): boolean {
  if (!current) return false;
  current.atEnd.push(f);
  return true;
}

/** An error printed from a cell, with the student's frames only (never throws). */
function tidy(text: string): string {
  try {
    return tidyCellTrace(text, describeCellPosition) ?? text;
  } catch {
    return text;
  }
}

function remember(cell: Cell): void {
  cells.set(cellFileName(cell.count), cell);
  if (cells.size > MAX_CELLS) cells.delete(cells.keys().next().value!);
}

/** Names the script of the cell being executed, which tslab runs through the vm without a file name. */
function wrapVm(): void {
  // The module object itself (not an interop copy), which tslab's executor reads the function from.
  const target = vm as { runInThisContext: typeof vm.runInThisContext };
  const original = vm.runInThisContext;
  target.runInThisContext = function (this: unknown, code: string, options?: vm.RunningScriptOptions | string): unknown {
    const cell = current?.cell;
    if (cell && cell.js === null && typeof code === "string" && /^\((?:async )?function\(exports, require\) \{ /.test(code) && (options === undefined || (typeof options === "object" && !options.filename))) {
      cell.js = code;
      return original.call(this, code, { ...(options as vm.RunningScriptOptions | undefined), filename: cellFileName(cell.count) });
    }
    return original.call(this, code, options);
  } as typeof vm.runInThisContext;
}

/** Learns each cell and its end from tslab's handler (cells after the one that imported beamlab). */
function wrapExecute(handler: { prototype: Handler }): void {
  const original = handler.prototype.handleExecuteImpl;
  handler.prototype.handleExecuteImpl = async function (this: Handler, req, writeStream, writeDisplayData) {
    const cell: Cell = { count: this.execCount + 1, ts: typeof req?.code === "string" ? req.code : "", js: null };
    remember(cell);
    const state = { cell, atEnd: [] as (() => void)[] };
    current = state;
    let interrupted = false;
    const stream: WriteStream = (name, text) => {
      if (name === "stderr" && isInterruptTrace(text)) interrupted = true;
      else writeStream(name, name === "stderr" ? tidy(text) : text);
    };
    try {
      return await original.call(this, req, stream, writeDisplayData);
    } finally {
      try {
        if (interrupted) {
          const stopped = await settleInterrupted(SETTLE_MILLIS);
          writeStream("stderr", stopped ? "Interrupted: the pipeline stopped; the steps that finished stay cached.\n" : "Interrupted.\n");
        }
        for (const f of state.atEnd) f();
      } catch {
        // What a cell's end prints is a courtesy; the cell's own result stands.
      }
      if (current === state) current = null;
    }
  };
}

/** Installs the hooks once per kernel process; does nothing outside a kernel. */
export function installCellHooks(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED] || !inKernel()) return;
  const jupyter = tslabRequire<{ JupyterHandlerImpl?: { prototype: Handler } }>("tslab/dist/jupyter");
  if (typeof jupyter?.JupyterHandlerImpl?.prototype?.handleExecuteImpl !== "function") return;
  g[INSTALLED] = true;
  wrapVm();
  wrapExecute(jupyter.JupyterHandlerImpl);
  setCellPositionResolver(describeCellPosition);
  setRemovalAnnouncer((removal) => {
    const print = () => {
      if (!removal.shown) console.log(removal.message);
      removal.shown = true;
    };
    // At the cell's end, so a removal that is the cell's value is printed once, by tslab.
    if (!atCellEnd(print)) print();
  });
}
