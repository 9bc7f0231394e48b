/**
 * Hostile data through every renderer, in headless Chromium against a LIVE tslab kernel: a
 * notebook whose data, field names, labels and log lines are markup, a closing script tag,
 * a javascript: URL, a right-to-left override and a 100,000-character unbroken string
 * shows them as tables, the pipeline graph, a chart (axes and tooltips), the step-through
 * player, explain, the run's job view with its logs and a failing DoFn's error, then is
 * saved and exported with `jupyter nbconvert --to html`. In each view and in the exported
 * page: no dialog fires, no element the data could have made exists (no image, script,
 * inline handler or javascript: link), the strings are there as text, and nothing is wider
 * than the notebook. Screenshots go to test-artifacts/hostile-*.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { ARTIFACTS, JUPYTER, inApp, openNotebook, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";

/** The strings, by name; the notebook defines the same as `H`. */
const HOSTILE = {
  img: "<img src=x onerror=alert(1)>",
  script: "</script><script>alert(1)</script>",
  js: "javascript:alert(1)",
  rtl: "\u202Eexe.txt",
  long: "W".repeat(100_000),
};

// Each cell renders one view; the last expression of a cell is what tslab displays.
const CELLS: Array<{ view: string; source: string }> = [
  {
    view: "setup",
    source: [
      'import * as beam from "beamlab";',
      `const H = { img: ${JSON.stringify(HOSTILE.img)}, script: ${JSON.stringify(HOSTILE.script)}, js: ${JSON.stringify(HOSTILE.js)}, rtl: "\\u202Eexe.txt", long: "W".repeat(100_000) };`,
      "const rows = Object.entries(H).map(([kind, s], id) => ({ id, kind, name: s, link: H.js, [H.img]: s }));",
      "class Loud extends beam.DoFn<typeof rows[number], typeof rows[number]> {",
      "  process(r: typeof rows[number]) { console.log(r.name); console.warn(H.script); return [r]; }",
      "}",
      "const p = new beam.Pipeline();",
      "const made = p.apply(H.img, beam.Create(rows));",
      "const logged = made.apply(H.img + ' logged', beam.ParDo(new Loud()));",
      "const keyed = logged.apply(H.rtl, beam.Map((r: typeof rows[number]) => [r.name, r.id] as [string, number]));",
      "const grouped = keyed.apply(H.long, beam.GroupByKey());",
    ].join("\n"),
  },
  { view: "table", source: "await beam.show(made);" },
  { view: "table of groups", source: "await beam.show(grouped);" },
  { view: "graph", source: "await beam.showGraph(p);" },
  { view: "chart", source: 'await beam.show(beam.chart(made).count("name").title(H.img));' },
  { view: "player", source: "await beam.stepThrough(grouped);" },
  { view: "explain", source: "beam.explain(p);" },
  // A pipeline of its own, so that nothing comes from the cache and the log panel fills.
  { view: "job view", source: "const logs = new beam.Pipeline();\nlogs.apply(H.img, beam.Create(rows)).apply(H.rtl, beam.ParDo(new Loud()));\nawait logs.run();" },
  {
    view: "error",
    source: [
      "const q = new beam.Pipeline();",
      "q.apply(H.img, beam.Create(rows)).apply(H.js, beam.Map((r: typeof rows[number]) => { console.error(r.name); if (r.kind === 'img') throw new Error(H.script); return r; }));",
      "await q.run();",
    ].join("\n"),
  },
];

function notebook(): string {
  return JSON.stringify({
    cells: CELLS.map((c) => ({ cell_type: "code", execution_count: null, metadata: {}, source: c.source, outputs: [] })),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
const NB = "hostile.ipynb";

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ extraFiles: { [NB]: notebook() } }, dialogs, 1280));
});

after(async () => {
  await stopAll();
});

