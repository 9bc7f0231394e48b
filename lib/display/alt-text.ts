/**
 * Alt text for the static SVGs of display bundles (charts, graphs). nbconvert's HTML shows
 * an `image/svg+xml` output as an `<img>` with no alt (and warns "Alternative text is
 * missing"), but it prefers `text/markdown` to SVG, while JupyterLab prefers its vega and
 * beamlab renderers to markdown: so a bundle that adds {@link imageMarkdown} keeps its
 * live view in JupyterLab and gets a described image in exported HTML.
 */

const escapeAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The SVG with an accessible name: `role="img"`, `aria-label` and a `<title>` (what screen readers and tooltips use). */
export function withAltText(svg: string, alt: string): string {
  const rootEnd = svg.indexOf(">");
  if (!svg.startsWith("<svg") || rootEnd < 0) return svg;
  const text = escapeAttr(alt);
  return `<svg role="img" aria-label="${text}"${svg.slice(4, rootEnd + 1)}<title>${text}</title>${svg.slice(rootEnd + 1)}`;
}

/** A `text/markdown` value showing the SVG as an image with `alt` (escaped; the SVG travels as base64). */
export function imageMarkdown(svg: string, alt: string): string {
  return `<img alt="${escapeAttr(alt)}" src="data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}">`;
}
