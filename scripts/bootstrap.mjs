#!/usr/bin/env node
// beamlab bootstrap: brings a checkout to a runnable state. Idempotent: every
// step keeps a stamp under .bootstrap/ with a hash of its inputs and is skipped
// ("ok (cached)") while that hash and the step's outputs are unchanged.
//
//   node scripts/bootstrap.mjs [--browser] [--prism] [--bench] [--spark] [--verbose]
//
// Prints one line per step; --verbose adds what each step did and the output of the
// commands it ran.
//
// Steps: npm ci (+ native module check) · node_modules/beamlab symlink · tsc ·
// Python .venv from requirements.txt · tslab kernelspec in .venv · kernel-ext
// (if present: built into dist/wheels/, the wheel `npm pack` ships, and installed) ·
// JupyterLab settings overrides in .venv · college warehouse load (if
// dist/datasets/load.js exists) · chromium (only with --browser) · Beam's Prism
// runner in .cache/go (only with --prism; the portable runner's tests build it too) ·
// Apache Beam Python in .venv-bench from test/bench/peers/requirements.txt, with Prism
// (only with --bench: the peers benchmark and its test) ·
// pyspark in .venv-spark (only with --spark or --bench; the Spark runner's tests install it too).
//
// In a course folder (one that installed beamlab: `beamlab start` / `beamlab test` run
// this file from node_modules/beamlab) the first three steps are npm's and the package's
// own; the rest run on the course folder, with the extension from the shipped wheel and
// the course's datasets/college (see scripts/layout.cjs for which folder is which).
//
// Environment:
//   BEAMLAB_SKIP_VENV=1   skip the Python steps (venv, kernelspec, kernel-ext)
//   BEAMLAB_SKIP_BUILD=1  skip tsc (development, while lib/ does not compile)
//   BEAMLAB_PYTHON        interpreter used to create .venv (default: python3)
//   BEAMLAB_WAREHOUSE     warehouse file for the data load (default: notebooks/warehouse.duckdb)
//   BEAMLAB_PROJECT       the folder to bootstrap (default: scripts/layout.cjs's projectRoot)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import layout from "./layout.cjs";
import { filesBelow } from "./walk.mjs";

/** The beamlab package: this repository, or node_modules/beamlab of a course folder. */
const PKG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The folder bootstrapped: the repository, or the course folder. */
const ROOT = layout.projectRoot();
const COURSE = ROOT !== PKG;
/** Where the repository builds the extension's wheel, and where the package ships it. */
const WHEELS = path.join(PKG, "dist", "wheels");
const STAMPS = path.join(ROOT, ".bootstrap");
const VENV = path.join(ROOT, ".venv");
const VENV_BIN = path.join(VENV, "bin");
const NM = path.join(ROOT, "node_modules");
const WAREHOUSE = process.env.BEAMLAB_WAREHOUSE
  ? path.resolve(process.env.BEAMLAB_WAREHOUSE)
  : path.join(ROOT, "notebooks", "warehouse.duckdb");
/** The node_modules that holds the package's dependencies (tslab, typescript, ...). */
const requireFromPkg = createRequire(path.join(PKG, "package.json"));
const packageDir = (name) => path.dirname(requireFromPkg.resolve(`${name}/package.json`));

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (a === "-h" || a === "--help") {
    console.log("usage: node scripts/bootstrap.mjs [--browser] [--prism] [--bench] [--spark] [--verbose]\n" +
      "env: BEAMLAB_SKIP_VENV=1 (no Python steps), BEAMLAB_SKIP_BUILD=1 (no tsc), BEAMLAB_PYTHON");
    process.exit(0);
  } else if (a !== "--browser" && a !== "--prism" && a !== "--bench" && a !== "--spark" && a !== "--verbose") {
    fail(`unknown argument ${a} (usage: node scripts/bootstrap.mjs [--browser] [--prism] [--bench] [--spark] [--verbose])`);
  }
}
const WANT_BROWSER = args.has("--browser");
const WANT_BENCH = args.has("--bench");
// Beam Python's Prism runner runs on the binary the portable runner builds.
const WANT_PRISM = args.has("--prism") || WANT_BENCH;
// The peers benchmark runs beamlab on Spark local[2] too.
const WANT_SPARK = args.has("--spark") || WANT_BENCH;
const VERBOSE = args.has("--verbose");
const SKIP_VENV = truthy(process.env.BEAMLAB_SKIP_VENV);
const SKIP_BUILD = truthy(process.env.BEAMLAB_SKIP_BUILD);

