#!/usr/bin/env node
// `npm run reliability`: the reliability tests with their long settings, and what they found.
//
//   node scripts/reliability.mjs [--fuzz-runs N] [--load-rows N]
//
// Runs the bad-input catalogue and the other files of test/reliability/, the runner-
// equivalence fuzz (FUZZ_RUNS, default 300 here against 30 in `npm test`), hostile strings in
// every renderer in Chromium (test/ui/hostile, test/ui/feedback) and the eight-notebook load
// test (1M rows), then prints one line per part from the "# reliability: <part> {json}" lines
// the tests print. Exits non-zero when a test failed.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

const env = {
  ...process.env,
  FUZZ_RUNS: flag("fuzz-runs", process.env.FUZZ_RUNS ?? "300"),
  BEAMLAB_LOAD_ROWS: flag("load-rows", process.env.BEAMLAB_LOAD_ROWS ?? "1000000"),
};
const child = spawn(process.execPath, [path.join(ROOT, "scripts", "test.mjs"), "test/reliability/", "test/ui/hostile", "test/ui/feedback", "test/ui/load"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
let out = "";
child.stdout.on("data", (b) => {
  process.stdout.write(b);
  out += b.toString();
});
child.on("close", (code) => {
  const found = {};
  for (const m of out.matchAll(/reliability: ([\w ]+?) (\{.*\})\s*$/gm)) found[m[1]] = JSON.parse(m[2]);
  const summary = /^(\d+) passed, (\d+) failed.*$/m.exec(out);
  const lines = ["", "reliability summary"];
  const c = found.catalogue;
  lines.push(c ? `  bad-input catalogue: ${c.cases} cases, ${c.tried} tried (cases × runners), ${c.passed} passed` : "  bad-input catalogue: not run");
  const f = found.fuzz;
  lines.push(f ? `  runner-equivalence fuzz: ${f.cases} random pipelines on direct, interactive and local, ${f.agreed ? "all agreed" : "a DISAGREEMENT (see above)"} (seed ${f.seed})` : "  runner-equivalence fuzz: not run");
  const h = found.hostile;
  lines.push(h ? `  hostile strings inert, per renderer: ${Object.entries(h).map(([r, n]) => `${r} ${n}`).join(", ")}` : "  hostile strings: not run");
  const fb = found.feedback;
  if (fb) lines.push(`  grading feedback pages: ${fb.strings} hostile strings inert`);
  const l = found.load;
  lines.push(l ? `  load: ${l.notebooks} notebooks × ${l.rows.toLocaleString("en-US")} rows in ${l.wallSeconds} s, peak MiB per kernel ${Object.values(l.peakMiBPerKernel).join("/")}` : "  load: not run");
  lines.push(summary ? `  tests: ${summary[0]}` : "  tests: no summary");
  console.log(lines.join("\n"));
  process.exit(code ?? 1);
});
