/**
 * The JupyterLab extension against a LIVE tslab kernel, in headless Chromium.
 *
 * Runs notebooks/03-teacher.ipynb (a temp copy inside the repo, so `import "beamlab"`
 * resolves) on a temp warehouse, then checks: the table renderer (rows, count, sorting),
 * the Pipeline Inspector (PCollections by variable name), opening a PCollection from the
 * graph (rows paged from the kernel), paging past the embedded rows of a 5,000-row
 * PCollection, and that a hostile string stays text in a cell, a label and a graph node.
 * Screenshots go to test-artifacts/live-*.png. Tests share one page and run in order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { existsSync } from "node:fs";

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { HOSTILE } from "./fixtures";
import { ARTIFACTS, errorOutputs as errorOutputsOf, inApp as inAppOf, openLab, recordKernelFrames, runNewCell as runNewCellOf, screenshot, stopAll, waitKernelIdle as waitIdleOf, type Lab, openKernelSession } from "./helpers";

const NOTEBOOK = "03-teacher.ipynb";
let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
let frames: { sent: string[]; received: string[] };

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ warehouse: true }, dialogs, 1500));
  frames = recordKernelFrames(page);
});

after(async () => {
  await stopAll();
});

const inApp = <T>(fn: string): Promise<T> => inAppOf<T>(page, fn);
const waitKernelIdle = (timeoutMs = 60000): Promise<void> => waitIdleOf(page, timeoutMs);
const errorOutputs = (): Promise<string[]> => errorOutputsOf(page);
const runNewCell = (code: string): Promise<boolean> => runNewCellOf(page, code);

function assertSafe(): Promise<void> {
  return (async () => {
    assert.deepEqual(dialogs, [], "a dialog fired");
    assert.equal(await page.evaluate(() => (globalThis as any).document.querySelectorAll('img[src="x"]').length), 0);
  })();
}

test("03-teacher runs all cells on a live tslab kernel", { timeout: 120000 }, async () => {
  assert.ok(existsSync(join(lab.rootDir, NOTEBOOK)), `${NOTEBOOK} is missing`);
  await openLab(page, lab, NOTEBOOK);
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext, undefined, { timeout: 30000 });
  await waitKernelIdle(60000);
  const ok = await inApp<boolean>(`return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle();
  assert.deepEqual(await errorOutputs(), []);
  assert.equal(ok, true, "run-all reported a failed cell");
});

test("the table renderer shows the rows and the count, and sorts by a header", async () => {
  const table = page.locator(".jp-Notebook .jp-OutputArea .bl-Table").first();
  await table.scrollIntoViewIfNeeded();
  await table.locator(".bl-Table-body .bl-Table-row").first().waitFor({ state: "visible" });
  const count = (await table.locator(".bl-Table-count").textContent()) ?? "";
  const m = /showing ([\d,]+) of ([\d,]+)/.exec(count);
  assert.ok(m, `count text: ${count}`);
  const total = Number(m[2].replace(/,/g, ""));
  assert.ok(total > 10, `only ${total} teachers`);
  assert.match((await table.locator(".bl-Table-title").textContent()) ?? "", /rows/);
  const headers = await table.locator('[role="columnheader"] .bl-Table-colname').allTextContents();
  assert.deepEqual(headers, ["tid", "instructor", "dept"]);

  const column = async (ci: number) =>
    (await table.locator(`.bl-Table-body [role="gridcell"][data-col="${ci}"]`).allTextContents()).slice(0, 8);
  const before = await column(1);
  assert.ok(before.length >= 5 && before.every((t) => t !== "…"), `rows: ${before}`);
  const header = table.locator('[role="columnheader"]').nth(1);
  await header.click();
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  const asc = await column(1);
  assert.notDeepEqual(asc, before, "sorting did not change the order");
  // The grid sorts strings by code unit (uppercase before lowercase).
  const sorted = [...asc].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(asc.filter((t) => t !== "null"), sorted.filter((t) => t !== "null"), `not ascending: ${asc}`);
  await header.click();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  assert.notDeepEqual(await column(1), asc);
  await table.screenshot({ path: join(ARTIFACTS, "live-table.png") });
  await assertSafe();
});

test("the Pipeline Inspector lists the pipeline's PCollections by variable name", async () => {
  await page.locator('.lm-TabBar-tab[data-id="beamlab-inspector"]').click();
  const inspector = page.locator(".bl-Inspector");
  await inspector.waitFor({ state: "visible" });
  const teacher = inspector.locator(".bl-Inspector-pipeline", { has: page.locator(".bl-Inspector-var", { hasText: /^teachers$/ }) });
  await teacher.waitFor({ state: "visible", timeout: 30000 });
  // Named by its variable (p) or by its name (teacher).
  assert.match((await teacher.locator(".bl-Inspector-name").textContent()) ?? "", /^(p|teacher)$/);
  for (const v of ["rows", "teachers"]) {
    await teacher.locator(".bl-Inspector-var", { hasText: new RegExp(`^${v}$`) }).waitFor({ state: "visible", timeout: 15000 });
  }
  await screenshot(page, "live-inspector");
  await assertSafe();
});

test("clicking a graph node opens the PCollection's rows in the main area", async () => {
  const graph = page.locator(".jp-Notebook .jp-OutputArea .bl-Graph").first();
  await graph.scrollIntoViewIfNeeded();
  const node = graph.locator(".bl-Graph-node.bl-mod-pcollection", { hasText: /teachers|Split instructor/ }).first();
  await node.waitFor({ state: "visible" });
  await graph.screenshot({ path: join(ARTIFACTS, "live-graph.png") });
  const tabsBefore = await page.locator("#jp-main-dock-panel .lm-TabBar-tab").count();
  const sentBefore = frames.sent.length;
  const receivedBefore = frames.received.length;
  await node.click();
  await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll("#jp-main-dock-panel .lm-TabBar-tab").length > n, tabsBefore);
  const opened = page.locator("#jp-main-dock-panel .bl-Table.bl-mod-fill:visible").last();
  await opened.locator(".bl-Table-body .bl-Table-row").first().waitFor({ state: "visible", timeout: 30000 });
  // The rows came from a page request answered by the live kernel: the request went out
  // on the kernel channel, a successful page reply came back, and the table shows no
  // error (on failure it falls back to the saved sample *with* the error as its status).
  await page.waitForFunction(() => {
    const t = [...(globalThis as any).document.querySelectorAll("#jp-main-dock-panel .bl-Table.bl-mod-fill")].pop();
    return !!t && t.querySelector(".bl-Table-status").textContent === "";
  }, undefined, { timeout: 30000 });
  const pageRequests = frames.sent.slice(sentBefore).filter((f) => f.includes("__beamlab") && f.includes("?.page("));
  assert.ok(pageRequests.length >= 1, "no page request was sent to the kernel");
  assert.ok(
    frames.received.slice(receivedBefore).some((f) => f.includes("application/vnd.beamlab.reply.v1+json") && /"kind":\s*"page"/.test(f) && /"ok":\s*true/.test(f)),
    "no successful page reply from the kernel",
  );
  assert.equal((await opened.locator(".bl-Table-status").textContent()) ?? "", "");
  assert.match((await opened.locator(".bl-Table-title").textContent()) ?? "", /teachers/);
  assert.match((await opened.locator(".bl-Table-count").textContent()) ?? "", /showing [\d,]+ of [\d,]+/);
  const headers = await opened.locator('[role="columnheader"] .bl-Table-colname').allTextContents();
  assert.deepEqual(headers, ["tid", "fname", "lname", "dept"]);
  await screenshot(page, "live-opened-table");
  await assertSafe();
});

test("a large PCollection embeds only part of its rows; hostile strings stay text", { timeout: 90000 }, async () => {
  // Back to the notebook tab.
  await inApp(`
    const nb = [...app.shell.widgets("main")].find((w) => w.context && w.context.path.endsWith(${JSON.stringify(NOTEBOOK)}));
    app.shell.activateById(nb.id);
  `);
  const ok = await runNewCell(
    [
      `const pb = new beam.Pipeline({ name: "big" });`,
      `const big = pb.apply("Big", beam.Create(Array.from({ length: 5000 }, (_, i) => ({ i, s: ${JSON.stringify(HOSTILE)} }))));`,
      `const hostile = big.apply(${JSON.stringify(HOSTILE)}, beam.Map((r: { i: number; s: string }) => ({ ...r, j: r.i * 2 })));`,
      `await beam.show(big);`,
      `await beam.show(hostile, { n: 20 });`,
      `beam.showGraph(pb);`,
    ].join("\n"),
  );
  await waitKernelIdle();
  assert.deepEqual(await errorOutputs(), []);
  assert.equal(ok, true);

  const cell = page.locator(".jp-Notebook .jp-CodeCell").last();
  const table = cell.locator(".bl-Table").first();
  await table.scrollIntoViewIfNeeded();
  await table.locator(".bl-Table-body .bl-Table-row").first().waitFor({ state: "visible" });
  const count = (await table.locator(".bl-Table-count").textContent()) ?? "";
  const m = /showing ([\d,]+) of 5,000/.exec(count);
  assert.ok(m, `count text: ${count}`);
  const embedded = Number(m[1].replace(/,/g, ""));
  assert.ok(embedded < 5000, `all ${embedded} rows were embedded; nothing to page`);
  // The hostile string in a table cell, as text.
  assert.ok((await table.locator(".bl-Table-text", { hasText: HOSTILE }).count()) >= 1);

  // Nothing past the embedded rows is in the DOM yet.
  const lastRow = table.locator('.bl-Table-body [role="gridcell"][data-col="0"]', { hasText: /^4999$/ });
  assert.equal(await lastRow.count(), 0);
  // Scrolling to the bottom pages the missing rows in from the kernel: row i=4999.
  await table.locator(".bl-Table-scroller").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await lastRow.waitFor({ state: "visible", timeout: 30000 });
  assert.equal(((await table.locator(".bl-Table-status").textContent()) ?? "").trim(), "");
  await table.screenshot({ path: join(ARTIFACTS, "live-big-table.png") });

  // The hostile label: in the second table's title and in a graph node.
  const labelled = cell.locator(".bl-Table").nth(1);
  assert.ok((await labelled.locator(".bl-Table-title", { hasText: HOSTILE }).count()) >= 1, "hostile label not in a table title");
  const graph = cell.locator(".bl-Graph").first();
  await graph.scrollIntoViewIfNeeded();
  assert.ok((await graph.locator(".bl-Graph-label", { hasText: "<img src=x" }).count()) >= 1, "hostile label not in a graph node");
  await graph.screenshot({ path: join(ARTIFACTS, "live-hostile-graph.png") });
  await assertSafe();
});
