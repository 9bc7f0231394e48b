/**
 * The lineage the interactive runner keeps for a pipeline, next to its cache: one record
 * per computed PCollection (top-level and inside composites), replaced when the PCollection
 * is computed again and dropped with the cache when a transform upstream is re-applied or
 * removed, so a record always describes the cached elements.
 */
import type { PCollectionLineage } from "./lineage-record";
import { RunLineage } from "./lineage-run";

export class LineageStore {
  private readonly records = new Map<string, PCollectionLineage>();

  /** @param limit the pipeline's `lineage.maxElements` */
  constructor(readonly limit: number) {}

  /** A recorder for the next run. */
  newRun(): RunLineage {
    return new RunLineage(this.limit);
  }

  /** Keeps what a run recorded (replacing older records of the same PCollections). */
  keep(records: Iterable<PCollectionLineage>): void {
    for (const r of records) this.records.set(r.pcollection, r);
  }

  /** The record of a PCollection, by id. */
  get(pcollection: string): PCollectionLineage | undefined {
    return this.records.get(pcollection);
  }

  /** Drops records (their PCollections are stale or gone). */
  forget(pcollections: Iterable<string>): void {
    for (const id of pcollections) this.records.delete(id);
  }

  /** Records of the PCollections computed from `pcollection` (it is one of their producer's inputs). */
  consumersOf(pcollection: string): PCollectionLineage[] {
    return [...this.records.values()].filter((r) => r.inputs.includes(pcollection));
  }

  /** Bytes of index storage held. */
  get bytes(): number {
    let n = 0;
    for (const r of this.records.values()) n += r.bytes;
    return n;
  }
}
