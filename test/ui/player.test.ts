/**
 * The step-through player against a LIVE tslab kernel in headless Chromium, on the demo
 * notebooks (notebooks/demos/): next / previous with the buttons and the arrow keys, the
 * graph highlight following the step, the code in JupyterLab's CodeMirror, the
 * before/after pairs with their changed-only toggle, a click on an element highlighting
 * its lineage in both tables, stepping into and out of the CoGroupByKey composite, and
 * a second Run All. Screenshots (light and dark) go to test-artifacts/player-*.png.
 * Tests share one lab and page, in order.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { ARTIFACTS, errorOutputs, inApp, openNotebook, runNewCell, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ warehouse: true }, dialogs, 1400));
});

after(async () => {
  await stopAll();
});

async function openAndRun(path: string, first: boolean): Promise<void> {
  await openNotebook(page, lab, path, first);
  await runAll();
}

async function runAll(): Promise<void> {
  const ok = await inApp<boolean>(page, `await app.shell.currentWidget.sessionContext.ready; return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page, 180000);
  const errors = await errorOutputs(page);
  assert.ok(ok && errors.length === 0, `the notebook runs cleanly:\n${errors.join("\n")}`);
}

function player(): Locator {
  return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .bl-Player").first();
}

async function position(): Promise<string> {
  return (await player().locator(".bl-Player-position").textContent()) ?? "";
}

async function title(): Promise<string> {
  return (await player().locator(".bl-Player-title strong").textContent()) ?? "";
}

async function shot(name: string): Promise<void> {
  await player().scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  await player().screenshot({ path: join(ARTIFACTS, `player-${name}.png`), animations: "disabled" });
}

/** The graph node highlighted in the player, by its label. */
async function highlighted(): Promise<string[]> {
  return player().locator(".bl-Graph-node.bl-mod-highlight .bl-Graph-label").allTextContents();
}

test("the student demo runs and shows a player at its first step", { timeout: 300000 }, async () => {
  await openAndRun("demos/student-step-through.ipynb", true);
  await player().waitFor({ state: "visible", timeout: 30000 });
  assert.equal(await position(), "Step 1 of 4");
  assert.equal(await title(), "Read student");
  assert.deepEqual(await highlighted(), ["Read student"]);
  assert.equal(await player().locator('[data-move="prev"]').isDisabled(), true, "nothing before the first step");
  await shot("student-read");
});

test("next and previous, by button and by arrow key; the graph highlight follows", { timeout: 60000 }, async () => {
  await player().locator('[data-move="next"]').click();
  assert.equal(await position(), "Step 2 of 4");
  assert.equal(await title(), "Format dob");
  assert.deepEqual(await highlighted(), ["Format dob"]);
  await player().locator(".bl-Player-counts").filter({ hasText: "in 12 → out 12" }).waitFor();
  await player().focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await title(), "Birth year");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await title(), "Format dob");
  await page.keyboard.press("End");
  assert.equal(await title(), "Born 2000 or later");
  assert.equal(await player().locator('[data-move="next"]').isDisabled(), true);
  await page.keyboard.press("Home");
  assert.equal(await title(), "Read student");
  await page.keyboard.press("ArrowRight");
  assert.equal(await title(), "Format dob");
  // The notebook kept its cell selection: the arrows went to the player, not to the notebook.
  assert.equal(dialogs.length, 0);
});

test("the code is in JupyterLab's CodeMirror, read-only and highlighted", { timeout: 60000 }, async () => {
  const editor = player().locator(".bl-Player-code .cm-editor");
  await editor.waitFor({ state: "visible", timeout: 10000 });
  const text = await editor.locator(".cm-content").textContent();
  assert.match(text ?? "", /process\(row\)/);
  assert.match(text ?? "", /formatDob\(row\.dob\)/);
  // Read-only: typing into it changes nothing.
  await editor.locator(".cm-content").click();
  await page.keyboard.type("xyz");
  assert.equal(await editor.locator(".cm-content").textContent(), text, "read-only");
  const tokens = await editor.locator(".cm-line span[class]").count();
  assert.ok(tokens > 3, `syntax-highlighted (${tokens} token spans)`);
});

