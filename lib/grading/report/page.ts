/**
 * The shell and the text helpers of the report pages (feedback pages and the instructor's
 * index). Every string in them comes from a submission or a notebook, so each goes through
 * {@link esc}: escaped, cut to a readable length, invisible controls made visible, and
 * isolated from the page's own text direction.
 */
import { escapeHtml } from "../../display/html";

/**
 * No script, no fetch, no font, no frame: only inline styles and `data:` images (the
 * charts). The page stays inert even if a string ever slipped through unescaped.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Longest text shown whole (a message, a note); longer ones are cut with a note of how much. */
export const LONG_TEXT = 20_000;
/** Longest sentence shown whole (a damage note, a reason, a stage summary): past it, it is no longer read. */
export const SENTENCE_TEXT = 500;
/** Longest name shown whole (a submission, a label, a field). */
export const NAME_TEXT = 300;

// Bidi overrides, embeddings, isolates and marks, and C0/C1 controls (not tab or line
// breaks): invisible, and the bidi ones reorder what follows them. Shown as `⟨U+202E⟩`.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `s` with each invisible control shown as `⟨U+XXXX⟩`, so a student sees what is really there. */
export function showControls(s: string): string {
  return s.replace(CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);
}

/** `s` cut to `max` characters (never inside a surrogate pair), saying how many were left out. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1]) ? max - 1 : max;
  return `${s.slice(0, end)}… (${s.length - end} more characters)`;
}

/** A value as escaped text: controls shown, cut to `max` characters. */
export function esc(s: unknown, max = LONG_TEXT): string {
  return escapeHtml(showControls(cut(String(s ?? ""), max)));
}

/** A value as escaped text inside `<bdi>`: right-to-left text in it cannot reorder the page around it. */
export function bdi(s: unknown, max = NAME_TEXT): string {
  return `<bdi>${esc(s, max)}</bdi>`;
}

/**
 * A sentence from the grader (a stage summary, a reason, a damage note): escaped, with its
 * `backticked` names set as code. The markup is added after escaping, around text that
 * holds no `<` any more.
 */
export function prose(s: unknown, max = SENTENCE_TEXT): string {
  return esc(s, max).replace(/`([^`\n]{1,400})`/g, (_m, name: string) => `<code><bdi>${name}</bdi></code>`);
}

const CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --card: #f6f8fa; --code: #eff2f5;
  --ok: #116329; --ok-bg: #dafbe1; --bad: #a40e26; --bad-bg: #ffebe9; --warn: #7d4e00; --warn-bg: #fff8c5;
  --now-bg: #fff1a8; --link: #0550ae;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --card: #151b23; --code: #1b222c;
    --ok: #56d364; --ok-bg: #0f2d1a; --bad: #ff7b72; --bad-bg: #3c1618; --warn: #e3b341; --warn-bg: #3a2a0a;
    --now-bg: #5c4813; --link: #79c0ff;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
body { margin: 0; }
main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; overflow-wrap: anywhere; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.25rem 0 0.75rem; }
h2 { font-size: 1.35rem; margin: 0 0 0.75rem; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: baseline; justify-content: space-between; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 1.25rem 0 0.4rem; }
p { margin: 0.4rem 0; }
a { color: var(--link); }
bdi, pre, code, td, th { unicode-bidi: isolate; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; background: var(--code); padding: 0.05em 0.3em; border-radius: 4px; }
pre { font: 0.85rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere;
  background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 0.6rem 0.75rem; margin: 0.4rem 0 0; max-height: 28rem; overflow: auto; }
.muted { color: var(--muted); }
.eyebrow { color: var(--muted); font-size: 0.9rem; margin: 0; }
.sample-title { font-size: 0.9rem; font-weight: 600; margin: 0.9rem 0 0.2rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.25rem; margin: 1.25rem 0; }
.score { font-size: 1.1rem; margin: 0.25rem 0; }
.score strong { font-size: 2rem; }
.badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.6rem; font-size: 0.85rem; font-weight: 600; white-space: nowrap; }
.ok { color: var(--ok); background: var(--ok-bg); }
.bad { color: var(--bad); background: var(--bad-bg); }
.warn { color: var(--warn); background: var(--warn-bg); }
.notice { border-left: 4px solid var(--warn); background: var(--warn-bg); border-radius: 6px; padding: 0.6rem 1rem; margin: 0.75rem 0; }
.notice.bad { border-left-color: var(--bad); background: var(--bad-bg); color: inherit; }
.notice ul { margin: 0.25rem 0; padding-left: 1.25rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.4rem 0; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.55rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
/* Headers break between words only, so no column is squeezed to one letter per line. */
th { font-weight: 600; background: var(--code); overflow-wrap: normal; }
td.name { min-width: 7rem; }
td.label { min-width: 10rem; }
.counts > span { display: block; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.differs td, tr.error td { background: var(--bad-bg); }
tr.missing td { background: var(--warn-bg); }
ul.tests { list-style: none; padding: 0; margin: 0; }
ul.tests > li { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; margin: 0.4rem 0; background: var(--bg); }
.test-head { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline; }
.test-head .pts { margin-left: auto; color: var(--muted); white-space: nowrap; }
td.changed, th.changed { background: var(--now-bg); }
/* Not struck through: the expected value is the one a student needs to read. */
del { text-decoration: none; }
ins { text-decoration: none; font-weight: 700; }
figure { margin: 0.75rem 0; }
figure img { max-width: 100%; height: auto; border-radius: 6px; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.85rem; }
`;

/** A whole page: the CSP first in `<head>`, no script, no external resource. */
export function htmlPage(opts: { title: string; body: string }): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${esc(opts.title, 160)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<main>",
    opts.body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
