import test, { after } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import type * as TS from "typescript";
import { typescriptLine } from "../../lib/interactive/cell-positions";
import { tidyCellTrace } from "../../lib/interactive/cell-traces";

// tslab's own converter and TypeScript, as the kernel runs them, in this repository.
const root = path.resolve(__dirname, "../../..");
const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.join(root, "node_modules/tslab")] })) as typeof TS;
const { createConverter } = require(path.join(root, "node_modules/tslab/dist/converter.js")) as {
  createConverter(o: { isJS: boolean; isBrowser: boolean }): {
    convert(prevDecl: string, src: string): { output?: string; declOutput?: string; diagnostics: unknown[]; hasToplevelAwait?: boolean };
    close(): void;
  };
};
const cwd = process.cwd();
process.chdir(root);
const conv = createConverter({ isJS: false, isBrowser: false });
after(() => {
  conv.close();
  process.chdir(cwd);
});

/** A cell as tslab runs it: compiled after the previous cells, wrapped for the vm. */
function compile(prev: string, src: string): { js: string; decl: string } {
  const out = conv.convert(prev, src);
  assert.deepEqual(out.diagnostics, [], "the cell compiles");
  const prefix = out.hasToplevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
  return { js: `${prefix}${out.output}\n})(__tslab__.exports, __tslab__.require)`, decl: out.declOutput ?? "" };
}

/** The TypeScript line for the first JavaScript line containing `token`, at the token. */
function lineOf(cell: { ts: string; js: string }, token: string): number | null {
  const lines = cell.js.split("\n");
  const i = lines.findIndex((l) => l.includes(token));
  assert.ok(i >= 0, `${token} is in the compiled cell`);
  return typescriptLine(ts, cell, i + 1, lines[i].indexOf(token) + 1);
}

test("positions in a cell's JavaScript map to the lines of TypeScript the student wrote", () => {
  const first = compile("", "const base = 10;\nconst names = ['a', 'b'];\n");
  const src = [
    "interface Row {", //                      1
    "  name: string;", //                      2
    "  credits: number;", //                   3
    "}", //                                    4
    "type Pair = [string, number];", //        5
    "", //                                     6
    "const rows: Row[] = names.map((n: string): Row => ({", // 7
    "  name: n,", //                           8
    "  credits: base * 2,", //                 9
    "}));", //                                10
    "// a comment", //                        11
    "function total(rs: Row[]): number {", // 12
    "  let sum: number = 0;", //              13
    "  for (const r of rs) sum += r.credits as number;", // 14
    "  return sum;", //                       15
    "}", //                                   16
    "const pairs: Pair[] = rows.map((r) => [r.name, total([r])]);", // 17
    "await Promise.resolve(pairs.length);", // 18
    "pairs", //                               19
  ].join("\n");
  const { js } = compile(first.decl, src);
  const cell = { ts: src, js };
  assert.equal(lineOf(cell, "credits: exports.base * 2"), 9, "a previous cell's variable (exports.base)");
  assert.equal(lineOf(cell, "sum += r.credits"), 14, "inside a function, below types");
  assert.equal(lineOf(cell, "total([r])"), 17);
  assert.equal(lineOf(cell, "await Promise.resolve"), 18);
  assert.equal(lineOf(cell, "tsLastExpr = pairs"), 19, "the cell's last expression");
});

test("a position that cannot be told is null, never a guess", () => {
  const { js, decl } = compile("", "const x: number = 1;\n");
  assert.ok(decl);
  // tslab's own lines (exports bookkeeping, the wrapper) have no line of TypeScript.
  assert.equal(lineOf({ ts: "const x: number = 1;\n", js }, "exports.x = x"), null);
  assert.equal(typescriptLine(ts, { ts: "const x: number = 1;\n", js }, 999, 1), null);
  // JavaScript that is not this cell's.
  assert.equal(typescriptLine(ts, { ts: "const y = 2;\n", js: "(function(exports, require) { other();\n})()" }, 1, 30), null);
});

test("a printed error keeps the student's frames; other text is left alone", () => {
  const printed = 'cell[7].js:5\nthrow new Error("x");\n^\n\nError: x\n    at cell[7].js:5:7\n    at cell[7].js:7:3\n    at sigintHandlersWrap (node:vm:280:12)\n    at Object.execute (/repo/node_modules/tslab/dist/executor.js:160:38)\n';
  const where = (file: string, line: number) => (line === 5 ? `line 3 of ${file.replace(".js", "")}: throw new Error("x");` : `${file} (line ${line} of the cell compiled to JavaScript)`);
  assert.equal(tidyCellTrace(printed, where), 'Error: x\n    at line 3 of cell[7]: throw new Error("x");\n');
  assert.equal(tidyCellTrace("Error: elsewhere\n    at f (/home/s/x.js:1:2)\n", where), null);
  assert.equal(tidyCellTrace("cell[3].js:4:5 is a string a student printed\n", where), null, "no frames: not a printed error");
});
