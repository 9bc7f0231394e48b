/**
 * The payload of a step-through: for every step in play order, its inputs, side inputs and
 * outputs with counts and first rows, its code, what it did (before/after pairs of an
 * element-wise step, which inputs formed each output of a group, join, combine or Flatten)
 * and one sentence saying so. Built from what the interactive runner has cached; the
 * caller computes what is missing first.
 */
import { graphPayload } from "../display/graph";
import { plural } from "../display/encode";
import { tablePayload } from "../display/table";
import { variableNames } from "../interactive/names";
import type { Pipeline } from "../pipeline/pipeline";
import type { PCollection } from "../pipeline/pvalue";
import type { TransformNode } from "../pipeline/transform";
import type { InteractiveRunner } from "../runners/interactive";
import { comparePCollections } from "./diff";
import { offMessage } from "./lineage-trace";
import { walkUpstream } from "./lineage-walk";
import type { Pairs } from "./pairing";
import { pairsPayload } from "./pairs-view";
import { PAYLOAD_LIMITS, type PairsPayload, type StepFormationPayload, type StepPCollectionPayload, type StepPayload, type StepThroughPayload } from "./protocol";
import { pipelineRef } from "./runner-lineage";
import { stepCode } from "./step-code";
import { playableChildren, runsWhole } from "./step-list";
import { elementWiseKind, isStepOutput, outputLabel, rootOf } from "./steps";

/** How many pair rows a step embeds per table row it embeds: changed, dropped and fanned-out rows come first. */
const PAIR_ROWS_PER_SAMPLE = 4;

/** True when a PCollection is never materialised: it lives inside a composite that runs in one piece. */
export function insideWholeStep(pc: PCollection<unknown>): boolean {
  for (let n = pc.producer.parent; n; n = n.parent) if (runsWhole(n) && ![...n.outputs.values()].includes(pc)) return true;
  return false;
}

/** The PCollections a set of steps reads and writes that can be computed. */
export function pcollectionsOf(steps: readonly TransformNode[]): PCollection<unknown>[] {
  const seen = new Map<string, PCollection<unknown>>();
  for (const n of steps) for (const pc of [...n.inputs, ...n.sideInputs, ...n.outputs.values()]) if (!insideWholeStep(pc)) seen.set(pc.id, pc);
  return [...seen.values()];
}

/** How a step-through names a PCollection: the step output's label, or an inner step's full label. */
function labelOf(pc: PCollection<unknown>): string {
  if (isStepOutput(pc)) return outputLabel(pc);
  return pc.tag === "main" ? pc.producer.fullLabel : `${pc.producer.fullLabel}.${pc.tag}`;
}

/** The role of each main input of a step: CoGroupByKey's tags, or null. */
function inputRoles(n: TransformNode): (string | null)[] {
  return n.inputs.map((_, i) => n.inputTags?.[i] ?? null);
}

interface BuildContext {
  pipeline: Pipeline;
  runner: InteractiveRunner;
  sample: number;
  names: Map<string, string>;
}

function pcPayload(ctx: BuildContext, pc: PCollection<unknown>, role: string | null, side: boolean): StepPCollectionPayload {
  const elements = ctx.runner.cached(pc);
  const varName = ctx.names.get(pc.id) ?? null;
  const label = labelOf(pc);
  const shown = varName ? `${varName} (${label})` : label;
  const note = elements ? null : insideWholeStep(pc) ? `not materialised: ${rootOf(pc.producer).label} runs as one step` : "not computed";
  return {
    id: pc.id,
    label: shown,
    varName,
    role,
    side,
    count: elements?.length ?? ctx.runner.knownCounts().get(pc.id) ?? null,
    table: elements ? tablePayload({ label: shown, pipeline: pipelineRef(ctx.pipeline), pcollection: pc.id, elements, total: elements.length, schema: pc.schema }, ctx.sample) : null,
    note,
  };
}

