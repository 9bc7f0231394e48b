/**
 * Charts: a small typed builder over vega-lite for the common marks. Aggregation and
 * binning run in the kernel with arquero before the spec is built, so a chart of a 1M-row
 * PCollection embeds a bounded number of rows. The display bundle carries the vega-lite
 * spec (rendered live by JupyterLab), a static SVG rendered in the kernel by vega (for
 * exported notebooks, GitHub and grading reports) and a text summary.
 */
import { pathToFileURL } from "node:url";
import * as aq from "arquero";
import { elementsOf, toColumns } from "../collect";
import { error } from "../errors";
import { PCollection } from "../pipeline/pvalue";
import { imageMarkdown, withAltText } from "./alt-text";
import { DISPLAY_SYMBOL } from "./displayable";
import { estimateTextWidth } from "./text-width";

/** The MIME type JupyterLab 4 renders live (its renderer ships vega-lite 5). */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
/** Default cap on rows embedded in a chart. */
export const DEFAULT_MAX_ROWS = 5000;

/** The row type a chart sees for a source element type: records as they are, pairs as key/value, else one column. */
export type RowOf<T> = T extends readonly [infer K, infer V] ? { key: K; value: V } : T extends Record<string, any> ? T : { element: T };
/** What a chart can be drawn from. */
export type ChartSource<T> = PCollection<T> | aq.ColumnTable | readonly T[];

type Field<R> = Extract<keyof R, string>;
type Aggregate = "count" | "sum" | "mean" | "median" | "min" | "max" | "distinct";
type VlType = "quantitative" | "nominal" | "ordinal" | "temporal";

/** One encoding channel: a field name, or a field with options. */
export type Channel<R> = Field<R> | { field: Field<R>; type?: VlType; title?: string; aggregate?: Exclude<Aggregate, "count"> } | { aggregate: "count"; title?: string };

/** Channels of the common marks. */
export interface Encoding<R> {
  x: Channel<R>;
  y: Channel<R>;
  color?: Field<R> | { field: Field<R>; type?: VlType; title?: string };
  facet?: Field<R>;
  tooltip?: Field<R>[];
}

type Mark = "bar" | "line" | "point" | "area";

type Plan<R> =
  | { kind: "mark"; mark: Mark; enc: Encoding<R> }
  | { kind: "histogram"; field: Field<R>; bins: number }
  | { kind: "count"; field: Field<R>; top: number; color?: Field<R> }
  | { kind: "spec"; spec: Record<string, unknown> };

/** The data a chart embeds, after any aggregation. */
interface Prepared {
  values: Record<string, unknown>[];
  total: number;
  sampled: boolean;
  encoding: Record<string, unknown>;
  mark: Record<string, unknown> | string | null;
  extra: Record<string, unknown>;
}

/**
 * A chart under construction; `await beam.show(chart)` displays it and
 * `await chart.toSpec()` returns its vega-lite spec.
 */
export class Chart<R> {
  private plan: Plan<R> | null = null;
  private opts: { title?: string; width?: number; height?: number; maxRows: number } = { maxRows: DEFAULT_MAX_ROWS };

  /** @internal */
  constructor(private readonly source: ChartSource<unknown>) {}

