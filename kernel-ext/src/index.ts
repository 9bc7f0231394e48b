/**
 * beamlab-jupyterlab: renderers for beamlab's MIME types, the Pipeline Inspector side
 * panel and commands to open PCollections in the main area.
 *
 * The renderers are registered from a regular plugin (not a static `mimeExtension`)
 * because paging needs the notebook's kernel, which renderers are not given: the plugin
 * holds the notebook tracker and hands renderers an {@link IBeamlabContext} that maps a
 * rendered node to the {@link KernelModel} of the notebook panel containing it.
 */
import { ILabShell, type JupyterFrontEnd, type JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ICommandPalette, MainAreaWidget } from "@jupyterlab/apputils";
import { IEditorServices } from "@jupyterlab/codeeditor";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { LabIcon } from "@jupyterlab/ui-components";
import type { PCollectionPayload } from "../../lib/display/protocol";
import type { IBeamlabContext, OpenPCollectionRequest } from "./context";
import { explainRendererFactory } from "./mime/explain";
import { graphRendererFactory } from "./mime/graph";
import { lineageRendererFactory } from "./mime/lineage";
import { pairsRendererFactory } from "./mime/pairs";
import { playerRendererFactory } from "./mime/player";
import { progressRendererFactory } from "./mime/progress";
import { jobRendererFactory } from "./mime/job";
import { runsRendererFactory } from "./mime/runs";
import { createTableView, tableRendererFactory } from "./mime/table";
import { KernelModel, type SessionLike } from "./model/kernel-model";
import { InspectorPanel } from "./panel/panel";

const PLUGIN_ID = "beamlab-jupyterlab:plugin";
const PANEL_ID = "beamlab-inspector";
/** Rank of our renderers: below (= preferred over) html 50, svg 80 and json. */
const RANK = 10;
const FIRST_PAGE = 200;

export const CommandIds = {
  openInspector: "beamlab:open-inspector",
  openPCollection: "beamlab:open-pcollection",
} as const;

/** A small pipeline glyph (three nodes and two edges), coloured by the theme. */
export const beamlabIcon = new LabIcon({
  name: "beamlab:pipeline",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161">' +
    '<rect x="8" y="2" width="8" height="5" rx="1"/><rect x="2" y="16" width="8" height="5" rx="2.5"/>' +
    '<rect x="14" y="16" width="8" height="5" rx="2.5"/>' +
    '<path d="M11.2 7h1.6v3.2H18V16h-1.6v-4.2H7.6V16H6v-5.8h5.2z"/></g></svg>',
});

function log(what: string, err: unknown): void {
  console.error(`beamlab-jupyterlab: ${what} failed`, err);
}

