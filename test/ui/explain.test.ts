/**
 * beam.explain in the browser, against a LIVE tslab kernel in headless Chromium: after
 * 05-class, `beam.explain(p)` shows one output with four tabs (As written, As submitted,
 * Validation, Optimized) that switch by click and by arrow keys; As submitted lists every
 * transform with its URN and opens a DoFn's source; Optimized shows the stage graph and one
 * card per stage; an error finding reads as an error; hostile labels stay text; every text
 * is readable in the light and dark themes. Screenshots go to test-artifacts/explain-*.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { ARTIFACTS, errorOutputs, inApp, openLab, runNewCell, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";
import { HOSTILE } from "./fixtures";

declare function getComputedStyle(el: unknown): { [k: string]: string } & { getPropertyValue(name: string): string };

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ warehouse: true }, dialogs, 1280));
});

after(async () => {
  await stopAll();
});

/** The last explain output of the current notebook. */
function lastExplain(): Locator {
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .bl-Explain").last();
}

async function shoot(target: Locator, name: string): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await target.screenshot({ path: join(ARTIFACTS, `explain-${name}.png`), animations: "disabled" });
}

/** Every visible text node of `root` against its background, as WCAG contrast ratios. */
async function contrasts(root: Locator): Promise<Array<{ text: string; ratio: number }>> {
  return root.evaluate((el: any) => {
    const parse = (c: string): number[] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [255, 255, 255, 1];
      const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
    };
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((x) => {
        const s = x / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (e: any): number[] => {
      for (let n = e; n; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c[3] > 0.5) return c;
      }
      return parse(getComputedStyle((globalThis as any).document.body).backgroundColor);
    };
    const out: Array<{ text: string; ratio: number }> = [];
    const walker = (globalThis as any).document.createTreeWalker(el, 4);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const p = t.parentElement;
      if (!p || !t.textContent.trim() || p.closest("svg") || !p.getClientRects().length) continue;
      const fg = parse(getComputedStyle(p).color);
      const a = lum(fg);
      const b = lum(background(p));
      out.push({ text: t.textContent.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
    }
    return out;
  });
}

async function tab(view: Locator, name: RegExp): Promise<Locator> {
  const t = view.getByRole("tab", { name });
  await t.click();
  assert.equal(await t.getAttribute("aria-selected"), "true");
  return view.locator('[role="tabpanel"]:not(.lm-mod-hidden)');
}

test("after 05-class, beam.explain(p) shows the pipeline as written, as submitted, validated and fused", { timeout: 300000 }, async () => {
  await openLab(page, lab, "05-class.ipynb");
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel, undefined, { timeout: 60000 });
  await waitKernelIdle(page, 90000);
  assert.equal(await inApp<boolean>(page, `return await app.commands.execute("notebook:run-all-cells");`), true);
  await waitKernelIdle(page, 180000);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(await runNewCell(page, "beam.explain(p);"), true);
  await waitKernelIdle(page, 60000);
  const view = lastExplain();
  await view.waitFor({ state: "visible", timeout: 30000 });
  const tabs = view.getByRole("tab");
  assert.deepEqual((await tabs.allTextContents()).map((t) => t.replace(/ \(.*\)$| ✓$/, "")), ["As written", "As submitted", "Validation", "Optimized"]);

  // As written: the user's graph, composites closed.
  const written = view.locator('[role="tabpanel"]:not(.lm-mod-hidden)');
  await written.locator(".bl-Graph-node").first().waitFor({ state: "visible", timeout: 30000 });
  assert.ok((await written.locator(".bl-Graph-label").allTextContents()).some((t) => t.includes("Split takes and classes")));
  await shoot(view, "written");

  // As submitted: transforms with URNs, and the DoFn's source on demand.
  const submitted = await tab(view, /As submitted/);
  const row = submitted.locator("tr", { hasText: "Split takes and classes" }).first();
  assert.match((await row.textContent()) ?? "", /beam:transform:pardo:v1/);
  assert.match((await submitted.locator(".bl-Explain-lead").textContent()) ?? "", /environment beamlab-node \(beamlab:env:node:v1: beamlab [\d.]+ on node v\d+/);
  const code = submitted.locator("details.bl-Explain-code", { hasText: "SplitClassFn" }).first();
  await code.locator("summary").click();
  assert.match((await code.locator("pre").textContent()) ?? "", /class SplitClassFn extends/);
  assert.match((await submitted.locator("tr", { hasText: "Group by cno" }).first().textContent()) ?? "", /beam:transform:group_by_key:v1/);
  await shoot(view, "submitted");

  // Validation: no errors; a warning for what nothing reads (05 leaves some steps unread).
  const validation = await tab(view, /Validation/);
  assert.match((await validation.locator(".bl-Explain-lead").textContent()) ?? "", /^No (errors|problems found): the pipeline can run/);
  assert.ok((await validation.locator(".bl-Explain-checks li").count()) >= 5);
  await shoot(view, "validation");

  // Optimized, reached with the arrow key from Validation: the stage graph and one card per stage.
  await view.getByRole("tab", { name: /Validation/ }).press("ArrowRight");
  assert.equal(await view.getByRole("tab", { name: /Optimized/ }).getAttribute("aria-selected"), "true");
  const optimized = view.locator('[role="tabpanel"]:not(.lm-mod-hidden)');
  await optimized.locator(".bl-Graph-node").first().waitFor({ state: "visible", timeout: 30000 });
  const cards = optimized.locator(".bl-Explain-stage");
  const n = await cards.count();
  assert.match((await view.getByRole("tab", { name: /Optimized/ }).textContent()) ?? "", new RegExp(`Optimized \\(${n} stages\\)`));
  assert.match((await cards.nth(0).textContent()) ?? "", /S1: Read class[\s\S]*Split takes and classes — fused[\s\S]*Group by cno — writes to the shuffle/);
  const second = cards.filter({ hasText: "Group by cno — reads the shuffle" });
  assert.equal(await second.count(), 1);
  assert.match((await second.textContent()) ?? "", /Reads: shuffle of Group by cno \(from S1\)[\s\S]*Keep first — fused/);
  assert.ok((await optimized.locator(".bl-Graph-label").allTextContents()).some((t) => /shuffle: Group by cno/.test(t)));
  for (const c of await contrasts(view)) assert.ok(c.ratio >= 4.5, `light: "${c.text}" has contrast ${c.ratio.toFixed(2)}`);
  await shoot(view, "optimized");
  assert.deepEqual(dialogs, []);
});

test("an error finding reads as an error, and hostile labels and values stay text", { timeout: 120000 }, async () => {
  const code = [
    `const q = new beam.Pipeline({ name: ${JSON.stringify(HOSTILE)} });`,
    `const words = q.apply(${JSON.stringify(HOSTILE)}, beam.Create([${JSON.stringify(HOSTILE)}]));`,
    `words.apply("Group", beam.GroupByKey() as any);`,
    "beam.explain(q);",
  ].join("\n");
  assert.equal(await runNewCell(page, code), true);
  await waitKernelIdle(page, 60000);
  const view = lastExplain();
  await view.waitFor({ state: "visible", timeout: 30000 });
  const validationTab = view.getByRole("tab", { name: /Validation/ });
  assert.match((await validationTab.textContent()) ?? "", /Validation \(1 error\)/);
  const validation = await tab(view, /Validation/);
  const finding = validation.locator(".bl-Explain-finding.bl-mod-error");
  assert.equal(await finding.count(), 1);
  assert.match((await finding.textContent()) ?? "", /GroupByKey needs \[key, value\] pairs[\s\S]*What to do: key the elements first/);
  assert.match((await finding.textContent()) ?? "", /<img src=x onerror=alert\(1\)>/);
  assert.equal(await view.locator("img").count(), 0);
  await shoot(view, "error");
  assert.deepEqual(dialogs, []);
});

test("dark theme: every text of the explain output has contrast of at least 4.5:1", { timeout: 60000 }, async () => {
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" });`);
  await page.waitForFunction(() => getComputedStyle((globalThis as any).document.body).getPropertyValue("--jp-layout-color0").trim() === "#111", undefined, { timeout: 30000 });
  const view = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .bl-Explain").first();
  for (const [name, re] of [["submitted", /As submitted/], ["validation", /Validation/], ["optimized", /Optimized/]] as const) {
    await tab(view, re);
    for (const c of await contrasts(view)) assert.ok(c.ratio >= 4.5, `dark ${name}: "${c.text}" has contrast ${c.ratio.toFixed(2)}`);
    await shoot(view, `${name}-dark`);
  }
});
