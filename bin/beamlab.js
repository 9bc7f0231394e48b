#!/usr/bin/env node
// beamlab CLI: start JupyterLab on notebooks/ or execute notebooks headless
// with the real tslab kernel, scaffold a course folder, author and grade
// assignments. Works in this repository and in any course folder that installed
// beamlab (scripts/layout.cjs tells the two apart).
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { PACKAGE, projectRoot } = require("../scripts/layout.cjs");

/** The beamlab package (its dist/, scripts/). */
const PKG = PACKAGE;
/** The project: this repository, or the course folder (its .venv, notebooks/). */
const ROOT = projectRoot();
const VENV = path.join(ROOT, ".venv");
const VENV_BIN = path.join(VENV, "bin");

const HELP = `beamlab — Beam-style TypeScript pipelines in JupyterLab (tslab)

Usage:
  beamlab init <dir> [--with-course-notebooks] [--with-assignment]
        [--beamlab SPEC|FILE.tgz] [--no-install]
      Scaffold a course folder: package.json (npm start / npm test), tsconfig.json,
      notebooks/ (optionally the six course notebooks and the sample assignment
      a1-college-cleanup), datasets/college, a README for students, .gitignore;
      then 'npm install' in it (not with --no-install). The course depends on
      beamlab SPEC (default ^<this version>); a .tgz is copied into the folder.
  beamlab start [--verbose] [lab args...]
      Bootstrap the project (.venv with JupyterLab, the tslab kernel, the
      extension, the warehouse) and start JupyterLab: what 'npm start' runs.
  beamlab test
      Bootstrap, run every notebook under notebooks/ headless (on a copy of the
      warehouse; executed copies go to a temporary folder) and grade the sample
      submissions of every assignment that has some: what a course's 'npm test' runs.
  beamlab lab [--port N] [--verbose] [extra jupyter-lab args...]
      Start JupyterLab (from .venv) with notebooks/ as its root, on 127.0.0.1,
      and print the URL to open. JupyterLab's own log goes to
      .bootstrap/jupyterlab.log (and to the terminal too with --verbose).
      --no-browser is added when CI is set or there is no display.
  beamlab run [--out DIR] [--timeout SECONDS] <notebook.ipynb>...
      Execute notebooks headless with the tslab kernel (nbclient), each in its
      own directory. Executed notebooks are saved in place, or into DIR with
      --out. Exits 1 and prints "notebook <path>, cell <n>: <ename>: <evalue>"
      for every failing cell.
  beamlab assign <source.ipynb> --out DIR
      From an assignment's source notebook (tagged //# question, //# test,
      //# setup cells), write DIR/student/<name>.ipynb (solutions replaced by
      stubs, hidden tests removed) and DIR/autograder/ (solutions, all tests,
      hidden data). Exits 1 naming every problem when the source is invalid.
  beamlab grade <autograder-dir> <submission.ipynb or folder>... --out DIR
        [--workers N] [--timeout S] [--submission-timeout S] [--memory MiB]
      Grade submissions in parallel (default workers: the cores), each in its
      own sandboxed process, against the bundle 'assign' wrote. Writes
      DIR/grades.csv, grades.json, results/<name>/results.json (Gradescope)
      and feedback/<name>.html. --timeout is per cell (default 60 s). Exits 0
      when every submission was graded, 1 when grading could not run.
  beamlab slides <notebook.ipynb> --out deck.html
      Turn the step-through players of a run notebook (await beam.stepThrough(...))
      into one self-contained HTML slide deck: a slide per step, keyboard
      navigation (arrows, Space, Home, End), no network requests.
  beamlab help
      Show this help.

Environment:
  BEAMLAB_WAREHOUSE  DuckDB warehouse file (default: <project>/notebooks/warehouse.duckdb)
  BEAMLAB_PROJECT    the project folder (default: the course folder at or above the
                     working directory, else the one beamlab is installed in)
  CI                 when set, 'lab' never opens a browser

'start' (or 'npm start') bootstraps the project; 'lab' and 'run' need that done first.`;

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
    die(`${path.relative(process.cwd(), p) || p} not found; run 'npm start' (or 'beamlab start') first ` +
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

/** Where `beamlab lab` keeps JupyterLab's own log (it prints a lot; we print a few lines). */
const LAB_LOG = path.join(ROOT, ".bootstrap", "jupyterlab.log");
/** The line of JupyterLab's log that has the URL to open, token included. */
const LAB_URL = /(https?:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?\/lab\?token=[\w-]+)/;

const say = (text) => process.stdout.write(`[beamlab] ${text}\n`);

function cmdLab(argv) {
  const jupyter = requireVenv("jupyter");
  const extra = [];
  let port;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--port") {
      port = argv[++i];
      if (!port || !/^\d+$/.test(port)) die("--port needs a number");
    } else if (a.startsWith("--port=")) {
      port = a.slice("--port=".length);
      if (!/^\d+$/.test(port)) die("--port needs a number");
    } else if (a === "--verbose") {
      verbose = true;
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

  fs.mkdirSync(path.dirname(LAB_LOG), { recursive: true });
  const log = fs.createWriteStream(LAB_LOG);
  const logName = path.relative(process.cwd(), LAB_LOG) || LAB_LOG;
  // Its own process group: Ctrl+C reaches only us, and we stop JupyterLab with SIGTERM,
  // which shuts it down at once (its own SIGINT handler asks "Shutdown this server?" first).
  const child = spawn(jupyter, args, { env: beamlabEnv(), cwd: notebooks, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let url = null;
  let seen = "";
  const onOutput = (stream) => (chunk) => {
    log.write(chunk);
    if (verbose) stream.write(chunk);
    if (url) return;
    seen = (seen + chunk.toString()).slice(-4096);
    const m = LAB_URL.exec(seen);
    if (!m) return;
    url = m[1];
    say("ready (Ctrl+C stops it); open this URL in your browser:");
    process.stdout.write(`${url}\n`);
  };
  child.stdout.on("data", onOutput(process.stdout));
  child.stderr.on("data", onOutput(process.stderr));
  say(`starting JupyterLab on notebooks/ (its log: ${logName})`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    say("stopping JupyterLab");
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch { /* already gone */ }
    setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch { /* gone */ }
    }, 10000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("error", (err) => die(`cannot start ${jupyter}: ${err.message}`, 1));
  child.on("exit", (code, signal) => {
    log.end();
    if (!stopping) {
      // It stopped by itself: say why, from the end of its log.
      const tail = fs.existsSync(LAB_LOG) ? fs.readFileSync(LAB_LOG, "utf8").trimEnd().split("\n").slice(-20).join("\n") : "";
      if (!verbose && tail) process.stderr.write(`${tail}\n`);
      process.stderr.write(`beamlab: JupyterLab exited with ${signal ?? code} (its log: ${logName})\n`);
      process.exit(code || 1);
    }
    process.exit(0);
  });
}

function cmdRun(argv) {
  const python = requireVenv("python");
  const script = path.join(PKG, "scripts", "run_notebooks.py");
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

/** A compiled module of the package, or exit saying how to get it. */
function packageModule(...parts) {
  const lib = path.join(PKG, "dist", ...parts);
  if (!fs.existsSync(lib)) die(`${path.relative(process.cwd(), lib) || lib} not found; run 'npm run bootstrap' in the beamlab repository first`);
  return require(lib);
}

function cmdAssign(argv) {
  process.exitCode = packageModule("lib", "grading", "assign.js").assignCli(argv);
}

function cmdGrade(argv) {
  // Assignments without hidden data are graded on the project's warehouse.
  process.env.BEAMLAB_WAREHOUSE ??= path.join(ROOT, "notebooks", "warehouse.duckdb");
  packageModule("lib", "grading", "grade-cli.js").gradeCli(argv).then((code) => { process.exitCode = code; });
}

function cmdSlides(argv) {
  process.exitCode = packageModule("lib", "teaching", "slides.js").slidesCli(argv);
}

function cmdInit(argv) {
  packageModule("lib", "course", "init.js").initCli(argv).then((code) => { process.exitCode = code; });
}

function cmdStart(argv) {
  runChild(process.execPath, [path.join(PKG, "scripts", "start.mjs"), ...argv], { env: { ...process.env, BEAMLAB_PROJECT: ROOT } });
}

function cmdTest(argv) {
  if (argv.length) die(`'test' takes no arguments (it runs every notebook under ${path.join(ROOT, "notebooks")})`);
  const boot = require("node:child_process").spawnSync(process.execPath, [path.join(PKG, "scripts", "bootstrap.mjs")], { stdio: "inherit", env: { ...process.env, BEAMLAB_PROJECT: ROOT } });
  if (boot.status !== 0) process.exit(boot.status ?? 1);
  packageModule("lib", "course", "course-test.js").courseTest({ project: ROOT, cli: __filename }).then((code) => { process.exitCode = code; });
}

function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "init":
      return cmdInit(rest);
    case "start":
      return cmdStart(rest);
    case "test":
      return cmdTest(rest);
    case "lab":
      return cmdLab(rest);
    case "run":
      return cmdRun(rest);
    case "assign":
      return cmdAssign(rest);
    case "grade":
      return cmdGrade(rest);
    case "slides":
      return cmdSlides(rest);
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
