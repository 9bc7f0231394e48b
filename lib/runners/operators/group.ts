/**
 * GroupByKey and the lifted CombinePerKey: barriers that see all of their input first.
 * A run that records lineage gets the traced variants, which also note each input's group.
 */
import { PipelineError, stepFailure } from "../../errors";
import { KeyedMap } from "../../keys";
import { GroupTrace } from "../../teaching/group-trace";
import type { Operator, OperatorContext } from "../operator";

type CombineSpec = Extract<OperatorContext["exec"]["spec"], { kind: "CombinePerKey" }>;

/** The error for an element of a GroupByKey or combine that is not a `[key, value]` pair (also the local runner's shuffle). */
export function badPair(label: string, el: unknown): PipelineError {
  return new PipelineError("GroupByKey needs [key, value] pairs", {
    label,
    element: el,
    hasElement: true,
    hint: "map each element to a two-item array first, e.g. beam.Map((x) => [x.key, x]).",
  });
}

/**
 * The error of an element whose key cannot be grouped (a key that is not data, one whose
 * fields cannot be read), naming the step and the whole element, whatever key encoding threw.
 */
function keyFailure(label: string, el: unknown, err: unknown): PipelineError {
  return stepFailure(err, {
    label,
    element: el,
    hasElement: true,
    message: "The key of this element cannot be compared with other keys",
    hint: KEY_HINT,
  });
}

const KEY_HINT =
  "keys must be data (strings, numbers, bigints, booleans, null, dates, and arrays or plain records of them): " +
  "key by a field that is, e.g. beam.Map((x) => [x.id, x]), or filter such elements out before grouping.";

export function groupByKeyOperator(ctx: OperatorContext): Operator {
  if (ctx.lineage !== undefined) return tracedGroupByKeyOperator(ctx, new GroupTrace(ctx.lineage.output("main")));
  const groups = new KeyedMap<unknown, unknown[]>();
  const out = ctx.outputs.get("main")!;
  const label = ctx.exec.node.fullLabel;
  return {
    receive(batch) {
      const t0 = performance.now();
      let i = 0;
      try {
        for (; i < batch.length; i++) {
          const kv = batch[i];
          if (!Array.isArray(kv) || kv.length !== 2) throw badPair(label, kv);
          groups.append(kv[0], kv[1]);
        }
      } catch (e) {
        throw keyFailure(label, batch[i], e);
      }
      ctx.stats.millis += performance.now() - t0;
    },
    async activate() {
      // Each entry is a fresh [key, values] pair already: emitted as it is.
      await emitEntries(ctx, groups.entries(), (kv) => kv, out);
    },
  };
}

export function combinePerKeyOperator(ctx: OperatorContext): Operator {
  if (ctx.lineage !== undefined) return tracedCombinePerKeyOperator(ctx, new GroupTrace(ctx.lineage.output("main")));
  const fn = (ctx.exec.spec as CombineSpec).combineFn;
  const accs = new KeyedMap<unknown, { acc: unknown }>();
  const out = ctx.outputs.get("main")!;
  const label = ctx.exec.node.fullLabel;
  // The element being added, for the errors; kept as its parts, since receiveKeys makes no pair.
  let key: unknown;
  let value: unknown;
  const init = () => {
    try {
      return { acc: fn.createAccumulator() };
    } catch (err) {
      throw new PipelineError("The combine function failed", { label, element: [key, value], hasElement: true, cause: err, hint: "fix createAccumulator() of the combine function." });
    }
  };
  const add = (): void => {
    const e = accs.obtain(key, init);
    try {
      e.acc = fn.addInput(e.acc, value);
    } catch (err) {
      throw new PipelineError("The combine function failed", { label, element: [key, value], hasElement: true, cause: err, hint: "fix the combine function for this value." });
    }
  };
  return {
    receive(batch) {
      const t0 = performance.now();
      let i = 0;
      try {
        for (; i < batch.length; i++) {
          const kv = batch[i];
          if (!Array.isArray(kv) || kv.length !== 2) throw badPair(label, kv);
          key = kv[0];
          value = kv[1];
          add();
        }
      } catch (e) {
        throw keyFailure(label, batch[i], e);
      }
      ctx.stats.millis += performance.now() - t0;
    },
    receiveKeys(keys, v) {
      const t0 = performance.now();
      value = v;
      let i = 0;
      try {
        for (; i < keys.length; i++) {
          key = keys[i];
          add();
        }
      } catch (e) {
        throw keyFailure(label, [keys[i], v], e);
      }
      ctx.stats.millis += performance.now() - t0;
    },
    async activate() {
      await emitEntries(ctx, accs.entries(), ([k, e]) => {
        try {
          return [k, fn.extractOutput(e.acc)];
        } catch (err) {
          throw new PipelineError("The combine function failed", { label, element: k, hasElement: true, cause: err, hint: "fix extractOutput / the combine function." });
        }
      }, out);
    },
  };
}

