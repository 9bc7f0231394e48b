/**
 * The kernel side of the player's lineage request: a click on element `index` of a
 * PCollection asks which elements of every other computed PCollection it came from and
 * led to (inner PCollections of composites included, so both tables of any step can be
 * highlighted), plus the trace `beam.lineage` would show. Computes nothing: the player's
 * steps are computed already. Never throws (tslab would abort the user's queued cells):
 * every failure is an `ok: false` reply.
 */
import { PROTOCOL_VERSION, type ReplyPayload } from "../display/protocol";
import { Pipeline } from "../pipeline/pipeline";
import { InteractiveRunner } from "../runners/interactive";
import { resolveRunner } from "../runners/registry";
import { buildTrace, offMessage } from "./lineage-trace";
import { walkDownstream, walkUpstream } from "./lineage-walk";
import { PAYLOAD_LIMITS, type LineageRequest } from "./protocol";
import { pipelineRef } from "./runner-lineage";
import { isStepOutput, outputLabel } from "./steps";
import { tracePayload } from "./trace-view";

const fail = (error: string): ReplyPayload => ({ version: PROTOCOL_VERSION, ok: false, kind: "lineage", error });

/** The answer to a lineage request. */
export function lineageOf(req: LineageRequest): ReplyPayload {
  const p = Pipeline.live().find((x) => x.id === req.pipeline);
  if (!p) return fail(`no pipeline ${req.pipeline} in this kernel (was it restarted?)`);
  const pc = p.pcollections().find((x) => x.id === req.pcollection);
  if (!pc) return fail(`no PCollection ${req.pcollection} in ${p.name} (was its cell run again? run the step-through again)`);
  const runner = resolveRunner(p);
  if (!(runner instanceof InteractiveRunner)) return fail("lineage needs the interactive runner");
  const store = runner.lineage();
  if (!store) return fail("Lineage is off for this pipeline (lineage: false): create it without that option to trace elements.");
  const elements = runner.cached(pc);
  if (!elements) return fail(`"${outputLabel(pc)}" is not computed any more (a step upstream was re-applied): run the step-through again.`);
  const index = Math.floor(req.index);
  if (!(index >= 0 && index < elements.length)) return fail(`there is no element #${req.index} in "${outputLabel(pc)}" (it has ${elements.length})`);
  const notes: string[] = [];
  const off = store.get(pc.id)?.off;
  if (off) notes.push(offMessage(outputLabel(pc), off));
  const up = walkUpstream(store, pc.id, [index]);
  const down = walkDownstream(store, pc.id, [index]);
  const merged = new Map<string, Set<number>>();
  for (const reached of [up.reached, down.reached]) {
    for (const [id, set] of reached) {
      const into = merged.get(id) ?? new Set<number>();
      for (const i of set) into.add(i);
      merged.set(id, into);
    }
  }
  const linked = [...merged].map(([id, set]) => {
    const all = [...set].sort((a, b) => a - b);
    return { pcollection: id, indexes: all.slice(0, PAYLOAD_LIMITS.linksPerInput), total: all.length };
  });
  const trace = isStepOutput(pc) ? tracePayload(buildTrace({ pipeline: p, store, elements: (x) => runner.cached(x) }, pc, index, notes), pipelineRef(p)) : null;
  return { version: PROTOCOL_VERSION, ok: true, kind: "lineage", lineage: { pcollection: pc.id, index, linked, trace, notes } };
}
