/**
 * `npm run screenshots` works: the same code writes the README's screenshots into
 * test-artifacts/screenshots/, and each PNG is a real picture of what it names, cropped
 * to it and readable (not blank, not the whole window, not a sliver).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS } from "./helpers";
import { SHOTS, VIEWPORT, takeScreenshots } from "./screenshots";

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  assert.equal(b.subarray(1, 4).toString("latin1"), "PNG", `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test("the screenshots script runs the course notebooks and saves a cropped PNG of each view", { timeout: 600_000 }, async () => {
  const dir = join(ARTIFACTS, "screenshots");
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const files = await takeScreenshots(dir);
  assert.deepEqual(Object.keys(files).sort(), [...SHOTS].sort());
  for (const name of SHOTS) {
    const file = files[name];
    assert.equal(file, join(dir, name));
    assert.ok(statSync(file).mtimeMs >= started - 1000, `${name} was written by this run`);
    const { width, height } = pngSize(file);
    // Cropped: never the whole 1280x800 window, and big enough to read.
    assert.ok(width <= VIEWPORT.width && height <= VIEWPORT.height, `${name}: ${width}x${height}`);
    assert.ok(!(width === VIEWPORT.width && height === VIEWPORT.height), `${name} is the whole window`);
    assert.ok(width >= 200 && height >= 150, `${name} is a sliver: ${width}x${height}`);
    // A blank or nearly blank crop compresses to almost nothing.
    assert.ok(statSync(file).size > 8_000, `${name} looks blank (${statSync(file).size} bytes)`);
  }
});
