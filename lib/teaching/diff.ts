/**
 * `beam.diff`: two PCollections side by side, element by element. When one was made from
 * the other element by element (Map, FlatMap, Filter, ParDo, Flatten), lineage pairs them
 * exactly; otherwise the row diff pairs them by value (`keyFields` say which fields
 * identify a row).
 */
import { elementsOf } from "../collect";
import { displayBundle, inKernel } from "../display/emit";
import { DISPLAY_SYMBOL } from "../display/displayable";
import type { PCollection } from "../pipeline/pvalue";
import { InteractiveRunner } from "../runners/interactive";
import { resolveRunner } from "../runners/registry";
import { offMessage } from "./lineage-trace";
import { elementWiseAncestors } from "./lineage-walk";
import { countRows, flipped, pairByLineage, pairByValue, type PairRow, type Pairs } from "./pairing";
import { pairsBundle, pairsSummary } from "./pairs-view";
import { checkPCollection } from "./runner-lineage";
import { outputLabel } from "./steps";

/** Options of {@link diff}. */
export interface DiffOptions<I> {
  /**
   * For pairing by value (when neither PCollection was made from the other element by
   * element): the fields that identify a row, e.g. `["sid"]`.
   */
  readonly keyFields?: readonly (I extends object ? Extract<keyof I, string> : string)[];
  /** Show the table (default: in a notebook, yes; elsewhere, no). */
  readonly show?: boolean;
}

/**
 * Pairs the elements of `before` with those of `after` and shows them as a table, changed
 * fields highlighted; returns the pairs. Exact when `after` was made from `before` element
 * by element (or the other way round), through lineage; otherwise paired by value.
 *
 * @example
 * const d = await beam.diff(rows, students);     // Read student → Format dob: paired by lineage
 * d.rows.find((r) => r.status === "changed")?.changes;   // [{ field: "dob", before: "May-10-1999", after: "1999-05-10" }]
 * await beam.diff(students, expected, { keyFields: ["sid"] });   // two unrelated PCollections: by value
 */
export async function diff<I, O>(before: PCollection<I>, after: PCollection<O>, opts: DiffOptions<I> = {}): Promise<Pairs<I, O>> {
  checkPCollection(before, "beam.diff", "beam.diff(rows, students)");
  checkPCollection(after, "beam.diff", "beam.diff(rows, students)");
  const pairs = await comparePCollections(before, after, { keyFields: opts.keyFields as readonly string[] | undefined, step: null });
  return presented(pairs, opts.show);
}

/** Attaches the display (for `beam.show(pairs)`) and shows it when asked (by default in a notebook). */
export function presented<I, O>(pairs: Pairs<I, O>, show: boolean | undefined): Pairs<I, O> {
  const bundle = () => pairsBundle(pairs as Pairs<unknown, unknown>);
  Object.defineProperty(pairs, DISPLAY_SYMBOL, { value: bundle, enumerable: false });
  // tslab prints a cell's last value: one line under the table, not every row again.
  const line = `Pairs: ${pairsSummary(pairs as Pairs<unknown, unknown>)}; see .rows`;
  Object.defineProperty(pairs, Symbol.for("nodejs.util.inspect.custom"), { value: () => line, enumerable: false });
  if (show ?? inKernel()) displayBundle(bundle());
  return pairs;
}

/** @internal Pairs two PCollections: through lineage when they descend element-wise, else by value. */
export async function comparePCollections<I, O>(
  before: PCollection<I>,
  after: PCollection<O>,
  opts: { keyFields?: readonly string[]; step: Pairs<I, O>["step"] },
): Promise<Pairs<I, O>> {
  const b = before as PCollection<unknown>;
  const a = after as PCollection<unknown>;
  const runner = resolveRunner(b.pipeline);
  const samePipeline = b.pipeline === a.pipeline;
  if (runner instanceof InteractiveRunner && samePipeline) await runner.computeMissing([b, a]);
  const beforeEls = (await elementsOf(before)) as readonly I[];
  const afterEls = (await elementsOf(after)) as readonly O[];
  const base = { before: outputLabel(b), after: outputLabel(a), step: opts.step };
  const notes: string[] = [];
  const store = runner instanceof InteractiveRunner && samePipeline ? runner.lineage() : undefined;
  if (store) {
    const down = elementWiseAncestors(store, b.id, a.id);
    if (down) {
      const rows = pairByLineage(beforeEls, afterEls, down);
      return { ...base, method: "lineage", rows, counts: countRows(rows, beforeEls.length, afterEls.length), notes };
    }
    const up = elementWiseAncestors(store, a.id, b.id);
    if (up) {
      const rows = flipped<I, O>(pairByLineage(afterEls, beforeEls, up));
      notes.push(`"${base.before}" was made from "${base.after}": paired through lineage the other way round.`);
      return { ...base, method: "lineage", rows, counts: countRows(rows as PairRow<unknown, unknown>[], beforeEls.length, afterEls.length), notes };
    }
    const off = [b, a].map((pc) => store.get(pc.id)).find((r) => r?.off);
    notes.push(
      off?.off
        ? offMessage(off === store.get(b.id) ? base.before : base.after, off.off)
        : `"${base.after}" was not made from "${base.before}" element by element (through Map, FlatMap, Filter, ParDo or Flatten steps only), so the rows are paired by value.`,
    );
  } else {
    notes.push(
      !samePipeline
        ? "The two PCollections are in different pipelines, so the rows are paired by value."
        : runner instanceof InteractiveRunner
          ? "Lineage is off for this pipeline (lineage: false), so the rows are paired by value."
          : `The ${runner.name} runner records no lineage, so the rows are paired by value.`,
    );
  }
  const { rows, unchanged } = pairByValue(beforeEls, afterEls, opts.keyFields);
  notes.push(`${unchanged} unchanged row${unchanged === 1 ? " is" : "s are"} counted, not listed.`);
  return { ...base, method: "row diff", rows, counts: countRows(rows as PairRow<unknown, unknown>[], beforeEls.length, afterEls.length, unchanged), notes };
}
