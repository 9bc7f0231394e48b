/**
 * The table filter language, parsed and evaluated the same way in the kernel (over a
 * PCollection's elements) and in the browser (over the rows it has):
 *
 * - `CS326` — plain text: case-insensitive search in every column;
 * - `cname:principles` — the same search in one column;
 * - `credits > 3`, `>=`, `<`, `<=`, `=`, `!=` — comparisons: numbers compare as numbers,
 *   dates (`2001-02-03`) as dates, other values as exact text (`dept = CS`, `dept = "C S"`);
 * - `dob is null`, `dob is not null` — missing values (null, undefined, NaN);
 * - `dept = CS and credits >= 3` — every part must hold.
 *
 * A missing value matches no comparison (as in SQL). A filter that does not parse, or
 * names a column the table does not have, is an error that says why (listing the columns)
 * rather than a filter that silently matches nothing.
 *
 * No Node imports: the extension compiles this module in, as it does protocol.ts.
 */
import { cellText, isMissingValue } from "./preview";

/** Comparison operators (`==` and `<>` are read as `=` and `!=`). */
export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** The right-hand side of a comparison, with every reading it allows. */
export interface FilterLiteral {
  /** The text as written (without quotes). */
  text: string;
  /** Set when the literal was written as a bare number. */
  number?: number;
  /** Set (ms since the epoch) when the literal is a date such as `2001-02-03`. */
  date?: number;
  /** Set when the literal was written as a bare `true` / `false`. */
  boolean?: boolean;
}

/** One part of a filter. */
export type FilterClause =
  | { kind: "search"; column: string | null; text: string }
  | { kind: "compare"; column: string; op: CompareOp; value: FilterLiteral }
  | { kind: "null"; column: string; negated: boolean };

/** A parsed filter: every clause must hold. */
export interface ParsedFilter {
  clauses: FilterClause[];
}

/** The result of {@link parseFilter}: `filter` is null for an empty filter (everything matches). */
export type FilterParse = { ok: true; filter: ParsedFilter | null } | { ok: false; error: string };

/** A sort order over one column. */
export interface SortSpec {
  column: string;
  descending: boolean;
}

const OPS: Record<string, CompareOp> = { "=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=" };
const IDENT = String.raw`[A-Za-z_$][\w$]*`;
const COLUMN = String.raw`(${IDENT}|\x60[^\x60]+\x60)`;
const COMPARE_RE = new RegExp(String.raw`^${COLUMN}\s*(>=|<=|!=|<>|==|=|>|<)\s*(.*)$`, "s");
const NULL_RE = new RegExp(String.raw`^${COLUMN}\s+is\s+(not\s+)?null$`, "is");
const SEARCH_RE = new RegExp(String.raw`^${COLUMN}:(.*)$`, "s");
const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;
const DATE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[-+]\d{2}:?\d{2})?)?$/;