/** Which inputs formed each of the first outputs of a step that brings elements together. */
function formationOf(ctx: BuildContext, n: TransformNode, inputs: readonly PCollection<unknown>[], notes: string[]): StepFormationPayload[] {
  const store = ctx.runner.lineage();
  const out = [...n.outputs.values()][0];
  const elements = out && ctx.runner.cached(out);
  if (!store || !out || !elements || !inputs.length) return [];
  const rec = store.get(out.id);
  if (rec?.off) {
    notes.push(offMessage(labelOf(out), rec.off));
    return [];
  }
  const stopAt = new Set(inputs.map((pc) => pc.id));
  const result: StepFormationPayload[] = [];
  for (let j = 0; j < Math.min(ctx.sample, elements.length); j++) {
    const { reached } = walkUpstream(store, out.id, [j], stopAt);
    const from = inputs.map((pc, input) => {
      const all = [...(reached.get(pc.id) ?? [])].sort((a, b) => a - b);
      return { input, indexes: all.slice(0, PAYLOAD_LIMITS.linksPerInput), total: all.length };
    });
    result.push({ output: j, from });
  }
  return result;
}

/** Before/after pairs of an element-wise step: one per output that received elements (or the main one). */
async function pairsOf(ctx: BuildContext, n: TransformNode, kind: string): Promise<{ payload: PairsPayload; pairs: Pairs<unknown, unknown>; output: string }[]> {
  if (n.inputs.length !== 1) return [];
  // A tagged ParDo's main output (or a Partition's) usually receives nothing: pair the outputs that did.
  const outputs = [...n.outputs.values()].filter((pc) => (ctx.runner.cached(pc)?.length ?? 0) > 0 || n.outputs.size === 1);
  const result: { payload: PairsPayload; pairs: Pairs<unknown, unknown>; output: string }[] = [];
  for (const out of outputs) {
    if (insideWholeStep(out)) continue;
    const pairs = await comparePCollections(n.inputs[0], out, { step: { label: n.fullLabel, kind } });
    const payload = pairsPayload(pairs);
    const max = ctx.sample * PAIR_ROWS_PER_SAMPLE;
    if (payload.rows.length > max) {
      payload.rows = payload.rows.slice(0, max);
      payload.truncated = true;
    }
    result.push({ payload: { ...payload, after: labelOf(out) }, pairs: { ...pairs, after: labelOf(out) }, output: out.id });
  }
  return result;
}

function total(xs: readonly StepPCollectionPayload[]): number | null {
  return xs.length && xs.every((x) => x.count !== null) ? xs.reduce((a, x) => a + (x.count ?? 0), 0) : null;
}

/** One sentence on what the step did, from its counts and pairs. */
function summaryOf(kind: string, n: TransformNode, s: Pick<StepPayload, "inputs" | "sideInputs" | "outputs" | "pairs" | "counts">): string {
  const count = (x: StepPCollectionPayload) => (x.count === null ? "?" : x.count.toLocaleString("en-US"));
  const named = (x: StepPCollectionPayload) => `${x.role ?? x.label} (${count(x)})`;
  const inN = s.counts.in;
  const outN = s.counts.out;
  const p = s.pairs[0]?.counts;
  const children = playableChildren(n).length;
  if (!n.inputs.length) return `${kind === "Create" ? "created" : "read"} ${plural(outN ?? 0, kind === "Create" ? "element" : "row")}`;
  switch (kind) {
    case "Filter":
      return p ? `kept ${p.after} of ${plural(p.before, "element")}, dropped ${p.dropped}` : `${inN} in, ${outN} out`;
    case "Map":
    case "ParDo":
    case "FlatMap": {
      if (!p) return `${inN} in, ${outN} out`;
      const what = (c: PairsPayload["counts"]) => {
        const parts = [`${c.changed} changed`, `${c.unchanged} unchanged`];
        if (c.dropped) parts.push(`${c.dropped} made nothing`);
        if (c.fannedOut) parts.push(`${c.fannedOut} fanned out`);
        return parts.join(", ");
      };
      if (s.pairs.length < 2) return `${plural(inN ?? 0, "element")} in, ${outN} out (${what(p)})`;
      // Tagged outputs: each output's pairs on their own (an input may go to one output and not another).
      const outs = s.pairs.map((x) => `${x.after.slice(x.after.lastIndexOf(".") + 1)} ${x.counts.after} (${what(x.counts)})`);
      return `${plural(inN ?? 0, "element")} in, ${outN} out: ${outs.join("; ")}`;
    }
    case "GroupByKey":
      return `${plural(inN ?? 0, "element")} grouped into ${plural(outN ?? 0, "group")}, one per key`;
    case "CoGroupByKey":
      return `joined ${s.inputs.map(named).join(" and ")} by key into ${plural(outN ?? 0, "key")}, each with its elements from every side`;
    case "Flatten":
      return `merged ${s.inputs.map(named).join(" and ")} into ${plural(outN ?? 0, "element")}`;
    case "Partition":
      return `split ${plural(inN ?? 0, "element")} into ${s.outputs.filter((o) => o.role !== "main").map(named).join(", ")}`;
    default:
      return `${plural(inN ?? 0, "element")} in, ${outN ?? "?"} out${children ? ` (a composite of ${plural(children, "step")}: step into it to see each)` : ""}`;
  }
}

