/**
 * Smoke test of the JupyterLab extension in a real JupyterLab + headless Chromium:
 * it is installed and enabled, its Inspector icon is in the sidebar, and saved beamlab
 * outputs render with our renderers (hostile strings as text). Screenshots go to
 * test-artifacts/.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { HOSTILE, fixtureNotebook } from "./fixtures";
import { labextensionList, launchBrowser, openLab, screenshot, startLab, stopAll, type Lab, watchedPage } from "./helpers";

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  lab = await startLab({ extraFiles: { "beamlab-fixture.ipynb": fixtureNotebook() } });
  browser = await launchBrowser();
  // alert() from an injected <img onerror> would show up here.
  page = await watchedPage(browser, dialogs);
});

after(async () => {
  await stopAll();
});

test("beamlab-jupyterlab is installed and enabled", async () => {
  const out = await labextensionList();
  // Strip ANSI colours before matching "enabled OK".
  const plain = out.replace(/\u001b\[[0-9;]*m/g, "");
  assert.match(plain, /beamlab-jupyterlab v[\d.]+ enabled\s+OK/);
});

test("the Pipeline Inspector icon is in the sidebar and opens the panel", async () => {
  await openLab(page, lab);
  const tab = page.locator('.lm-TabBar-tab[data-id="beamlab-inspector"]');
  await tab.waitFor({ state: "visible", timeout: 30000 });
  await tab.click();
  await page.locator(".bl-Inspector").waitFor({ state: "visible" });
  await screenshot(page, "extension-inspector");
});

test("saved beamlab outputs render with our renderers, hostile text stays text", async () => {
  await openLab(page, lab, "beamlab-fixture.ipynb");
  // No kernel is needed to view saved outputs; if JupyterLab asks for one (no tslab
  // kernelspec in this environment), dismiss the dialog so it does not hold the focus.
  const dialog = page.locator(".jp-Dialog");
  if (await dialog.waitFor({ state: "visible", timeout: 8000 }).then(() => true, () => false)) {
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  }
  const table = page.locator(".bl-Table").first();
  await table.waitFor({ state: "visible", timeout: 30000 });
  await page.locator(".bl-Graph-node").first().waitFor({ state: "visible" });
  await page.locator(".bl-Progress").first().waitFor({ state: "visible" });
  // Our renderers won over the text/html and image/svg+xml fallbacks.
  assert.equal(await page.locator("text=HTML FALLBACK").count(), 0);
  assert.equal(await page.locator("text=SVG FALLBACK").count(), 0);
  // The hostile string is shown as text (cell, label, graph node, progress step) …
  assert.ok((await page.locator(".bl-Table-text", { hasText: HOSTILE }).count()) >= 1);
  assert.ok((await page.locator(".bl-Table-title", { hasText: HOSTILE }).count()) >= 1);
  assert.ok((await page.locator(".bl-Graph-label", { hasText: "<img src=x" }).count()) >= 1);
  // … and never became an element.
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  // Virtualized: far fewer row elements than the 500 embedded rows.
  const rowEls = await table.locator(".bl-Table-body .bl-Table-row").count();
  assert.ok(rowEls > 0 && rowEls < 100, `rendered ${rowEls} rows`);
  assert.match((await table.locator(".bl-Table-count").textContent()) ?? "", /showing 500 of 5,000/);
  // Sorting by a header via keyboard sets aria-sort.
  const header = table.locator('[role="columnheader"]').nth(1);
  await header.focus();
  await page.keyboard.press("Enter");
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  await screenshot(page, "extension-fixture-notebook");
  assert.deepEqual(dialogs, []);
});