test("before/after: changed fields highlighted, changed rows only toggle", { timeout: 60000 }, async () => {
  const pairs = player().locator(".bl-Pairs");
  assert.equal(await pairs.locator(".bl-Pairs-row").count(), 12);
  const kev = pairs.locator(".bl-Pairs-row").filter({ hasText: "kev18" });
  assert.equal(await kev.locator(".bl-Pairs-changed .bl-Pairs-old").textContent(), "May-10-1999");
  assert.equal(await kev.locator(".bl-Pairs-changed .bl-Pairs-new").textContent(), "1999-05-10");
  await pairs.getByLabel("Changed rows only").check();
  assert.equal(await pairs.locator(".bl-Pairs-row").count(), 9, "the 3 unchanged rows hidden");
  await shot("student-format-dob");
  await pairs.getByLabel("Changed rows only").uncheck();
  // The Filter step marks what it dropped.
  await player().locator('[data-move="last"]').click();
  assert.equal(await player().locator(".bl-Pairs-row.bl-mod-dropped").count(), 4);
  await player().locator('[data-move="first"]').click();
  await player().locator('[data-move="next"]').click();
});

test("clicking an element asks the kernel for its lineage and highlights it in both tables", { timeout: 90000 }, async () => {
  const outTable = player().locator('.bl-Player-side.bl-mod-out .bl-Player-tableBox');
  const inTable = player().locator('.bl-Player-side.bl-mod-in .bl-Player-tableBox');
  const row = outTable.locator(".bl-Table-body .bl-Table-row").filter({ hasText: "kev18" });
  await row.locator(".bl-Table-cell").first().click();
  await outTable.locator(".bl-Table-row.bl-mod-selected").waitFor({ state: "visible", timeout: 30000 });
  const linked = inTable.locator(".bl-Table-row.bl-mod-linked");
  await linked.first().waitFor({ state: "visible", timeout: 10000 });
  assert.equal(await linked.count(), 1);
  assert.match((await linked.textContent()) ?? "", /May-10-1999/);
  assert.match((await outTable.locator(".bl-Table-row.bl-mod-selected").textContent()) ?? "", /1999-05-10/);
  assert.match((await player().locator(".bl-Player-lineageStatus").textContent()) ?? "", /highlighted here: 1 in .*1 in/);
  assert.equal(await player().locator(".bl-Pairs-row.bl-mod-linked").count(), 1, "the pair is marked too");
  await player().locator(".bl-Lineage").filter({ hasText: "came from (upstream)" }).waitFor();
  await shot("student-lineage");
  // The selection stays as the student steps on: the birth year it led to is lit.
  await player().locator('[data-move="next"]').click();
  await player().locator('.bl-Player-side.bl-mod-out .bl-Table-row.bl-mod-linked').filter({ hasText: "1999" }).waitFor({ timeout: 10000 });
  await player().locator(".bl-Player-lineageBar button").click();
  assert.equal(await player().locator(".bl-Table-row.bl-mod-linked").count(), 0, "Clear removes the marks");
});