/** What the data could have made, anywhere under `root`, and how wide it is against the notebook. */
async function inspect(root: Locator) {
  return root.evaluate((el: any) => {
    const all = [...el.querySelectorAll("*")] as any[];
    const panel = el.closest(".jp-NotebookPanel") ?? el.ownerDocument.body;
    const right = panel.getBoundingClientRect().right;
    return {
      images: all.filter((e) => e.tagName === "IMG" && /(^|\/)x$/.test(e.getAttribute("src") ?? "")).length,
      scripts: all.filter((e) => e.tagName === "SCRIPT").length,
      handlers: all.filter((e) => [...e.attributes].some((a: any) => /^on/i.test(a.name))).map((e) => e.outerHTML.slice(0, 80)),
      jsLinks: all.filter((e) => /^\s*javascript:/i.test(e.getAttribute("href") ?? e.getAttribute("xlink:href") ?? "")).length,
      text: el.textContent as string,
      // The widest box that is not inside a scrolling container of the output (those may hold wide content).
      overflow: all
        .filter((e) => {
          for (let a = e.parentElement; a && a !== el.parentElement; a = a.parentElement) {
            const s = getComputedStyle(a);
            if (/(auto|scroll|hidden|clip)/.test(s.overflowX)) return false;
          }
          return true;
        })
        .map((e) => e.getBoundingClientRect().right - right)
        .reduce((a: number, b: number) => Math.max(a, b), -Infinity),
    };
  });
}

declare function getComputedStyle(el: unknown): { overflowX: string };

const inert: Record<string, number> = {};

/** The output of the cell that renders `view`. */
function outputOf(view: string): Locator {
  const i = CELLS.findIndex((c) => c.view === view);
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-CodeCell").nth(i).locator(".jp-OutputArea");
}

/** Checks one view: inert, the strings shown as text, and no wider than the notebook. */
async function assertInert(view: string, root: Locator, expected: (keyof typeof HOSTILE)[]): Promise<void> {
  const seen = await inspect(root);
  assert.deepEqual(dialogs, [], `${view}: a dialog fired`);
  assert.equal(seen.images, 0, `${view}: an <img src=x> was made from data`);
  assert.equal(seen.scripts, 0, `${view}: a <script> element exists`);
  assert.deepEqual(seen.handlers, [], `${view}: an inline event handler exists`);
  assert.equal(seen.jsLinks, 0, `${view}: a javascript: link exists`);
  for (const k of expected) {
    // A view may cut the long string; its start must still be there, as text.
    const want = k === "long" ? "W".repeat(60) : HOSTILE[k];
    assert.ok(seen.text.includes(want), `${view}: the ${k} string is not shown as text`);
  }
  assert.ok(seen.overflow <= 2, `${view}: something sticks out ${seen.overflow} px past the notebook`);
  inert[view] = expected.length;
}