function truthy(v) {
  return !!v && !/^(0|false|no|off)$/i.test(v);
}

// ---------------------------------------------------------------- helpers

class StepError extends Error {
  constructor(message, output = "") {
    super(message);
    this.output = output;
  }
}

function fail(msg) {
  process.stderr.write(`[bootstrap] ERROR: ${msg}\n`);
  process.exit(1);
}

/** Run a command; capture its output and throw a StepError (with output) if it fails. */
function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
    ...opts,
  });
  const output = `${r.stdout || ""}${r.stderr || ""}`;
  const shown = [cmd.startsWith(ROOT + path.sep) ? path.relative(ROOT, cmd) : cmd, ...argv].join(" ");
  if (r.error) throw new StepError(`cannot run '${shown}': ${r.error.message}`, output);
  if (r.status !== 0) {
    throw new StepError(`'${shown}' exited with ${r.status ?? r.signal}`, output);
  }
  detail(`$ ${shown}${output.trim() ? `\n${output.trimEnd()}` : ""}`);
  return output;
}

const hash = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? p : JSON.stringify(p)).update("\0");
  return h.digest("hex");
};

const fileHash = (f) => (fs.existsSync(f) ? createHash("sha256").update(fs.readFileSync(f)).digest("hex") : "-");

/**
 * path/size/mtime (or, with byContent, path/sha256) of every file below `dir`
 * passing `keep`, sorted; directories in `skipDirs` are pruned.
 */
function treeSignature(dir, keep = () => true, skipDirs = new Set(["node_modules", ".git"]), byContent = false) {
  const out = [];
  for (const p of filesBelow(dir, skipDirs)) {
    if (!keep(p)) continue;
    try {
      if (byContent) out.push(`${path.relative(ROOT, p)}:${fileHash(p)}`);
      else {
        const st = fs.statSync(p);
        out.push(`${path.relative(ROOT, p)}:${st.size}:${st.mtimeMs}`);
      }
    } catch { /* vanished */ }
  }
  return out.sort().join("\n");
}

function readStamp(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(STAMPS, `${name}.json`), "utf8"));
  } catch {
    return null;
  }
}

function writeStamp(name, data) {
  fs.mkdirSync(STAMPS, { recursive: true });
  const f = path.join(STAMPS, `${name}.json`);
  fs.writeFileSync(`${f}.tmp`, JSON.stringify(data, null, 2) + "\n");
  fs.renameSync(`${f}.tmp`, f);
}

function clearStamp(name) {
  fs.rmSync(path.join(STAMPS, `${name}.json`), { force: true });
}

const t0 = Date.now();
let ranSomething = false;

function line(label, status) {
  console.log(`[bootstrap] ${label}: ${status}`);
}

/** What a step did, in words or command output: shown with --verbose only. */
function detail(text) {
  if (VERBOSE && text) console.log(text.replace(/^/gm, "    "));
}

/**
 * A stamped step. `inputs()` returns the hash of everything the step depends
 * on; `outputs` are paths that must still exist for the cache to hold.
 * `run()` may return extra outputs discovered while running.
 */
function step(name, label, { inputs, outputs = [], valid = () => true, run, rehashAfterRun = false }) {
  const key = inputs();
  const stamp = readStamp(name);
  const stillThere = (stamp?.outputs ?? outputs).every((p) => fs.existsSync(path.join(ROOT, p)));
  if (stamp && stamp.hash === key && stillThere && valid()) {
    line(label, "ok (cached)");
    return;
  }
  clearStamp(name);
  const started = Date.now();
  ranSomething = true;
  let note;
  try {
    note = run();
  } catch (err) {
    if (err instanceof StepError) {
      if (err.output.trim()) process.stderr.write(err.output.trimEnd() + "\n");
      fail(`${label}: ${err.message}`);
    }
    throw err;
  }
  const extraOutputs = (note && note.outputs) || [];
  // Stamp what was built: the inputs as they were before the run, so an edit made while
  // the step ran is seen next time; only a step that rewrites its own inputs (npm) rehashes.
  writeStamp(name, { hash: rehashAfterRun ? inputs() : key, outputs: [...outputs, ...extraOutputs], at: new Date().toISOString() });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  line(label, `ok (${secs}s)`);
  if (note && note.message) detail(note.message);
}

