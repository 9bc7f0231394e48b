/**
 * Reading V8 stack traces: which file, line and column each frame is at. Errors use it
 * to find the student's line among beamlab's and Node's own frames.
 */

/** One frame of a V8 stack trace. */
export interface StackFrame {
  /** The file as V8 prints it: `/abs/x.js`, `file:///abs/x.mjs`, `node:fs`, `cell[5].js`, `evalmachine.<anonymous>`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `at async f (...)`: a function suspended in an `await`, not the one that was running. */
  readonly async: boolean;
}

/** The frames of a stack trace that have a position (native and anonymous frames have none). */
export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split("\n")) {
    const frame = parseFrame(line);
    if (frame) frames.push(frame);
  }
  return frames;
}

/**
 * One line of a stack trace, e.g. `    at async Foo.bar (file:///x.mjs:3:9)`, `    at /x.js:1:2`
 * or `    at eval (eval at run (/x.js:4:5), <anonymous>:1:1)`; null when it has no position.
 */
export function parseFrame(text: string): StackFrame | null {
  let rest = text.trim();
  if (!rest.startsWith("at ")) return null;
  rest = rest.slice(3);
  const async = rest.startsWith("async ");
  if (async) rest = rest.slice(6);
  const location = rest.endsWith(")") ? parenthesized(rest) ?? rest : rest;
  const position = parseLocation(location);
  return position ? { ...position, async } : null;
}

function parseLocation(location: string): { file: string; line: number; column: number } | null {
  // Code run by eval is placed where eval was called: `eval at f (/x.js:4:5), <anonymous>:1:1`.
  if (location.startsWith("eval at ")) {
    const open = location.indexOf("(");
    const close = open >= 0 ? closingParen(location, open) : -1;
    return close > open ? parseLocation(location.slice(open + 1, close)) : null;
  }
  // The file may hold colons itself (`file:///x.mjs`, `node:fs`, `C:\x.js`): line and column are the last two.
  const m = /^(.*):(\d+):(\d+)$/.exec(location);
  return m && m[1] ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : null;
}

/** What the last, outermost parentheses of `text` hold (the location after a function name). */
function parenthesized(text: string): string | null {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ")") depth++;
    else if (text[i] === "(" && --depth === 0) return text.slice(i + 1, text.length - 1);
  }
  return null;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return -1;
}
