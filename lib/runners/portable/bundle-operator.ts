/**
 * The loopback worker's side of the bridge: the operator Beam's TypeScript worker creates
 * for each translated step. It gathers the bundle's elements, and when the bundle ends runs
 * the step's beamlab node over them (see `./live-run.ts`) and sends the outputs on. Beam's
 * own ParDo operator calls a DoFn synchronously; beamlab's DoFns may be async, and their
 * setup, bundles and errors are beamlab's, hence an operator of our own.
 *
 * The SDK's worker picks operators by transform URN, and Beam runners accept only known
 * URNs, so the translated steps are ParDos whose DoFn spec has beamlab's URN; this module
 * takes over the worker's ParDo URN for them (the only ParDos this kernel submits).
 */
import { decodeElement, encodeElement, keyedForShuffle } from "./codec";
import { stepOf, type LiveStep } from "./live-run";
import { sdk, type SdkOperator, type SdkOperatorContext, type SdkReceiver, type SdkWindowedValue, type SdkWorkerTransform } from "./sdk";

/** The DoFn URN of a translated step; its payload is the step id (UTF-8). */
export const STEP_URN = "beamlab:dofn:live_step:v1";

/** The side input ids of a translated ParDo: `side0`, `side1`, ... in the ParDo's order. */
export const sideInputId = (i: number) => `side${i}`;

let installed = false;

/** Makes the SDK's worker (in this process) run translated steps with {@link StepOperator}. */
export function installStepOperator(): void {
  if (installed) return;
  installed = true;
  const s = sdk();
  s.registerParDoOperator((transformId, transform, context) => {
    const payload = s.decodeParDoPayload(transform.spec.payload);
    if (payload.doFn?.urn !== STEP_URN) {
      throw new Error(`beamlab's portable runner runs only its own steps in this kernel; ${transformId} has DoFn ${payload.doFn?.urn}`);
    }
    return new StepOperator(transformId, transform, context, stepOf(new TextDecoder().decode(payload.doFn.payload)));
  });
}

class StepOperator implements SdkOperator {
  private elements: unknown[] = [];
  private first: SdkWindowedValue | null = null;
  private readonly receivers: Map<string, SdkReceiver>;

  constructor(
    private readonly transformId: string,
    private readonly transform: SdkWorkerTransform,
    private readonly context: SdkOperatorContext,
    private readonly step: LiveStep,
  ) {
    this.receivers = new Map(Object.entries(transform.outputs).map(([tag, pc]) => [tag, context.getReceiver(pc)]));
  }

  async startBundle(): Promise<void> {
    this.elements = [];
    this.first = null;
  }

  process(wvalue: SdkWindowedValue): unknown {
    this.first ??= wvalue;
    this.elements.push(wvalue.value);
    return sdk().nonPromise;
  }

  async finishBundle(): Promise<void> {
    const { step } = this;
    if (!this.first) return;
    try {
      const outputs = await this.outputs();
      for (const [tag, values] of outputs) {
        const receiver = this.receivers.get(tag);
        if (!receiver) continue;
        for (const value of values) {
          const r = receiver.receive({ ...this.first, value });
          if (r !== sdk().nonPromise) await r;
        }
      }
    } catch (e) {
      const err = step.run.fail(e, step.exec.node.fullLabel);
      // What the job service logs; the kernel throws the beamlab error itself.
      throw new Error(err.message);
    }
  }

  /** The encoded elements each output tag sends on. */
  private async outputs(): Promise<Map<string, unknown[]>> {
    const { step } = this;
    const exec = step.exec;
    switch (step.role) {
      case "source":
        return encodeAll(await step.run.runNode(exec, new Map()));
      case "pardo": {
        const inputs = new Map<string, readonly unknown[]>([[exec.inputs[0].id, this.elements.map((b) => decodeElement(b as Uint8Array))]]);
        for (let i = 0; i < exec.sideInputs.length; i++) inputs.set(exec.sideInputs[i].id, await this.sideInput(sideInputId(i)));
        return encodeAll(await step.run.runNode(exec, inputs));
      }
      case "key":
        return new Map([["main", this.elements.map((b) => keyedForShuffle(exec.node.fullLabel, decodeElement(b as Uint8Array)))]]);
      case "group": {
        const pairs: unknown[] = [];
        for (const kv of this.elements as { value: Iterable<Uint8Array> }[]) for (const b of kv.value) pairs.push(decodeElement(b));
        return encodeAll(await step.run.runNode(exec, new Map([[exec.inputs[0].id, pairs]])));
      }
      case "count": {
        const pc = exec.outputs.get("main")!;
        step.run.addCount(pc.id, this.elements.length);
        return new Map([["main", this.elements]]);
      }
      case "collect": {
        const id = exec.inputs[0].id;
        const kept = step.run.collected.get(id) ?? step.run.collected.set(id, []).get(id)!;
        for (const b of this.elements) kept.push(decodeElement(b as Uint8Array));
        return new Map();
      }
    }
  }

  /** Every element of a side input, through the State API of the job service. */
  private async sideInput(id: string): Promise<unknown[]> {
    const s = sdk();
    const pc = this.context.descriptor.pcollections[this.transform.inputs[id]];
    const coder = this.context.pipelineContext.getCoder(pc.coderId);
    const decode = (bytes: Uint8Array) => s.readDelimited(bytes, coder).map((b) => decodeElement(b as Uint8Array));
    const r = this.context.getStateProvider().getState(s.sideInputKey(this.transformId, id), decode);
    return (r.type === "value" ? r.value : await r.promise) as unknown[];
  }
}

function encodeAll(outputs: Map<string, unknown[]>): Map<string, unknown[]> {
  return new Map([...outputs].map(([tag, values]) => [tag, values.map(encodeElement)]));
}
