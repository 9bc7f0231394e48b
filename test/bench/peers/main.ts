/**
 * The peers benchmark (not a test): beamlab's runners against a hand-written loop, arquero,
 * DuckDB, the apache-beam npm SDK and Apache Beam Python (DirectRunner, Prism, Interactive
 * Beam), on the course's pipelines and a word count, over the same generated files.
 *
 *   node dist/test/bench/peers/main.js [--rows 10000,100000,1000000] [--big 5000000]
 *       [--engines a,b] [--cases teacher,class] [--runs 3] [--limit-seconds 120] [--out test/bench/RESULTS.md] [--update | --report-only]
 *
 * `--big` sizes run beamlab's own engines only. An engine that hit the time limit on a case
 * is not run on that case's larger sizes (reported as over the limit). `--update` keeps the
 * cases of the last RESULTS.json that this run does not measure (and says when each was run);
 * `--report-only` writes RESULTS.md and the charts from RESULTS.json without running anything. Writes RESULTS.md and one SVG chart per case
 * next to it; prints each case as it finishes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CASES, type CaseName } from "./cases";
import { inputsFor } from "./data";
import { ALL_ENGINES, BEAMLAB_ENGINES, ENGINE_NAMES, type EngineId } from "./engines";
import { chartSvg, ratioToDirect, resultsMarkdown } from "./report";
import { ROOT, runCase, type CaseRun } from "./run-case";

function flag(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
const sizes = (s: string) => list(s).map((x) => Number(x.replace(/_/g, "")));

async function main(): Promise<void> {
  const rowsList = sizes(flag("rows", "10000,100000,1000000"));
  const big = sizes(flag("big", ""));
  const engines = list(flag("engines", ALL_ENGINES.join(","))) as EngineId[];
  for (const e of engines) if (!ENGINE_NAMES[e]) throw new Error(`unknown engine ${e}; engines: ${ALL_ENGINES.join(", ")}`);
  const cases = list(flag("cases", CASES.join(","))) as CaseName[];
  const runs = Number(flag("runs", "3"));
  const limitMs = Number(flag("limit-seconds", "120")) * 1000;
  const target = path.resolve(ROOT, flag("out", "test/bench/RESULTS.md"));
  const quote = (a: string) => (/^[\w,.=/-]+$/.test(a) ? a : `"${a}"`);
  const command = `npm run bench:peers${process.argv.length > 2 ? ` -- ${process.argv.slice(2).map(quote).join(" ")}` : ""}`;
  const jsonFile = target.replace(/\.md$/, ".json");
  const reportOnly = process.argv.includes("--report-only");
  const kept: CaseRun[] = (reportOnly || process.argv.includes("--update")) && fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as CaseRun[]) : [];
  const all: CaseRun[] = [];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-peers-out-"));
  try {
    for (const rows of reportOnly ? [] : [...rowsList, ...big]) {
      const input = inputsFor(rows);
      const here = big.includes(rows) && !rowsList.includes(rows) ? engines.filter((e) => BEAMLAB_ENGINES.includes(e) || e === "loop") : engines;
      for (const c of cases) {
        for (const e of here) {
          const over = all.find((x) => x.engine === e && x.case === c && x.timedOut !== null);
          if (over) {
            all.push({ ...over, rows, runs: [], medianMs: null, startupMs: null, maxRssMiB: null, digest: null, measuredAt: new Date().toISOString(), skipped: `over the limit at ${over.rows.toLocaleString("en-US")} rows`, command });
            continue;
          }
          const r = await runCase(e, c, rows, input, path.join(work, `${e}-${c}`), { runs, budgetMs: 20_000, limitMs });
          r.command = command;
          all.push(r);
          const what = r.timedOut ? `> ${limitMs / 1000} s` : r.error ? `FAILED ${r.error}` : `${r.medianMs?.toFixed(0)} ms (${ratioToDirect(r, all)} of direct; start-up ${r.startupMs?.toFixed(0)} ms; ${r.maxRssMiB?.toFixed(0)} MiB)`;
          console.log(`${c} ${rows.toLocaleString("en-US")} rows · ${ENGINE_NAMES[e]}: ${what}`);
        }
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const measured = new Set(all.map((r) => `${r.engine}|${r.case}|${r.rows}`));
  all.push(...kept.filter((r) => !measured.has(`${r.engine}|${r.case}|${r.rows}`)));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const charts: Record<string, string> = {};
  for (const c of CASES.filter((x) => all.some((r) => r.case === x))) {
    // Named after the report (RESULTS.md → RESULTS-teacher.svg), so that two reports keep their own charts.
    const file = `${path.basename(target, ".md")}-${c}.svg`;
    fs.writeFileSync(path.join(path.dirname(target), file), await chartSvg(all, c));
    charts[c] = file;
  }
  const loads = all.map((r) => r.load).filter((l): l is number => l !== undefined);
  const busy = loads.length
    ? `1-minute load average from ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} while the cases ran${Math.max(...loads) > 1.5 ? " (the machine was shared: ratios hold better than absolute times)" : ""}.`
    : "The load was not recorded for these runs; the machine was shared.";
  const byTime = [...all].sort((a, b) => (a.measuredAt < b.measuredAt ? -1 : 1));
  const commands = [...new Set(byTime.map((r) => r.command ?? command))];
  fs.writeFileSync(target, resultsMarkdown(all, { commands, busy, charts, merged: commands.length > 1 }));
  fs.writeFileSync(jsonFile, JSON.stringify(all, null, 1));
  console.log(`wrote ${path.relative(ROOT, target)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