  /** Bars: `x` categories, `y` values (aggregated in the kernel when `y` has an aggregate). */
  bar(enc: Encoding<R>): this {
    return this.set({ kind: "mark", mark: "bar", enc });
  }
  /** A line over `x`. */
  line(enc: Encoding<R>): this {
    return this.set({ kind: "mark", mark: "line", enc });
  }
  /** Points (a scatter plot). */
  point(enc: Encoding<R>): this {
    return this.set({ kind: "mark", mark: "point", enc });
  }
  /** An area under a line. */
  area(enc: Encoding<R>): this {
    return this.set({ kind: "mark", mark: "area", enc });
  }
  /** A histogram of a numeric field, binned in the kernel. */
  histogram(field: Field<R>, opts: { bins?: number } = {}): this {
    return this.set({ kind: "histogram", field, bins: opts.bins ?? 20 });
  }
  /** Bars of how often each value of a field occurs (the `top` most frequent, default 50). */
  count(field: Field<R>, opts: { top?: number; color?: Field<R> } = {}): this {
    return this.set({ kind: "count", field, top: opts.top ?? 50, color: opts.color });
  }
  /** Any vega-lite spec; the source's rows become its data unless it has its own. */
  spec(fullSpec: Record<string, unknown>): this {
    return this.set({ kind: "spec", spec: fullSpec });
  }
  /** A title above the chart. */
  title(text: string): this {
    this.opts.title = text;
    return this;
  }
  /** Size in pixels. */
  size(width: number, height: number): this {
    this.opts.width = width;
    this.opts.height = height;
    return this;
  }
  /** The most rows embedded in the notebook (default 5,000); more are sampled. */
  maxRows(n: number): this {
    this.opts.maxRows = n;
    return this;
  }

  private set(plan: Plan<R>): this {
    this.plan = plan;
    return this;
  }

  /** The vega-lite spec, with its data inlined. */
  async toSpec(): Promise<Record<string, unknown>> {
    if (!this.plan) error("The chart has no mark yet", { hint: "add one, e.g. beam.chart(rows).bar({ x: \"dept\", y: { aggregate: \"count\" } })." });
    const table = await sourceTable(this.source);
    const { vega } = await loadEngines();
    const prepared = prepare(this.plan, table, this.opts, vega.bin as NiceBins);
    return assemble(prepared, this.plan, this.opts);
  }

  /**
   * The display bundle: live vega-lite, static SVG and text, plus the SVG as an image with
   * alt text in `text/markdown` for nbconvert (see alt-text.ts).
   */
  async [DISPLAY_SYMBOL](): Promise<Record<string, unknown>> {
    const spec = await this.toSpec();
    const alt = String(spec.description);
    const svg = withAltText(await renderSvg(spec), alt);
    const data = (spec.data as { values: unknown[] }).values;
    const sampled = (spec as { usermeta?: { beamlab?: { sampled?: { shown: number; total: number } } } }).usermeta?.beamlab?.sampled;
    const text = `${this.opts.title ?? "chart"}: ${describePlan(this.plan!)} of ${data.length} rows${sampled ? ` (a sample of ${sampled.total})` : ""}`;
    return { [VEGALITE_MIME]: spec, "image/svg+xml": svg, "text/markdown": imageMarkdown(svg, alt), "text/plain": text };
  }
}

/**
 * A chart of a PCollection (collected as needed), an arquero table or an array of records.
 *
 * @example
 * await beam.show(beam.chart(classes).count("cno"));
 * await beam.show(beam.chart(students).histogram("year"));
 * await beam.show(beam.chart(perDept).bar({ x: "dept", y: "classes", tooltip: ["dept", "classes"] }));
 */
export function chart<T>(source: PCollection<T> | readonly T[]): Chart<RowOf<T>>;
export function chart(source: aq.ColumnTable): Chart<Record<string, unknown>>;
export function chart(source: ChartSource<unknown>): Chart<any> {
  if (!(source instanceof PCollection) && !(source instanceof aq.ColumnTable) && !Array.isArray(source)) {
    error("chart() needs a PCollection, an arquero table or an array of records", { hint: "pass e.g. beam.chart(teachers) or beam.chart(await wh.query(sql))." });
  }
  return new Chart(source);
}

async function sourceTable(source: ChartSource<unknown>): Promise<aq.ColumnTable> {
  if (source instanceof aq.ColumnTable) return source;
  const elements = source instanceof PCollection ? await elementsOf(source) : source;
  return aq.table(toColumns(elements).columns);
}

function fieldOf<R>(c: Channel<R> | Encoding<R>["color"] | undefined): string | null {
  if (c === undefined) return null;
  if (typeof c === "string") return c;
  return "field" in c ? c.field : null;
}

function checkFields(table: aq.ColumnTable, fields: (string | null | undefined)[]): void {
  const cols = table.columnNames();
  for (const f of fields) {
    if (f && !cols.includes(f)) error(`The chart uses field "${f}", which the data does not have`, { hint: `the columns are: ${cols.join(", ")}.` });
  }
}

