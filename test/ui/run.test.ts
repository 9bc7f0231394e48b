/**
 * Editing a pipeline cell by cell, in a real JupyterLab on a live tslab kernel (headless
 * Chromium): a failing transform says how to go on, `p.remove(...)` takes it out (the graph
 * and the run summary are then without it), and interrupting a long run shows which steps
 * finished and which were cancelled, with one calm line instead of a stack trace.
 * Screenshots (light and dark): test-artifacts/run-*.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tslabNotebookJson } from "../notebook";
import type { Browser, Locator, Page } from "playwright-core";
import { ARTIFACTS, errorOutputs as errorOutputsOf, inApp as inAppOf, openLab, stopAll, waitKernelIdle as waitIdleOf, type Lab, openKernelSession } from "./helpers";

const NOTEBOOK = "edit-by-cell.ipynb";
const CELLS = [
  'import * as beam from "beamlab";\ninterface Row { name: string; dept: string | null }\nconst college = new beam.Pipeline();\nconst rows = college.apply("Create", beam.Create<Row>([{ name: "Ada", dept: "cs" }, { name: "Plato", dept: null }, { name: "Grace", dept: "math" }]));\nconst names = rows.apply("Names", beam.Map((r: Row) => r.name));',
  'const upper = rows.apply("Upper dept", beam.Map((r: Row) => ({ ...r, dept: r.dept!.toUpperCase() })));\nconst perDept = upper.apply("Count", beam.combiners.Count.Globally());',
  "await college.run();",
  'college.remove("Upper dept")',
  "await college.run();",
  "beam.showGraph(college);",
  // A long run: the steps before the GroupByKey finish quickly, the last one takes minutes.
  'let keyCalls = 0;\nconst slow = new beam.Pipeline();\nconst keyed = slow.apply("Create", beam.Create(Array.from({ length: 200000 }, (_, i) => i)))\n  .apply("Key", beam.Map((n: number): [number, number] => { keyCalls++; return [n % 1000, n]; }));\nconst sums = keyed.apply("Group", beam.GroupByKey())\n  .apply("Slow sums", beam.Map(([k, vs]: [number, number[]]) => { let x = k; for (const v of vs) for (let i = 0; i < 20000; i++) x = (x * 31 + v + i) % 1000003; return x; }));',
  "await slow.run();",
  "await beam.show(keyed, { n: 3 });\nconsole.log(`Key ran ${keyCalls} times`);",
];

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];


before(async () => {
  ({ lab, browser, page } = await openKernelSession({ notebooksDir: join(ARTIFACTS, "no-such-dir"), extraFiles: { [NOTEBOOK]: tslabNotebookJson(CELLS) } }, dialogs, 1300));
});

after(async () => {
  await stopAll();
});

const inApp = <T>(fn: string): Promise<T> => inAppOf<T>(page, fn);
const waitKernelIdle = (timeoutMs = 60000): Promise<void> => waitIdleOf(page, timeoutMs);

/** Runs cell `i` (0-based) and waits until the kernel is idle again. */
async function runCell(i: number, opts: { interruptAfterMs?: number } = {}): Promise<void> {
  await inApp(`
    const nb = app.shell.currentWidget.content;
    nb.activeCellIndex = ${i};
    nb.mode = "command";
    void app.commands.execute("notebook:run-cell");
  `);
  if (opts.interruptAfterMs !== undefined) {
    await page.waitForTimeout(opts.interruptAfterMs);
    await inApp(`await app.commands.execute("notebook:interrupt-kernel");`);
  }
  await page.waitForFunction(
    (n) => {
      const app = (globalThis as any).jupyterapp;
      const cell = app.shell.currentWidget.content.widgets[n];
      const k = app.shell.currentWidget.sessionContext.session?.kernel;
      return cell.model.executionCount !== null && k?.status === "idle";
    },
    i,
    { timeout: 120000, polling: 200 },
  );
  // Outputs of a finished request can still be arriving.
  await page.waitForTimeout(300);
}

function cell(i: number): Locator {
  return page.locator(".jp-Notebook .jp-Cell").nth(i);
}

async function outputText(i: number): Promise<string> {
  return ((await cell(i).locator(".jp-OutputArea").allTextContents()).join("\n"));
}

async function summaryRows(i: number): Promise<string[][]> {
  const rows = cell(i).locator(".bl-Progress tbody tr");
  const out: string[][] = [];
  for (let r = 0; r < (await rows.count()); r++) out.push((await rows.nth(r).locator("td").allTextContents()).map((t) => t.trim()));
  return out;
}

