/**
 * The module imports of a notebook's cells (`import * as os from "node:os"`, `import x from
 * "pkg"`, `import { a } from "pkg"`, `import x = require("pkg")`, `const x = require("pkg")`),
 * by the name they bind: a DoFn that reads `exports.os` in a cell reads an import, which a
 * worker can make again by requiring the same module.
 */
import type * as TS from "typescript";

/** TypeScript, loaded on the first check: it is 9 MB, and most programs never run the local runner. */
let tsModule: typeof TS | null = null;
function typescript(): typeof TS {
  return (tsModule ??= require("typescript") as typeof TS);
}

/** How a notebook name is bound to a module. */
export interface ModuleImport {
  specifier: string;
  /** The whole module, its default export, or one named export. */
  form: "namespace" | "default" | { named: string };
}

/** Every name the cells import, the last import of a name winning (cells run in order). */
export function notebookImports(cells: readonly string[]): Map<string, ModuleImport> {
  const ts = typescript();
  const out = new Map<string, ModuleImport>();
  for (const cell of cells) {
    const file = ts.createSourceFile("cell.ts", cell, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    for (const s of file.statements) {
      if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.importClause && !s.importClause.isTypeOnly) {
        const specifier = s.moduleSpecifier.text;
        const c = s.importClause;
        if (c.name) out.set(c.name.text, { specifier, form: "default" });
        const b = c.namedBindings;
        if (b && ts.isNamespaceImport(b)) out.set(b.name.text, { specifier, form: "namespace" });
        if (b && ts.isNamedImports(b)) for (const e of b.elements) if (!e.isTypeOnly) out.set(e.name.text, { specifier, form: { named: (e.propertyName ?? e.name).text } });
      } else if (ts.isImportEqualsDeclaration(s) && ts.isExternalModuleReference(s.moduleReference) && ts.isStringLiteral(s.moduleReference.expression)) {
        out.set(s.name.text, { specifier: s.moduleReference.expression.text, form: "namespace" });
      } else if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          const spec = requireOf(d.initializer);
          if (spec !== null && ts.isIdentifier(d.name)) out.set(d.name.text, { specifier: spec, form: "namespace" });
        }
      }
    }
  }
  return out;
}

function requireOf(e: TS.Expression | undefined): string | null {
  const ts = typescript();
  if (!e || !ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== "require") return null;
  const [arg] = e.arguments;
  return arg && ts.isStringLiteral(arg) ? arg.text : null;
}