function inferType(table: aq.ColumnTable, field: string): VlType {
  const values = table.array(field) as unknown[];
  const v = values.find((x) => x !== null && x !== undefined);
  if (typeof v === "number" || typeof v === "bigint") return "quantitative";
  if (v instanceof Date || (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v))) return "temporal";
  return "nominal";
}

function channelSpec<R>(table: aq.ColumnTable, c: Channel<R>): Record<string, unknown> {
  if (typeof c === "string") return { field: c, type: inferType(table, c) };
  if ("field" in c) return { field: c.field, type: c.type ?? (c.aggregate ? "quantitative" : inferType(table, c.field)), ...(c.title ? { title: c.title } : {}) };
  return { field: "count", type: "quantitative", title: c.title ?? "count" };
}

/** Values JSON can carry; dates as ISO text, BigInt as numbers. */
function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) o[k] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : typeof v === "number" && !Number.isFinite(v) ? null : v;
    return o;
  });
}

function rollupOp(agg: Aggregate, field: string): unknown {
  const op = aq.op as unknown as Record<string, (f: unknown) => unknown>;
  if (agg === "count") return aq.op.count();
  const name = agg === "distinct" ? "distinct" : agg;
  return op[name](field);
}

/** vega's bin boundaries (vega-statistics `bin`): nice steps, at least `minstep`. */
type NiceBins = (opts: { extent: [number, number]; maxbins: number; minstep?: number }) => { start: number; stop: number; step: number };

type ChartOptions = { title?: string; width?: number; height?: number; maxRows: number };

/** The most bins a histogram draws, however many are asked for: more would be hairlines. */
const MAX_BINS = 200;
/** Pixels per bin below which histogram bars touch (a 1 px gap would eat them). */
const MIN_GAPPED_BIN_PX = 8;
/** Longest axis label in pixels before vega cuts it with "…". */
const LABEL_LIMIT_PX = 400;

const isWhole = (v: unknown) => typeof v === "number" && Number.isInteger(v);

/**
 * Axis and tooltip number formats for a quantitative field: counts (and any field whose
 * values are all whole numbers) get integer ticks only, never "0.5 elements".
 */
function numberAxis(values: Record<string, unknown>[], field: string, countLike: boolean): Record<string, unknown> {
  if (countLike) return { axis: { tickMinStep: 1, format: ",d" } };
  const present = values.map((r) => r[field]).filter((v) => v !== null && v !== undefined);
  return present.length && present.every(isWhole) ? { axis: { tickMinStep: 1, format: "d" } } : {};
}

/**
 * Labels of a discrete axis in full: vega cuts labels at 180 px by default, so long
 * categories came out as "Elements of Web Progr…". Short labels stay level; long ones are
 * slanted.
 */
function discreteAxis(values: Record<string, unknown>[], field: string, channel: "x" | "y"): Record<string, unknown> {
  const longest = values.reduce((n, r) => Math.max(n, String(r[field] ?? "null").length), 0);
  const level = channel === "y" || longest <= 4;
  return { axis: { labelLimit: LABEL_LIMIT_PX, ...(level ? { labelAngle: 0 } : { labelAngle: -40 }) } };
}

/** Width of a chart with discrete x: bars wide enough to read with few categories, 20 px each with many. */
function discreteWidth(values: Record<string, unknown>[], field: string): { step: number } {
  const n = new Set(values.map((r) => r[field])).size;
  return { step: Math.max(20, Math.min(60, Math.round(360 / Math.max(1, n)))) };
}

/** Channel options that make the axis readable, by the channel's type and field. */
function axisFor(values: Record<string, unknown>[], spec: Record<string, unknown>, channel: "x" | "y", countLike: boolean): Record<string, unknown> {
  const field = spec.field as string;
  if (spec.type === "nominal" || spec.type === "ordinal") return { ...spec, ...discreteAxis(values, field, channel) };
  if (spec.type === "quantitative") return { ...spec, ...numberAxis(values, field, countLike) };
  return spec;
}

