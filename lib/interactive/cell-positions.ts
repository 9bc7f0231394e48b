/**
 * From a position in the JavaScript tslab ran for a cell to the line of TypeScript the
 * student wrote. tslab compiles a cell without a source map (and rewrites it: previous
 * cells' variables become `exports.x`, the last expression is stored, imports become
 * requires), so the cell is compiled again here with one, the two JavaScript texts are
 * aligned line by line (longest common subsequence of lines compared without tslab's
 * rewrites), and the matching line is traced back through the map. Anything uncertain
 * gives null, never a guess.
 */
import type * as TS from "typescript";
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";

/** A cell as tslab ran it. */
export interface CellCode {
  /** The TypeScript of the cell, as the student wrote it. */
  ts: string;
  /** The JavaScript tslab gave to the vm (its wrapper included). */
  js: string;
}

/** Cells longer than this are not aligned (the alignment is quadratic). */
const MAX_LINES = 2000;

interface Normalized {
  text: string;
  /** Column in the raw line of each character of `text`. */
  cols: number[];
}

/**
 * A JavaScript line without what tslab adds: its wrapper on the first line, the variable
 * its last expression is stored in, and the `exports.` before previous cells' variables.
 */
function normalize(line: string, first: boolean): Normalized {
  let i = 0;
  if (first) i = /^\((?:async )?function\(exports, require\) \{ /.exec(line)?.[0].length ?? 0;
  i += /^\s*exports\.tsLastExpr\d* = /.exec(line.slice(i))?.[0].length ?? 0;
  let text = "";
  const cols: number[] = [];
  while (i < line.length) {
    if (line.startsWith("exports.", i) && !/[\w$.]/.test(line[i - 1] ?? "")) {
      i += "exports.".length;
      continue;
    }
    const ch = line[i];
    if (/\s/.test(ch)) {
      if (text.length > 0 && !text.endsWith(" ")) {
        text += " ";
        cols.push(i);
      }
    } else {
      text += ch;
      cols.push(i);
    }
    i++;
  }
  if (text.endsWith(" ")) {
    text = text.slice(0, -1);
    cols.pop();
  }
  return { text, cols };
}

/** Pairs of equal non-empty lines, as a map from index in `a` to index in `b` (longest common subsequence). */
function align(a: string[], b: string[]): Map<number, number> {
  const n = a.length;
  const m = b.length;
  const table = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[at(i, j)] = a[i] !== "" && a[i] === b[j] ? table[at(i + 1, j + 1)] + 1 : Math.max(table[at(i + 1, j)], table[at(i, j + 1)]);
    }
  }
  const pairs = new Map<number, number>();
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] !== "" && a[i] === b[j]) {
      pairs.set(i, j);
      i++;
      j++;
    } else if (table[at(i + 1, j)] >= table[at(i, j + 1)]) i++;
    else j++;
  }
  return pairs;
}

/** The cell compiled again, as tslab would, with a source map. */
function compileWithMap(ts: typeof TS, source: string): { lines: string[]; map: TraceMap } {
  const out = ts.transpileModule(source, {
    fileName: "cell.ts",
    reportDiagnostics: false,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      jsx: ts.JsxEmit.React,
      newLine: ts.NewLineKind.LineFeed,
      noImplicitUseStrict: true,
      sourceMap: true,
      inlineSources: false,
    },
  });
  if (!out.sourceMapText) throw new Error("no source map");
  return { lines: out.outputText.split("\n"), map: new TraceMap(out.sourceMapText) };
}

/**
 * The 1-based line of the cell's TypeScript for a 1-based line and column of the
 * JavaScript tslab ran, or null when it cannot be told for sure.
 */
export function typescriptLine(ts: typeof TS, cell: CellCode, jsLine: number, jsColumn: number): number | null {
  const theirs = cell.js.split("\n");
  if (jsLine < 1 || jsLine > theirs.length) return null;
  const compiled = compileWithMap(ts, cell.ts);
  if (theirs.length > MAX_LINES || compiled.lines.length > MAX_LINES) return null;
  const a = theirs.map((l, i) => normalize(l, i === 0));
  const b = compiled.lines.map((l) => normalize(l, false));
  const pairs = align(a.map((x) => x.text), b.map((x) => x.text));
  const mine = pairs.get(jsLine - 1);
  if (mine === undefined) return null;
  // The same character in our line: tslab's line differs only by what normalize drops.
  const their = a[jsLine - 1];
  let k = 0;
  while (k + 1 < their.cols.length && their.cols[k + 1] <= jsColumn - 1) k++;
  const column = b[mine].cols[Math.min(k, b[mine].cols.length - 1)] ?? 0;
  const tsLines = cell.ts.split("\n").length;
  for (const bias of [GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND] as const) {
    const pos = originalPositionFor(compiled.map, { line: mine + 1, column, bias });
    if (pos.line !== null && pos.line >= 1 && pos.line <= tsLines) return pos.line;
  }
  return null;
}
