/**
 * The README's screenshots, made the way a student would see them: a real JupyterLab from
 * .venv with the beamlab extension, in Chromium at 1280x800, runs the course notebooks
 * 02-ingest, 03-teacher and 05-class on a private warehouse and saves PNGs cropped to what
 * each one shows:
 *
 * - `table.png`: 03's cleaned teachers (`await beam.show(teachers)`) as the extension's table;
 * - `chart.png`: 02's chart of the shape of the mess (date formats and name forms);
 * - `graph.png`: 05's class pipeline (`beam.showGraph(p)`);
 * - `explain.png`, `explain-dark.png`: `beam.explain(p)` after 05, on its Optimized tab (the fused stages), in the
 *   light and the dark theme;
 * - `inspector.png`: the Pipeline Inspector side panel (command `beamlab:open-inspector`) next to 05;
 * - `player.png`: the step-through demo of the student pipeline at its "Format dob" step, with
 *   kev18's lineage highlighted in both tables (the top of the player, as the window shows it).
 *
 *     npm run screenshots            # writes test/ui/screenshots/*.png (committed, linked from the README)
 *     node dist/test/ui/screenshots.js DIR
 *
 * test/ui/screenshots.test.ts runs the same code into test-artifacts/, so `npm test` proves it works.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Locator, Page } from "playwright-core";
import { ARTIFACTS, REPO, errorOutputs, inApp, launchBrowser, openLab, runNewCell, startLab, stopAll, waitKernelIdle, watchedPage } from "./helpers";

/** The screenshots, by file name, in the order they are taken. */
export const SHOTS = ["chart.png", "table.png", "graph.png", "explain.png", "explain-dark.png", "inspector.png", "player.png"] as const;
export type Shot = (typeof SHOTS)[number];

/** The viewport: a common laptop screen, so text in the PNGs is at the size a student reads it. */
export const VIEWPORT = { width: 1280, height: 800 };

/** Where `npm run screenshots` writes (committed; the README links these). */
export const README_SHOTS = join(REPO, "test", "ui", "screenshots");

/** Opens a notebook of the lab in the current page, runs all its cells and waits until the kernel is idle. */
async function runNotebook(page: Page, path: string): Promise<void> {
  await inApp(page, `await app.commands.execute("docmanager:open", { path: ${JSON.stringify(path)} }); return true;`);
  await page.waitForFunction(
    (p) => (globalThis as any).jupyterapp?.shell?.currentWidget?.context?.path === p && !!(globalThis as any).jupyterapp.shell.currentWidget.sessionContext?.session?.kernel,
    path,
    { timeout: 60000 },
  );
  await waitKernelIdle(page, 90000);
  const ok = await inApp<boolean>(page, `await app.shell.currentWidget.context.ready; await app.shell.currentWidget.sessionContext.ready; return await app.commands.execute("notebook:run-all-cells");`);
  await waitKernelIdle(page, 180000);
  const errors = await errorOutputs(page);
  if (!ok || errors.length) throw new Error(`${path} did not run cleanly:\n${errors.join("\n")}`);
}

/** The cell (input and output) of the current notebook whose source contains `snippet`, scrolled to the top. */
async function cellWith(page: Page, snippet: string): Promise<Locator> {
  const index = await inApp<number>(page, `
    const nb = app.shell.currentWidget.content;
    const i = nb.widgets.findIndex((c) => c.model.sharedModel.getSource().includes(${JSON.stringify(snippet)}));
    // Another cell active, so the shot has no selection bar or cell toolbar.
    nb.activeCellIndex = i === 0 ? 1 : 0;
    nb.mode = "command";
    if (i >= 0) await nb.scrollToItem(i, "start");
    return i;
  `);
  if (index < 0) throw new Error(`no cell contains ${JSON.stringify(snippet)}`);
  const cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index);
  await cell.waitFor({ state: "visible" });
  return cell;
}

/** Switches JupyterLab's theme and waits until its colours apply. */
async function setTheme(page: Page, theme: "JupyterLab Light" | "JupyterLab Dark"): Promise<void> {
  await inApp(page, `await app.commands.execute("apputils:change-theme", { theme: ${JSON.stringify(theme)} }); return true;`);
  await page.waitForFunction((t) => (globalThis as any).document.body.dataset.jpThemeName === t, theme, { timeout: 30000 });
  await page.waitForTimeout(500);
}

/** Saves an element screenshot once what it shows has finished drawing. */
async function shoot(page: Page, target: Locator, ready: Locator, file: string): Promise<string> {
  await ready.first().waitFor({ state: "visible", timeout: 30000 });
  await target.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0); // no hover highlight or tooltip
  await page.waitForTimeout(500); // vega's and the grid's last layout pass
  await target.screenshot({ path: file, animations: "disabled" });
  return file;
}

/**
 * Starts a JupyterLab, runs the course notebooks in Chromium and writes the screenshots
 * into `outDir`. Returns the files written; stops everything it started.
 */
