/**
 * PCollection tables against a LIVE tslab kernel in headless Chromium: sort and filter
 * mean the whole PCollection (300,000 records, of which the notebook embeds only a
 * sample), the filter language (comparisons, errors in the status line) and readable
 * groups of records (a preview in the cell, a nested table when expanded). Screenshots
 * in the light and dark themes go to test-artifacts/table-*.png.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tslabNotebookJson } from "../notebook";
import type { Browser, Locator, Page } from "playwright-core";
import { ARTIFACTS, errorOutputs, inApp, openLab, recordKernelFrames, stopAll, waitKernelIdle, type Lab, openKernelSession } from "./helpers";

const N = 300_000;
const NOTEBOOK = "tables.ipynb";

function notebook(): string {
  return tslabNotebookJson([
    `import * as beam from "beamlab";\nconst p = new beam.Pipeline({ name: "tables" });`,
    [
      `const depts = ["CS", "Math", "Physics"];`,
      `const students = p.apply("Students", beam.Create(Array.from({ length: ${N} }, (_, id) => ({ id, dept: depts[id % 3], credits: id % 7, name: \`student \${id}\` }))));`,
      `await beam.show(students);`,
    ].join("\n"),
    [
      `interface ClassRecord { cno: string; cname: string; credits: number }`,
      `const keyed = p.apply("Classes", beam.Create<[string, ClassRecord]>([`,
      `  ["CS313E", { cno: "CS313E", cname: "Elements of Software Design", credits: 3 }],`,
      `  ["CS313E", { cno: "CS313E", cname: "Elements of SW Design", credits: 3 }],`,
      `  ["CS313E", { cno: "CS313E", cname: "Intro to <b>Software</b>", credits: 3 }],`,
      `  ["CS326E", { cno: "CS326E", cname: "Principles of Computer Systems", credits: 3 }],`,
      `]));`,
      `const grouped = keyed.apply("Group by cno", beam.GroupByKey<string, ClassRecord>());`,
      `await beam.show(grouped);`,
    ].join("\n"),
  ]);
}

let lab: Lab;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];
let frames: { sent: string[]; received: string[] };

before(async () => {
  ({ lab, browser, page } = await openKernelSession({ extraFiles: { [NOTEBOOK]: notebook() } }, dialogs, 1400));
  frames = recordKernelFrames(page);
});

after(async () => {
  await stopAll();
});

const bigTable = (): Locator => page.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".bl-Table").first();
const groupTable = (): Locator => page.locator(".jp-Notebook .jp-CodeCell").nth(2).locator(".bl-Table").first();
const countOf = async (t: Locator) => (await t.locator(".bl-Table-count").textContent()) ?? "";
const column = async (t: Locator, ci: number) => t.locator(`.bl-Table-body [role="gridcell"][data-col="${ci}"]`).allTextContents();

async function runAll(): Promise<void> {
  const ok = await inApp<boolean>(page, `return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page, 180000);
  assert.deepEqual(await errorOutputs(page), []);
  assert.equal(ok, true, "run-all reported a failed cell");
}

async function setFilter(t: Locator, text: string): Promise<void> {
  const input = t.locator(".bl-Table-filter");
  await input.fill(text);
}

async function waitCount(t: Locator, re: RegExp, timeout = 60000): Promise<string> {
  await page.waitForFunction(
    ([el, src]) => new RegExp(src as string).test((el as { textContent: string | null }).textContent ?? ""),
    [await t.locator(".bl-Table-count").elementHandle(), re.source] as const,
    { timeout, polling: 100 },
  );
  return countOf(t);
}

test("a notebook with a 300,000-record PCollection runs on a live kernel", { timeout: 240000 }, async () => {
  await openLab(page, lab, NOTEBOOK);
  await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell?.currentWidget?.sessionContext, undefined, { timeout: 30000 });
  await waitKernelIdle(page, 60000);
  await runAll();
  const t = bigTable();
  await t.locator(".bl-Table-body .bl-Table-row").first().waitFor({ state: "visible", timeout: 30000 });
  const count = await countOf(t);
  const m = /^showing ([\d,]+) of 300,000 elements$/.exec(count);
  assert.ok(m, `count: ${count}`);
  assert.ok(Number(m[1].replace(/,/g, "")) < N, "every row was embedded: nothing to search beyond the sample");
});

test("a filter finds a row that exists only beyond the embedded sample, with the match count", { timeout: 120000 }, async () => {
  const t = bigTable();
  const sent = frames.sent.length;
  await setFilter(t, "id = 299999");
  assert.equal(await waitCount(t, /^1 match of 300,000 elements$/), "1 match of 300,000 elements");
  assert.ok(frames.sent.slice(sent).some((f) => f.includes("?.query(")), "no query request reached the kernel");
  await t.locator('.bl-Table-body [role="gridcell"][data-col="0"]', { hasText: /^299999$/ }).waitFor({ state: "visible", timeout: 30000 });
  assert.deepEqual(await column(t, 3), ["student 299999"]);
  assert.equal(((await t.locator(".bl-Table-status").textContent()) ?? "").trim(), "");
  await t.screenshot({ path: join(ARTIFACTS, "table-filter-beyond-sample.png") });
});

test("a comparison filter counts its matches over the whole PCollection", { timeout: 120000 }, async () => {
  const t = bigTable();
  let expected = 0;
  for (let id = 0; id < N; id++) if (id % 3 === 0 && id % 7 >= 5) expected++;
  await setFilter(t, "dept = CS and credits >= 5");
  const want = `${expected.toLocaleString("en-US")} matches of 300,000 elements`;
  assert.equal(await waitCount(t, new RegExp(`^${want}$`)), want);
  await t.locator('.bl-Table-body [role="gridcell"][data-col="2"]').first().waitFor({ state: "visible" });
  const depts = await column(t, 1);
  const credits = (await column(t, 2)).map(Number);
  assert.ok(depts.length >= 5 && depts.every((d) => d === "CS"), `depts: ${depts}`);
  assert.ok(credits.every((c) => c >= 5), `credits: ${credits}`);
});

test("sorting descending shows the largest value first, over all rows", { timeout: 120000 }, async () => {
  const t = bigTable();
  await setFilter(t, "");
  await waitCount(t, /^showing [\d,]+ of 300,000 elements$/);
  const header = t.locator('[role="columnheader"]').first();
  await header.click();
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  await header.click();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  // Until the kernel answers, the loaded rows show sorted; then the whole PCollection's order.
  await waitCount(t, /^300,000 elements, sorted by id$/);
  await t.locator('.bl-Table-body [role="gridcell"][data-col="0"]', { hasText: /^299998$/ }).waitFor({ state: "visible", timeout: 60000 });
  const ids = (await column(t, 0)).slice(0, 5);
  assert.deepEqual(ids, ["299999", "299998", "299997", "299996", "299995"]);
  await t.screenshot({ path: join(ARTIFACTS, "table-sorted-descending.png") });
  await header.click();
});

test("a filter that does not parse says why in the status line", async () => {
  const t = bigTable();
  await setFilter(t, "grade > 3");
  const status = t.locator(".bl-Table-status");
  await page.waitForFunction((el) => /Filter not applied/.test(el?.textContent ?? ""), await status.elementHandle(), { timeout: 10000 });
  assert.equal(
    (await status.textContent()) ?? "",
    'Filter not applied: unknown column "grade"; the columns are id, dept, credits, name. To search for the text itself, put it in quotes: "grade > 3"',
  );
  assert.match(await countOf(t), /^showing [\d,]+ of 300,000 elements$/, "a bad filter hides no rows");
  await t.screenshot({ path: join(ARTIFACTS, "table-bad-filter.png") });
  await setFilter(t, "");
  await page.waitForFunction((el) => (el?.textContent ?? "") === "", await status.elementHandle(), { timeout: 10000 });
});

test("a grouped column shows the records' fields and expands to a nested table", async () => {
  const t = groupTable();
  await t.scrollIntoViewIfNeeded();
  const cell = t.locator('.bl-Table-body [role="gridcell"][data-col="1"]').first();
  await cell.waitFor({ state: "visible" });
  assert.equal(
    (await cell.textContent())?.replace(/^[▸▾]/, ""),
    '3 × {cno: "CS313E", cname (3 different): "Elements of Software Des…" | "Elements of SW Design" | …, credits: 3}',
  );
  await cell.locator(".bl-Table-expander").click();
  const nested = t.locator(".bl-Table-nested").first();
  await nested.waitFor({ state: "visible" });
  assert.equal(await nested.locator(".bl-Table-nestedTitle").textContent(), "value · 3 records");
  assert.deepEqual(await nested.locator('[role="columnheader"]').allTextContents(), ["cno", "cname", "credits"]);
  const names = await nested.locator('.bl-Table-nestedRow:not(.bl-Table-nestedHead) .bl-Table-nestedCell:nth-child(3)').allTextContents();
  assert.deepEqual(names, ["Elements of Software Design", "Elements of SW Design", "Intro to <b>Software</b>"]);
  assert.equal(await page.locator(".bl-Table-nested b").count(), 0, "a value became markup");
  // The expanded row is tall enough for its nested table: the next row is below it.
  const box = await nested.boundingBox();
  const next = await t.locator('.bl-Table-body [role="gridcell"][data-row="1"][data-col="0"]').boundingBox();
  assert.ok(box && next && next.y >= box.y + box.height - 1, "the nested table overlaps the next row");
  await t.screenshot({ path: join(ARTIFACTS, "table-group-light.png") });
});

test("light and dark screenshots; after a second Run All the new table still searches all rows", { timeout: 300000 }, async () => {
  await setFilter(bigTable(), "credits > 5 and name:9999");
  await waitCount(bigTable(), /^\d+ match(es)? of 300,000 elements$/);
  await bigTable().screenshot({ path: join(ARTIFACTS, "table-light.png") });
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: "JupyterLab Dark" });`);
  await page.waitForFunction(() => (globalThis as any).document.body.dataset.jpThemeLight === "false", undefined, { timeout: 30000 });
  await page.waitForTimeout(500);
  await bigTable().screenshot({ path: join(ARTIFACTS, "table-dark.png") });
  await groupTable().screenshot({ path: join(ARTIFACTS, "table-group-dark.png") });
  // The nested table is readable in the dark theme: its text is light on a dark background.
  const colors = await groupTable().locator(".bl-Table-nestedRow:not(.bl-Table-nestedHead) .bl-Table-nestedCell").nth(2).evaluate((el: any) => {
    const css = (n: any) => (globalThis as any).getComputedStyle(n);
    let bg = "rgba(0, 0, 0, 0)";
    for (let n = el; n && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); n = n.parentElement) bg = css(n).backgroundColor;
    return { fg: css(el).color as string, bg };
  });
  const lum = (c: string) => {
    const [r, g, b] = (c.match(/\d+(\.\d+)?/g) ?? ["0", "0", "0"]).slice(0, 3).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  assert.ok(lum(colors.fg) - lum(colors.bg) > 100, `dark theme: ${colors.fg} on ${colors.bg}`);

  await runAll();
  const t = bigTable();
  await t.locator(".bl-Table-body .bl-Table-row").first().waitFor({ state: "visible", timeout: 30000 });
  await setFilter(t, "id = 299999");
  assert.equal(await waitCount(t, /^1 match of 300,000 elements$/), "1 match of 300,000 elements");
  await t.locator('.bl-Table-body [role="gridcell"][data-col="0"]', { hasText: /^299999$/ }).waitFor({ state: "visible", timeout: 30000 });
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: "JupyterLab Light" });`);
  assert.deepEqual(dialogs, []);
});