// -------------------------------------------------------------- lock

// One bootstrap at a time per checkout (e.g. `npm test` while `npm start` runs).
const LOCK = path.join(STAMPS, "lock");
function acquireLock() {
  fs.mkdirSync(STAMPS, { recursive: true });
  const deadline = Date.now() + 30 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: "wx" });
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    let pid = 0;
    try {
      pid = Number(fs.readFileSync(LOCK, "utf8").trim());
    } catch { /* removed meanwhile */ }
    let alive = false;
    if (pid > 0) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (e) {
        alive = e.code === "EPERM";
      }
    }
    if (!alive) {
      fs.rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) fail(`another bootstrap (pid ${pid}) holds ${path.relative(ROOT, LOCK)}`);
    if (!announced) {
      line("lock", `waiting for bootstrap pid ${pid}`);
      announced = true;
    }
    spawnSync(process.execPath, ["-e", "setTimeout(()=>{},250)"]);
  }
}
const releaseLock = () => {
  try {
    if (fs.readFileSync(LOCK, "utf8").trim() === String(process.pid)) fs.rmSync(LOCK, { force: true });
  } catch { /* gone */ }
};
process.on("exit", releaseLock);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));
acquireLock();

// -------------------------------------------------------------- a. npm ci

const NATIVE_CHECK =
  "for (const m of ['zeromq', '@duckdb/node-api']) {" +
  "  try { require(m); } catch (e) { console.error('cannot load ' + m + ': ' + e.message); process.exitCode = 1; }" +
  "}";

// A course folder's node_modules is npm's (`npm install` put beamlab there); the package
// comes compiled, with its wheel: steps a-c are the repository's only.
if (!COURSE) step("npm", "npm ci", {
  rehashAfterRun: true,
  inputs: () => hash(fileHash(path.join(ROOT, "package-lock.json")), process.versions.modules, process.platform, process.arch),
  outputs: ["node_modules/.package-lock.json"],
  run() {
    if (!fs.existsSync(path.join(ROOT, "package-lock.json"))) {
      throw new StepError("package-lock.json is missing; run 'npm install' to create it");
    }
    const npmEnv = { ...process.env, npm_config_update_notifier: "false" };
    let note;
    try {
      sh("npm", ["ci", "--no-audit", "--no-fund"], { env: npmEnv });
    } catch (err) {
      // npm ci insists that every optional platform package (e.g. @duckdb/node-bindings-darwin-arm64)
      // has a lock entry. A registry that lacks those packages yields a lock without them, which
      // npm ci then refuses ("Missing: X@ from lock file"). Only in that case fall back to an
      // install that follows the lock but does not rewrite it.
      const missing = [...err.output.matchAll(/Missing: (@?[^@\s]+)@\S* from lock file/g)].map((m) => m[1]);
      const optional = new Set();
      try {
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
        for (const pkg of Object.values(lock.packages || {})) {
          for (const n of Object.keys(pkg.optionalDependencies || {})) optional.add(n);
        }
      } catch { /* unreadable lock: no fallback */ }
      if (missing.length === 0 || !missing.every((n) => optional.has(n))) throw err;
      sh("npm", ["install", "--no-save", "--no-audit", "--no-fund"], { env: npmEnv });
      note = { message: `npm ci refused the lock (${missing.length} optional platform package(s) absent from it); used npm install --no-save` };
    }
    try {
      sh(process.execPath, ["-e", NATIVE_CHECK]);
    } catch (err) {
      throw new StepError(
        "native modules do not load (zeromq is needed by the tslab kernel, @duckdb/node-api by the " +
          "warehouse). Their prebuilt binaries ship inside the npm packages; check that this " +
          `platform (${process.platform}-${process.arch}, node ${process.version}) is covered`,
        err.output,
      );
    }
    return note;
  },
});