/** GroupByKey that also records which inputs went into each group. */
function tracedGroupByKeyOperator(ctx: OperatorContext, trace: GroupTrace): Operator {
  const groups = new KeyedMap<unknown, { values: unknown[]; group: number }>();
  const out = ctx.outputs.get("main")!;
  const label = ctx.exec.node.fullLabel;
  const init = () => ({ values: [] as unknown[], group: trace.newGroup() });
  return {
    receive(batch) {
      const t0 = performance.now();
      for (let i = 0; i < batch.length; i++) {
        const kv = batch[i];
        if (!Array.isArray(kv) || kv.length !== 2) throw badPair(label, kv);
        const g = groups.obtain(kv[0], init);
        g.values.push(kv[1]);
        trace.input(g.group);
      }
      ctx.stats.millis += performance.now() - t0;
    },
    async activate() {
      trace.commit((function* () {
        for (const [, g] of groups.entries()) yield g.group;
      })());
      await emitEntries(ctx, groups.entries(), ([k, g]) => [k, g.values], out);
    },
  };
}

/** The lifted CombinePerKey that also records which inputs each key's result combined. */
function tracedCombinePerKeyOperator(ctx: OperatorContext, trace: GroupTrace): Operator {
  const fn = (ctx.exec.spec as CombineSpec).combineFn;
  const accs = new KeyedMap<unknown, { acc: unknown; group: number }>();
  const out = ctx.outputs.get("main")!;
  const label = ctx.exec.node.fullLabel;
  const init = () => ({ acc: fn.createAccumulator(), group: trace.newGroup() });
  return {
    receive(batch) {
      const t0 = performance.now();
      for (let i = 0; i < batch.length; i++) {
        const kv = batch[i];
        if (!Array.isArray(kv) || kv.length !== 2) throw badPair(label, kv);
        const e = accs.obtain(kv[0], init);
        try {
          e.acc = fn.addInput(e.acc, kv[1]);
        } catch (err) {
          throw new PipelineError("The combine function failed", { label, element: kv, hasElement: true, cause: err, hint: "fix the combine function for this value." });
        }
        trace.input(e.group);
      }
      ctx.stats.millis += performance.now() - t0;
    },
    async activate() {
      trace.commit((function* () {
        for (const [, e] of accs.entries()) yield e.group;
      })());
      await emitEntries(ctx, accs.entries(), ([k, e]) => {
        try {
          return [k, fn.extractOutput(e.acc)];
        } catch (err) {
          throw new PipelineError("The combine function failed", { label, element: k, hasElement: true, cause: err, hint: "fix extractOutput / the combine function." });
        }
      }, out);
    },
  };
}

async function emitEntries<V>(
  ctx: OperatorContext,
  entries: Iterable<[unknown, V]>,
  make: (kv: [unknown, V]) => unknown,
  out: { emit(b: unknown[]): Promise<void> },
): Promise<void> {
  let batch: unknown[] = [];
  for (const kv of entries) {
    batch.push(make(kv));
    if (batch.length >= ctx.bundleSize) {
      await out.emit(batch);
      await ctx.endBundle();
      batch = [];
    }
  }
  if (batch.length) await out.emit(batch);
}
