/**
 * Lineage during one run: the executor asks for each node's recorder when it creates the
 * node's operator. Only the steps that change which element is where get one (ParDo,
 * GroupByKey, CombinePerKey, Flatten); sources need none (element i is row i) and sinks
 * are not traced. A run without lineage has no RunLineage at all, so no operator sees a
 * recorder and every operator keeps its plain code path.
 */
import type { ExecNode } from "../runners/plan";
import { PCollectionLineage } from "./lineage-record";

/** The recorder of one executable node: one PCollectionLineage per output tag. */
export class NodeLineage {
  readonly outputs = new Map<string, PCollectionLineage>();
  /** Slots of the first side input: main inputs come first. */
  readonly firstSideSlot: number;
  /**
   * True when each output comes from every element of the side inputs rather than from its
   * main element (CombineGlobally's default, computed from the combined side input).
   */
  readonly fromSideInputs: boolean;

  constructor(readonly exec: ExecNode, limit: number) {
    const inputs = [...exec.inputs, ...exec.sideInputs].map((pc) => pc.id);
    this.firstSideSlot = exec.inputs.length;
    this.fromSideInputs = exec.spec.kind === "ParDo" && (exec.spec.fn as { lineageFromSideInputs?: boolean }).lineageFromSideInputs === true;
    const elementWise = (exec.spec.kind === "ParDo" && !this.fromSideInputs) || exec.spec.kind === "Flatten";
    for (const [tag, pc] of exec.outputs) this.outputs.set(tag, new PCollectionLineage(pc.id, inputs, false, limit, elementWise));
  }

  /** The recorder of output `tag`. */
  output(tag: string): PCollectionLineage {
    return this.outputs.get(tag)!;
  }

  /** The main-input slots `pcollection` feeds (usually one; two for `Flatten.of([a, a])`). */
  slotsOf(pcollection: string): number[] {
    const out: number[] = [];
    this.exec.inputs.forEach((pc, i) => {
      if (pc.id === pcollection) out.push(i);
    });
    return out;
  }
}

/** Every recorder of one run, handed to the interactive runner's store when the run ends. */
export class RunLineage {
  private readonly nodes = new Map<ExecNode, NodeLineage>();
  private readonly sources = new Map<ExecNode, PCollectionLineage[]>();

  /** @param limit the pipeline's `lineage.maxElements` */
  constructor(readonly limit: number) {}

  /** The recorder the node's operator writes to, or undefined when it has nothing to record. */
  node(e: ExecNode): NodeLineage | undefined {
    switch (e.spec.kind) {
      case "Create":
      case "Read":
        // Nothing to record: the walk stops at a source, and element i is row i.
        this.sources.set(e, [...e.outputs.values()].map((pc) => new PCollectionLineage(pc.id, [], true, this.limit)));
        return undefined;
      case "Write":
        return undefined;
      default: {
        const n = new NodeLineage(e, this.limit);
        this.nodes.set(e, n);
        return n;
      }
    }
  }

  /**
   * What the run recorded, for the nodes in `done` (all when omitted): a failed run keeps
   * its finished steps' lineage, as it keeps their elements. `counts` are the run's element
   * counts by PCollection id (a source's size is all its record needs).
   */
  records(counts: ReadonlyMap<string, number>, done?: ReadonlySet<ExecNode>): PCollectionLineage[] {
    const out: PCollectionLineage[] = [];
    for (const [e, rs] of this.sources) {
      if (done && !done.has(e)) continue;
      for (const r of rs) {
        r.sourceRows(counts.get(r.pcollection) ?? 0);
        out.push(r);
      }
    }
    for (const [e, n] of this.nodes) {
      if (done && !done.has(e)) continue;
      for (const r of n.outputs.values()) {
        r.finish();
        out.push(r);
      }
    }
    return out;
  }
}