// -------------------------------------------------------------- b. symlink

if (!COURSE) {
  const link = path.join(NM, "beamlab");
  let ok = false;
  try {
    ok = fs.lstatSync(link).isSymbolicLink() && fs.readlinkSync(link) === "..";
  } catch { /* missing */ }
  if (ok) {
    line("link node_modules/beamlab", "ok (cached)");
  } else {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync("..", link, "dir");
    ranSomething = true;
    line("link node_modules/beamlab", "ok");
    detail("created node_modules/beamlab -> ..");
  }
}

// -------------------------------------------------------------- c. tsc

const TS_DIRS = ["lib", "test", "datasets"];
const isTs = (p) => p.endsWith(".ts") || p.endsWith(".tsx") || p.endsWith(".mts") || p.endsWith(".cts");

/** Remove dist/<dir>/** outputs whose .ts source is gone, so deleted tests stop running. */
function pruneStaleOutputs() {
  let removed = 0;
  for (const dir of TS_DIRS) {
    for (const p of filesBelow(path.join(ROOT, "dist", dir), new Set())) {
      const m = /^(.*)\.(js|js\.map|d\.ts|d\.ts\.map)$/.exec(p);
      if (!m) continue;
      const srcBase = path.join(ROOT, path.relative(path.join(ROOT, "dist"), m[1]));
      if (![".ts", ".tsx"].some((ext) => fs.existsSync(srcBase + ext))) {
        fs.rmSync(p, { force: true });
        removed++;
      }
    }
  }
  return removed;
}

if (COURSE) {
  // compiled by `npm pack` (prepack)
} else if (SKIP_BUILD) {
  line("tsc", "skipped (BEAMLAB_SKIP_BUILD=1)");
} else {
  step("tsc", "tsc", {
    inputs: () =>
      hash(
        fileHash(path.join(ROOT, "tsconfig.json")),
        fileHash(path.join(NM, "typescript", "package.json")),
        ...TS_DIRS.map((d) => treeSignature(path.join(ROOT, d), isTs)),
      ),
    outputs: ["dist"],
    run() {
      const tsc = path.join(NM, ".bin", "tsc");
      if (!fs.existsSync(tsc)) throw new StepError("node_modules/.bin/tsc is missing (npm ci failed?)");
      try {
        sh(tsc, ["-p", "tsconfig.json", "--pretty", "false"]);
      } catch (err) {
        throw new StepError("TypeScript compilation failed (errors above; BEAMLAB_SKIP_BUILD=1 skips this step)", err.output);
      }
      const removed = pruneStaleOutputs();
      return removed ? { message: `pruned ${removed} stale file(s)` } : undefined;
    },
  });
}

// -------------------------------------------------------------- d-f. Python

const venvPython = path.join(VENV_BIN, "python");

function venvKey() {
  return readStamp("venv")?.hash ?? "-";
}

