/**
 * `beam.explain(p)`: steps 2 and 3 of a pipeline's life, shown on the student's pipeline. As
 * written (the graph of the transforms), as submitted (`p.toJSON()`), what validation found,
 * and the stages the direct runner executes after fusion. In a notebook it is one output with
 * tabs (the extension's renderer), with static HTML and text for other viewers; from code it
 * is a value holding the same.
 */
import { inspect } from "node:util";
import type { Pipeline } from "../pipeline/pipeline";
import type { PortablePipeline } from "../pipeline/portable";
import { validatePipeline, validators, type ValidationFinding } from "../pipeline/validate";
import "../pipeline/validators";
import { directPlan } from "../runners/direct";
import type { ExecutionPlan } from "../runners/fusion";
import { variableNames } from "../interactive/names";
import { DISPLAY_SYMBOL, type Displayable } from "./displayable";
import { displayBundle, inKernel } from "./emit";
import { explainHtml, explainText } from "./explain-static";
import { graphPayload } from "./graph";
import { EXPLAIN_MIME, PROTOCOL_VERSION, type ExplainPayload, type ExplainStage } from "./protocol";

/** What `beam.explain` found: the submitted description, the findings and the stages. */
export class Explanation implements Displayable {
  /** `p.toJSON()`: the pipeline as the runner receives it. */
  readonly submitted: PortablePipeline;
  /** What validation found (errors stop a run before any work; warnings do not). */
  readonly findings: ValidationFinding[];
  /** The fused stages, in run order, as plain data. */
  readonly stages: ExplainStage[];
  /** The runner's plan itself (stages with their executable nodes). */
  readonly plan: ExecutionPlan;
  private readonly payload: ExplainPayload;

  constructor(pipeline: Pipeline) {
    const names = variableNames();
    this.submitted = pipeline.toJSON();
    this.findings = validatePipeline(pipeline);
    this.plan = directPlan(pipeline, null).fused;
    this.stages = this.plan.stages.map(
      (s): ExplainStage => ({
        id: s.id,
        steps: s.steps.map((st) => ({ role: st.role, label: st.label, kind: st.kind })),
        inputs: s.inputs.map((i) => ({ kind: i.kind, label: i.label, fromStages: [...i.fromStages] })),
        sideInputs: s.sideInputs.map((x) => ({ label: x.label, readBy: x.readBy, fromStages: [...x.fromStages] })),
        outputs: s.outputs.map((o) => ({ kind: o.kind, label: o.label, to: o.to, ...(o.lifted ? { lifted: true } : {}) })),
        dependsOn: [...s.dependsOn],
        transforms: [...s.transforms],
      }),
    );
    const graph = graphPayload(pipeline, { varNames: names });
    this.payload = {
      version: PROTOCOL_VERSION,
      pipeline: graph.pipeline,
      graph,
      submitted: this.submitted,
      checks: validators().map((v) => ({ name: v.name, description: v.description })),
      findings: this.findings,
      stages: this.stages,
    };
  }

  /** The findings that stop a run. */
  get errors(): ValidationFinding[] {
    return this.findings.filter((f) => f.severity === "error");
  }

  /** The findings that do not. */
  get warnings(): ValidationFinding[] {
    return this.findings.filter((f) => f.severity === "warning");
  }

  /** The display bundle: tabs in JupyterLab with the extension, HTML sections or text elsewhere. */
  bundle(): Record<string, unknown> {
    return { [EXPLAIN_MIME]: this.payload, "text/html": explainHtml(this.payload), "text/plain": explainText(this.payload) };
  }

  [DISPLAY_SYMBOL](): Record<string, unknown> {
    return this.bundle();
  }

  toString(): string {
    return explainText(this.payload);
  }

  /** What a notebook prints for the value itself, below the display. */
  [inspect.custom](): string {
    const n = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
    return `Explanation of ${this.payload.pipeline.name}: ${n(Object.keys(this.submitted.components.transforms).length, "transform")}, ${n(this.errors.length, "error")}, ${n(this.warnings.length, "warning")}, ${n(this.stages.length, "stage")}`;
  }
}

/**
 * Shows how a pipeline is submitted, validated and optimized, without running it: in a
 * notebook, one output with the tabs As written, As submitted, Validation and Optimized.
 *
 * @returns the same, for code: `.submitted` (`p.toJSON()`), `.findings`, `.stages`
 * @example
 * const e = beam.explain(p);
 * e.findings.filter((f) => f.severity === "error");      // what would stop p.run()
 * e.stages.map((s) => s.transforms);                      // the user's transforms of each fused stage
 */
export function explain(pipeline: Pipeline): Explanation {
  const e = new Explanation(pipeline);
  if (inKernel()) displayBundle(e.bundle());
  return e;
}
