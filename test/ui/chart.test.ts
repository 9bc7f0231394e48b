/**
 * Charts against a LIVE tslab kernel, in headless Chromium: JupyterLab's vega renderer
 * draws `beam.chart(...)` output with a hostile string kept as text (tooltip, axis), and
 * the table's quick-chart button inserts `beam.chart(...)` code into a new cell below,
 * which runs and draws a chart. Screenshots go to test-artifacts/chart-*.png.
 * Tests share one page and run in order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tslabNotebookJson } from "../notebook";
import type { Browser, Locator, Page } from "playwright-core";
import * as beam from "../../lib";
import { bundleOf } from "../../lib/interactive/show";
import { HOSTILE } from "./fixtures";
import { ARTIFACTS, errorOutputs, inApp, openLab, runNewCell, screenshot, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";

const NOTEBOOK = "charts.ipynb";

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  // Nothing but our notebook.
  ({ lab, browser, page } = await openKernelSession({ notebooksDir: join(ARTIFACTS, "no-such-dir"), extraFiles: { [NOTEBOOK]: tslabNotebookJson(['import * as beam from "beamlab";']) } }, dialogs));
});

after(async () => {
  await stopAll();
});

async function assertSafe(): Promise<void> {
  assert.deepEqual(dialogs, [], "a dialog fired");
  assert.equal(await page.evaluate(() => (globalThis as any).document.querySelectorAll('img[src="x"]').length), 0);
}

/** Waits for a live vega chart in `scope` and checks it drew bars (svg paths or painted canvas pixels). */
async function assertChartDrawn(scope: Locator): Promise<Locator> {
  const embed = scope.locator(".vega-embed").first();
  await embed.waitFor({ state: "visible", timeout: 30000 });
  const drawing = embed.locator("canvas, svg.marks").first();
  await drawing.waitFor({ state: "visible", timeout: 30000 });
  const marks = await drawing.evaluate((el: any) => {
    if (el.tagName.toLowerCase() === "svg") return el.querySelectorAll(".mark-rect path").length;
    // Canvas: count pixels in the default bar colour (#4c78a8).
    const ctx = el.getContext("2d");
    const { data } = ctx.getImageData(0, 0, el.width, el.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - 0x4c) < 8 && Math.abs(data[i + 1] - 0x78) < 8 && Math.abs(data[i + 2] - 0xa8) < 8) n++;
    return n;
  });
  assert.ok(marks > 0, "the chart drew no bars");
  return embed;
}

