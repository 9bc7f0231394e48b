/**
 * The job view in headless Chromium, against a live tslab kernel: a pipeline on 2 local
 * workers whose DoFns take a few seconds. While it runs, the view updates in place (a stage
 * is done and counts and log lines are shown before the run ends); after it, the log panel
 * filters by level, step and worker; hostile log lines (markup, a script end tag, a
 * 100k-character word) are shown as text, nothing runs, and the layout holds. Screenshots
 * (light and dark) go to test-artifacts/job-*.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { tslabNotebookJson } from "../notebook";
import { HOSTILE } from "./fixtures";
import { ARTIFACTS, errorOutputs, inApp, openNotebook, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";
import { join } from "node:path";
import { installSpark } from "../../lib/runners/spark/install";

const NOTEBOOK = "job-view.ipynb";
const SCRIPT = "</script><script>alert(1)</script>";
let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

const SLOW = [
  "class Slow extends beam.DoFn<number, [string, number]> {",
  "  constructor(readonly ms: number) { super(); }",
  "  process(n: number) {",
  "    const t = Date.now(); while (Date.now() - t < this.ms) {}",
  '    if (n % 10 === 0) console.warn("tenth", n); else if (n % 3 === 0) beam.log("third", n);',
  "    return [[`k${n % 4}`, n] as [string, number]];",
  "  }",
  "}",
  "class SlowSum extends beam.DoFn<[string, number[]], [string, number]> {",
  "  constructor(readonly ms: number) { super(); }",
  "  process([k, xs]: [string, number[]]) {",
  "    const t = Date.now(); while (Date.now() - t < this.ms) {}",
  '    console.error("summed", k, xs.length);',
  "    return [[k, xs.reduce((a, b) => a + b, 0)] as [string, number]];",
  "  }",
  "}",
  'const live = new beam.Pipeline({ name: "live", workers: 2 });',
  'live.apply("Nums", beam.Create(Array.from({ length: 120 }, (_, i) => i)))',
  '  .apply("Slow", beam.ParDo(new Slow(25)))',
  '  .apply("Group", beam.GroupByKey<string, number>())',
  '  .apply("Slow sum", beam.ParDo(new SlowSum(700)));',
  "await live.run();",
].join("\n");

const HOSTILE_CELL = [
  "class Shout extends beam.DoFn<string, string> { process(s: string) { console.error(s); return [s]; } }",
  `const h = new beam.Pipeline({ name: ${JSON.stringify(`hostile ${HOSTILE}`)}, workers: 2 });`,
  `h.apply("Lines", beam.Create([${JSON.stringify(HOSTILE)}, ${JSON.stringify(SCRIPT)}, "x".repeat(100000)])).apply(${JSON.stringify(`Shout ${HOSTILE}`)}, beam.ParDo(new Shout()));`,
  "await h.run();",
].join("\n");

const COMPARE_CELL = [
  "function small(options: beam.PipelineOptions) {",
  '  const q = new beam.Pipeline({ name: "small", ...options });',
  '  q.apply("Nums", beam.Create(Array.from({ length: 500 }, (_, i) => i))).apply("Key", beam.Map((n: number) => [`k${n % 7}`, n] as [string, number])).apply("Group", beam.GroupByKey<string, number>());',
  "  return q;",
  "}",
  'const one = await small({ runner: "direct" }).run();',
  "const two = await small({ workers: 2 }).run();",
  `beam.compareRuns({ "direct": one, ${JSON.stringify(`2 workers ${HOSTILE}`)}: two });`,
].join("\n");

const SPARK_CELL = [
  "class Nap extends beam.DoFn<number, number> { process(n: number) { const t = Date.now(); while (Date.now() - t < 40) {} return [n]; } }",
  'const sp = new beam.Pipeline({ name: "on spark", runner: "spark", sparkMaster: "local[2]" });',
  'sp.apply("Nums", beam.Create(Array.from({ length: 200 }, (_, i) => i))).apply("Nap", beam.ParDo(new Nap())).apply("Key", beam.Map((n: number) => [`k${n % 3}`, n] as [string, number])).apply("Group", beam.GroupByKey<string, number>());',
  "await sp.run();",
].join("\n");

before(async () => {
  installSpark();
  ({ lab, browser, page } = await openKernelSession({ extraFiles: { [NOTEBOOK]: tslabNotebookJson(['import * as beam from "beamlab";', SLOW, HOSTILE_CELL, COMPARE_CELL, SPARK_CELL]) } }, dialogs, 1280));
});

after(async () => {
  await stopAll();
});

/** The job view of the code cell at `index`. */
const jobOf = (index: number) => page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".bl-Job");

