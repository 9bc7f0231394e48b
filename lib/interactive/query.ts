/**
 * The kernel side of a table's filter and sort (`__beamlab.query(json)`): the view of a
 * whole PCollection through a filter (lib/display/filter.ts) and a sort, computed with
 * arquero over the cached elements, and a page of it.
 *
 * A view is a list of element indices, cached per elements array and (filter, sort), so
 * paging through the matches costs a slice. The cache is keyed by the array itself: a
 * re-run cell recomputes the PCollection into a new array, so a stale view is never
 * served, and views of dropped arrays are garbage-collected with them.
 */
import * as aq from "arquero";
import { columnsOf, shapeOf, type ElementShape } from "../collect";
import { matchesFilter, parseFilter, type SortSpec } from "../display/filter";
import { sortKey } from "../display/preview";
import { PROTOCOL_VERSION, type QueryRequest, type ReplyPayload } from "../display/protocol";
import { tablePayload } from "../display/table";
import { Pipeline } from "../pipeline/pipeline";
import { InteractiveRunner } from "../runners/interactive";
import { resolveRunner } from "../runners/registry";
import { variableNames } from "./names";

/** Most rows in one reply, and views kept per PCollection. */
const MAX_PAGE = 5000;
const VIEWS_PER_ARRAY = 8;

interface ElementsInfo {
  shape: ElementShape;
  names: string[];
  /** Views by `filter + sort`, least recently used first. */
  views: Map<string, number[]>;
}

const infos = new WeakMap<readonly unknown[], ElementsInfo>();

function infoOf(elements: readonly unknown[]): ElementsInfo {
  let info = infos.get(elements);
  if (!info) {
    const shape = shapeOf(elements);
    info = { shape, names: columnsOf(elements, shape), views: new Map() };
    infos.set(elements, info);
  }
  return info;
}

/** The value of an element in a table column, for an element shape. */
export function cellOf(element: unknown, shape: ElementShape, column: string): unknown {
  if (shape === "kv") return (element as unknown[])[column === "key" ? 0 : 1];
  if (shape === "element") return element;
  return (element as Record<string, unknown> | null)?.[column];
}

/** A view over elements: the indices that match, in sort order. Throws a readable Error when the filter does not parse. */
export function viewOf(elements: readonly unknown[], filterText: string, sort: SortSpec | null): { indices: number[]; names: string[]; shape: ElementShape } {
  const info = infoOf(elements);
  const { shape, names } = info;
  const key = JSON.stringify([filterText.trim(), sort]);
  const cached = info.views.get(key);
  if (cached) {
    info.views.delete(key);
    info.views.set(key, cached);
    return { indices: cached, names, shape };
  }
  const parsed = parseFilter(filterText, names);
  if (!parsed.ok) throw new Error(`The filter does not parse: ${parsed.error}`);
  if (sort && !names.includes(sort.column)) throw new Error(`Cannot sort by ${sort.column}: the columns are ${names.join(", ")}`);
  const all = Int32Array.from({ length: elements.length }, (_, i) => i);
  let t = aq.table({ i: all });
  const filter = parsed.filter;
  if (filter) t = t.filter(aq.escape((d: { i: number }) => matchesFilter(filter, (c) => cellOf(elements[d.i], shape, c), names)));
  let indices = t.array("i") as ArrayLike<number>;
  if (sort) {
    const keys = Array.from(indices, (i) => sortKey(cellOf(elements[i], shape, sort.column)));
    const dir = (c: string) => (sort.descending ? aq.desc(c) : c);
    // Missing values last in both directions; ties keep the PCollection's order.
    indices = aq
      .table({ i: Array.from(indices), m: keys.map((k) => k.missing), r: keys.map((k) => k.rank), k: keys.map((k) => k.key) })
      .orderby("m", dir("r"), dir("k"), "i")
      .array("i") as ArrayLike<number>;
  }
  const view = Array.from(indices);
  info.views.set(key, view);
  if (info.views.size > VIEWS_PER_ARRAY) info.views.delete(info.views.keys().next().value!);
  return { indices: view, names, shape };
}

/** A page of a PCollection's filtered/sorted view (computing the PCollection if needed). Never throws. */
export async function queryOf(req: QueryRequest): Promise<ReplyPayload> {
  const fail = (error: string): ReplyPayload => ({ version: PROTOCOL_VERSION, ok: false, kind: "query", error });
  try {
    const p = Pipeline.live().find((x) => x.id === req.pipeline);
    if (!p) return fail(`no pipeline ${req.pipeline} in this kernel (was it restarted?)`);
    const pc = p.pcollections().find((x) => x.id === req.pcollection);
    if (!pc) return fail(`no PCollection ${req.pcollection} in ${p.name} (was its cell re-run? run the cell that shows it again)`);
    const runner = resolveRunner(p);
    if (!(runner instanceof InteractiveRunner)) return fail("filtering all rows needs the interactive runner");
    const elements = await runner.elementsToRender(pc);
    const { indices, names, shape } = viewOf(elements, req.filter ?? "", req.sort ?? null);
    const offset = Math.max(0, Math.floor(req.offset) || 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(req.limit) || 100));
    const slice = indices.slice(offset, offset + limit);
    const vars = variableNames();
    const varName = vars.get(pc.id);
    const page = tablePayload(
      {
        label: varName ? `${varName} (${pc.label})` : pc.label,
        pipeline: { id: p.id, name: vars.get(p.id) ?? p.name },
        pcollection: pc.id,
        elements: slice.map((i) => elements[i]),
        offset,
        total: indices.length,
        columns: names,
        shape,
        schema: pc.schema,
      },
      limit,
      Infinity,
    );
    return { version: PROTOCOL_VERSION, ok: true, kind: "query", page, indices: slice, matched: indices.length, total: elements.length };
  } catch (e) {
    return fail(String((e as Error)?.message ?? e));
  }
}