if (SKIP_VENV) {
  line("python .venv", "skipped (BEAMLAB_SKIP_VENV=1)");
  line("jupyterlab settings", "skipped (BEAMLAB_SKIP_VENV=1)");
  line("tslab kernelspec", "skipped (BEAMLAB_SKIP_VENV=1)");
  line("kernel-ext", "skipped (BEAMLAB_SKIP_VENV=1)");
} else {
  // d. venv
  step("venv", "python .venv", {
    inputs: () => hash(fileHash(path.join(PKG, "requirements.txt")), process.env.BEAMLAB_PYTHON || "python3"),
    outputs: [".venv/bin/python", ".venv/bin/jupyter"],
    run() {
      const requirements = path.join(PKG, "requirements.txt");
      if (!fs.existsSync(requirements)) throw new StepError(`${requirements} is missing`);
      let fresh = false;
      const works = fs.existsSync(venvPython) &&
        spawnSync(venvPython, ["-c", "import sys"], { stdio: "ignore" }).status === 0;
      if (!works) {
        fs.rmSync(VENV, { recursive: true, force: true });
        const py = process.env.BEAMLAB_PYTHON || "python3";
        try {
          sh(py, ["-m", "venv", VENV]);
        } catch (err) {
          throw new StepError(`cannot create .venv with '${py} -m venv' (on Debian: apt-get install python3-venv)`, err.output);
        }
        fresh = true;
      }
      sh(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "-r", requirements], {
        env: { ...process.env, PIP_REQUIRE_VIRTUALENV: "false" },
      });
      return { message: fresh ? "created" : "updated" };
    },
  });

  // e. tslab kernelspec
  const kernelsDir = path.join(VENV, "share", "jupyter", "kernels");
  const tslabDir = packageDir("tslab");
  const tslabScript = path.join(tslabDir, "bin", "tslab");
  step("kernelspec", "tslab kernelspec", {
    inputs: () =>
      hash(ROOT, process.execPath, tslabScript, fileHash(path.join(tslabDir, "package.json")), venvKey()),
    outputs: [".venv/share/jupyter/kernels/tslab/kernel.json", ".venv/share/jupyter/kernels/jslab/kernel.json"],
    run() {
      sh(process.execPath, [
        tslabScript,
        "install",
        `--python=${venvPython}`,
        `--prefix=${VENV}`,
        `--binary=${tslabScript}`,
      ]);
      // Point the kernelspecs at this node + this checkout's tslab, so they work
      // without a global tslab and without node on the PATH Jupyter was started with.
      for (const [name, js] of [["tslab", false], ["jslab", true]]) {
        const f = path.join(kernelsDir, name, "kernel.json");
        const spec = JSON.parse(fs.readFileSync(f, "utf8"));
        spec.argv = [process.execPath, tslabScript, "kernel", "--config-path", "{connection_file}", ...(js ? ["--js"] : [])];
        fs.writeFileSync(f, JSON.stringify(spec, null, 2) + "\n");
      }
      const listing = sh(path.join(VENV_BIN, "jupyter"), ["kernelspec", "list", "--json"], {
        env: { ...process.env, JUPYTER_PATH: path.join(VENV, "share", "jupyter") },
      });
      const specs = JSON.parse(listing).kernelspecs || {};
      if (!specs.tslab || !path.resolve(specs.tslab.resource_dir).startsWith(VENV)) {
        throw new StepError("'jupyter kernelspec list' does not show the tslab kernel from .venv", listing);
      }
      return { message: `${specs.tslab.spec.display_name} -> ${path.relative(ROOT, specs.tslab.resource_dir)}` };
    },
  });

  // f. kernel-ext (JupyterLab extension, written separately). The repository builds its
  // wheel into dist/wheels/ and installs that wheel, so `npm pack` ships exactly what the
  // repository's own JupyterLab runs; a course folder installs the shipped wheel.
  const extDir = path.join(PKG, "kernel-ext");
  const pipInstallWheel = (wheel) =>
    sh(venvPython, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "--force-reinstall", "--no-deps", wheel]);
  if (COURSE) {
    const wheel = shippedWheel();
    if (!wheel) fail(`kernel-ext: no beamlab_ext wheel in ${WHEELS} (a beamlab package is made by 'npm pack', which builds it)`);
    step("kernel-ext", "kernel-ext", {
      inputs: () => hash(venvKey(), fileHash(wheel)),
      run() {
        pipInstallWheel(wheel);
        return { message: `installed ${path.basename(wheel)}` };
      },
    });
  } else if (!fs.existsSync(path.join(extDir, "pyproject.toml"))) {
    line("kernel-ext", "skipped (no kernel-ext/pyproject.toml)");
  } else {
    const generated = new Set(["node_modules", ".git", "lib", "labextension", "build", "dist", ".yarn", "__pycache__",
      ".ipynb_checkpoints"]);
    step("kernel-ext", "kernel-ext", {
      inputs: () =>
        hash(
          "wheel",
          venvKey(),
          // Files the build itself writes (hatch's _version.py, tsc's buildinfo) are not inputs.
          treeSignature(extDir, (p) => !p.endsWith(".tsbuildinfo") && !p.includes(".egg-info") && !p.endsWith("_version.py"), generated),
          // The extension compiles the browser-safe modules of lib/display in (the wire
          // format, the filter language, previews, the graph view, ...): a change there
          // must rebuild it too. All of lib/display, so a new shared module is never missed.
          treeSignature(path.join(ROOT, "lib", "display"), (p) => p.endsWith(".ts")),
        ),
      run() {
        // One wheel in dist/wheels/: the one just built is the one `npm pack` ships.
        fs.rmSync(WHEELS, { recursive: true, force: true });
        sh(venvPython, ["-m", "pip", "wheel", "--disable-pip-version-check", "--no-input", "-q", "--no-deps", "-w", WHEELS, "./kernel-ext"]);
        const wheel = shippedWheel();
        if (!wheel) throw new StepError(`pip wheel wrote no beamlab_ext wheel into ${path.relative(ROOT, WHEELS)}`);
        pipInstallWheel(wheel);
        return { outputs: [path.relative(ROOT, wheel)], message: `built and installed ${path.relative(ROOT, wheel)}` };
      },
    });
  }
}

