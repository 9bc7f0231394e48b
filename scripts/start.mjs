#!/usr/bin/env node
// `npm start`: bootstrap (one line per step), then JupyterLab on notebooks/, ending with
// the URL to open. `npm start -- --verbose` passes --verbose to both.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");

const boot = spawnSync(process.execPath, [path.join(ROOT, "scripts", "bootstrap.mjs"), ...(verbose ? ["--verbose"] : [])], { stdio: "inherit" });
if (boot.status !== 0) process.exit(boot.status ?? 1);

const lab = spawn(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "lab", ...args], { stdio: "inherit" });
// Ctrl+C reaches both of us; a signal sent to us alone is passed on. The lab command
// stops JupyterLab (once, however often it is told) and exits; we wait for it.
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => lab.kill(sig));
lab.on("exit", (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
