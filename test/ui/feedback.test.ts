/**
 * A feedback page with hostile strings everywhere, opened from disk in headless Chromium:
 * no dialog fires, no script exists or runs, no request leaves the page, the 100k-character
 * string wraps at 1280 px, and the page is legible in light and dark mode. Screenshots go
 * to test-artifacts/screenshots/feedback.png and feedback-dark.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { feedbackHtml, stageCharts } from "../../lib/grading/report";
import { HIDDEN_MARKER, IMG, damaged, hostile } from "../grading/report-fixtures";
import { ARTIFACTS, launchBrowser, stopAll } from "./helpers";

const SHOTS = join(ARTIFACTS, "screenshots");
let browser: Browser;
let dir: string;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(ARTIFACTS, "feedback-"));
  browser = await launchBrowser();
});

after(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page of `html` from a file and records what it tries: dialogs, requests, console messages. */
async function open(name: string, html: string, colorScheme: "light" | "dark" = "light") {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const seen = { dialogs: [] as string[], requests: [] as string[], console: [] as string[], errors: [] as string[] };
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => seen.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  await page.goto(url, { waitUntil: "load" });
  return { page, url, seen };
}

/** No script element, no inline handler, no javascript: URL, and nothing ran or was refused. */
async function assertInert(page: Page, seen: { dialogs: string[]; console: string[]; errors: string[] }): Promise<void> {
  assert.deepEqual(seen.dialogs, [], "a dialog fired");
  assert.deepEqual(seen.errors, [], "a script ran and failed");
  // A CSP refusal is logged to the console: nothing may even have tried to load or run.
  assert.deepEqual(seen.console, [], "the console saw something");
  const found = await page.evaluate(() => {
    const doc = (globalThis as any).document;
    const all = [...doc.querySelectorAll("*")] as any[];
    return {
      scripts: doc.scripts.length,
      handlers: all.filter((el) => [...el.attributes].some((a: any) => /^on/i.test(a.name))).length,
      jsUrls: all.filter((el) => [...el.attributes].some((a: any) => /^\s*javascript:/i.test(a.value))).length,
      imgX: doc.querySelectorAll('img[src="x"]').length,
      iframes: doc.querySelectorAll("iframe, object, embed, link, base, form").length,
    };
  });
  assert.deepEqual(found, { scripts: 0, handlers: 0, jsUrls: 0, imgX: 0, iframes: 0 });
}

test("a hostile feedback page runs nothing, loads nothing and does not overflow at 1280 px", { timeout: 60000 }, async () => {
  const html = feedbackHtml(hostile, { assignment: `a1 ${IMG}`, charts: await stageCharts(hostile) });
  const { page, url, seen } = await open("hostile", html);
  await assertInert(page, seen);
  // The charts are data: images, which no network sees; anything else would have left the page.
  assert.deepEqual(seen.requests.filter((r) => !r.startsWith("data:")), [url]);
  const size = await page.evaluate(() => {
    const el = (globalThis as any).document.documentElement;
    return { scroll: el.scrollWidth, client: el.clientWidth };
  });
  assert.ok(size.scroll <= size.client, `the page is ${size.scroll}px wide in a ${size.client}px window`);
  // Text shows as text: the hostile markup is readable on the page.
  const text: string = await page.evaluate(() => (globalThis as any).document.body.innerText);
  assert.ok(text.includes(IMG));
  assert.ok(text.includes("⟨U+202E⟩"));
  assert.ok(!text.includes(HIDDEN_MARKER));
  await page.close();
  // Markup, a closing script tag, a javascript: URL, a right-to-left override and a long unbroken string.
  console.log(`# reliability: feedback ${JSON.stringify({ strings: 5 })}`);
});

test("a feedback page with a differing stage reads well in light and dark mode", { timeout: 60000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const html = feedbackHtml(damaged, { assignment: "a1-clean", charts: await stageCharts(damaged) });
  for (const scheme of ["light", "dark"] as const) {
    const { page, url, seen } = await open(`damaged-${scheme}`, html, scheme);
    await assertInert(page, seen);
    assert.deepEqual(seen.requests.filter((r) => !r.startsWith("data:")), [url]);
    // The chart drew: its image has a size (a broken data: image would be 0 × 0).
    const chart = await page.locator("figure img").first().evaluate((img: any) => ({ w: img.naturalWidth, src: img.currentSrc.slice(0, 26) }));
    assert.ok(chart.w > 100, `chart width ${chart.w}`);
    const background = await page.evaluate(() => (globalThis as any).getComputedStyle((globalThis as any).document.documentElement).backgroundColor);
    assert.equal(background, scheme === "dark" ? "rgb(13, 17, 23)" : "rgb(255, 255, 255)");
    await page.screenshot({ path: join(SHOTS, scheme === "dark" ? "feedback-dark.png" : "feedback.png"), fullPage: true });
    await page.close();
  }
});

test("the hostile page's screenshot, for a look at what wrapping does", { timeout: 60000 }, async () => {
  mkdirSync(SHOTS, { recursive: true });
  const html = feedbackHtml(hostile, { assignment: `a1 ${IMG}`, charts: await stageCharts(hostile) });
  const { page } = await open("hostile-shot", html);
  await page.screenshot({ path: join(SHOTS, "feedback-hostile.png"), fullPage: true });
  await page.close();
});