export async function takeScreenshots(outDir: string): Promise<Record<Shot, string>> {
  mkdirSync(outDir, { recursive: true });
  const whDir = mkdtempSync(join(tmpdir(), "beamlab-shots-wh-"));
  try {
    const lab = await startLab({
      parentDir: ARTIFACTS, // inside the repo: `import "beamlab"` resolves from the notebooks
      exposeApp: true,
      env: {
        PATH: `${join(REPO, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
        JUPYTER_PATH: join(REPO, ".venv", "share", "jupyter"),
        BEAMLAB_WAREHOUSE: join(whDir, "warehouse.duckdb"),
      },
    });
    // The notebooks read ../datasets/college, as they do next to the repository's datasets/.
    symlinkSync(join(REPO, "datasets"), join(dirname(lab.rootDir), "datasets"), "dir");
    const browser = await launchBrowser();
    const page = await watchedPage(browser, [], VIEWPORT.width);
    await page.setViewportSize(VIEWPORT);
    await openLab(page, lab);
    await page.waitForFunction(() => !!(globalThis as any).jupyterapp?.shell, undefined, { timeout: 60000 });
    // A student's first look: the file browser closed, the notebook wide.
    await inApp(page, `app.shell.collapseLeft(); return true;`);

    const files = {} as Record<Shot, string>;
    await runNotebook(page, "02-ingest.ipynb");
    const chartCell = await cellWith(page, "beam.chart(forms)");
    files["chart.png"] = await shoot(page, chartCell, chartCell.locator(".vega-embed canvas, .vega-embed svg.marks"), join(outDir, "chart.png"));

    await runNotebook(page, "03-teacher.ipynb");
    const tableCell = await cellWith(page, "await beam.show(teachers)");
    files["table.png"] = await shoot(page, tableCell, tableCell.locator(".bl-Table-body .bl-Table-row"), join(outDir, "table.png"));

    await runNotebook(page, "05-class.ipynb");
    const graphCell = await cellWith(page, "beam.showGraph(p)");
    files["graph.png"] = await shoot(page, graphCell, graphCell.locator(".bl-Graph svg"), join(outDir, "graph.png"));

    // explain after 05, on the Optimized tab: the stages the direct runner executes.
    if (!(await runNewCell(page, "beam.explain(p);"))) throw new Error("beam.explain(p) did not run");
    await waitKernelIdle(page, 60000);
    const explainCell = await cellWith(page, "beam.explain(p);");
    const explain = explainCell.locator(".bl-Explain");
    await explain.getByRole("tab", { name: /Optimized/ }).click();
    files["explain.png"] = await shoot(page, explainCell, explain.locator(".bl-Explain-stage"), join(outDir, "explain.png"));
    await setTheme(page, "JupyterLab Dark");
    files["explain-dark.png"] = await shoot(page, explainCell, explain.locator(".bl-Explain-stage"), join(outDir, "explain-dark.png"));
    await setTheme(page, "JupyterLab Light");

    await inApp(page, `await app.commands.execute("beamlab:open-inspector"); return true;`);
    const panel = page.locator(".bl-Inspector");
    await panel.locator(".bl-Inspector-var").first().waitFor({ state: "visible", timeout: 30000 });
    // Wide enough for the labels, as a student would drag it: the handle left of the panel.
    const handle = (await page.locator("#jp-right-stack").boundingBox())!;
    await page.mouse.move(handle.x - 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x - 170, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    // The side panel as it sits in JupyterLab, down to its last entry (not the empty rest).
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    const side = (await page.locator("#jp-right-stack").boundingBox())!;
    const bottom = await panel.evaluate((el: any) => Math.max(...[...el.querySelectorAll("*")].map((c: any) => c.getBoundingClientRect().bottom)));
    const height = Math.min(side.height, Math.max(200, bottom - side.y + 16));
    files["inspector.png"] = join(outDir, "inspector.png");
    await page.screenshot({ path: files["inspector.png"], clip: { x: side.x, y: side.y, width: side.width, height } });

    await inApp(page, `app.shell.collapseRight(); return true;`);
    await runNotebook(page, "demos/student-step-through.ipynb");
    const playerCell = await cellWith(page, "await beam.stepThrough(young)");
    const player = playerCell.locator(".bl-Player");
    await player.locator('[data-move="next"]').click();
    await player.locator(".bl-Player-side.bl-mod-out .bl-Table-body .bl-Table-row").filter({ hasText: "kev18" }).locator(".bl-Table-cell").first().click();
    await player.locator(".bl-Player-side.bl-mod-in .bl-Table-row.bl-mod-linked").first().waitFor({ state: "visible", timeout: 30000 });
    await player.evaluate((el: any) => el.scrollIntoView({ block: "start" }));
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500);
    // The player is taller than a window: the shot is what the window shows of it, from its top.
    const box = (await player.boundingBox())!;
    files["player.png"] = join(outDir, "player.png");
    await page.screenshot({ path: files["player.png"], clip: { x: box.x, y: Math.max(0, box.y), width: box.width, height: Math.min(box.height, VIEWPORT.height - Math.max(0, box.y) - 24) } });
    return files;
  } finally {
    await stopAll();
    rmSync(whDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const outDir = process.argv[2] ?? README_SHOTS;
  takeScreenshots(outDir).then(
    (files) => {
      for (const f of Object.values(files)) console.log(`[screenshots] ${relative(process.cwd(), f)}`);
    },
    (err: unknown) => {
      console.error(`[screenshots] failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
