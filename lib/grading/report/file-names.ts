/**
 * File names for submissions: a submission's name is whatever its student called the
 * notebook, so it is made safe before it names a file or a folder.
 */
import { createHash } from "node:crypto";

/** Names the report folders hold already, and names Windows refuses (CON, NUL, COM1, …). */
const RESERVED = /^(index|con|prn|aux|nul|com\d|lpt\d)$/i;
const MAX_CHARS = 80;

const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 8);

/** `s` in letters, digits, `.`, `_` and `-`, never starting with `.` (so never `..`) or `-`, never empty. */
function sanitize(s: string): string {
  const plain = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[.-]+/, "_")
    .replace(/[.]+$/, "_")
    .slice(0, MAX_CHARS);
  return plain || "submission";
}

/**
 * A safe, distinct file name (without extension) for each submission name, in order:
 * a name that is safe already stays as it is; any other gets a short hash of the original,
 * so `a/b` and `a:b` do not both become `a_b`. Names equal but for case are told apart too
 * (macOS and Windows folders ignore case), and so are repeated names (`-2`, `-3`).
 */
export function safeFileNames(names: readonly string[]): string[] {
  const bases = names.map(sanitize);
  const folded = new Map<string, Set<string>>();
  bases.forEach((b, i) => {
    const set = folded.get(b.toLowerCase()) ?? new Set<string>();
    set.add(names[i]);
    folded.set(b.toLowerCase(), set);
  });
  const used = new Set<string>();
  return names.map((name, i) => {
    const base = bases[i];
    const clash = base !== name || RESERVED.test(base.split(".")[0]) || folded.get(base.toLowerCase())!.size > 1;
    let out = clash ? `${base}-${hash(name)}` : base;
    for (let n = 2; used.has(out.toLowerCase()); n++) out = `${clash ? `${base}-${hash(name)}` : base}-${n}`;
    used.add(out.toLowerCase());
    return out;
  });
}