test("a second Run All replaces the player and it still traces", { timeout: 300000 }, async () => {
  await runAll();
  assert.equal(await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .bl-Player").count(), 1);
  await player().locator('[data-move="next"]').click();
  const row = player().locator('.bl-Player-side.bl-mod-out .bl-Table-body .bl-Table-row').first();
  await row.locator(".bl-Table-cell").first().click();
  await player().locator('.bl-Player-side.bl-mod-in .bl-Table-row.bl-mod-linked').first().waitFor({ timeout: 30000 });
});

test("dark theme: the player is readable", { timeout: 60000 }, async () => {
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" });`);
  await page.waitForTimeout(1500);
  const colours = await player().evaluate((el: any) => {
    const g = (x: any) => (globalThis as any).getComputedStyle(x);
    return { title: g(el.querySelector(".bl-Player-title")).color, bg: g(el).backgroundColor };
  });
  assert.notEqual(colours.title, colours.bg);
  await shot("student-dark");
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: "JupyterLab Light" });`);
  await page.waitForTimeout(1000);
});

test("class demo: step into the CoGroupByKey and out again; the GroupByKey shows its groups", { timeout: 300000 }, async () => {
  await openAndRun("demos/class-step-through.ipynb", false);
  await player().waitFor({ state: "visible", timeout: 30000 });
  for (let i = 0; i < 20 && (await title()) !== "Group by cno"; i++) await player().locator('[data-move="next"]').click();
  assert.equal(await title(), "Group by cno");
  assert.ok((await player().locator(".bl-Player-formationList li").count()) >= 5, "one line per group");
  await shot("class-group");
  for (let i = 0; i < 20 && (await title()) !== "Join classes and takes"; i++) await player().locator('[data-move="next"]').click();
  assert.equal(await title(), "Join classes and takes");
  const into = player().locator('[data-move="into"]');
  assert.equal(await into.isVisible(), true);
  assert.deepEqual(await player().locator(".bl-Player-side.bl-mod-in .bl-Player-role").allTextContents(), ["classes", "takes"], "each tag's side");
  await into.click();
  assert.equal(await title(), "Join classes and takes/Tag classes");
  assert.match((await player().locator(".bl-Player-path").textContent()) ?? "", /inside Join classes and takes/);
  assert.ok((await highlighted()).includes("Tag classes"), "the composite opens in the graph and its step is highlighted");
  await shot("class-inside-join");
  await player().focus();
  await page.keyboard.press("ArrowUp");
  assert.equal(await title(), "Join classes and takes");
  await page.keyboard.press("ArrowRight");
  assert.equal(await title(), "Count students", "next steps over the composite");
});

test("the player's tables page through a large PCollection from the kernel", { timeout: 120000 }, async () => {
  const ok = await runNewCell(
    page,
    [
      `const big = new beam.Pipeline({ name: "big" });`,
      `const nums = big.apply("Numbers", beam.Create(Array.from({ length: 3000 }, (_, i) => ({ i }))));`,
      `const squares = nums.apply("Square", beam.Map((r: { i: number }) => ({ i: r.i, sq: r.i * r.i })));`,
      `await beam.stepThrough(squares);`,
    ].join("\n"),
  );
  await waitKernelIdle(page, 60000);
  assert.ok(ok, (await errorOutputs(page)).join("\n"));
  const last = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .bl-Player").last();
  await last.locator('[data-move="next"]').click();
  assert.equal(await last.locator(".bl-Player-title strong").textContent(), "Square");
  const out = last.locator(".bl-Player-side.bl-mod-out");
  assert.match((await out.locator(".bl-Table-count").textContent()) ?? "", /3,000|3000/);
  await out.locator(".bl-Table-scroller").evaluate((el: any) => (el.scrollTop = el.scrollHeight));
  await out.locator(".bl-Table-body .bl-Table-row").filter({ hasText: "8994001" }).waitFor({ state: "visible", timeout: 30000 });
});

test("a plain table traces its focused row: Trace row shows where it came from", { timeout: 120000 }, async () => {
  await inApp(page, `await app.commands.execute("docmanager:open", { path: "demos/student-step-through.ipynb" });`);
  await waitKernelIdle(page, 60000);
  const ok = await runNewCell(page, "await beam.show(students);");
  await waitKernelIdle(page, 60000);
  assert.ok(ok, (await errorOutputs(page)).join("\n"));
  const table = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").last().locator(".bl-Table");
  await table.locator(".bl-Table-body .bl-Table-row").filter({ hasText: "kev18" }).locator(".bl-Table-cell").first().click();
  await table.getByRole("button", { name: "Trace row" }).click();
  const trace = table.locator(".bl-Table-traceView .bl-Lineage");
  await trace.waitFor({ state: "visible", timeout: 30000 });
  assert.match((await trace.textContent()) ?? "", /came from \(upstream\).*Read student.*May-10-1999/s);
  assert.equal(await table.locator(".bl-Table-row.bl-mod-selected").count(), 1);
});
