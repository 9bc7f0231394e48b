#!/usr/bin/env node
// beamlab test driver (run by `npm test` after `scripts/bootstrap.mjs --browser`).
//
//   node scripts/test.mjs [SUBSTRING...]
//
// Runs Node's built-in test runner over the compiled tests dist/test/**/*.test.js:
//   1. everything except notebooks/ and ui/ (unit, e2e, ...) with the runner's
//      default file concurrency;
//   2. then dist/test/notebooks/**, dist/test/ui/** and dist/test/e2e/package.test.js
//      with --test-concurrency=1 (they share a kernel, a warehouse file and a browser;
//      the package test's `npm pack` bootstraps this checkout, which must not race the
//      bootstrap tests; the peers test's bootstrap --bench builds Prism, which the
//      portable runner's tests build too).
// Optional SUBSTRING arguments keep only test files whose path contains one of them.
// Ends with one line "N passed, N failed[, N skipped]" summed over both runs and
// exits non-zero when anything failed, a runner failed, or no test ran at all.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { filesBelow } from "./walk.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TEST_DIR = path.join(ROOT, "dist", "test");
const SERIAL = [...["notebooks", "ui"].map((d) => path.join(TEST_DIR, d) + path.sep), ...["package", "peers"].map((t) => path.join(TEST_DIR, "e2e", `${t}.test.js`))];

function findTests(dir) {
  return filesBelow(dir).filter((p) => p.endsWith(".test.js"));
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
let files = findTests(TEST_DIR);
if (filters.length) files = files.filter((f) => filters.some((s) => path.relative(ROOT, f).includes(s)));

const serial = files.filter((f) => SERIAL.some((d) => f.startsWith(d)));
const parallel = files.filter((f) => !serial.includes(f));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-test-"));
const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
let runnerFailed = false;

/** Summary counters from the last "# pass N" etc. lines of a TAP file. */
function parseTap(file) {
  const counts = {};
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  for (const m of text.matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) {
    counts[m[1]] = Number(m[2]);
  }
  return "pass" in counts || "fail" in counts ? counts : null;
}

function runGroup(label, group, extraArgs) {
  if (group.length === 0) {
    console.log(`[test] ${label}: no test files`);
    return;
  }
  console.log(`[test] ${label}: ${group.length} file(s)`);
  const tap = path.join(tmp, `${label}.tap`);
  const r = spawnSync(
    process.execPath,
    [
      "--enable-source-maps",
      "--test",
      ...extraArgs,
      "--test-reporter=spec",
      "--test-reporter-destination=stdout",
      "--test-reporter=tap",
      `--test-reporter-destination=${tap}`,
      ...group,
    ],
    { cwd: ROOT, stdio: "inherit", env: { ...process.env, BEAMLAB_TEST: "1" } },
  );
  const counts = parseTap(tap);
  if (!counts) {
    console.error(`[test] ${label}: the test runner produced no summary (exit ${r.status ?? r.signal})`);
    runnerFailed = true;
    return;
  }
  for (const k of Object.keys(totals)) totals[k] += counts[k] || 0;
  if (r.status !== 0 && !(counts.fail || counts.cancelled)) {
    console.error(`[test] ${label}: the test runner exited with ${r.status ?? r.signal}`);
    runnerFailed = true;
  }
}

if (files.length === 0) {
  console.error(`[test] no test files under ${path.relative(ROOT, TEST_DIR)}/ ` +
    (filters.length ? `matching ${filters.join(", ")}` : "(did bootstrap compile the tests?)"));
}
runGroup("unit+e2e", parallel, []);
runGroup("notebooks+ui+package", serial, ["--test-concurrency=1"]);
fs.rmSync(tmp, { recursive: true, force: true });

const failed = totals.fail + totals.cancelled;
const ran = totals.pass + failed;
let summary = `${totals.pass} passed, ${failed} failed`;
if (totals.skipped) summary += `, ${totals.skipped} skipped`;
console.log(summary);
if (ran === 0) console.error("[test] no test ran");
process.exit(failed > 0 || runnerFailed || ran === 0 ? 1 : 0);
