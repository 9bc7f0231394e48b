/**
 * The kernel side of the extension's requests (`__beamlab.inspect()` / `.page(json)` /
 * `.query(json)` / `.lineage(json)`).
 * tslab resets its queue when a request errors, so nothing here throws: failures travel
 * inside the reply payload.
 */
import { displayBundle } from "../display/emit";
import { NOTHING_EMITTED, isTaggedParDoMain } from "../display/graph";
import { queryOf } from "./query";
import { tablePayload } from "../display/table";
import { KERNEL_GLOBAL, PROTOCOL_VERSION, REPLY_MIME, type InspectorPipeline, type PageRequest, type QueryRequest, type ReplyPayload } from "../display/protocol";
import { Pipeline } from "../pipeline/pipeline";
import { resolveRunner } from "../runners/registry";
import { InteractiveRunner } from "../runners/interactive";
import { notebookPipelines, variableNames } from "./names";
import { knownCounts } from "./show";
import { lineageOf } from "../teaching/lineage-request";
import type { LineageRequest } from "../teaching/protocol";

const MAX_PAGE = 5000;

/**
 * The pipelines a student can still use, with their top-level PCollections, names and
 * known counts: in a notebook, those its variables reach (a re-run cell's old pipeline is
 * gone from the list even before it is garbage collected), else every live pipeline.
 * Each is named by its variable, with the pipeline's own name as the subtitle.
 */
export function inspectPipelines(): InspectorPipeline[] {
  const names = variableNames();
  const reachable = notebookPipelines();
  return Pipeline.live().filter((p) => !reachable || reachable.has(p)).map((p) => {
    const counts = knownCounts(p);
    const varName = names.get(p.id);
    return {
      pipeline: { id: p.id, name: varName ?? p.name },
      subtitle: varName && varName !== p.name ? p.name : null,
      runner: resolveRunner(p).name,
      pcollections: p.roots.flatMap((r) => [...r.outputs.values()]).map((pc) => ({
        id: pc.id,
        label: pc.label,
        varName: names.get(pc.id) ?? null,
        count: counts.get(pc.id) ?? null,
        note: counts.get(pc.id) === 0 && isTaggedParDoMain(pc) ? NOTHING_EMITTED : null,
      })),
    };
  });
}

/** A page of a PCollection's rows (computing it if its runner can). */
export async function pageOf(req: PageRequest): Promise<ReplyPayload> {
  const p = Pipeline.live().find((x) => x.id === req.pipeline);
  if (!p) return { version: PROTOCOL_VERSION, ok: false, kind: "page", error: `no pipeline ${req.pipeline} in this kernel (was it restarted?)` };
  const pc = p.pcollections().find((x) => x.id === req.pcollection);
  if (!pc) return { version: PROTOCOL_VERSION, ok: false, kind: "page", error: `no PCollection ${req.pcollection} in ${p.name}` };
  const runner = resolveRunner(p);
  if (!(runner instanceof InteractiveRunner)) return { version: PROTOCOL_VERSION, ok: false, kind: "page", error: "paging needs the interactive runner" };
  const all = await runner.elementsToRender(pc);
  const offset = Math.max(0, Math.floor(req.offset) || 0);
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(req.limit) || 100));
  const names = variableNames();
  const page = tablePayload(
    { label: names.get(pc.id) ? `${names.get(pc.id)} (${pc.label})` : pc.label, pipeline: { id: p.id, name: names.get(p.id) ?? p.name }, pcollection: pc.id, elements: all.slice(offset, offset + limit), offset, total: all.length },
    limit,
    Infinity,
  );
  return { version: PROTOCOL_VERSION, ok: true, kind: "page", page };
}

function reply(payload: ReplyPayload): void {
  displayBundle({ [REPLY_MIME]: payload, "text/plain": payload.ok ? `beamlab ${payload.kind} reply` : `beamlab ${payload.kind} error: ${payload.error}` });
}

/** Installs `globalThis.__beamlab` once. */
export function installKernelApi(): void {
  const g = globalThis as Record<string, unknown>;
  if (g[KERNEL_GLOBAL]) return;
  g[KERNEL_GLOBAL] = {
    inspect(): void {
      try {
        reply({ version: PROTOCOL_VERSION, ok: true, kind: "inspect", pipelines: inspectPipelines() });
      } catch (e) {
        reply({ version: PROTOCOL_VERSION, ok: false, kind: "inspect", error: String((e as Error)?.message ?? e) });
      }
    },
    // Returns a promise tslab awaits only if the code awaits it; the reply is a display either way.
    async page(json: string): Promise<void> {
      try {
        reply(await pageOf(JSON.parse(json) as PageRequest));
      } catch (e) {
        reply({ version: PROTOCOL_VERSION, ok: false, kind: "page", error: String((e as Error)?.message ?? e) });
      }
    },
    // A filtered/sorted page of a whole PCollection (queryOf never throws; the catch is for a bad JSON).
    async query(json: string): Promise<void> {
      try {
        reply(await queryOf(JSON.parse(json) as QueryRequest));
      } catch (e) {
        reply({ version: PROTOCOL_VERSION, ok: false, kind: "query", error: String((e as Error)?.message ?? e) });
      }
    },
    // Where a clicked element of a step-through came from and what it led to.
    lineage(json: string): void {
      try {
        reply(lineageOf(JSON.parse(json) as LineageRequest));
      } catch (e) {
        reply({ version: PROTOCOL_VERSION, ok: false, kind: "lineage", error: String((e as Error)?.message ?? e) });
      }
    },
  };
}