/** The extension's wheel in dist/wheels/ (null when there is none). */
function shippedWheel() {
  let names = [];
  try {
    names = fs.readdirSync(WHEELS).filter((n) => /^beamlab_ext-.+\.whl$/.test(n)).sort();
  } catch { /* no folder */ }
  return names.length ? path.join(WHEELS, names.at(-1)) : null;
}

// -------------------------------------------------------------- f2. JupyterLab settings

// The project's JupyterLab asks no "get notified about official Jupyter news?" question
// and checks for no updates: settings overrides in .venv apply to every user of this
// JupyterLab and leave the user's own settings alone.
const OVERRIDES = path.join(VENV, "share", "jupyter", "lab", "settings", "overrides.json");
const OUR_OVERRIDES = {
  "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
};
if (!SKIP_VENV) {
  step("lab-settings", "jupyterlab settings", {
    inputs: () => hash(OUR_OVERRIDES, venvKey(), fileHash(OVERRIDES)),
    outputs: [path.relative(ROOT, OVERRIDES)],
    rehashAfterRun: true,
    valid: () => {
      try {
        const current = JSON.parse(fs.readFileSync(OVERRIDES, "utf8"));
        return Object.entries(OUR_OVERRIDES).every(([plugin, values]) =>
          Object.entries(values).every(([k, v]) => current[plugin]?.[k] === v));
      } catch {
        return false;
      }
    },
    run() {
      let current = {};
      try {
        current = JSON.parse(fs.readFileSync(OVERRIDES, "utf8"));
      } catch { /* none yet, or unreadable: ours replace it */ }
      const merged = { ...current };
      for (const [plugin, values] of Object.entries(OUR_OVERRIDES)) merged[plugin] = { ...(current[plugin] || {}), ...values };
      fs.mkdirSync(path.dirname(OVERRIDES), { recursive: true });
      // Written whole, then renamed: a JupyterLab starting meanwhile never reads half a file.
      fs.writeFileSync(`${OVERRIDES}.tmp`, JSON.stringify(merged, null, 2) + "\n");
      fs.renameSync(`${OVERRIDES}.tmp`, OVERRIDES);
      return { message: `wrote ${path.relative(ROOT, OVERRIDES)}: no news notifications, no update checks` };
    },
  });
}

// -------------------------------------------------------------- g. warehouse load

{
  const loader = path.join(PKG, "dist", "datasets", "load.js");
  const college = path.join(ROOT, "datasets", "college");
  if (!fs.existsSync(loader)) {
    line("college warehouse", "skipped (no dist/datasets/load.js)");
  } else {
    step("warehouse", "college warehouse", {
      inputs: () =>
        hash(
          WAREHOUSE,
          treeSignature(college),
          // by content: tsc rewrites every output whenever any .ts changes
          treeSignature(path.join(PKG, "dist", "datasets"), (p) => p.endsWith(".js"), undefined, true),
        ),
      run() {
        sh(process.execPath, [loader, "--college", college], { env: { ...process.env, BEAMLAB_WAREHOUSE: WAREHOUSE } });
        const rel = path.relative(ROOT, WAREHOUSE);
        const inRepo = !rel.startsWith("..") && !path.isAbsolute(rel);
        return fs.existsSync(WAREHOUSE) && inRepo ? { outputs: [rel], message: rel } : undefined;
      },
    });
  }
}

