/**
 * Table schemas in BigQuery's terms (`"name:TYPE,name:TYPE"`), their TypeScript row types,
 * and the conversion of values to those types.
 */
import { error } from "../errors";

/** BigQuery's type names, with their aliases. */
export type BigQueryType = "STRING" | "INTEGER" | "INT64" | "FLOAT" | "FLOAT64" | "NUMERIC" | "BOOLEAN" | "BOOL" | "DATE" | "DATETIME" | "TIMESTAMP";
/** One column. REQUIRED columns may not be null. */
export interface FieldSchema {
  name: string;
  type: BigQueryType;
  mode?: "NULLABLE" | "REQUIRED";
}
/** A schema: BigQuery's string form or a list of fields. */
export type TableSchema = string | readonly FieldSchema[];

type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
/**
 * The JavaScript type a BigQuery type is read as. INTEGER is a number: ReadFromCsv refuses an
 * integer beyond ±2^53 − 1 rather than round it (the warehouse keeps such values exact and
 * returns them as bigints).
 */
export type JsTypeOf<T extends string> = T extends "STRING" | "DATE" | "DATETIME"
  ? string
  : T extends "INTEGER" | "INT64" | "FLOAT" | "FLOAT64" | "NUMERIC"
    ? number
    : T extends "BOOLEAN" | "BOOL"
      ? boolean
      : T extends "TIMESTAMP"
        ? Date
        : unknown;
type Field<F extends string> = F extends `${infer N}:${infer T}` ? { [K in Trim<N>]: JsTypeOf<Uppercase<Trim<T>>> | null } : {};
type Fields<S extends string> = S extends `${infer F},${infer Rest}` ? Field<F> & Fields<Rest> : Field<S>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/**
 * The row type of a schema string, so that a wrong field name is a compile error.
 *
 * @example
 * type Teacher = beam.SchemaRow<"tid:STRING,fname:STRING,credits:INTEGER">;   // { tid: string | null; fname: ...; credits: number | null }
 */
export type SchemaRow<S extends TableSchema> = S extends string ? (string extends S ? Record<string, unknown> : Simplify<Fields<S>>) : Record<string, unknown>;

const ALIASES: Record<string, BigQueryType> = {
  STRING: "STRING", INTEGER: "INTEGER", INT64: "INTEGER", FLOAT: "FLOAT", FLOAT64: "FLOAT", NUMERIC: "NUMERIC",
  BOOLEAN: "BOOLEAN", BOOL: "BOOLEAN", DATE: "DATE", DATETIME: "DATETIME", TIMESTAMP: "TIMESTAMP",
};

/** The fields of a schema, with type names normalised (INT64 → INTEGER, ...). */
export function parseSchema(schema: TableSchema): FieldSchema[] {
  const raw: FieldSchema[] =
    typeof schema === "string"
      ? schema.split(",").map((part) => {
          const [name, type, ...rest] = part.split(":").map((s) => s.trim());
          if (!name || !type || rest.length) error(`Bad schema field "${part.trim()}"`, { hint: 'write the schema as "name:TYPE,name:TYPE", e.g. "sid:STRING,credits:INTEGER".' });
          return { name, type: type.toUpperCase() as BigQueryType };
        })
      : [...schema];
  const seen = new Set<string>();
  return raw.map((f) => {
    const type = ALIASES[String(f.type).toUpperCase()];
    if (!type) error(`Unknown type ${f.type} for column ${f.name}`, { hint: `use one of ${Object.keys(ALIASES).join(", ")}.` });
    if (seen.has(f.name)) error(`Column ${f.name} appears twice in the schema`, { hint: "give every column a distinct name." });
    seen.add(f.name);
    return { name: f.name, type, mode: f.mode ?? "NULLABLE" };
  });
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

/** True when y-m-d is a real calendar day. */
function realDay(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Converts `value` to the column's type, or returns an explanation of why it does not fit.
 * Strings are accepted for every type (CSV and SQL text), typed values for their own type.
 */
export function coerce(value: unknown, field: FieldSchema): { ok: true; value: unknown } | { ok: false; why: string } {
  if (value === null || value === undefined || value === "") {
    if (field.mode === "REQUIRED") return { ok: false, why: "is required but empty" };
    return { ok: true, value: field.type === "STRING" && value === "" ? "" : null };
  }
  switch (field.type) {
    case "STRING":
      return typeof value === "string" ? { ok: true, value } : typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? { ok: true, value: String(value) } : { ok: false, why: `is a ${kindOf(value)}, not a string` };
    case "INTEGER":
      return integer(value);
    case "FLOAT":
    case "NUMERIC": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : typeof value === "bigint" ? Number(value) : NaN;
      return Number.isNaN(n) && !(typeof value === "number") ? { ok: false, why: `${JSON.stringify(value)} is not a number` } : { ok: true, value: n };
    }
    case "BOOLEAN": {
      if (typeof value === "boolean") return { ok: true, value };
      const s = String(value).trim().toLowerCase();
      if (s === "true" || s === "1") return { ok: true, value: true };
      if (s === "false" || s === "0") return { ok: true, value: false };
      return { ok: false, why: `${JSON.stringify(value)} is not a boolean (true/false)` };
    }
    case "DATE": {
      if (value instanceof Date && !isNaN(value.getTime())) return { ok: true, value: value.toISOString().slice(0, 10) };
      const m = typeof value === "string" ? DATE_RE.exec(value.trim()) : null;
      return m && realDay(+m[1], +m[2], +m[3]) ? { ok: true, value: value as string } : { ok: false, why: `${JSON.stringify(value)} is not a DATE (YYYY-MM-DD)` };
    }
    case "DATETIME": {
      if (value instanceof Date && !isNaN(value.getTime())) return { ok: true, value: value.toISOString().slice(0, 23).replace("T", " ") };
      const m = typeof value === "string" ? DATETIME_RE.exec(value.trim()) : null;
      return m && realDay(+m[1], +m[2], +m[3]) ? { ok: true, value: (value as string).trim().replace("T", " ") } : { ok: false, why: `${JSON.stringify(value)} is not a DATETIME (YYYY-MM-DD HH:MM:SS)` };
    }
    case "TIMESTAMP": {
      const d = value instanceof Date ? value : typeof value === "string" || typeof value === "number" ? new Date(value) : null;
      return d && !isNaN(d.getTime()) ? { ok: true, value: d } : { ok: false, why: `${JSON.stringify(value)} is not a TIMESTAMP` };
    }
    default:
      return { ok: false, why: `has an unknown type ${field.type}` };
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An INTEGER (BigQuery's INT64): a number when a JavaScript number holds it exactly, else a
 * bigint, so that text such as "9007199254740993" is never rounded on its way to a table.
 */
function integer(value: unknown): { ok: true; value: number | bigint } | { ok: false; why: string } {
  let big: bigint;
  if (typeof value === "bigint") big = value;
  else if (typeof value === "number") {
    if (!Number.isInteger(value)) return { ok: false, why: `${value} is not an integer` };
    if (Number.isSafeInteger(value)) return { ok: true, value };
    big = BigInt(value);
  } else if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) big = BigInt(value.trim());
  else return { ok: false, why: `${JSON.stringify(value)} is not an integer` };
  if (big < INT64_MIN || big > INT64_MAX) return { ok: false, why: `${big} is outside INTEGER's range (-2^63 to 2^63 − 1)` };
  const n = Number(big);
  return { ok: true, value: Number.isSafeInteger(n) ? n : big };
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "Date";
  return typeof v;
}