test("every view of a notebook full of hostile data is inert, shows the data as text and keeps its width", { timeout: 600000 }, async () => {
  await openNotebook(page, lab, NB, true);
  await inApp(page, `await app.shell.currentWidget.sessionContext.ready; await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page, 300000);
  await page.waitForTimeout(1000);
  // Only the last cell fails (its DoFn throws); every other view rendered.
  const failed: string[] = [];
  const report: string[] = [];
  for (const c of CELLS) {
    const out = outputOf(c.view);
    const kinds = await out.locator(".jp-OutputArea-output").evaluateAll((els: any[]) => els.map((e) => e.getAttribute("data-mime-type") ?? e.className));
    const text = (await out.textContent()) ?? "";
    report.push(`${c.view}: ${kinds.join(", ")}: ${text.slice(0, 300)}`);
    // tslab reports a compile error as "line:col - message" on stderr.
    if (kinds.includes("application/vnd.jupyter.error") || /PipelineError|^\d+:\d+ - /m.test(text)) failed.push(c.view);
  }
  assert.deepEqual(failed, ["error"], report.join("\n"));
  const all: (keyof typeof HOSTILE)[] = ["img", "script", "js", "rtl", "long"];
  await assertInert("table", outputOf("table"), all);
  await assertInert("table of groups", outputOf("table of groups"), all);
  await assertInert("graph", outputOf("graph"), ["img", "rtl", "long"]);
  await assertInert("chart", outputOf("chart"), []);
  // JupyterLab draws vega to a canvas: the labels are painted, not DOM. The chart's
  // accessible name carries the title, and the tooltip is DOM: hover until one shows.
  const named = await outputOf("chart").locator("[aria-label]").evaluateAll((els: any[]) => els.map((e) => e.getAttribute("aria-label") as string));
  assert.ok(named.some((n) => n.includes(HOSTILE.img)), `the chart's accessible name holds the title as text: ${named.join(" | ").slice(0, 300)}`);
  const drawing = outputOf("chart").locator("canvas, svg.marks").first();
  await drawing.scrollIntoViewIfNeeded();
  await outputOf("chart").screenshot({ path: join(ARTIFACTS, "hostile-chart.png") });
  const box = (await drawing.boundingBox())!;
  const tip = page.locator("#vg-tooltip-element");
  let shown = "";
  for (let y = box.y + box.height * 0.3; y < box.y + box.height * 0.9 && !shown; y += 25) {
    for (let x = box.x + 10; x < box.x + box.width - 5 && !shown; x += 10) {
      await page.mouse.move(x, y);
      if ((await tip.count()) && (await tip.isVisible())) shown = (await tip.textContent()) ?? "";
    }
  }
  assert.ok(Object.values(HOSTILE).some((h) => shown.includes(h.slice(0, 60))), `a tooltip showed a hostile name as text: ${shown.slice(0, 200)}`);
  await assertInert("chart tooltip", tip, []);
  inert["chart"] = 1;
  inert["chart tooltip"] = Object.values(HOSTILE).filter((h) => shown.includes(h.slice(0, 60))).length;
  await page.mouse.move(0, 0);
  await assertInert("player", outputOf("player"), ["img", "script", "js", "rtl", "long"]);
  await assertInert("explain", outputOf("explain"), ["img", "rtl"]);
  await assertInert("job view", outputOf("job view"), ["img", "script", "js", "rtl", "long"]);
  await assertInert("error", outputOf("error"), ["img", "script", "js"]);
  await page.screenshot({ path: join(ARTIFACTS, "hostile-notebook.png"), fullPage: false });
  assert.deepEqual(dialogs, []);
});

test("the notebook exported with nbconvert is inert too", { timeout: 300000 }, async () => {
  await inApp(page, `await app.commands.execute("docmanager:save");`);
  await page.waitForTimeout(1000);
  const file = join(lab.rootDir, NB);
  assert.ok(JSON.parse(readFileSync(file, "utf8")).cells.some((c: any) => c.outputs.length > 0), "the saved notebook has its outputs");
  const done = spawnSync(JUPYTER, ["nbconvert", "--to", "html", file], { cwd: lab.rootDir, encoding: "utf8", timeout: 240_000 });
  assert.equal(done.status, 0, done.stderr);
  const html = join(lab.rootDir, NB.replace(/\.ipynb$/, ".html"));
  assert.ok(existsSync(html));
  const exported = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  exported.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await exported.goto(pathToFileURL(html).href, { waitUntil: "load" });
  await exported.waitForTimeout(1000);
  // The page's own template has scripts; what matters is what came from the outputs.
  const outputs = exported.locator(".jp-OutputArea");
  const n = await outputs.count();
  assert.ok(n >= CELLS.length - 1, `the exported page has the outputs (${n})`);
  for (let i = 0; i < n; i++) {
    const seen = await inspect(outputs.nth(i));
    assert.equal(seen.images + seen.scripts + seen.jsLinks + seen.handlers.length, 0, `exported output ${i} holds markup from data`);
  }
  assert.deepEqual(dialogs, [], "a dialog fired in the exported page");
  const width = await exported.evaluate(() => {
    const el = (globalThis as any).document.documentElement;
    return { scroll: el.scrollWidth as number, client: el.clientWidth as number };
  });
  assert.ok(width.scroll <= width.client, `the exported page is ${width.scroll}px wide in a ${width.client}px window`);
  inert["exported HTML"] = n;
  writeFileSync(join(ARTIFACTS, "hostile-counts.json"), JSON.stringify(inert, null, 1));
  console.log(`# reliability: hostile ${JSON.stringify(inert)}`);
  await exported.screenshot({ path: join(ARTIFACTS, "hostile-exported.png") });
  await exported.close();
});
