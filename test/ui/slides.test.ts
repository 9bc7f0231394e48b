/**
 * The slide deck of `beamlab slides`, opened in headless Chromium from a file: the arrow
 * keys, Space, Home and End move between slides (one shown at a time, the counter and the
 * address follow), the deck's own script runs under its Content-Security-Policy, and no
 * request leaves the page, even with data that looks like markup pointing elsewhere.
 * The deck is made from a real step-through of a small pipeline (in this process).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import * as beam from "../../lib";
import { deckFromNotebook } from "../../lib/teaching/slides";
import { ARTIFACTS, launchBrowser } from "./helpers";

let browser: Browser;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];
let steps = 0;

before(async () => {
  const p = new beam.Pipeline({ runner: "interactive", name: "deck" });
  const rows = p.apply("Create", beam.Create([{ name: `<img src="http://127.0.0.1:9/leak.png">`, n: 1 }, { name: "Ada", n: 2 }, { name: "Bob", n: 3 }]));
  const upper = rows.apply("Upper", beam.Map((r: { name: string; n: number }) => ({ ...r, name: r.name.toUpperCase() })));
  upper.apply("Keep n > 1", beam.Filter((r: { n: number }) => r.n > 1));
  const st = await beam.stepThrough(p, { show: false });
  steps = st.steps.length;
  const bundle = (st as unknown as Record<symbol, () => Record<string, unknown>>)[Symbol.for("beamlab.display")]();
  const nb = { cells: [{ cell_type: "markdown", source: "# Deck test" }, { cell_type: "code", source: "await beam.stepThrough(p);", outputs: [{ output_type: "display_data", data: bundle }] }] };
  const deck = deckFromNotebook(nb, "deck");
  assert.deepEqual(deck.warnings, []);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, "slides-deck.html");
  writeFileSync(file, deck.html);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("request", (r) => {
    if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(pathToFileURL(file).href);
});

after(async () => {
  await browser?.close();
});

async function current(): Promise<{ counter: string; text: string; shown: number; hash: string }> {
  return page.evaluate(() => {
    const d = (globalThis as any).document;
    const shown = [...d.querySelectorAll(".slide")].filter((s: any) => s.offsetParent !== null || s.getBoundingClientRect().height > 0);
    return { counter: d.getElementById("counter").textContent, text: d.querySelector(".slide.current")?.textContent ?? "", shown: shown.length, hash: (globalThis as any).location.hash };
  });
}

test("one slide at a time, the title first; the script ran under the CSP", async () => {
  const c = await current();
  assert.equal(c.counter, `1 / ${steps + 1}`);
  assert.equal(c.shown, 1);
  assert.match(c.text, /Deck test/);
  assert.deepEqual(problems, [], "no CSP violation or script error");
});

test("arrow keys, Space, Home and End move between the steps", async () => {
  await page.keyboard.press("ArrowRight");
  let c = await current();
  assert.equal(c.counter, `2 / ${steps + 1}`);
  assert.match(c.text, /Step 1 of 3: Create/);
  assert.equal(c.hash, "#2");
  await page.keyboard.press(" ");
  assert.match((await current()).text, /Step 2 of 3: Upper/);
  await page.keyboard.press("End");
  c = await current();
  assert.match(c.text, /Step 3 of 3: Keep n > 1/);
  assert.match(c.text, /dropped/);
  await page.keyboard.press("ArrowRight");
  assert.equal((await current()).counter, `${steps + 1} / ${steps + 1}`, "stays on the last slide");
  await page.keyboard.press("ArrowLeft");
  assert.match((await current()).text, /Step 2 of 3/);
  await page.keyboard.press("Home");
  assert.equal((await current()).counter, `1 / ${steps + 1}`);
  await page.screenshot({ path: join(ARTIFACTS, "slides-title.png") });
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.screenshot({ path: join(ARTIFACTS, "slides-step.png") });
});

test("no request leaves the page", async () => {
  await page.waitForTimeout(300);
  assert.deepEqual(requests, []);
  const text = await page.evaluate(() => (globalThis as any).document.body.textContent as string);
  assert.ok(text.includes(`<img src="http://127.0.0.1:9/leak.png">`), "the markup-looking value shows as text");
});