/** Milliseconds of an ISO date or date-time text, or undefined when it is not one. */
export function dateValue(text: string): number | undefined {
  if (!DATE_RE.test(text)) return undefined;
  // A bare date or a date-time without a zone is read as UTC, as the kernel writes dates.
  const iso = /Z|[-+]\d{2}:?\d{2}$/.test(text) || text.length === 10 ? text : `${text.replace(" ", "T")}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Splits on the word `and` outside quotes. */
function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      quote = c;
      continue;
    }
    const m = /^\s+and\s+/i.exec(text.slice(i));
    if (m && /\s/.test(c)) {
      parts.push(text.slice(start, i));
      i += m[0].length - 1;
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** The text inside matching quotes, or null when `s` is not one quoted string. */
function unquote(s: string): string | null {
  const m = /^(["'])(.*)\1$/s.exec(s);
  return m ? m[2] : null;
}

function literalOf(raw: string): FilterLiteral {
  const quoted = unquote(raw);
  if (quoted !== null) {
    const date = dateValue(quoted);
    return date === undefined ? { text: quoted } : { text: quoted, date };
  }
  const lit: FilterLiteral = { text: raw };
  if (NUMBER_RE.test(raw)) lit.number = Number(raw);
  if (/^(true|false)$/i.test(raw)) lit.boolean = raw.toLowerCase() === "true";
  const date = dateValue(raw);
  if (date !== undefined) lit.date = date;
  return lit;
}

/**
 * Parses a filter against the table's column names (matched case-insensitively).
 * Never throws: a bad filter comes back as `{ ok: false, error }`.
 *
 * @example
 * parseFilter("credits > 3 and dept = CS", ["cno", "dept", "credits"]);
 */
export function parseFilter(text: string, columns: readonly string[]): FilterParse {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, filter: null };
  const clauses: FilterClause[] = [];
  const resolve = (raw: string): string | null => {
    const name = raw.startsWith("`") ? raw.slice(1, -1) : raw;
    return columns.find((c) => c === name) ?? columns.find((c) => c.toLowerCase() === name.toLowerCase()) ?? null;
  };
  const unknown = (raw: string, part: string): FilterParse => ({
    ok: false,
    error: `unknown column ${JSON.stringify(raw.replace(/^`|`$/g, ""))}; the columns are ${columns.join(", ")}. To search for the text itself, put it in quotes: "${part.replace(/"/g, "'")}"`,
  });
  const dangling = /^and\s+\S|\S\s+and$/i.test(trimmed);
  for (const part of dangling ? [""] : splitAnd(trimmed)) {
    if (!part) return { ok: false, error: `"and" needs a condition on both sides (e.g. dept = CS and credits > 3)` };
    const quoted = unquote(part);
    if (quoted !== null) {
      clauses.push({ kind: "search", column: null, text: quoted.toLowerCase() });
      continue;
    }
    const isNull = NULL_RE.exec(part);
    if (isNull) {
      const column = resolve(isNull[1]);
      if (!column) return unknown(isNull[1], part);
      clauses.push({ kind: "null", column, negated: !!isNull[2] });
      continue;
    }
    const cmp = COMPARE_RE.exec(part);
    if (cmp) {
      const column = resolve(cmp[1]);
      if (!column) return unknown(cmp[1], part);
      const op = OPS[cmp[2]];
      const raw = cmp[3].trim();
      if (!raw) return { ok: false, error: `${cmp[1]} ${cmp[2]} needs a value after it (e.g. ${column} ${op} 3, or ${column} ${op} "text")` };
      if (/^null$/i.test(raw) && (op === "=" || op === "!=")) {
        clauses.push({ kind: "null", column, negated: op === "!=" });
        continue;
      }
      if (/^null$/i.test(raw)) return { ok: false, error: `${column} ${op} null compares with a missing value; write ${column} is null or ${column} is not null` };
      clauses.push({ kind: "compare", column, op, value: literalOf(raw) });
      continue;
    }
    const search = SEARCH_RE.exec(part);
    if (search) {
      const column = resolve(search[1]);
      if (!column) return unknown(search[1], part);
      const needle = search[2].trim();
      clauses.push({ kind: "search", column, text: (unquote(needle) ?? needle).toLowerCase() });
      continue;
    }
    if (/^\s*(>=|<=|!=|<>|==|=|>|<)/.test(part)) return { ok: false, error: `"${part}" needs a column before the comparison (e.g. credits ${part.trim()})` };
    clauses.push({ kind: "search", column: null, text: part.toLowerCase() });
  }
  return { ok: true, filter: { clauses } };
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && NUMBER_RE.test(v.trim())) return Number(v);
  return undefined;
}

function timeOf(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v === "string") return dateValue(v.trim());
  return undefined;
}

function holds(op: CompareOp, c: number): boolean {
  switch (op) {
    case "=":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
  }
}

const sign = (a: number | string, b: number | string): number => (a < b ? -1 : a > b ? 1 : 0);

/** True when `value` satisfies `value op literal` (numbers, then dates, then booleans, then exact text). */
export function compareMatches(value: unknown, op: CompareOp, lit: FilterLiteral): boolean {
  if (isMissingValue(value)) return false;
  if (lit.number !== undefined) {
    const n = numberOf(value);
    if (n !== undefined) return holds(op, sign(n, lit.number));
  }
  if (lit.date !== undefined) {
    const t = timeOf(value);
    if (t !== undefined) return holds(op, sign(t, lit.date));
  }
  if (lit.boolean !== undefined && typeof value === "boolean") return holds(op, sign(Number(value), Number(lit.boolean)));
  return holds(op, sign(cellText(value), lit.text));
}

function clauseMatches(c: FilterClause, cell: (column: string) => unknown, columns: readonly string[]): boolean {
  switch (c.kind) {
    case "null":
      return isMissingValue(cell(c.column)) !== c.negated;
    case "compare":
      return compareMatches(cell(c.column), c.op, c.value);
    case "search":
      if (c.column !== null) return cellText(cell(c.column)).toLowerCase().includes(c.text);
      return columns.some((col) => cellText(cell(col)).toLowerCase().includes(c.text));
  }
}

/**
 * True when a row satisfies every clause. `cell(column)` gives the row's value in a
 * column; `columns` are the columns a plain-text search looks into.
 */
export function matchesFilter(f: ParsedFilter, cell: (column: string) => unknown, columns: readonly string[]): boolean {
  return f.clauses.every((c) => clauseMatches(c, cell, columns));
}