function isCountLike<R>(c: Channel<R>): boolean {
  return typeof c === "object" && "aggregate" in c && (c.aggregate === "count" || c.aggregate === "distinct");
}

interface Bins {
  rows: { bin_start: number; bin_end: number; count: number }[];
  step: number;
}

/**
 * Counts per bin with vega's nice boundaries (steps of 1, 2 or 5 times a power of ten, at
 * least 1 for whole numbers): edges fall on readable values and whole numbers are never
 * split across bins. Values on the last edge count in the last bin.
 */
function binCounts(values: number[], maxbins: number, niceBins: NiceBins): Bins {
  if (values.length === 0) return { rows: [], step: 1 };
  const min = values.reduce((a, b) => Math.min(a, b), Infinity);
  const max = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const whole = values.every((v) => Number.isInteger(v));
  const nice = niceBins({ extent: [min, max], maxbins: Math.min(MAX_BINS, Math.max(1, maxbins)), ...(whole ? { minstep: 1 } : {}) });
  const { start, step } = nice;
  let stop = nice.stop;
  // A whole number is a bin [v, v + step) of its own: the max must lie inside, not on the edge.
  if (whole ? stop <= max : stop < max) stop += step;
  if (stop <= start) stop = start + step;
  const n = Math.max(1, Math.round((stop - start) / step));
  const counts = new Array<number>(n).fill(0);
  for (const v of values) counts[Math.min(n - 1, Math.floor((v - start) / step))]++;
  // Round edges to the step's precision: 0.1 * 3 is not 0.30000000000000004 on an axis.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const edge = (i: number) => Number((start + i * step).toFixed(digits));
  return { rows: counts.map((count, i) => ({ bin_start: edge(i), bin_end: edge(i + 1), count })), step };
}