function activate(
  app: JupyterFrontEnd,
  rendermime: IRenderMimeRegistry,
  tracker: INotebookTracker | null,
  labShell: ILabShell | null,
  palette: ICommandPalette | null,
  editors: IEditorServices | null,
): void {
  // Never throw from activate: a broken extension must not break JupyterLab. Each step
  // is guarded so a failure in one (say, the panel) leaves the renderers working.
  const models = new WeakMap<NotebookPanel, KernelModel>();

  const modelOf = (panel: NotebookPanel | null | undefined): KernelModel | null => {
    if (!panel || panel.isDisposed) return null;
    let m = models.get(panel);
    if (!m) {
      // ISessionContext satisfies SessionLike at runtime; the cast only bridges the
      // structural message types of the pure model to @jupyterlab/services' ones.
      m = new KernelModel(panel.sessionContext as unknown as SessionLike);
      models.set(panel, m);
      const model = m;
      panel.disposed.connect(() => model.dispose());
      void panel.context.ready.then(() => seedFromSavedOutputs(panel, model)).catch((e) => log("reading saved outputs", e));
    }
    return m;
  };

  const ctx: IBeamlabContext = {
    modelFor(node: HTMLElement): KernelModel | null {
      if (!tracker) return null;
      const owner = tracker.find((p) => p.node.contains(node));
      // Not inside a notebook (e.g. "Create New View for Output"): use the current one.
      return modelOf(owner ?? tracker.currentWidget);
    },
    openTable(payload: PCollectionPayload, model: KernelModel | null): void {
      const view = createTableView(payload, model, insertCodeBelow);
      addMain(view, payload.label);
    },
    openPCollection(req: OpenPCollectionRequest, model: KernelModel | null): void {
      const saved = model?.sample(req.pipeline, req.pcollection) ?? null;
      const view = createTableView(null, model, insertCodeBelow);
      addMain(view, req.label);
      if (!model || !model.kernel) {
        if (saved) view.setPayload(saved);
        view.setMessage(
          saved
            ? "No live kernel: showing the rows saved in the notebook."
            : "No live kernel: run the notebook to see this PCollection's rows.",
        );
        return;
      }
      view.setMessage("Loading rows from the kernel…");
      model
        .requestPage({ pipeline: req.pipeline, pcollection: req.pcollection, offset: 0, limit: FIRST_PAGE })
        .then((page) => view.setPayload(page))
        .catch((err: unknown) => {
          if (saved) view.setPayload(saved);
          view.setMessage(err instanceof Error ? err.message : String(err));
        });
    },
    insertCodeBelow: (node, code) => insertCodeBelow(node, code),
  };

  const insertCodeBelow = async (node: HTMLElement, code: string): Promise<boolean> => {
    const panel = tracker?.find((p) => p.node.contains(node)) ?? tracker?.currentWidget ?? null;
    if (!panel || panel.isDisposed) return false;
    const nb = panel.content;
    const index = nb.widgets.findIndex((c) => c.node.contains(node));
    if (index >= 0) nb.activeCellIndex = index;
    // The notebook commands act on the tracker's current notebook.
    app.shell.activateById(panel.id);
    nb.mode = "command";
    await app.commands.execute("notebook:insert-cell-below");
    const cell = nb.activeCell;
    if (!cell || cell.model.type !== "code" || cell.model.sharedModel.getSource() !== "") return false;
    cell.model.sharedModel.setSource(code);
    cell.node.scrollIntoView({ block: "nearest" });
    return true;
  };
  const addMain = (content: ReturnType<typeof createTableView>, label: string): void => {
    const w = new MainAreaWidget({ content });
    w.id = `beamlab-table-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
    w.title.label = label;
    w.title.icon = beamlabIcon;
    w.title.closable = true;
    app.shell.add(w, "main");
    app.shell.activateById(w.id);
  };

  try {
    rendermime.addFactory(tableRendererFactory(ctx), RANK);
    rendermime.addFactory(graphRendererFactory(ctx), RANK);
    // A run's bundle carries the progress payload too: the job view is preferred where it is known.
    rendermime.addFactory(jobRendererFactory, RANK - 1);
    rendermime.addFactory(progressRendererFactory, RANK);
    rendermime.addFactory(runsRendererFactory, RANK);
    rendermime.addFactory(explainRendererFactory(ctx), RANK);
    rendermime.addFactory(playerRendererFactory(ctx, () => (editors ? (options) => editors.factoryService.newInlineEditor(options) : null)), RANK);
    rendermime.addFactory(pairsRendererFactory, RANK);
    rendermime.addFactory(lineageRendererFactory, RANK);
  } catch (e) {
    log("registering renderers", e);
  }

  let panel: InspectorPanel | null = null;
  try {
    panel = new InspectorPanel(ctx);
    panel.id = PANEL_ID;
    panel.title.icon = beamlabIcon;
    panel.title.caption = "Pipeline Inspector";
    app.shell.add(panel, "right", { rank: 600 });
    if (tracker) {
      const follow = () => {
        const nb = tracker.currentWidget;
        panel!.setModel(modelOf(nb), nb ? nb.context.path : "");
      };
      tracker.widgetAdded.connect((_, nb) => void modelOf(nb));
      tracker.currentChanged.connect(follow);
      follow();
    }
  } catch (e) {
    log("creating the inspector panel", e);
  }

  try {
    app.commands.addCommand(CommandIds.openInspector, {
      label: "Open Pipeline Inspector",
      caption: "Show the beamlab Pipeline Inspector",
      icon: beamlabIcon,
      execute: () => {
        if (panel) app.shell.activateById(panel.id);
      },
    });
    app.commands.addCommand(CommandIds.openPCollection, {
      label: (args) => (args.label ? `Open PCollection ${String(args.label)}` : "Open PCollection table"),
      caption: "Open a PCollection of the current notebook's kernel in the main area",
      execute: (args) => {
        const pipeline = String(args.pipeline ?? "");
        const pcollection = String(args.pcollection ?? "");
        if (!pipeline || !pcollection) return;
        ctx.openPCollection(
          { pipeline, pcollection, label: String(args.label ?? pcollection) },
          modelOf(tracker?.currentWidget),
        );
      },
    });
    palette?.addItem({ command: CommandIds.openInspector, category: "beamlab" });
  } catch (e) {
    log("adding commands", e);
  }
  void labShell;
}

/** Feeds graph/PCollection payloads saved in the notebook into the model (no kernel call). */
function seedFromSavedOutputs(panel: NotebookPanel, model: KernelModel): void {
  const cells = panel.content.model?.cells;
  if (!cells) return;
  for (let i = 0; i < cells.length; i++) {
    const outputs = cells.get(i).outputs;
    if (!outputs) continue;
    for (let j = 0; j < outputs.length; j++) model.ingestBundle(outputs.get(j).data);
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: "beamlab: PCollection tables, pipeline graphs, progress, job views, step-through players, before/after pairs, lineage and the Pipeline Inspector.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [INotebookTracker, ILabShell, ICommandPalette, IEditorServices],
  activate,
};

export default plugin;
