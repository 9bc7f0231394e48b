/**
 * From beamlab's plan to an Apache Beam portable pipeline, built with the TypeScript SDK's
 * pipeline builder so that its runner-API protos, coders and environment are Beam's own:
 *
 * | beamlab                 | Beam                                                            |
 * | ----------------------- | --------------------------------------------------------------- |
 * | Create, a Read          | Impulse → a step that runs the source                           |
 * | ParDo (tags, sides)     | a ParDo step, one output per tag, side inputs as iterable views |
 * | Flatten                 | Beam's Flatten → a counting step                                |
 * | GroupByKey, CombinePerKey | a keying step → Beam's GroupByKey → a step running the node  |
 * | a sink                  | a collecting step; the kernel writes the sink after the job     |
 *
 * Every step transform is named by the beamlab label, so the job service's UI and logs
 * speak the student's names.
 */
import { error } from "../../errors";
import type { ExecNode } from "../plan";
import { STEP_URN, sideInputId } from "./bundle-operator";
import type { LiveRun } from "./live-run";
import { sdk, type SdkPCollection, type SdkPipeline, type SdkPipelineProto, type SdkTransformProto } from "./sdk";

/** The portable pipeline of `plan`, its steps registered in `run`. */
export function translate(plan: readonly ExecNode[], run: LiveRun): SdkPipelineProto {
  const s = sdk();
  const pipeline = s.newPipeline();
  const root = s.root(pipeline);
  const pcs = new Map<string, SdkPCollection>();
  const collected = new Set<string>();
  const input = (e: ExecNode, i = 0) => pcs.get(e.inputs[i].id)!;
  const bind = (e: ExecNode, outs: Record<string, SdkPCollection>) => {
    for (const [tag, pc] of e.outputs) pcs.set(pc.id, outs[tag]);
  };

  for (const e of plan) {
    const label = e.node.fullLabel;
    switch (e.spec.kind) {
      case "Create":
      case "Read": {
        const impulse = root.apply<SdkPCollection>(s.withName(`${label}/Impulse`, s.impulse()));
        bind(e, impulse.apply(step(label, run.addStep("source", e), e, [])));
        break;
      }
      case "ParDo":
        bind(e, input(e).apply(step(label, run.addStep("pardo", e), e, e.sideInputs.map((pc) => pcs.get(pc.id)!))));
        break;
      case "Flatten": {
        const merged = s.many(e.inputs.map((pc) => pcs.get(pc.id)!)).apply<SdkPCollection>(s.withName(`${label}/Flatten`, s.flatten()));
        bind(e, merged.apply(step(label, run.addStep("count", e), e, [])));
        break;
      }
      case "GroupByKey":
      case "CombinePerKey": {
        const keyed = input(e).apply<Record<string, SdkPCollection>>(step(`${label}/Key`, run.addStep("key", e), e, [], true));
        const grouped = keyed.main.apply<SdkPCollection>(s.withName(`${label}/GroupByKey`, s.groupByKey()));
        bind(e, grouped.apply(step(label, run.addStep("group", e), e, [])));
        break;
      }
      case "Write":
        // One collecting step per PCollection, however many sinks read it: they share what it kept.
        if (!collected.has(e.inputs[0].id)) input(e).apply(step(label, run.addStep("collect", e), e, []));
        collected.add(e.inputs[0].id);
        break;
      default:
        error(`The portable runner cannot translate ${(e.spec as { kind: string }).kind}`, { label, hint: 'run this pipeline on runner: "direct" or "local".' });
    }
  }
  return pipeline.getProto();
}

/** A transform running one live step: a ParDo whose DoFn is named by the step id. */
function step(name: string, stepId: string, e: ExecNode, sides: SdkPCollection[], keyed = false) {
  const s = sdk();
  const expand = (_input: SdkPCollection, pipeline: SdkPipeline, proto: SdkTransformProto) => {
    const sideInputs: Record<string, unknown> = {};
    sides.forEach((pc, i) => {
      proto.inputs[sideInputId(i)] = pc.getId();
      sideInputs[sideInputId(i)] = s.iterableSideInputSpec();
    });
    proto.spec = { urn: s.parDoUrn, payload: s.parDoPayload({ urn: STEP_URN, payload: new TextEncoder().encode(stepId) }, sideInputs) };
    if (keyed) return { main: pipeline.createPCollectionInternal(s.keyedBytesCoder) };
    // A sink's collecting step still has an output: runners prune transforms without one.
    const tags = e.spec.kind === "Write" ? ["main"] : [...e.outputs.keys()];
    return Object.fromEntries(tags.map((t) => [t, pipeline.createPCollectionInternal(s.bytesCoder)]));
  };
  // The SDK's transforms are functions of (input, pipeline, proto), named by withName.
  return s.withName(name, expand);
}