function prepare<R>(plan: Plan<R>, table: aq.ColumnTable, opts: ChartOptions, niceBins: NiceBins): Prepared {
  const total = table.numRows();
  switch (plan.kind) {
    case "count": {
      checkFields(table, [plan.field, plan.color]);
      const keys = [plan.field, ...(plan.color ? [plan.color] : [])];
      const counted = table.groupby(...keys).count({ as: "count" }).orderby(aq.desc("count")).slice(0, plan.top);
      const values = plain(counted.objects() as Record<string, unknown>[]);
      return {
        values,
        total,
        sampled: false,
        mark: "bar",
        encoding: {
          x: { field: plan.field, type: "nominal", sort: "-y", ...discreteAxis(values, plan.field, "x") },
          y: { field: "count", type: "quantitative", ...numberAxis(values, "count", true) },
          ...(plan.color ? { color: { field: plan.color, type: "nominal" } } : {}),
          tooltip: [{ field: plan.field, type: "nominal" }, { field: "count", type: "quantitative", format: ",d" }],
        },
        extra: opts.width ? {} : { width: discreteWidth(values, plan.field) },
      };
    }
    case "histogram": {
      checkFields(table, [plan.field]);
      const numbers = (table.array(plan.field) as unknown[]).filter((v) => v !== null && v !== undefined && v !== "").map(Number).filter((v) => Number.isFinite(v));
      const { rows, step } = binCounts(numbers, plan.bins, niceBins);
      const whole = numbers.every((v) => Number.isInteger(v));
      const width = opts.width ?? Math.min(600, Math.max(300, rows.length * 6));
      return {
        values: rows,
        total,
        sampled: false,
        // Bars span their bins; a 1 px gap between them once a bin is wide enough to spare it.
        mark: { type: "bar", tooltip: true, binSpacing: width / Math.max(1, rows.length) >= MIN_GAPPED_BIN_PX ? 1 : 0 },
        encoding: {
          x: { field: "bin_start", type: "quantitative", bin: { binned: true, step }, title: plan.field, ...(whole ? { axis: { format: "d" } } : {}) },
          x2: { field: "bin_end" },
          y: { field: "count", type: "quantitative", ...numberAxis(rows, "count", true) },
          tooltip: [{ field: "bin_start", type: "quantitative", title: `${plan.field} from` }, { field: "bin_end", type: "quantitative", title: "to" }, { field: "count", type: "quantitative", format: ",d" }],
        },
        extra: opts.width ? {} : { width },
      };
    }
    case "mark": {
      const enc = plan.enc;
      checkFields(table, [fieldOf(enc.x), fieldOf(enc.y), fieldOf(enc.color), enc.facet, ...(enc.tooltip ?? [])]);
      const yAgg = typeof enc.y === "object" ? enc.y.aggregate : undefined;
      const encoding: Record<string, unknown> = { x: channelSpec(table, enc.x), y: channelSpec(table, enc.y) };
      if (enc.color) encoding.color = typeof enc.color === "string" ? { field: enc.color, type: inferType(table, enc.color) } : { type: "nominal", ...enc.color };
      if (enc.facet) encoding.facet = { field: enc.facet, type: "nominal" };
      let values: Record<string, unknown>[];
      let sampled: boolean;
      if (yAgg) {
        // Aggregate in the kernel: one row per x (and color/facet) group.
        const keys = [fieldOf(enc.x), fieldOf(enc.color), enc.facet].filter((k): k is string => !!k);
        const yField = fieldOf(enc.y) ?? "count";
        const rolled = table.groupby(...keys).rollup({ [yField === "count" && yAgg === "count" ? "count" : yField]: rollupOp(yAgg, yField) as never });
        encoding.tooltip = [...keys, yField].map((f) => ({ field: f, type: f === yField ? "quantitative" : inferType(rolled, f) }));
        const all = plain(rolled.objects() as Record<string, unknown>[]);
        values = all.slice(0, opts.maxRows);
        sampled = all.length > opts.maxRows;
      } else {
        if (enc.tooltip) encoding.tooltip = enc.tooltip.map((f) => ({ field: f, type: inferType(table, f) }));
        sampled = total > opts.maxRows;
        const rows = sampled ? table.sample(opts.maxRows, { replace: false }) : table;
        values = plain(rows.objects() as Record<string, unknown>[]);
      }
      encoding.x = axisFor(values, encoding.x as Record<string, unknown>, "x", isCountLike(enc.x));
      encoding.y = axisFor(values, encoding.y as Record<string, unknown>, "y", isCountLike(enc.y));
      const x = encoding.x as { field: string; type: string };
      const discreteX = x.type === "nominal" || x.type === "ordinal";
      return { values, total, sampled, encoding, mark: plan.mark, extra: discreteX && !opts.width ? { width: discreteWidth(values, x.field) } : {} };
    }
    case "spec": {
      const sampled = total > opts.maxRows;
      const rows = sampled ? table.slice(0, opts.maxRows) : table;
      return { values: plain(rows.objects() as Record<string, unknown>[]), total, sampled, encoding: {}, mark: null, extra: plan.spec };
    }
  }
}

function assemble<R>(p: Prepared, plan: Plan<R>, opts: ChartOptions): Record<string, unknown> {
  const sampleNote = p.sampled ? `a sample of ${p.values.length} of ${p.total} rows` : null;
  const title = opts.title || sampleNote ? { text: opts.title ?? "", ...(sampleNote ? { subtitle: sampleNote } : {}) } : undefined;
  const meta = { usermeta: { beamlab: { sampled: p.sampled ? { shown: p.values.length, total: p.total } : null } } };
  if (plan.kind === "spec") {
    const spec = { $schema: SCHEMA, ...p.extra } as Record<string, unknown>;
    if (!spec.data) spec.data = { values: p.values };
    const withTitle = { ...spec, ...(title && !spec.title ? { title } : {}) };
    return { ...withTitle, description: typeof spec.description === "string" ? spec.description : describeSpec(withTitle), ...meta };
  }
  const spec: Record<string, unknown> = {
    $schema: SCHEMA,
    ...(title ? { title } : {}),
    data: { values: p.values },
    mark: typeof p.mark === "string" ? { type: p.mark, tooltip: true } : p.mark,
    encoding: p.encoding,
    ...p.extra,
    ...(opts.width ? { width: opts.width } : {}),
    ...(opts.height ? { height: opts.height } : {}),
  };
  return { ...spec, description: describeSpec(spec), ...meta };
}

