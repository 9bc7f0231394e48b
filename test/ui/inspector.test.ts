/**
 * The Pipeline Inspector tells the truth about a live kernel, in headless Chromium:
 * after Run All twice it lists one entry per pipeline (named by variable, with the
 * pipeline's own name beneath), a kernel restart empties it, and Clear empties it until
 * cells run again. Screenshots go to test-artifacts/inspector-*.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { errorOutputs, inApp, openLab, screenshot, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";

const NOTEBOOK = "03-teacher.ipynb";
let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ warehouse: true }, dialogs, 1500));
});

after(async () => {
  await stopAll();
});

const inspector = () => page.locator(".bl-Inspector");

/** The inspector's entries as [title, subtitle, PCollection names]. */
async function entries(): Promise<Array<[string, string, string[]]>> {
  const items = inspector().locator(".bl-Inspector-pipeline");
  const out: Array<[string, string, string[]]> = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    const title = (await item.locator(".bl-Inspector-name").textContent()) ?? "";
    const subtitle = (await item.locator(".bl-Inspector-subtitle-name").allTextContents()).join("");
    out.push([title, subtitle, await item.locator(".bl-Inspector-var").allTextContents()]);
  }
  return out;
}

/** Waits until the inspector shows `want` (it asks the kernel after the cells finish). */
async function waitEntries(want: Array<[string, string, string[]]>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let got = await entries();
  while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
    await page.waitForTimeout(250);
    got = await entries();
  }
  assert.deepEqual(got, want);
}

async function runAll(): Promise<void> {
  const ok = await inApp<boolean>(page, `return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ok, true, "run-all reported a failed cell");
}

const AFTER_RUN: Array<[string, string, string[]]> = [
  ["p", "teacher", ["rows", "teachers", "textFiles", "tables"]],
  ["check", "check teacher", ["Read text"]],
];

test("after Run All twice, one entry per pipeline, named by its variable", { timeout: 240000 }, async () => {
  await openLab(page, lab, NOTEBOOK);
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext, undefined, { timeout: 30000 });
  await waitKernelIdle(page);
  await page.locator('.lm-TabBar-tab[data-id="beamlab-inspector"]').click();
  await inspector().waitFor({ state: "visible" });
  await runAll();
  await waitEntries(AFTER_RUN);
  await runAll();
  await waitEntries(AFTER_RUN);
  await screenshot(page, "inspector-after-two-runs");
  assert.deepEqual(dialogs, []);
});

test("Clear empties the list until a cell runs; then the kernel lists what its variables reach", { timeout: 60000 }, async () => {
  await inspector().getByRole("button", { name: "Clear" }).click();
  await waitEntries([]);
  assert.match((await inspector().textContent()) ?? "", /No pipelines yet/);
  // Re-running the graph cell: its graph brings `p` back, and the look the inspector then
  // takes at the kernel lists `check` too (its variable still holds it).
  await inApp(page, `
    const nb = app.shell.currentWidget.content;
    nb.activeCellIndex = nb.widgets.findIndex((c) => c.model.sharedModel.getSource().includes("beam.showGraph(p)"));
    await app.commands.execute("notebook:run-cell");
  `);
  await waitKernelIdle(page);
  await waitEntries(AFTER_RUN);
});

test("a kernel restart empties the inspector", { timeout: 90000 }, async () => {
  await inApp(page, `await app.shell.currentWidget.sessionContext.restartKernel();`);
  await waitKernelIdle(page);
  await waitEntries([]);
  await screenshot(page, "inspector-after-restart");
  assert.deepEqual(dialogs, []);
});
