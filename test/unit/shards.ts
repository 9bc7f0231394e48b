/**
 * Reading what text sinks wrote, in a form that compares as a multiset across runners
 * (not a test file itself): the runner-equivalence tests share it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

/** Every line of every file starting with `prefix` (all shards), parsed, in a canonical order; fails on a leftover temporary file. */
export function readShards(prefix: string): string[] {
  const dir = path.dirname(prefix);
  const names = fs.readdirSync(dir);
  assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), [], "no temporary file is left");
  const lines: string[] = [];
  for (const n of names.filter((n) => n.startsWith(path.basename(prefix)))) {
    const text = fs.readFileSync(path.join(dir, n), "utf8");
    for (const l of text.split("\n")) if (l !== "") lines.push(canonical(l));
  }
  return lines.sort();
}

/** A line with the arrays in it sorted: groups may list their values in another order. */
export function canonical(line: string): string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return line;
  }
  const walk = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(walk).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : x && typeof x === "object" ? Object.fromEntries(Object.entries(x).sort().map(([k, y]) => [k, walk(y)])) : x;
  return JSON.stringify(walk(v));
}