function describePlan<R>(plan: Plan<R>): string {
  switch (plan.kind) {
    case "count":
      return `counts of ${plan.field}`;
    case "histogram":
      return `histogram of ${plan.field}`;
    case "mark":
      return `${plan.mark} of ${fieldOf(plan.enc.y) ?? "count"} by ${fieldOf(plan.enc.x)}`;
    case "spec":
      return "custom chart";
  }
}

type ChannelDef = { field?: string; title?: string; aggregate?: string; bin?: unknown };

/**
 * A sentence saying what a chart shows, for people who cannot see it: its title, mark,
 * fields and the range of its values ("Teachers per department. A bar chart of count by
 * dept: 4 bars, count from 2 to 6."). Used as the spec's description (vega's ARIA label),
 * the static SVG's title and the alt text of its image.
 */
export function describeSpec(spec: Record<string, unknown>): string {
  const title = spec.title as string | { text?: string | string[]; subtitle?: string | string[] } | undefined;
  const titleText = [typeof title === "string" ? title : title?.text, typeof title === "object" ? title.subtitle : undefined].flat().filter((t): t is string => !!t).join(", ");
  const markValue = spec.mark as string | { type?: string } | undefined;
  const mark = typeof markValue === "string" ? markValue : markValue?.type;
  const enc = (spec.encoding ?? {}) as Record<string, ChannelDef | undefined>;
  const values = ((spec.data as { values?: Record<string, unknown>[] } | undefined)?.values ?? []) as Record<string, unknown>[];
  const name = (c: ChannelDef | undefined) => (c ? (c.title ?? c.field ?? c.aggregate ?? "") : "");
  let what: string;
  if (!mark || !enc.x) what = "A chart";
  else if (enc.x.bin) what = `A histogram of ${name(enc.x)}: ${values.length} bins`;
  else {
    const kind = { bar: "bar chart", line: "line chart", point: "scatter plot", area: "area chart", tick: "strip plot" }[mark] ?? `${mark} chart`;
    const by = enc.color?.field ? `, coloured by ${name(enc.color)}` : "";
    what = `A ${kind} of ${name(enc.y)} by ${name(enc.x)}${by}: ${values.length} ${mark === "bar" ? "bars" : "rows"}`;
  }
  const xField = enc.x?.field;
  const yField = enc.y?.field;
  const ys = yField ? values.map((r) => r[yField]).filter((v): v is number => typeof v === "number") : [];
  // A few bars are read out one by one; more as the range of their values.
  const few = mark === "bar" && !enc.x?.bin && !enc.color && xField && yField && values.length <= 8;
  const detail = few
    ? ` (${values.map((r) => `${String(r[xField])} ${String(r[yField])}`).join(", ")})`
    : ys.length
      ? `, ${name(enc.y)} from ${Math.min(...ys)} to ${Math.max(...ys)}`
      : "";
  return `${titleText ? `${titleText}. ` : ""}${what}${detail}.`;
}

// vega and vega-lite are ES modules with top-level await: CommonJS cannot require them,
// and TypeScript would turn a plain import() into require(); so import by file URL.
const importEsm = new Function("url", "return import(url)") as (url: string) => Promise<any>;
let engines: Promise<{ vega: any; vl: any }> | null = null;

function loadEngines(): Promise<{ vega: any; vl: any }> {
  engines ??= Promise.all([importEsm(pathToFileURL(require.resolve("vega")).href), importEsm(pathToFileURL(require.resolve("vega-lite")).href)]).then(([vega, vl]) => {
    // vega's documented hook for measuring text without a canvas (vl-convert uses it too).
    vega.textMetrics.width = estimateTextWidth;
    return { vega, vl };
  });
  return engines;
}

/** A static SVG of a vega-lite spec, rendered by vega without a browser. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const { vega, vl } = await loadEngines();
  const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
