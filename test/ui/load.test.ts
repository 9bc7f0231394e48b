/**
 * Load: eight notebooks run the class pipeline over a generated class CSV (200k rows in `npm test`,
 * 1M in `npm run reliability`; BEAMLAB_LOAD_ROWS sets another size) at once, each in its own
 * tslab kernel of one JupyterLab server, driven from Chromium as a class would (open, Run All). Every notebook
 * must finish with the same output as the pipeline run here, no kernel may die or restart,
 * and the test prints each kernel's peak memory and the wall time.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import * as beam from "../../lib";
import { writeCollegeSync } from "../../datasets/generate";
import { classFromCsv } from "../course/pipelines";
import { ARTIFACTS, inApp, openNotebook, stopAll, type Lab, openKernelSession } from "./helpers";

const ROWS = Number(process.env.BEAMLAB_LOAD_ROWS ?? 200_000);
const NOTEBOOKS = 8;

/** A student's notebook: the class pipeline over the CSV, its outputs under `out`. */
function notebook(csv: string, out: string): string {
  const cells = [
    'import * as beam from "beamlab";',
    [
      `const CSV = ${JSON.stringify(csv)};`,
      `const OUT = ${JSON.stringify(out)};`,
      "type Row = { sid: string | null; cno: string | null; cname: string | null; credits: number | null; grade: string | null };",
      "class SplitClass extends beam.DoFn<Row, never> {",
      "  *process(row: Row) {",
      "    if (row.cno === null || row.cno === \"\") return;",
      "    if (row.sid !== null && row.sid !== \"\") {",
      "      const takes: { sid: string; cno: string; grade?: string } = { sid: row.sid, cno: row.cno };",
      "      if (row.grade !== null && row.grade !== \"\") takes.grade = row.grade;",
      "      yield beam.TaggedOutput(\"takes\", takes);",
      "    }",
      "    yield beam.TaggedOutput(\"classes\", [row.cno, { cno: row.cno, cname: row.cname, credits: row.credits }]);",
      "  }",
      "}",
      "const p = new beam.Pipeline({ runner: \"direct\" });",
      "const rows = p.apply(\"Read class\", beam.io.ReadFromCsv(CSV, { schema: \"sid:STRING,cno:STRING,cname:STRING,credits:INTEGER,grade:STRING\" }));",
      "const split = rows.apply(\"Split takes and classes\", beam.ParDo(new SplitClass()).withOutputs(\"takes\", \"classes\"));",
      "const classes = (split.classes as beam.PCollection<[string, { cno: string }]>)",
      "  .apply(\"Group by cno\", beam.GroupByKey())",
      "  .apply(\"Keep first\", beam.Map(([, records]: [string, { cno: string }[]]) => records[0]));",
      "split.takes.apply(\"Write takes text\", beam.io.WriteToText(`${OUT}/takes`));",
      "classes.apply(\"Write class text\", beam.io.WriteToText(`${OUT}/class`));",
    ].join("\n"),
    "const result = await p.run();\nconsole.log(`load: ${result.state}`);",
  ];
  return JSON.stringify({
    cells: cells.map((source) => ({ cell_type: "code", execution_count: null, metadata: {}, source, outputs: [] })),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/** A digest of every line under `dir` whose file starts with `prefix`, in sorted order, and the count. */
function digest(dir: string, prefix: string): string {
  const lines: string[] = [];
  for (const n of fs.readdirSync(dir).filter((n) => n.startsWith(prefix))) {
    for (const l of fs.readFileSync(path.join(dir, n), "utf8").split("\n")) if (l) lines.push(l);
  }
  lines.sort();
  return `${lines.length}:${createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 16)}`;
}

/** Peak resident memory (VmHWM) of a process, in MiB; null once it has gone. */
function peakMiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The pid of the kernel process started for kernel `id` (its connection file names the id). */
function kernelPid(id: string): number | null {
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (cmd.includes(`kernel-${id}.json`)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

let lab: Lab;
let browser: Browser;
let page: Page;
let dir: string;
const dialogs: string[] = [];
const expected = { takes: "", class: "" };

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(ARTIFACTS, "load-"));
  const gen = writeCollegeSync(dir, { rows: ROWS, eol: "\n", tables: ["class"] });
  const csv = gen.files[0].path;
  const ref = path.join(dir, "reference");
  const p = new beam.Pipeline({ runner: "direct" });
  classFromCsv(p, csv, ref);
  await p.run();
  expected.takes = digest(ref, "takes");
  expected.class = digest(ref, "class");
  const extraFiles: Record<string, string> = {};
  for (let i = 1; i <= NOTEBOOKS; i++) extraFiles[`load-${i}.ipynb`] = notebook(csv, path.join(dir, `out-${i}`));
  ({ lab, browser, page } = await openKernelSession({ extraFiles }, dialogs, 1280));
});

after(async () => {
  await stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`${NOTEBOOKS} notebooks run the class pipeline over ${ROWS.toLocaleString("en-US")} rows at once on one JupyterLab`, { timeout: 1_800_000 }, async () => {
  for (let i = 1; i <= NOTEBOOKS; i++) await openNotebook(page, lab, `load-${i}.ipynb`, i === 1);
  const kernels = await inApp<{ path: string; id: string }[]>(page, `
    return [...app.shell.widgets("main")]
      .filter((w) => w.sessionContext?.session?.kernel)
      .map((w) => ({ path: w.context.path, id: w.sessionContext.session.kernel.id }));`);
  assert.equal(kernels.length, NOTEBOOKS, "one kernel per notebook");
  const pids = new Map(kernels.map((k) => [k.id, kernelPid(k.id)]));
  const started = Date.now();
  // Run All in every notebook without waiting, as eight students pressing it at once.
  await inApp(page, `
    for (const w of app.shell.widgets("main")) {
      if (!w.sessionContext) continue;
      app.shell.activateById(w.id);
      // The command acts on the current notebook, which follows activation a moment later.
      for (let i = 0; i < 50 && app.shell.currentWidget !== w; i++) await new Promise((r) => setTimeout(r, 100));
      if (app.shell.currentWidget !== w) throw new Error("could not activate " + w.context.path);
      void app.commands.execute("notebook:run-all-cells");
      await new Promise((r) => setTimeout(r, 200));
    }`);
  const peaks = new Map<string, number>();
  const finished = new Map<string, number>();
  while (finished.size < NOTEBOOKS && Date.now() - started < 1_700_000) {
    await new Promise((r) => setTimeout(r, 1000));
    for (const k of kernels) {
      const pid = pids.get(k.id);
      const peak = pid ? peakMiB(pid) : null;
      if (peak !== null) peaks.set(k.path, Math.max(peaks.get(k.path) ?? 0, peak));
    }
    const states = await inApp<Record<string, { status: string; text: string }>>(page, `
      const out = {};
      for (const w of app.shell.widgets("main")) {
        if (!w.sessionContext) continue;
        const cells = w.content.widgets;
        out[w.context.path] = { status: w.sessionContext.session?.kernel?.status ?? "none", text: cells[cells.length - 1].node.querySelector(".jp-OutputArea")?.textContent ?? "" };
      }
      return out;`);
    for (const [p, s] of Object.entries(states)) {
      assert.ok(!["dead", "restarting", "autorestarting", "none"].includes(s.status), `the kernel of ${p} is ${s.status}`);
      if (/load: DONE/.test(s.text) && s.status === "idle" && !finished.has(p)) finished.set(p, Date.now() - started);
      assert.doesNotMatch(s.text, /load: FAILED|Error/, `${p} failed: ${s.text.slice(0, 500)}`);
    }
  }
  const wall = Date.now() - started;
  assert.equal(finished.size, NOTEBOOKS, `only ${finished.size} of ${NOTEBOOKS} notebooks finished in ${wall} ms`);
  const same = await inApp<string[]>(page, `return [...app.shell.widgets("main")].filter((w) => w.sessionContext).map((w) => w.sessionContext.session.kernel.id);`);
  assert.deepEqual(same.sort(), kernels.map((k) => k.id).sort(), "no kernel was replaced");
  for (let i = 1; i <= NOTEBOOKS; i++) {
    const out = path.join(dir, `out-${i}`);
    assert.equal(digest(out, "takes"), expected.takes, `load-${i}: takes differ from the reference run`);
    assert.equal(digest(out, "class"), expected.class, `load-${i}: classes differ from the reference run`);
  }
  assert.deepEqual(dialogs, []);
  const perKernel = Object.fromEntries([...peaks].sort().map(([p, m]) => [p, Math.round(m)]));
  const report = { notebooks: NOTEBOOKS, rows: ROWS, wallSeconds: Math.round(wall / 100) / 10, peakMiBPerKernel: perKernel, finishedSeconds: [...finished.values()].map((ms) => Math.round(ms / 1000)).sort((a, b) => a - b) };
  fs.writeFileSync(path.join(ARTIFACTS, "load.json"), JSON.stringify(report, null, 1));
  console.log(`# reliability: load ${JSON.stringify(report)}`);
});