async function setTheme(theme: "JupyterLab Light" | "JupyterLab Dark"): Promise<void> {
  await inApp(`await app.commands.execute("apputils:change-theme", { theme: ${JSON.stringify(theme)} });`);
  await page.waitForFunction((t) => (globalThis as any).document.body.dataset.jpThemeName === t, theme, { timeout: 30000 });
  await page.waitForTimeout(500);
}

/** Screenshots of one cell's output area in the light and the dark theme. */
async function shoot(i: number, name: string): Promise<void> {
  const area = cell(i).locator(".jp-Cell-outputWrapper");
  await area.scrollIntoViewIfNeeded();
  for (const theme of ["JupyterLab Light", "JupyterLab Dark"] as const) {
    await setTheme(theme);
    await area.screenshot({ path: join(ARTIFACTS, `run-${name}-${theme.endsWith("Dark") ? "dark" : "light"}.png`) });
  }
  await setTheme("JupyterLab Light");
}

test("a failing transform says how to go on; remove takes it out of the graph and the run summary", { timeout: 240000 }, async () => {
  await openLab(page, lab, NOTEBOOK);
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext, undefined, { timeout: 30000 });
  await waitKernelIdle();
  for (const i of [0, 1, 2]) await runCell(i);
  const failed = await outputText(2);
  assert.match(failed, /failed in transform "Upper dept"/);
  assert.match(failed, /at: line 1 of cell \[2\]: const upper = rows\.apply/);
  assert.match(failed, /to go on: fix the DoFn and re-run its cell, or remove it with `college\.remove\("Upper dept"\)`/);
  assert.deepEqual((await summaryRows(2)).map((r) => [r[0], r[4]]), [["Create", "■stopped"], ["Names", "■stopped"], ["Upper dept", "✕failed"], ["Count", "■stopped"]]);
  await shoot(2, "failed");

  await runCell(3);
  assert.equal((await outputText(3)).trim(), 'Removed "Upper dept" and 1 transform downstream: "Count"');
  await runCell(4);
  const summary = cell(4).locator(".bl-Progress");
  await summary.waitFor({ state: "visible" });
  assert.match((await summary.locator(".bl-Progress-head").textContent()) ?? "", /^college: done in [\d.]+ s; 2 steps computed$/);
  const rows = await summaryRows(4);
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[2], r[4]]), [["Create", "0", "3", "✓done"], ["Names", "3", "3", "✓done"]]);
  await shoot(4, "summary");

  // Run it again: everything comes from the cache now.
  await runCell(4);
  assert.deepEqual((await summaryRows(4)).map((r) => [r[0], r[3], r[4]]), [["Create", "—", "◆cached"], ["Names", "—", "◆cached"]]);
  await shoot(4, "summary-cached");

  await runCell(5);
  const graph = cell(5).locator(".bl-Graph");
  await graph.waitFor({ state: "visible" });
  const labels = await graph.locator(".bl-Graph-label").allTextContents();
  assert.ok(labels.some((l) => l.includes("Names")), `graph labels: ${labels}`);
  assert.ok(!labels.some((l) => /Upper dept|Count/.test(l)), `removed steps still drawn: ${labels}`);
  await shoot(5, "graph-after-remove");
  assert.deepEqual(dialogs, []);
});

test("interrupting a long run shows finished and cancelled steps, one calm line, and keeps the finished steps cached", { timeout: 240000 }, async () => {
  await runCell(6);
  await runCell(7, { interruptAfterMs: 4000 });
  const rows = await summaryRows(7);
  assert.deepEqual(rows.map((r) => [r[0], r[4]]), [["Create", "✓done"], ["Key", "✓done"], ["Group", "■cancelled"], ["Slow sums", "■cancelled"]]);
  const head = (await cell(7).locator(".bl-Progress-head").textContent()) ?? "";
  assert.match(head, /^slow: interrupted after [\d.]+ s; 2 steps finished \(kept in the cache\), 2 cancelled$/);
  assert.ok(Number(/after ([\d.]+) s/.exec(head)![1]) < 10, `the run stopped soon after the interrupt: ${head}`);
  const errors = await cell(7).locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').allTextContents();
  assert.deepEqual(errors.map((e) => e.trim()), ["Interrupted: the pipeline stopped; the steps that finished stay cached."]);
  assert.doesNotMatch(await outputText(7), /\n\s+at |Interrupted asynchronously|executor\.js/);
  await shoot(7, "interrupted");
  await runCell(8);
  assert.match(await outputText(8), /Key ran 200000 times/, "the finished step was not computed again");
  assert.deepEqual(await errorOutputsOf(page).then((all) => all.filter((t) => !/Interrupted: the pipeline stopped|failed in transform "Upper dept"/.test(t))), []);
});
