/**
 * A step's code, read-only and syntax-highlighted by JupyterLab's own editor: the inline
 * CodeMirror editor notebook cells use (from IEditorServices), with a read-only config, so
 * it looks like the student's cells in every theme and grows with its lines as a cell does.
 * Without the editor service (another front end), plain preformatted text.
 */
import { CodeEditor } from "@jupyterlab/codeeditor";
import { Widget } from "@lumino/widgets";
import { h } from "../dom";

/** A widget owning a read-only editor; disposing it disposes the editor and its model. */
class CodeWidget extends Widget {
  editor: CodeEditor.IEditor | null = null;
  model: CodeEditor.Model | null = null;

  dispose(): void {
    if (this.isDisposed) return;
    this.editor?.dispose();
    this.model?.dispose();
    super.dispose();
  }
}

/** A read-only view of `code`; `language` is a MIME type such as `text/javascript`. */
export function codeView(factory: CodeEditor.Factory | null, code: string, language: string): Widget {
  const w = new CodeWidget();
  w.addClass("bl-Code");
  if (factory) {
    try {
      const model = new CodeEditor.Model({ mimeType: language });
      model.sharedModel.setSource(code);
      w.model = model;
      w.editor = factory({ host: w.node, model, config: { readOnly: true, lineNumbers: true, lineWrap: false } });
      return w;
    } catch (e) {
      console.error("beamlab-jupyterlab: creating the code viewer failed", e);
      w.node.replaceChildren();
    }
  }
  w.addClass("bl-mod-plain");
  w.node.append(h("pre", undefined, code));
  return w;
}
