/**
 * tslab prints an error thrown in a cell with Node's whole stack: the vm's source excerpt,
 * frames in the compiled JavaScript of the cell, then frames of the vm, tslab and beamlab.
 * This keeps the message and the student's frames, each at its line of TypeScript.
 */

/** Describes a position in a cell's script ("line 3 of cell [5]: code"), or null. */
export type CellPositionOf = (file: string, line: number, column: number) => string | null;

const CELL_FRAME = /(cell\[\d+\]\.js):(\d+):(\d+)/;
const FRAME = /^\s+at /;

/** Frames that are never the student's code. */
function internal(frame: string): boolean {
  return /\(node:|\bnode:[\w/]+:\d+|node_modules|\/dist\/lib\/|sigintHandlersWrap|<anonymous>\)?\s*$/.test(frame);
}

/**
 * The printed error with the student's frames only, in TypeScript positions; null when
 * the text is not an error printed from a cell (then it is left as it is).
 */
export function tidyCellTrace(text: string, positionOf: CellPositionOf): string | null {
  if (!CELL_FRAME.test(text)) return null;
  let lines = text.split("\n");
  // Node's excerpt of the throwing line ("cell[7].js:5", the code, "^", a blank line).
  if (/^cell\[\d+\]\.js:\d+$/.test(lines[0])) {
    const blank = lines.indexOf("");
    if (blank < 0) return null;
    lines = lines.slice(blank + 1);
  }
  if (lines.length === 0 || FRAME.test(lines[0])) return null;
  const out: string[] = [];
  let frames = 0;
  for (const line of lines) {
    if (!FRAME.test(line)) {
      out.push(line);
      continue;
    }
    const m = CELL_FRAME.exec(line);
    if (m) {
      const where = positionOf(m[1], Number(m[2]), Number(m[3]));
      // A cell frame with no TypeScript line is tslab's wrapper around the cell.
      if (where && where.startsWith("line ")) {
        out.push(`    at ${where}`);
        frames++;
      }
    } else if (!internal(line)) {
      out.push(line);
      frames++;
    }
  }
  return frames > 0 ? out.join("\n") : null;
}