// -------------------------------------------------------------- h. chromium

if (WANT_BROWSER) {
  const chromium = "/usr/bin/chromium";
  if (fs.existsSync(chromium)) {
    line("chromium", "ok (cached)");
  } else {
    const started = Date.now();
    ranSomething = true;
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const apt = (...a) =>
      isRoot ? sh("apt-get", a, { env: aptEnv }) : sh("sudo", ["-n", "apt-get", ...a], { env: aptEnv });
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    try {
      apt("update");
      apt("install", "-y", "chromium");
    } catch (err) {
      if (err.output) process.stderr.write(err.output.trimEnd() + "\n");
      fail(`chromium: ${err.message} (the UI tests need Debian's chromium at ${chromium})`);
    }
    if (!fs.existsSync(chromium)) fail(`chromium: installed, but ${chromium} is still missing`);
    line("chromium", `ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    detail(`installed Debian's chromium (${chromium})`);
  }
}

// -------------------------------------------------------------- i. Prism

if (WANT_PRISM) {
  // The portable runner's own build (lib/runners/portable/prism.ts): one definition of how.
  const prism = path.join(ROOT, "dist", "lib", "runners", "portable", "prism.js");
  step("prism", "prism (Beam job service)", {
    inputs: () => hash(fs.existsSync(prism) ? fs.readFileSync(prism, "utf8") : "none"),
    outputs: [".cache/go/bin/prism"],
    run() {
      sh(process.execPath, ["-e", `require(${JSON.stringify(prism)}).installPrism((l) => console.log(l))`]);
      return { message: ".cache/go/bin/prism" };
    },
  });
}

// -------------------------------------------------------------- j. Beam Python (benchmarks)

if (WANT_BENCH) {
  const requirements = path.join(ROOT, "test", "bench", "peers", "requirements.txt");
  const benchVenv = path.join(ROOT, ".venv-bench");
  const benchPython = path.join(benchVenv, "bin", "python");
  step("bench-venv", "python .venv-bench (Beam Python)", {
    inputs: () => hash(fileHash(requirements), process.env.BEAMLAB_PYTHON || "python3"),
    outputs: [".venv-bench/bin/python"],
    run() {
      if (spawnSync(benchPython, ["-c", "import sys"], { stdio: "ignore" }).status !== 0) {
        fs.rmSync(benchVenv, { recursive: true, force: true });
        sh(process.env.BEAMLAB_PYTHON || "python3", ["-m", "venv", benchVenv]);
      }
      sh(benchPython, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "-r", requirements], {
        env: { ...process.env, PIP_REQUIRE_VIRTUALENV: "false" },
      });
      sh(benchPython, ["-c", "import apache_beam"]);
      return { message: ".venv-bench" };
    },
  });
}

// -------------------------------------------------------------- k. pyspark

if (WANT_SPARK) {
  // The Spark runner's own installation (lib/runners/spark/install.ts): one definition of how.
  const install = path.join(ROOT, "dist", "lib", "runners", "spark", "install.js");
  step("spark", "pyspark (.venv-spark)", {
    inputs: () => hash(fs.existsSync(install) ? fs.readFileSync(install, "utf8") : "none"),
    outputs: [".venv-spark/bin/python", ".venv-spark/beamlab-pyspark-version"],
    run() {
      sh(process.execPath, ["-e", `require(${JSON.stringify(install)}).installSpark((l) => console.log(l))`]);
      return { message: `.venv-spark (pyspark ${fs.readFileSync(path.join(ROOT, ".venv-spark", "beamlab-pyspark-version"), "utf8").trim()})` };
    },
  });
}

console.log(`[bootstrap] done in ${((Date.now() - t0) / 1000).toFixed(1)}s${ranSomething ? "" : " (all cached)"}`);
