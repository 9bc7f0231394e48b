/**
 * Pipeline graphs as a teacher projects them, against a LIVE tslab kernel in headless
 * Chromium: 05-class's graph (and 06's second pass) is whole and readable when it
 * appears, 01's graph has no loose nodes and opens a composite into its steps, graphs of
 * several open notebooks keep their own arrowheads, a failed step turns red in the graph
 * that is already on screen and shows its error on click, and the dark theme is readable.
 * Screenshots go to test-artifacts/graph-*.png. Tests share one lab and page, in order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { ARTIFACTS, errorOutputs, inApp, openNotebook as openNotebookIn, runNewCell, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";

// Runs in the page (page.evaluate); declared here for the type checker only.
declare function getComputedStyle(el: unknown): { [k: string]: string } & { getPropertyValue(name: string): string };

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

/** Text smaller than this many CSS pixels on screen is not readable on a projector. */
const MIN_TEXT_PX = 7.5;

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ warehouse: true }, dialogs, 1400));
});

after(async () => {
  await stopAll();
});

/** Opens a notebook (in a new tab of the same lab) and waits for its kernel. */
function openNotebook(name: string, first: boolean): Promise<void> {
  return openNotebookIn(page, lab, name, first);
}

/** Runs the given cells of the current notebook (all when omitted) and waits for the kernel. */
async function runCells(indices?: number[]): Promise<boolean> {
  const ok = indices
    ? await inApp<boolean>(
        page,
        `const nb = app.shell.currentWidget.content;
         let ok = true;
         for (const i of ${JSON.stringify(indices)}) {
           nb.activeCellIndex = i;
           ok = (await app.commands.execute("notebook:run-cell")) && ok;
         }
         return ok;`,
      )
    : await inApp<boolean>(page, `return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page, 120000);
  return ok;
}

/** The graph output of the current notebook's cell that calls showGraph. */
function graphOf(cellIndex: number): Locator {
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(cellIndex).locator(".bl-Graph").first();
}

/** Asserts every node of the graph is inside the output's visible box and its text is readable. */
async function assertWholeAndReadable(graph: Locator, what: string): Promise<void> {
  await graph.locator(".bl-Graph-node").first().waitFor({ state: "visible", timeout: 30000 });
  await graph.scrollIntoViewIfNeeded();
  const facts = await graph.evaluate((el: any) => {
    const box = el.querySelector(".bl-Graph-svg").getBoundingClientRect();
    const outside = [...el.querySelectorAll(".bl-Graph-node")]
      .map((n: any) => ({ r: n.getBoundingClientRect(), label: n.querySelector(".bl-Graph-label").textContent }))
      .filter(({ r }: any) => r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5)
      .map(({ label }: any) => label);
    const scale = Number(el.dataset.scale);
    const sizes = [...el.querySelectorAll(".bl-Graph-label, .bl-Graph-detail")].map((t: any) => parseFloat(getComputedStyle(t).fontSize) * scale);
    return { outside, smallest: Math.min(...sizes), scale, count: sizes.length, height: box.height, hint: el.querySelector(".bl-Graph-hint").textContent };
  });
  assert.deepEqual(facts.outside, [], `${what}: nodes outside the visible graph`);
  assert.ok(facts.count > 0);
  assert.ok(facts.height <= 760, `${what}: the output is ${facts.height}px tall`);
  if (facts.smallest < MIN_TEXT_PX) {
    // Allowed only for a graph too big to show readable: then the view says how to zoom.
    assert.match(facts.hint, /Zoomed out to \d+%.*zoom/, `${what}: text is ${facts.smallest.toFixed(1)}px and nothing says how to zoom`);
  }
}

/** WCAG contrast of every text against the fill behind it, in every graph of the page. */
async function contrasts(): Promise<Array<{ text: string; ratio: number }>> {
  return page.evaluate(() => {
    const parse = (c: string): [number, number, number, number] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [255, 255, 255, 1];
      const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
    };
    const over = (top: number[], under: number[]) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((x) => {
        const s = x / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a: number[], b: number[]) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const out: Array<{ text: string; ratio: number }> = [];
    for (const graph of (globalThis as any).document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .bl-Graph")) {
      const svgEl = graph.querySelector(".bl-Graph-svg");
      const bg = over(parse(getComputedStyle(svgEl).backgroundColor), [255, 255, 255]);
      for (const t of graph.querySelectorAll("text")) {
        const holder = t.closest(".bl-Graph-node, .bl-Graph-clusterHead");
        const rect = holder?.querySelector("rect");
        const under = rect ? over(parse(getComputedStyle(rect).fill), bg) : bg;
        const fg = over(parse(getComputedStyle(t).fill), under);
        out.push({ text: t.textContent, ratio: ratio(fg, under) });
      }
      const hint = graph.querySelector(".bl-Graph-hint");
      const page = over(parse(getComputedStyle(graph.closest(".jp-Notebook")).backgroundColor), [255, 255, 255]);
      out.push({ text: hint.textContent, ratio: ratio(over(parse(getComputedStyle(hint).color), page), page) });
    }
    return out;
  });
}

async function shoot(graph: Locator, name: string): Promise<void> {
  await graph.scrollIntoViewIfNeeded();
  await graph.screenshot({ path: join(ARTIFACTS, `graph-${name}.png`), animations: "disabled" });
}

const CLASS_GRAPH_CELL = 12;
const HELLO_GRAPH_CELL = 16;
const CHECK_GRAPH_CELL = 30;

test("05-class's graph is whole and readable when it appears, also after a second Run All", { timeout: 240000 }, async () => {
  await openNotebook("05-class.ipynb", true);
  assert.equal(await runCells(), true, "05-class did not run");
  assert.deepEqual(await errorOutputs(page), []);
  const graph = graphOf(CLASS_GRAPH_CELL);
  await assertWholeAndReadable(graph, "05-class");
  // The main output of the tagged split receives nothing: faded, with the reason.
  const faded = graph.locator(".bl-Graph-node.bl-mod-faded");
  assert.equal(await faded.count(), 1);
  assert.match((await faded.textContent()) ?? "", /nothing emitted.*only tagged outputs/);
  assert.ok((await graph.locator(".bl-Graph-edgeLabel").count()) >= 3, "no counts on the edges");
  await shoot(graph, "05-class-light");
  // Zoomed in, the view says how to get back; Fit shows the whole graph again.
  const zoomIn = graph.getByRole("button", { name: "Zoom in" });
  for (let i = 0; i < 3; i++) await zoomIn.click();
  assert.match((await graph.locator(".bl-Graph-hint").textContent()) ?? "", /out of view: drag to pan, or Fit/);
  await graph.getByRole("button", { name: "Fit the whole graph" }).click();
  await assertWholeAndReadable(graph, "05-class after Fit");
  assert.equal(await runCells(), true, "the second Run All failed");
  await assertWholeAndReadable(graphOf(CLASS_GRAPH_CELL), "05-class after a second Run All");
  for (const c of await contrasts()) assert.ok(c.ratio >= 4.5, `light: "${c.text}" has contrast ${c.ratio.toFixed(2)}`);
});

test("06's second pass (its pipeline cells) shows a whole graph", { timeout: 240000 }, async () => {
  await openNotebook("06-check-the-result.ipynb", false);
  assert.equal(await runCells([1, 19, 21, 22, 24, 26, 27, 29, 30]), true, "06's pipeline cells did not run");
  assert.deepEqual(await errorOutputs(page), []);
  const graph = graphOf(CHECK_GRAPH_CELL);
  await assertWholeAndReadable(graph, "06-check-the-result");
  await shoot(graph, "06-check-light");
});

test("01's graph has no loose nodes; a composite opens into its steps", { timeout: 180000 }, async () => {
  await openNotebook("01-hello-world.ipynb", false);
  assert.equal(await runCells(), true, "01-hello-world did not run");
  assert.deepEqual(await errorOutputs(page), []);
  const graph = graphOf(HELLO_GRAPH_CELL);
  await assertWholeAndReadable(graph, "01-hello-world");
  const orphans = () =>
    graph.evaluate((el: any) => {
      const ends = new Set([...el.querySelectorAll(".bl-Graph-edge")].flatMap((e: any) => [e.dataset.from, e.dataset.to]));
      const boxes = new Set([...el.querySelectorAll(".bl-Graph-clusterBox")].map((b: any) => b.dataset.id));
      return [...el.querySelectorAll(".bl-Graph-node")]
        .filter((n: any) => !ends.has(n.dataset.id) && !boxes.has(n.dataset.parent))
        .map((n: any) => n.querySelector(".bl-Graph-label").textContent);
    });
  assert.deepEqual(await orphans(), []);
  const labels = await graph.locator(".bl-Graph-node .bl-Graph-label").allTextContents();
  assert.ok(!labels.includes("GroupByKey") && !labels.includes("Combine"), `inner steps drawn loose: ${labels}`);
  await shoot(graph, "01-hello-light");

  const composite = graph.locator(".bl-Graph-node.bl-mod-composite", { hasText: "Count per key" });
  assert.match((await composite.locator(".bl-Graph-label").textContent()) ?? "", /^▸ Count per key$/);
  assert.equal(await composite.getAttribute("aria-expanded"), "false");
  await composite.focus();
  await page.keyboard.press("Enter");
  const head = graph.locator(".bl-Graph-clusterHead", { hasText: "Count per key" });
  await head.waitFor({ state: "visible" });
  assert.equal(await head.getAttribute("aria-expanded"), "true");
  const boxId = await head.getAttribute("data-id");
  const box = await graph.locator(`.bl-Graph-clusterBox[data-id="${boxId}"] > .bl-Graph-cluster`).boundingBox();
  const inner = graph.locator(`.bl-Graph-node[data-parent="${boxId}"]`);
  const innerLabels = await inner.locator(".bl-Graph-label").allTextContents();
  assert.ok(innerLabels.includes("GroupByKey"), `inner steps: ${innerLabels}`);
  assert.ok(innerLabels.length >= 3, "steps and the PCollection between them");
  for (const r of await Promise.all((await inner.all()).map((n) => n.boundingBox()))) {
    assert.ok(r && box && r.x >= box.x - 0.5 && r.y >= box.y - 0.5 && r.x + r.width <= box.x + box.width + 0.5 && r.y + r.height <= box.y + box.height + 0.5, "an inner step outside its box");
  }
  assert.deepEqual(await orphans(), []);
  await assertWholeAndReadable(graph, "01 with Count per key open");
  await shoot(graph, "01-hello-open");
  // The header closes it again.
  await head.click();
  await composite.waitFor({ state: "visible" });
  assert.equal(await graph.locator(".bl-Graph-clusterBox").count(), 0);
});

test("with three notebooks' graphs open, every arrowhead id is unique and resolves", async () => {
  const ids = await page.evaluate(() => {
    const doc = (globalThis as any).document;
    const markers = [...doc.querySelectorAll(".bl-Graph marker")].map((m: any) => m.id);
    const refs = [...doc.querySelectorAll(".bl-Graph [marker-end]")].map((p: any) => {
      const id = /url\(#(.+)\)/.exec(p.getAttribute("marker-end"))?.[1] ?? "";
      const target = doc.getElementById(id);
      return { id, resolves: !!target && target.tagName === "marker" && target.closest("svg") === p.closest("svg") };
    });
    return { markers, refs, graphs: doc.querySelectorAll(".bl-Graph").length };
  });
  assert.ok(ids.graphs >= 3, `only ${ids.graphs} graphs in the page`);
  assert.equal(new Set(ids.markers).size, ids.markers.length, `duplicate marker ids: ${ids.markers}`);
  assert.ok(ids.markers.every((m: string) => m && !m.startsWith("-")), `empty-prefixed marker ids: ${ids.markers}`);
  assert.ok(ids.refs.length > 10);
  assert.deepEqual(ids.refs.filter((r: { resolves: boolean }) => !r.resolves), []);
});

test("a failed step turns red in the graph on screen; its error shows on hover and click", { timeout: 120000 }, async () => {
  const ok = await runNewCell(
    page,
    [
      `const exploded = numbers.apply("Explode on three", beam.Map((n: number) => {`,
      `  if (n === 3) throw new Error("three is not allowed here");`,
      `  return n;`,
      `}));`,
      `await beam.show(exploded);`,
    ].join("\n"),
  );
  assert.equal(ok, false, "the throwing cell succeeded");
  await waitKernelIdle(page);
  // The graph displayed earlier (cell 16) follows the run state.
  const graph = graphOf(HELLO_GRAPH_CELL);
  const failed = graph.locator(".bl-Graph-node.bl-mod-failed");
  await failed.waitFor({ state: "visible", timeout: 15000 });
  assert.match((await failed.locator(".bl-Graph-label").textContent()) ?? "", /Explode on three/);
  assert.match((await failed.locator("title").textContent()) ?? "", /three is not allowed here/);
  const stroke = await failed.locator("rect").evaluate((r: any) => getComputedStyle(r).stroke);
  const errorColour = await page.evaluate(() => {
    const probe = (globalThis as any).document.createElement("div");
    probe.style.color = "var(--jp-error-color1)";
    (globalThis as any).document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  assert.equal(stroke, errorColour, "the failed step is not drawn in the error colour");
  await failed.click();
  const info = graph.locator(".bl-Graph-info");
  assert.match((await info.textContent()) ?? "", /Explode on three failed: .*three is not allowed here/s);
  await shoot(graph, "01-hello-failed");
  assert.deepEqual(dialogs, []);
});

test("dark theme: every text in the graphs has contrast of at least 4.5:1", { timeout: 60000 }, async () => {
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" });`);
  await page.waitForFunction(() => (globalThis as any).document.body.dataset.jpThemeName === "JupyterLab Dark" && (globalThis as any).document.body.dataset.jpThemeLight === "false", undefined, { timeout: 30000 });
  // Let the theme's stylesheet apply before reading computed colours.
  await page.waitForFunction(() => getComputedStyle((globalThis as any).document.body).getPropertyValue("--jp-layout-color0").trim() === "#111", undefined, { timeout: 30000 });
  const graph = graphOf(HELLO_GRAPH_CELL);
  const all = await contrasts();
  assert.ok(all.length > 10);
  for (const c of all) assert.ok(c.ratio >= 4.5, `dark: "${c.text}" has contrast ${c.ratio.toFixed(2)}`);
  await shoot(graph, "01-hello-dark");
  await inApp(page, `
    const nb = [...app.shell.widgets("main")].find((w) => w.context && w.context.path.endsWith("05-class.ipynb"));
    app.shell.activateById(nb.id);
  `);
  const cls = graphOf(CLASS_GRAPH_CELL);
  await cls.locator(".bl-Graph-node").first().waitFor({ state: "visible" });
  for (const c of await contrasts()) assert.ok(c.ratio >= 4.5, `dark 05: "${c.text}" has contrast ${c.ratio.toFixed(2)}`);
  await shoot(cls, "05-class-dark");
});