async function setTheme(theme: "JupyterLab Light" | "JupyterLab Dark"): Promise<void> {
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: ${JSON.stringify(theme)} }); return true;`);
  await page.waitForFunction((t) => (globalThis as any).document.body.dataset.jpThemeName === t, theme, { timeout: 30000 });
}

test("the job view updates in place while the run goes on, and stays as the summary", { timeout: 240000 }, async () => {
  await openNotebook(page, lab, NOTEBOOK, true);
  assert.equal(await inApp<boolean>(page, `const nb = app.shell.currentWidget.content; nb.activeCellIndex = 0; return await app.commands.execute("notebook:run-cell-and-select-next");`), true);
  await waitKernelIdle(page, 60000);
  // Sample the view every 100 ms in the page while the cell runs (not awaited: it ends with the run).
  await page.evaluate(() => {
    const w = globalThis as any;
    w.__jobSamples = [];
    w.__jobTimer = setInterval(() => {
      const view = w.document.querySelectorAll(".jp-Cell")[1]?.querySelector(".bl-Job");
      if (!view) return;
      const rows = [...view.querySelectorAll(".bl-Progress-step")].map((r: any) => [r.querySelector(".bl-Progress-label").textContent, r.children[2].textContent]);
      w.__jobSamples.push({
        state: view.dataset.state,
        stages: [...view.querySelectorAll(".bl-Job-stage")].map((s: any) => s.className.replace(/.*bl-mod-/, "")),
        lines: view.querySelectorAll(".bl-Job-log").length,
        rows,
      });
    }, 100);
  });
  void inApp(page, `const nb = app.shell.currentWidget.content; nb.activeCellIndex = 1; return await app.commands.execute("notebook:run-cell");`);
  await jobOf(1).waitFor({ state: "visible", timeout: 60000 });
  // A filter chosen while the run goes on holds through the updates that follow.
  await jobOf(1).locator(".bl-Job-log").first().waitFor({ state: "attached", timeout: 60000 });
  await jobOf(1).locator('.bl-Job-select[data-filter="level"]').selectOption("warn");
  const stateWhenFiltered = await jobOf(1).getAttribute("data-state");
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll(".jp-Cell")[1]?.querySelector(".bl-Job")?.dataset.state === "done", undefined, { timeout: 120000, polling: 100 });
  assert.equal(stateWhenFiltered, "running", "the filter was chosen during the run");
  assert.equal(await jobOf(1).locator('.bl-Job-select[data-filter="level"]').inputValue(), "warn");
  assert.deepEqual(new Set(await jobOf(1).locator(".bl-Job-logLevel").allTextContents()), new Set(["warn"]), "the filter survived the updates");
  await jobOf(1).locator('.bl-Job-select[data-filter="level"]').selectOption("");
  await waitKernelIdle(page, 60000);
  const samples = await page.evaluate(() => {
    const w = globalThis as any;
    clearInterval(w.__jobTimer);
    return w.__jobSamples as { state: string; stages: string[]; lines: number; rows: [string, string][] }[];
  });
  assert.deepEqual(await errorOutputs(page), []);
  const running = samples.filter((s) => s.state === "running");
  assert.ok(running.length >= 3, `the view was seen running (${samples.length} samples, ${running.length} running)`);
  assert.ok(running.some((s) => s.stages.includes("done") && s.stages.includes("pending")), `a stage done while others wait: ${JSON.stringify(running.map((s) => s.stages))}`);
  assert.ok(running.some((s) => s.stages.includes("running")), "a stage shown running");
  assert.ok(running.some((s) => s.lines > 0), "log lines arrive during the run");
  const slowOut = (s: (typeof samples)[number]) => Number(s.rows.find(([l]) => l === "Slow")?.[1].replace(/,/g, "") ?? 0);
  assert.ok(running.some((s) => slowOut(s) === 120), "counts change before the run ends");
  assert.ok(running.some((s) => slowOut(s) === 0), "and were not there from the start");
  const view = jobOf(1);
  assert.equal(await view.locator(".bl-Job-stage.bl-mod-done").count(), await view.locator(".bl-Job-stage").count(), "every stage done in the summary");
  assert.match((await view.locator(".bl-Progress-head").textContent()) ?? "", /live: done in/);
  assert.equal(await view.locator(".bl-Job-table tbody tr").first().locator("td").first().textContent(), "worker 0");
  assert.match((await view.locator(".bl-Job-logCount").textContent()) ?? "", /^\d+ of \d+ lines, newest first$/);
});

test("the log panel filters by level, step and worker, newest first", async () => {
  const view = jobOf(1);
  const all = await view.locator(".bl-Job-log").count();
  // From Slow, 12 tenths (warn) and 36 other multiples of 3; from Slow sum, 4 sums.
  assert.equal(all, 52);
  const levels = () => view.locator(".bl-Job-logLevel").allTextContents();
  await view.locator('.bl-Job-select[data-filter="level"]').selectOption("warn");
  assert.deepEqual(new Set(await levels()), new Set(["warn"]));
  assert.equal((await levels()).length, 12);
  await view.locator('.bl-Job-select[data-filter="level"]').selectOption("");
  await view.locator('.bl-Job-select[data-filter="step"]').selectOption("Slow sum");
  assert.deepEqual(new Set(await view.locator(".bl-Job-logStep").allTextContents()), new Set(["Slow sum"]));
  assert.equal(await view.locator(".bl-Job-log").count(), 4);
  await view.locator('.bl-Job-select[data-filter="step"]').selectOption("");
  await view.locator('.bl-Job-select[data-filter="worker"]').selectOption("1");
  const workers = await view.locator(".bl-Job-logWorker").allTextContents();
  assert.ok(workers.length > 0 && workers.length < all, `worker 1 has some of the lines: ${workers.length}`);
  assert.deepEqual(new Set(workers), new Set(["worker 1"]));
  assert.match((await view.locator(".bl-Job-logCount").textContent()) ?? "", new RegExp(`^${workers.length} of 52 lines`));
  const times = await view.locator(".bl-Job-logTime").allTextContents();
  assert.deepEqual([...times].sort().reverse(), times, "newest first");
  await view.locator('.bl-Job-select[data-filter="worker"]').selectOption("");
});

test("hostile log lines are shown as text, nothing runs, and the layout holds; light and dark screenshots", { timeout: 120000 }, async () => {
  assert.equal(await inApp<boolean>(page, `const nb = app.shell.currentWidget.content; nb.activeCellIndex = 2; return await app.commands.execute("notebook:run-cell");`), true);
  await waitKernelIdle(page, 60000);
  const view = jobOf(2);
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll(".jp-Cell")[2]?.querySelector(".bl-Job")?.dataset.state === "done", undefined, { timeout: 60000 });
  assert.deepEqual(dialogs, [], "a dialog fired");
  assert.equal(await page.evaluate(() => (globalThis as any).document.querySelectorAll('img[src="x"]').length), 0, "no img from data");
  const scripts = await page.evaluate(() => [...(globalThis as any).document.querySelectorAll(".bl-Job script")].length);
  assert.equal(scripts, 0, "no script from data");
  const texts = await view.locator(".bl-Job-logText").allTextContents();
  assert.ok(texts.includes(HOSTILE), "the markup is text");
  assert.ok(texts.includes(SCRIPT), "the script end tag is text");
  const long = texts.find((t) => /^x+…?$/.test(t));
  assert.ok(long && long.length >= 1000, "the long word is shown (cut as the logs cut it)");
  assert.ok(((await view.locator(".bl-Job-stageSteps li").allTextContents()).includes(`Shout ${HOSTILE}`)), "a hostile label is text");
  const layout = await view.evaluate((el: any) => {
    const out = el.closest(".jp-OutputArea-output");
    const log = el.querySelector(".bl-Job-logList");
    return { view: el.getBoundingClientRect().width, area: out.getBoundingClientRect().width, scroll: el.scrollWidth, client: el.clientWidth, logScroll: log.scrollWidth, logClient: log.clientWidth };
  });
  assert.ok(layout.view <= layout.area + 1, `the view fits its output area: ${JSON.stringify(layout)}`);
  assert.ok(layout.scroll <= layout.client + 1, `nothing sticks out of the view: ${JSON.stringify(layout)}`);
  assert.ok(layout.logScroll <= layout.logClient + 1, `the long word wraps in the log panel: ${JSON.stringify(layout)}`);

  for (const [theme, name] of [["JupyterLab Light", "job"], ["JupyterLab Dark", "job-dark"]] as const) {
    await setTheme(theme);
    await jobOf(1).scrollIntoViewIfNeeded();
    await jobOf(1).screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    await jobOf(2).screenshot({ path: join(ARTIFACTS, `${name}-hostile.png`) });
  }
  await setTheme("JupyterLab Light");
});

test("runs side by side: a column per run with its job view, under the summary; titles are text; light and dark screenshots", { timeout: 120000 }, async () => {
  assert.equal(await inApp<boolean>(page, `const nb = app.shell.currentWidget.content; nb.activeCellIndex = 3; return await app.commands.execute("notebook:run-cell");`), true);
  await waitKernelIdle(page, 60000);
  const runs = page.locator(".jp-Notebook .jp-Cell").nth(3).locator(".bl-Runs");
  await runs.waitFor({ state: "visible", timeout: 60000 });
  assert.deepEqual(await errorOutputs(page), []);
  assert.deepEqual(dialogs, [], "a dialog fired");
  const rows = await runs.locator(".bl-Runs-summary tbody tr").allTextContents();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^directdirectDONE.*1\.00×/);
  assert.ok(rows[1].startsWith(`2 workers ${HOSTILE}local`), rows[1]);
  assert.deepEqual(await runs.locator(".bl-Runs-title").allTextContents(), ["direct", `2 workers ${HOSTILE}`], "titles are text");
  assert.equal(await runs.locator(".bl-Runs-column .bl-Job").count(), 2, "each column holds its job view");
  assert.equal(await runs.locator(".bl-Runs-column").nth(1).locator(".bl-Job-title").textContent(), "Job on the local runner · 3 of 3 stages done");
  const layout = await runs.evaluate((el: any) => {
    const [a, b] = [...el.querySelectorAll(".bl-Runs-column")].map((c: any) => c.getBoundingClientRect());
    const out = el.closest(".jp-OutputArea-output").getBoundingClientRect();
    return { a: { left: a.left, right: a.right, top: a.top }, b: { left: b.left, right: b.right, top: b.top }, area: out.right, scroll: el.scrollWidth, client: el.clientWidth };
  });
  assert.ok(layout.b.left >= layout.a.right && Math.abs(layout.a.top - layout.b.top) < 2, `the columns stand side by side: ${JSON.stringify(layout)}`);
  assert.ok(layout.b.right <= layout.area + 1 && layout.scroll <= layout.client + 1, `nothing sticks out: ${JSON.stringify(layout)}`);
  // JupyterLab's output-area rules float dt/dd at 20%/80%: an option's name must not run under its value.
  const overlaps = await runs.evaluate((el: any) =>
    [...el.querySelectorAll(".bl-Job-options dt")].flatMap((dt: any) => {
      const dd = dt.nextElementSibling;
      const [a, b] = [dt.getBoundingClientRect(), dd.getBoundingClientRect()];
      return a.right > b.left + 0.5 && a.top < b.bottom && b.top < a.bottom ? [`${dt.textContent} / ${dd.textContent}`] : [];
    }),
  );
  assert.deepEqual(overlaps, []);
  for (const [theme, name] of [["JupyterLab Light", "runs"], ["JupyterLab Dark", "runs-dark"]] as const) {
    await setTheme(theme);
    await runs.scrollIntoViewIfNeeded();
    await runs.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  }
  await setTheme("JupyterLab Light");
});

test("a Spark run's job view links the Spark UI while it runs, and says it closed after; per-executor rows; light and dark screenshots", { timeout: 180000 }, async () => {
  void inApp<boolean>(page, `const nb = app.shell.currentWidget.content; nb.activeCellIndex = 4; return await app.commands.execute("notebook:run-cell");`);
  const view = jobOf(4);
  // While the run goes on: a link to the driver's UI, which answers.
  const link = view.locator("a.bl-Job-link");
  await link.waitFor({ state: "attached", timeout: 120000 });
  const href = (await link.getAttribute("href")) ?? "";
  assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(await link.getAttribute("target"), "_blank");
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  const running = await view.getAttribute("data-state");
  const ui = running === "running" ? await fetch(href).then((r) => r.status).catch(() => 0) : 200;
  assert.equal(ui, 200, `the Spark UI answers while the run goes on (state ${running})`);
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll(".jp-Cell")[4]?.querySelector(".bl-Job")?.dataset.state === "done", undefined, { timeout: 120000 });
  await waitKernelIdle(page, 60000);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(await view.locator("a.bl-Job-link").count(), 0, "no link to a page that is gone");
  assert.deepEqual(await view.locator(".bl-Job-link.bl-mod-gone").allTextContents(), ["Spark UI (closed with the run)"]);
  assert.match((await view.locator(".bl-Job-title").textContent()) ?? "", /^Job on the spark runner · \d+ of \d+ stages done$/);
  const workers = await view.locator(".bl-Job-section").filter({ has: page.locator("h4", { hasText: /^Workers$/ }) }).textContent();
  assert.match(workers ?? "", /worker 0executor: driver · node: pid \d+/, "executor rows name Spark's executor and the Node process");
  for (const [theme, name] of [["JupyterLab Light", "job-spark"], ["JupyterLab Dark", "job-spark-dark"]] as const) {
    await setTheme(theme);
    await view.scrollIntoViewIfNeeded();
    await view.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  }
  await setTheme("JupyterLab Light");
});
