#!/usr/bin/env node
// beamlab CLI: start JupyterLab on notebooks/ or execute notebooks headless
// with the real tslab kernel. Needs `npm run bootstrap` (creates .venv and the
// tslab kernelspec) first.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const VENV = path.join(ROOT, ".venv");
const VENV_BIN = path.join(VENV, "bin");

const HELP = `beamlab — Beam-style TypeScript pipelines in JupyterLab (tslab)

Usage:
  beamlab lab [--port N] [extra jupyter-lab args...]
      Start JupyterLab (from .venv) with notebooks/ as its root, on 127.0.0.1.
      --no-browser is added when CI is set or there is no display.
  beamlab run [--out DIR] [--timeout SECONDS] <notebook.ipynb>...
      Execute notebooks headless with the tslab kernel (nbclient), each in its
      own directory. Executed notebooks are saved in place, or into DIR with
      --out. Exits 1 and prints "notebook <path>, cell <n>: <ename>: <evalue>"
      for every failing cell.
  beamlab help
      Show this help.

Environment:
  BEAMLAB_WAREHOUSE  DuckDB warehouse file (default: <repo>/notebooks/warehouse.duckdb)
  CI                 when set, 'lab' never opens a browser

Run 'npm run bootstrap' first: it builds dist/, the .venv and the tslab kernelspec.`;

function die(msg, code = 2) {
  process.stderr.write(`beamlab: ${msg}\n`);
  process.exit(code);
}

/** Environment shared by `lab` and `run`. */
function beamlabEnv() {
  const env = { ...process.env };
  const parts = [path.join(ROOT, "node_modules", ".bin"), VENV_BIN];
  env.PATH = [...parts, env.PATH || ""].filter(Boolean).join(path.delimiter);
  if (!env.BEAMLAB_WAREHOUSE) {
    env.BEAMLAB_WAREHOUSE = path.join(ROOT, "notebooks", "warehouse.duckdb");
  } else {
    env.BEAMLAB_WAREHOUSE = path.resolve(env.BEAMLAB_WAREHOUSE);
  }
  // Our kernelspecs (.venv/share/jupyter) take precedence over any user-wide
  // or system-wide "tslab" kernelspec.
  const jp = path.join(VENV, "share", "jupyter");
  env.JUPYTER_PATH = [jp, env.JUPYTER_PATH || ""].filter(Boolean).join(path.delimiter);
  env.VIRTUAL_ENV = VENV;
  env.PYTHONUNBUFFERED = "1";
  return env;
}

function requireVenv(exe) {
  const p = path.join(VENV_BIN, exe);
  if (!fs.existsSync(p)) {
    die(`${path.relative(process.cwd(), p) || p} not found; run 'npm run bootstrap' first ` +
      `(and not with BEAMLAB_SKIP_VENV=1)`);
  }
  return p;
}

function runChild(cmd, args, opts) {
  const child = spawn(cmd, args, { stdio: "inherit", ...opts });
  const forward = (sig) => { try { child.kill(sig); } catch { /* already gone */ } };
  process.on("SIGINT", () => forward("SIGINT"));
  process.on("SIGTERM", () => forward("SIGTERM"));
  child.on("error", (err) => die(`cannot start ${cmd}: ${err.message}`, 1));
  child.on("exit", (code, signal) => {
    if (signal) process.exit(128 + (require("node:os").constants.signals[signal] || 1));
    process.exit(code ?? 1);
  });
}

function cmdLab(argv) {
  const jupyter = requireVenv("jupyter");
  const extra = [];
  let port;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") {
      port = argv[++i];
      if (!port || !/^\d+$/.test(port)) die("--port needs a number");
    } else if (a.startsWith("--port=")) {
      port = a.slice("--port=".length);
      if (!/^\d+$/.test(port)) die("--port needs a number");
    } else {
      extra.push(a);
    }
  }
  const notebooks = path.join(ROOT, "notebooks");
  fs.mkdirSync(notebooks, { recursive: true });
  const headless =
    !!process.env.CI ||
    (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
  const args = [
    "lab",
    `--ServerApp.root_dir=${notebooks}`,
    "--ip=127.0.0.1",
    "--allow-root",
    "--MappingKernelManager.default_kernel_name=tslab",
  ];
  if (port) args.push(`--port=${port}`);
  if (headless && !extra.includes("--no-browser")) args.push("--no-browser");
  args.push(...extra);
  runChild(jupyter, args, { env: beamlabEnv(), cwd: notebooks });
}

function cmdRun(argv) {
  const python = requireVenv("python");
  const script = path.join(ROOT, "scripts", "run_notebooks.py");
  const args = [script];
  const notebooks = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out" || a === "--timeout" || a === "--kernel") {
      const v = argv[++i];
      if (v === undefined) die(`${a} needs a value`);
      args.push(a, a === "--out" ? path.resolve(v) : v);
    } else if (/^--(out|timeout|kernel)=/.test(a)) {
      const [k, v] = [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)];
      args.push(k, k === "--out" ? path.resolve(v) : v);
    } else if (a.startsWith("-")) {
      die(`unknown option for 'run': ${a}`);
    } else {
      notebooks.push(path.resolve(a));
    }
  }
  if (notebooks.length === 0) die("'run' needs at least one notebook (.ipynb)");
  for (const nb of notebooks) if (!fs.existsSync(nb)) die(`no such notebook: ${nb}`);
  args.push("--", ...notebooks);
  runChild(python, args, { env: beamlabEnv(), cwd: process.cwd() });
}

function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "lab":
      return cmdLab(rest);
    case "run":
      return cmdRun(rest);
    case undefined:
    case "help":
    case "-h":
    case "--help":
      process.stdout.write(HELP + "\n");
      return;
    default:
      process.stderr.write(`beamlab: unknown command '${cmd}'\n\n${HELP}\n`);
      process.exit(2);
  }
}

main(process.argv.slice(2));
