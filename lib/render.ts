/**
 * A bounded, one-line rendering of any value for error messages. It reads like
 * `JSON.stringify` for ordinary data (so messages and diffs stay as they were), but it
 * never throws and never does more work than the text it returns needs: a getter or a
 * `toJSON` that throws, a Proxy whose traps throw, a revoked Proxy, a cycle, a structure
 * nested 200k levels deep or a string of 100M characters all render as a short text,
 * because an error about an element must never be replaced by an error about rendering it.
 */

/** Deeper than this, a structure renders as `…` (the text is cut long before in practice). */
const MAX_DEPTH = 500;

/** Stops a rendering once its text is long enough to be cut. */
class Full {}
const FULL = new Full();

/**
 * Renders `value` in about `budget` characters (the result may be somewhat longer, so a
 * caller that cuts it to `budget` sees that it was cut). Never throws.
 */
export function renderValue(value: unknown, budget: number): string {
  const out: string[] = [];
  let length = 0;
  const ancestors = new Set<object>();
  const push = (s: string) => {
    out.push(s);
    length += s.length;
    if (length > budget) throw FULL;
  };
  // A string is cut before quoting, so a huge one is never copied whole.
  const quote = (s: string) => JSON.stringify(s.length > budget - length + 1 ? s.slice(0, Math.max(0, budget - length + 1)) : s);

  /** Writes a value in JSON position; returns false when JSON would leave it out (undefined). */
  const write = (v: unknown, key: string, depth: number): boolean => {
    let x: unknown;
    try {
      x = jsonValue(v, key, ancestors);
    } catch (e) {
      push(unreadable(e));
      return true;
    }
    if (x === CIRCULAR) {
      push('"[circular]"');
      return true;
    }
    switch (typeof x) {
      case "string":
        push(quote(x));
        return true;
      case "number":
        push(Number.isFinite(x) ? JSON.stringify(x) : "null");
        return true;
      case "boolean":
        push(String(x));
        return true;
      case "undefined":
        return false;
      // JSON would drop these, but in an error they are often what went wrong: they are shown.
      case "function":
        push(`[function ${functionName(x)}]`);
        return true;
      case "symbol":
        push(cut(safeString(x), 60));
        return true;
      case "bigint":
        push(quote(`${x}n`));
        return true;
    }
    if (x === null) {
      push("null");
      return true;
    }
    if (depth >= MAX_DEPTH) {
      push("…");
      throw FULL;
    }
    const obj = x as object;
    ancestors.add(obj);
    try {
      writeContainer(obj, depth);
    } finally {
      ancestors.delete(obj);
    }
    return true;
  };

  const writeContainer = (obj: object, depth: number) => {
    let kind: "array" | "map" | "set" | "record";
    try {
      kind = Array.isArray(obj) ? "array" : obj instanceof Map ? "map" : obj instanceof Set ? "set" : "record";
    } catch (e) {
      push(unreadable(e));
      return;
    }
    if (kind === "array" || kind === "set") {
      push("[");
      let i = 0;
      const item = (v: unknown) => {
        if (i++ > 0) push(",");
        if (!write(v, String(i - 1), depth + 1)) push("null");
      };
      try {
        if (kind === "array") {
          const a = obj as unknown[];
          for (let j = 0; j < a.length; j++) item(readField(a, j));
        } else for (const v of obj as Set<unknown>) item(v);
      } catch (e) {
        if (e === FULL) throw e;
        push(unreadable(e));
      }
      push("]");
      return;
    }
    // Maps read as records, as they did when rendered through Object.fromEntries.
    push("{");
    let n = 0;
    const field = (k: string, v: unknown) => {
      const mark = out.length;
      const markLength = length;
      if (n > 0) push(",");
      push(`${quote(k)}:`);
      if (write(v, k, depth + 1)) n++;
      else {
        // JSON leaves such a field out: so does this.
        out.length = mark;
        length = markLength;
      }
    };
    try {
      if (kind === "map") for (const [k, v] of obj as Map<unknown, unknown>) field(safeString(k), v);
      else for (const k of Object.keys(obj)) field(k, readField(obj, k));
    } catch (e) {
      if (e === FULL) throw e;
      push(unreadable(e));
    }
    push("}");
  };

  try {
    switch (typeof value) {
      case "string":
        return quote(value);
      case "undefined":
        return "undefined";
      case "bigint":
        return `${value}n`;
      case "function":
        return `[function ${functionName(value)}]`;
      case "symbol":
        return cut(safeString(value), budget + 1);
      case "number":
        return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    }
    if (!write(value, "", 0)) return "undefined";
  } catch (e) {
    if (e !== FULL) return unreadable(e);
  }
  return out.join("");
}

const CIRCULAR = Symbol("circular");

/** What JSON.stringify would serialize for `v` (after toJSON), with beamlab's own replacements. */
function jsonValue(v: unknown, key: string, ancestors: Set<object>): unknown {
  if (v !== null && typeof v === "object") {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") v = toJSON.call(v, key);
  }
  if (v === null || typeof v !== "object") return v;
  if (ancestors.has(v)) return CIRCULAR;
  // Boxed primitives serialize as their value, as in JSON.
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return v.valueOf();
  return v;
}

function readField(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch (e) {
    return new Unreadable(e);
  }
}

/** A field whose getter threw: rendered as `[unreadable: …]`. */
class Unreadable {
  constructor(readonly error: unknown) {}
  toJSON(): never {
    throw this.error;
  }
}

/** A short description of something thrown while reading a value. */
function unreadable(e: unknown): string {
  return `[unreadable: ${describeThrown(e)}]`;
}

/**
 * `Name: message` of an Error, or a rendering of any other thrown value, in at most `max`
 * characters. Never throws.
 */
export function describeThrown(e: unknown, max = 80): string {
  try {
    if (isError(e)) {
      // Cut before joining: a 10 MB message is never copied whole.
      const name = readText(() => (e as Error).name).slice(0, max);
      const message = readText(() => (e as Error).message).slice(0, max);
      return cut(message ? `${name}: ${message}` : name, max);
    }
    return cut(renderValue(e, max), max);
  } catch {
    return "a value that cannot be read";
  }
}

/** `value instanceof Error`, false instead of throwing (a Proxy's getPrototypeOf trap may). */
export function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** A property read as text, or a placeholder when reading it throws (a getter). */
function readText(read: () => unknown): string {
  try {
    return safeString(read());
  } catch {
    return "[unreadable]";
  }
}

/** String(v), or a placeholder when that throws (a symbol never does; a toString may). */
function safeString(v: unknown): string {
  try {
    return typeof v === "string" ? v : String(v);
  } catch {
    return "[unreadable]";
  }
}

function functionName(f: Function): string {
  try {
    const name = f.name;
    return typeof name === "string" && name ? cut(name, 60) : "anonymous";
  } catch {
    return "anonymous";
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
