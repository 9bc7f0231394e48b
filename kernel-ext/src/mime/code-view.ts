/**
 * A step's code, read-only and syntax-highlighted by JupyterLab's own editor (the
 * CodeMirror that notebook cells use, through IEditorServices and JupyterLab's
 * CodeViewerWidget), so it looks like the student's cells in every theme. Without the
 * editor service (another front end), plain preformatted text.
 */
import { CodeViewerWidget, type CodeEditor } from "@jupyterlab/codeeditor";
import { Widget } from "@lumino/widgets";
import { h } from "../dom";

/** A read-only view of `code`; `language` is a MIME type such as `text/javascript`. */
export function codeView(factory: CodeEditor.Factory | null, code: string, language: string): Widget {
  if (factory) {
    try {
      const w = CodeViewerWidget.createCodeViewer({ factory, content: code, mimeType: language, editorOptions: { config: { lineNumbers: true, lineWrap: false } } });
      w.addClass("bl-Code");
      return w;
    } catch (e) {
      console.error("beamlab-jupyterlab: creating the code viewer failed", e);
    }
  }
  const w = new Widget();
  w.addClass("bl-Code");
  w.addClass("bl-mod-plain");
  w.node.append(h("pre", undefined, code));
  return w;
}
