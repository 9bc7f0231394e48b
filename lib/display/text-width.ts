/**
 * Text widths for vega's headless renderer. Without a canvas, vega guesses every
 * character at 0.8 em, so a static SVG is laid out for text of the wrong size: too much
 * room for lower case, too little for "WWW" or bold capitals, whose slanted axis labels
 * then stick out of the SVG. This guess goes by character class, with widths of DejaVu
 * Sans (the widest common sans-serif, Linux's default) rounded up, so the SVG holds its
 * text in any viewer's sans-serif.
 */

/** Em widths by character class (DejaVu Sans, rounded up). */
const NARROW = new Set("iljftrI.,:;'|!`()[]{} ");
const WIDE = new Set("WMmw@%");
const BOLD = 1.12;

function charEm(c: string): number {
  if (NARROW.has(c)) return 0.42;
  if (WIDE.has(c)) return 1.0;
  if (c >= "A" && c <= "Z") return 0.8;
  if ((c >= "a" && c <= "z") || (c >= "0" && c <= "9")) return 0.64;
  if (c.charCodeAt(0) < 128) return 0.84;
  return 1.0;
}

/** What vega's text measure gets: a text mark's font size, weight and length limit. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/**
 * The width in pixels vega lays `text` out with (a `textMetrics.width` replacement): by
 * character class, bold wider, and no wider than the item's `limit`, where vega cuts it.
 */
export function estimateTextWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const s = text == null ? "" : String(text).trim();
  let em = 0;
  for (const c of s) em += charEm(c);
  const bold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
  const width = Math.ceil(em * size * (bold ? BOLD : 1));
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}
