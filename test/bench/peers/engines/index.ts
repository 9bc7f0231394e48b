/**
 * The engines of the benchmark, by id. Each entry loads its module on demand, so that a
 * child process measures the engine's own start-up. Beam Python's engines run in Python
 * (./beam_python.py); their entries say how to start it.
 */
import type { Engine } from "./engine";

export type EngineId =
  | "loop"
  | "beamlab-direct"
  | "beamlab-interactive"
  | "beamlab-interactive-cached"
  | "beamlab-local-1"
  | "beamlab-local-2"
  | "beamlab-spark"
  | "arquero"
  | "duckdb"
  | "npm-beam"
  | "beam-python-direct"
  | "beam-python-prism"
  | "beam-python-ib";

/** Node engines: a loader of the module that holds each. */
export const NODE_ENGINES: Partial<Record<EngineId, () => Promise<Engine>>> = {
  loop: async () => (await import("./loop")).loop,
  "beamlab-direct": async () => (await import("./beamlab")).direct,
  "beamlab-interactive": async () => (await import("./beamlab")).interactiveFirst,
  "beamlab-interactive-cached": async () => (await import("./beamlab")).interactiveReshow,
  "beamlab-local-1": async () => (await import("./beamlab")).local1,
  "beamlab-local-2": async () => (await import("./beamlab")).local2,
  "beamlab-spark": async () => (await import("./beamlab")).sparkLocal2,
  arquero: async () => (await import("./arquero")).arquero,
  duckdb: async () => (await import("./duckdb")).duckdb,
  "npm-beam": async () => (await import("./npm-beam")).npmBeam,
};

/** Beam Python's engines: the runner argument of beam_python.py. */
export const PYTHON_ENGINES: Partial<Record<EngineId, string>> = {
  "beam-python-direct": "direct",
  "beam-python-prism": "prism",
  "beam-python-ib": "interactive",
};

/** What the report calls each engine. */
export const ENGINE_NAMES: Record<EngineId, string> = {
  loop: "TypeScript loop",
  "beamlab-direct": "beamlab direct",
  "beamlab-interactive": "beamlab interactive, first show",
  "beamlab-interactive-cached": "beamlab interactive, cached re-show",
  "beamlab-local-1": "beamlab local, 1 worker",
  "beamlab-local-2": "beamlab local, 2 workers",
  "beamlab-spark": "beamlab Spark local[2]",
  arquero: "arquero",
  duckdb: "DuckDB SQL",
  "npm-beam": "apache-beam npm, direct runner",
  "beam-python-direct": "Beam Python DirectRunner (FnApiRunner)",
  "beam-python-prism": "Beam Python on Prism",
  "beam-python-ib": "Interactive Beam ib.collect",
};

export const ALL_ENGINES = Object.keys(ENGINE_NAMES) as EngineId[];
/** beamlab's own engines, which also run at 5M rows. */
export const BEAMLAB_ENGINES = ALL_ENGINES.filter((e) => e.startsWith("beamlab"));