test("a notebook with the beamlab import runs on a live tslab kernel", { timeout: 120000 }, async () => {
  await openLab(page, lab, NOTEBOOK);
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext, undefined, { timeout: 30000 });
  await waitKernelIdle(page, 60000);
  const ok = await inApp<boolean>(page, `return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ok, true);
});

test("a live vega-lite chart keeps a hostile string as text in its tooltip and axis", { timeout: 90000 }, async () => {
  const ok = await runNewCell(
    page,
    `await beam.show(beam.chart([{ name: ${JSON.stringify(HOSTILE)}, n: 2 }, { name: "b", n: 3 }]).bar({ x: "name", y: "n", tooltip: ["name", "n"] }));`,
  );
  await waitKernelIdle(page);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ok, true);
  const cell = page.locator(".jp-Notebook .jp-CodeCell").last();
  // JupyterLab's own vega-lite renderer, not the static SVG fallback.
  assert.equal(await cell.locator(".jp-OutputArea-output.jp-RenderedVegaLite").count(), 1);
  assert.equal(await cell.locator(".jp-OutputArea-output.jp-RenderedSVG").count(), 0);
  const embed = await assertChartDrawn(cell);
  const drawing = embed.locator("canvas, svg.marks").first();
  // JupyterLab 4 draws vega to a <canvas>: axis labels are painted text, not DOM, so
  // they cannot carry markup (see test-artifacts/chart-live.png); the DOM checks are the
  // tooltip below and assertSafe().

  // Hover across the plot until the tooltip shows the hostile bar (bars are tall: n = 2 and 3).
  const box = (await drawing.boundingBox())!;
  const tooltip = page.locator("#vg-tooltip-element");
  let found = false;
  for (let y = box.y + box.height * 0.3; y < box.y + box.height * 0.8 && !found; y += 15) {
    for (let x = box.x + 10; x < box.x + box.width - 5 && !found; x += 6) {
      await page.mouse.move(x, y);
      const text = (await tooltip.count()) ? ((await tooltip.textContent()) ?? "") : "";
      if (text.includes(HOSTILE) && (await tooltip.isVisible())) found = true;
    }
  }
  assert.ok(found, "no tooltip with the hostile name appeared");
  assert.equal(await tooltip.locator("img").count(), 0, "the tooltip holds an element from the data");
  assert.match((await tooltip.textContent()) ?? "", /n:?\s*2$/, "the hostile bar has n = 2");
  await screenshot(page, "chart-live-tooltip");
  await embed.screenshot({ path: join(ARTIFACTS, "chart-live.png") });
  await page.mouse.move(0, 0);
  await assertSafe();
});

test("the quick-chart button of a column inserts beam.chart code below the output; it runs", { timeout: 90000 }, async () => {
  const ok = await runNewCell(
    page,
    [
      `const p = new beam.Pipeline({ name: "staff", runner: "interactive" });`,
      `const staff = p.apply("Create", beam.Create([{ dept: "cs", year: 1 }, { dept: "cs", year: 2 }, { dept: "math", year: 2 }, { dept: ${JSON.stringify(HOSTILE)}, year: 4 }]));`,
      `await beam.show(staff);`,
      `await beam.show([{ dept: "plain array" }]);`,
    ].join("\n"),
  );
  await waitKernelIdle(page);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ok, true);
  const cells = page.locator(".jp-Notebook .jp-CodeCell");
  const before = await cells.count();
  const shown = cells.nth(before - 1);
  const table = shown.locator(".bl-Table").first();
  await table.locator(".bl-Table-body .bl-Table-row").first().waitFor({ state: "visible" });

  // A table without a variable (a plain array): the action is disabled and says why.
  const plainBtn = shown.locator(".bl-Table").nth(1).getByRole("button", { name: "Chart dept" });
  assert.equal(await plainBtn.getAttribute("aria-disabled"), "true");
  assert.match((await plainBtn.getAttribute("title")) ?? "", /variable/);

  const btn = table.getByRole("button", { name: "Chart dept" });
  assert.equal(await btn.getAttribute("aria-disabled"), null);
  assert.match((await btn.getAttribute("title")) ?? "", /beam\.chart\(staff\)\.count\("dept"\)/);
  const yearBtn = table.getByRole("button", { name: "Chart year" });
  assert.match((await yearBtn.getAttribute("title")) ?? "", /beam\.chart\(staff\)\.histogram\("year"\)/);
  // The button does not sort the column.
  await btn.click();
  assert.equal(await table.locator('[role="columnheader"]').first().getAttribute("aria-sort"), "none");

  await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll(".jp-Notebook .jp-CodeCell").length > n, before);
  const sources = await inApp<string[]>(page, `return app.shell.currentWidget.content.widgets.map((c) => c.model.sharedModel.getSource());`);
  assert.equal(sources.length, before + 1);
  // New cell directly below the output's cell (the last one), active.
  assert.equal(sources[before], 'await beam.show(beam.chart(staff).count("dept"));');
  assert.equal(await inApp<number>(page, `return app.shell.currentWidget.content.activeCellIndex;`), before);
  assert.match((await table.locator(".bl-Table-status").textContent()) ?? "", /Inserted a new cell below/);
  await screenshot(page, "chart-quick-inserted");

  // Keyboard: Enter on the year button inserts a histogram cell (below the table's cell again).
  await yearBtn.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll(".jp-Notebook .jp-CodeCell").length > n, before + 1);
  const after = await inApp<string[]>(page, `return app.shell.currentWidget.content.widgets.map((c) => c.model.sharedModel.getSource());`);
  assert.equal(after[before], 'await beam.show(beam.chart(staff).histogram("year"));');
  assert.equal(after[before + 1], 'await beam.show(beam.chart(staff).count("dept"));');

  // Run the inserted counts cell: a live chart appears in its output.
  const ran = await inApp<boolean>(page, `
    const nb = app.shell.currentWidget.content;
    nb.activeCellIndex = ${before + 1};
    nb.mode = "command";
    return await app.commands.execute("notebook:run-cell");
  `);
  await waitKernelIdle(page);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ran, true);
  const chartCell = cells.nth(before + 1);
  await chartCell.scrollIntoViewIfNeeded();
  const embed = await assertChartDrawn(chartCell);
  await embed.screenshot({ path: join(ARTIFACTS, "chart-quick-count.png") });
  await screenshot(page, "chart-quick-ran");
  await assertSafe();
});

test("the live chart carries the chart's description as its accessible name", { timeout: 90000 }, async () => {
  const ok = await runNewCell(page, `await beam.show(beam.chart([{ dept: "CS" }, { dept: "CS" }, { dept: "Math" }]).count("dept").title("Per department"));`);
  await waitKernelIdle(page);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ok, true);
  const cell = page.locator(".jp-Notebook .jp-CodeCell").last();
  const embed = await assertChartDrawn(cell);
  const labelled = embed.locator('[aria-label^="Per department."]').first();
  await labelled.waitFor({ state: "attached", timeout: 15000 });
  assert.equal(await labelled.getAttribute("aria-label"), "Per department. A bar chart of count by dept: 2 bars (CS 2, Math 1).");
  await assertSafe();
});

test("the static SVG holds its long, slanted labels whole and inside its box, measured with real fonts", { timeout: 60000 }, async () => {
  const names = ["CS331E - Elements of Software Engineering", "Elements of Web Programming", "CS327E – Elements of Databases", "WWWWWWWWWWWWWWWWWWWWWWWW"];
  const data = names.flatMap((cname, i) => Array.from({ length: i + 1 }, () => ({ cname })));
  const bundle = await bundleOf(beam.chart(data).count("cname").title("Enrolments per class"));
  const svg = bundle["image/svg+xml"] as string;
  const blank = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    // As nbconvert and GitHub show it: the SVG as an image of its own size; here inline, to measure its texts.
    await blank.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    const measured = await blank.evaluate(() => {
      const root = (globalThis as any).document.querySelector("svg");
      const box = root.getBoundingClientRect();
      return {
        box: { width: box.width, height: box.height },
        texts: [...root.querySelectorAll("text")].map((t: any) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent, left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top };
        }),
      };
    });
    for (const name of names) assert.ok(measured.texts.some((t) => t.text === name), `the label ${name} is whole`);
    for (const t of measured.texts) {
      assert.ok(t.left >= -0.5 && t.top >= -0.5 && t.right <= measured.box.width + 0.5 && t.bottom <= measured.box.height + 0.5, `${JSON.stringify(t.text)} sticks out of the ${measured.box.width}x${measured.box.height} SVG: ${JSON.stringify(t)}`);
    }
    await blank.screenshot({ path: join(ARTIFACTS, "chart-static-long-labels.png") });
  } finally {
    await blank.close();
  }
});
