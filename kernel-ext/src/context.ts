/**
 * What renderers and the panel need from the plugin, passed in rather than imported, so
 * the widgets do not depend on how the app finds notebooks and kernels.
 */
import type { PCollectionPayload } from "../../lib/display/protocol";
import type { KernelModel } from "./model/kernel-model";

export interface OpenPCollectionRequest {
  pipeline: string;
  pcollection: string;
  /** Title for the tab. */
  label: string;
}

export interface IBeamlabContext {
  /**
   * The kernel model of the notebook that owns a rendered node (the node is inside that
   * notebook's panel), else of the current notebook, else null.
   */
  modelFor(node: HTMLElement): KernelModel | null;
  /** Opens rows we already have in a table in the main area. */
  openTable(payload: PCollectionPayload, model: KernelModel | null): void;
  /** Fetches the first page of a PCollection from the kernel and opens it in the main area. */
  openPCollection(req: OpenPCollectionRequest, model: KernelModel | null): void;
  /**
   * Inserts a new code cell holding `code` below the cell whose output contains `node`
   * (else below the active cell of the current notebook). Resolves to false when there
   * is no notebook to insert into.
   */
  insertCodeBelow(node: HTMLElement, code: string): Promise<boolean>;
}
