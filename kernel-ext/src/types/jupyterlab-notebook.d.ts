/**
 * Minimal typings for `@jupyterlab/notebook`, covering only what this extension uses.
 *
 * Why not the real package: its dependency closure (codemirror → documentsearch
 * ^4.6.6) cannot be installed from the registry we build against. It is not needed at
 * build time anyway: `@jupyterlab/notebook` is a JupyterLab core singleton, so
 * `jupyter labextension build` marks it shared with `import: false` and the running
 * JupyterLab provides the real module (and the real `INotebookTracker` token).
 * If the real package is ever added to package.json, delete this file.
 */
declare module "@jupyterlab/notebook" {
  import type { ISessionContext, IWidgetTracker } from "@jupyterlab/apputils";
  import type { Token } from "@lumino/coreutils";
  import type { ISignal } from "@lumino/signaling";
  import type { Widget } from "@lumino/widgets";

  /** An output of a code cell, as stored in the notebook model. */
  export interface IOutputModelLike {
    readonly data: Record<string, unknown>;
  }

  export interface ICellModelLike {
    readonly type: string;
    readonly outputs?: { readonly length: number; get(index: number): IOutputModelLike };
  }

  export interface INotebookModelLike {
    readonly cells: { readonly length: number; get(index: number): ICellModelLike };
  }

  /** A cell widget: its model's shared (Yjs) model holds the source text. */
  export interface CellLike extends Widget {
    readonly model: { readonly type: string; readonly sharedModel: { getSource(): string; setSource(source: string): void } };
  }

  export interface Notebook extends Widget {
    readonly model: INotebookModelLike | null;
    readonly widgets: ReadonlyArray<CellLike>;
    activeCellIndex: number;
    readonly activeCell: CellLike | null;
    mode: "command" | "edit";
  }

  export interface NotebookPanel extends Widget {
    readonly sessionContext: ISessionContext;
    readonly content: Notebook;
    readonly context: { readonly path: string; readonly ready: Promise<void> };
  }

  export interface INotebookTracker extends IWidgetTracker<NotebookPanel> {
    readonly activeCellChanged: ISignal<this, unknown>;
  }

  export const INotebookTracker: Token<INotebookTracker>;
}
