/**
 * `beamlab slides <notebook.ipynb> --out deck.html`: a lecture deck from a notebook's
 * step-through players, one slide per step, made of the static frames the players saved
 * (so the notebook must have been run). One self-contained file: no request leaves it (a
 * Content-Security-Policy allows no fetch, font, image or frame from anywhere, and only the
 * deck's own small script, by hash), keyboard navigation (← → Space PageUp PageDown Home
 * End), and without JavaScript every slide shows, one under the other.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { escapeHtml } from "../display/html";
import { FRAME_OPEN } from "./step-frames";
import { STEPTHROUGH_MIME } from "./protocol";

interface NotebookOutput {
  data?: Record<string, unknown>;
}
interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
}

const joined = (t: unknown): string => (Array.isArray(t) ? t.join("") : typeof t === "string" ? t : "");

/** What could never be in a frame beamlab wrote (its data is escaped): a frame holding one was not written by beamlab. */
const FOREIGN = /<\s*\/?\s*(script|iframe|object|embed|link|meta|base|form)\b|\son[a-z]+\s*=|javascript:/i;

/** The deck's navigation; its hash goes into the CSP, so nothing else can run. */
const SCRIPT = `(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var counter = document.getElementById("counter");
  var at = 0;
  document.documentElement.classList.add("js");
  function show(i) {
    at = Math.max(0, Math.min(slides.length - 1, i));
    slides.forEach(function (s, k) { s.classList.toggle("current", k === at); s.setAttribute("aria-hidden", k === at ? "false" : "true"); });
    counter.textContent = (at + 1) + " / " + slides.length;
    if (location.hash !== "#" + (at + 1)) history.replaceState(null, "", "#" + (at + 1));
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var k = e.key;
    if (k === "ArrowRight" || k === "PageDown" || k === " " || k === "n") show(at + 1);
    else if (k === "ArrowLeft" || k === "PageUp" || k === "p") show(at - 1);
    else if (k === "Home") show(0);
    else if (k === "End") show(slides.length - 1);
    else return;
    e.preventDefault();
  });
  document.getElementById("prev").addEventListener("click", function () { show(at - 1); });
  document.getElementById("next").addEventListener("click", function () { show(at + 1); });
  var start = parseInt(location.hash.slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();`;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
.slide { box-sizing: border-box; padding: 24px 40px 64px; border-bottom: 1px solid #ccc; }
html.js .slide { display: none; border: none; min-height: 100vh; }
html.js .slide.current { display: block; }
.slide table { border-collapse: collapse; font-size: 14px; }
.slide th, .slide td { border-bottom: 1px solid #ddd; padding: 2px 8px; }
.slide pre { background: #f6f8fa; padding: 8px 12px; border-radius: 4px; font-size: 14px; }
.title h1 { font-size: 40px; margin-top: 20vh; }
nav { position: fixed; right: 16px; bottom: 12px; display: none; gap: 8px; align-items: center; background: #fff; padding: 4px 8px; border: 1px solid #ccc; border-radius: 4px; }
html.js nav { display: flex; }
nav button { font: inherit; padding: 2px 10px; }
`;

/** One slide per step of every step-through output of a notebook, in order. */
export function deckFromNotebook(nb: { cells?: NotebookCell[] }, name: string): { html: string; slides: number; players: number; warnings: string[] } {
  const warnings: string[] = [];
  const frames: string[] = [];
  let players = 0;
  const cells = nb.cells ?? [];
  for (const [ci, cell] of cells.entries()) {
    for (const out of cell.outputs ?? []) {
      if (!out.data || !(STEPTHROUGH_MIME in out.data)) continue;
      players++;
      const html = joined(out.data["text/html"]);
      const parts = html.split(FRAME_OPEN).slice(1);
      if (!parts.length) warnings.push(`cell ${ci + 1}: the player has no static frames (written by an older beamlab?); run the notebook again`);
      for (const [k, part] of parts.entries()) {
        const end = part.lastIndexOf("</section>");
        const frame = `${FRAME_OPEN}${end >= 0 ? part.slice(0, end) : part}</section>`;
        if (FOREIGN.test(frame)) {
          warnings.push(`cell ${ci + 1}, step ${k + 1}: left out, it holds markup beamlab never writes (a script, a frame or an event handler)`);
          continue;
        }
        frames.push(frame);
      }
    }
  }
  const heading = cells.filter((c) => c.cell_type === "markdown").map((c) => /^#\s+(.+)$/m.exec(joined(c.source))?.[1]).find((t) => t) ?? name;
  const hash = createHash("sha256").update(SCRIPT).digest("base64");
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
  const slides = [
    `<section class="slide title"><h1>${escapeHtml(heading)}</h1><p>${frames.length} steps · ← → to move, Home / End for the first and last</p></section>`,
    ...frames.map((f) => `<section class="slide">${f}</section>`),
  ];
  const html = [
    `<!doctype html>`,
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeHtml(heading)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    ...slides,
    `<nav aria-label="slides"><button id="prev" type="button" aria-label="previous slide">◀</button><span id="counter" aria-live="polite"></span><button id="next" type="button" aria-label="next slide">▶</button></nav>`,
    `<script>${SCRIPT}</script>`,
    `</body></html>`,
  ].join("\n");
  return { html, slides: slides.length, players, warnings };
}

/** The CLI: returns the exit code (0: written; 1: nothing to write; 2: bad arguments). */
export function slidesCli(argv: readonly string[]): number {
  let out: string | null = null;
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") out = argv[++i] ?? null;
    else if (a.startsWith("--out=")) out = a.slice(6);
    else if (a.startsWith("-")) return usage(`unknown option for 'slides': ${a}`);
    else inputs.push(a);
  }
  if (inputs.length !== 1) return usage("'slides' needs one notebook (.ipynb)");
  if (!out) return usage("'slides' needs --out deck.html");
  const file = inputs[0];
  let nb: { cells?: NotebookCell[] };
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells?: NotebookCell[] };
  } catch (e) {
    process.stderr.write(`beamlab slides: cannot read ${file} as a notebook: ${(e as Error).message}\n`);
    return 1;
  }
  const deck = deckFromNotebook(nb, path.basename(file, ".ipynb"));
  for (const w of deck.warnings) process.stderr.write(`beamlab slides: ${file}: ${w}\n`);
  if (deck.slides <= 1) {
    process.stderr.write(
      `beamlab slides: ${file} has no step-through output${deck.players ? " with frames" : ""}: add a cell with await beam.stepThrough(p) and run the notebook (npx beamlab run ${file}) first\n`,
    );
    return 1;
  }
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, deck.html);
  process.stdout.write(`beamlab slides: ${out}: ${deck.slides - 1} steps from ${deck.players} player${deck.players === 1 ? "" : "s"}, plus a title slide\n`);
  return 0;
}

function usage(msg: string): number {
  process.stderr.write(`beamlab slides: ${msg}\nusage: beamlab slides <notebook.ipynb> --out deck.html\n`);
  return 2;
}
