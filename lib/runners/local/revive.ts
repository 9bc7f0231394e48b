/**
 * The worker's side of `./movable.ts`: makes moved values again. Sources are evaluated once
 * per worker, with `beam` (this worker's beamlab), `require` (resolving from the notebook's
 * folder) and, as `exports`, the notebook imports they read.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import type { ModuleImport } from "./notebook-imports";
import { BEAMLAB_SPECIFIER, type Moved } from "./movable";

const BEAMLAB_INDEX = path.resolve(__dirname, "../../index.js");

/** Rebuilds moved values in one worker. */
export class Reviver {
  private readonly evaluated = new Map<string, unknown>();
  private readonly req: NodeJS.Require;

  constructor(cwd: string) {
    this.req = createRequire(path.join(cwd, "noop.js"));
  }

  revive(m: Moved): unknown {
    switch (m.m) {
      case "data":
        return m.value;
      case "global":
        return (globalThis as Record<string, unknown>)[m.name];
      case "export":
        return (require(m.file) as Record<string, unknown>)[m.name];
      case "source":
        return this.evaluate(m.expr, m.imports);
      case "array":
        return m.items.map((x) => this.revive(x));
      case "object": {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(m.fields)) o[k] = this.revive(v);
        return o;
      }
      case "instance": {
        const cls = this.revive(m.cls) as { prototype: object };
        const o = Object.create(cls.prototype) as Record<string, unknown>;
        for (const [k, v] of Object.entries(m.fields)) o[k] = this.revive(v);
        return o;
      }
    }
  }

  private evaluate(expr: string, imports: Record<string, ModuleImport>): unknown {
    const key = `${expr}\u0000${JSON.stringify(imports)}`;
    if (this.evaluated.has(key)) return this.evaluated.get(key);
    const exportsObject: Record<string, unknown> = {};
    for (const [name, imp] of Object.entries(imports)) exportsObject[name] = this.load(imp);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- re-evaluating moved source is the point
    const make = new Function("exports", "require", "beam", `"use strict"; return (${expr}\n);`) as (e: unknown, r: unknown, b: unknown) => unknown;
    const value = make(exportsObject, this.req, require(BEAMLAB_INDEX));
    this.evaluated.set(key, value);
    return value;
  }

  private load(imp: ModuleImport): unknown {
    const mod = imp.specifier === BEAMLAB_SPECIFIER ? require(BEAMLAB_INDEX) : this.req(imp.specifier);
    // As TypeScript's emitted helpers make them (tslab's cells read `exports.x.default` for a default import).
    const esm = (mod as { __esModule?: boolean }).__esModule === true;
    if (imp.form === "namespace") return esm ? mod : { ...(mod as object), default: mod };
    if (imp.form === "default") return esm ? mod : { default: mod };
    return (mod as Record<string, unknown>)[imp.form.named];
  }
}