/** The payload of one step, and its raw pairs (for the static frame). */
async function stepPayload(ctx: BuildContext, n: TransformNode): Promise<{ step: StepPayload; pairs: Pairs<unknown, unknown>[] }> {
  const notes: string[] = [];
  const elementWise = elementWiseKind(n);
  const kind = n.kind === "Partition" ? "Partition" : (elementWise ?? n.kind);
  const roles = inputRoles(n);
  const inputs = n.inputs.map((pc, i) => pcPayload(ctx, pc, roles[i], false));
  const sideInputs = n.sideInputs.map((pc) => pcPayload(ctx, pc, null, true));
  const outputs = [...n.outputs].map(([tag, pc]) => pcPayload(ctx, pc, n.outputs.size > 1 ? tag : null, false));
  const counts = { in: total(inputs), out: total(outputs) };
  const paired = elementWise && ctx.runner.lineage() ? await pairsOf(ctx, n, kind) : [];
  const pairs = paired.map((x) => x.payload);
  const formation = !elementWise && n.inputs.length ? formationOf(ctx, n, [...n.inputs, ...n.sideInputs], notes) : [];
  if (!ctx.runner.lineage()) notes.push("Lineage is off for this pipeline (lineage: false): no before/after pairs and no element lineage.");
  if (sideInputs.length) notes.push(`Side input${sideInputs.length > 1 ? "s" : ""} ${sideInputs.map((x) => x.label).join(", ")}: read whole by every element.`);
  const code = stepCode(n);
  const parent = n.parent;
  const step: StepPayload = {
    id: n.id,
    label: n.label,
    fullLabel: n.fullLabel,
    kind,
    parent: parent ? parent.id : null,
    children: playableChildren(n).map((c) => c.id),
    top: rootOf(n).id,
    inputs,
    sideInputs,
    outputs,
    counts,
    code: code?.code ?? null,
    codeTitle: code?.title ?? null,
    summary: summaryOf(kind, n, { inputs, sideInputs, outputs, pairs, counts }),
    pairs,
    pairsOutputs: paired.map((x) => x.output),
    formation,
    notes,
  };
  return { step, pairs: paired.map((x) => x.pairs) };
}

/**
 * The whole payload, for `steps` in play order (everything they read and write already
 * computed), and the raw pairs of each step by id (for the static frames).
 */
export async function stepThroughPayload(
  pipeline: Pipeline,
  runner: InteractiveRunner,
  steps: readonly TransformNode[],
  tops: readonly TransformNode[],
  sample: number,
  notes: string[],
): Promise<{ payload: StepThroughPayload; pairs: Map<string, Pairs<unknown, unknown>[]> }> {
  const ctx: BuildContext = { pipeline, runner, sample, names: variableNames() };
  const payloads: StepPayload[] = [];
  const pairs = new Map<string, Pairs<unknown, unknown>[]>();
  for (const n of steps) {
    const built = await stepPayload(ctx, n);
    payloads.push(built.step);
    pairs.set(n.id, built.pairs);
  }
  const payload: StepThroughPayload = {
    version: 1,
    pipeline: pipelineRef(pipeline),
    graph: graphPayload(pipeline, { counts: runner.knownCounts(), varNames: ctx.names, state: runner.runState() }),
    steps: payloads,
    top: tops.map((t) => t.id),
    sample,
    notes,
  };
  return { payload, pairs };
}
