/**
 * A syntax check of the student version of question cells: a solution region that is not
 * made of whole statements (say, half of a call) leaves a stub that does not compile, which
 * the author should learn before students do. Pure (TypeScript's parser, no type checking).
 */
import * as ts from "typescript";
import type { Assignment, AuthoringProblem } from "./authoring";
import { firstLine } from "./notebook";
import { studentSource } from "./student";

/** The syntax errors of a TypeScript cell, as "line N: message". */
export function syntaxErrors(source: string): string[] {
  const out = ts.transpileModule(source, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } });
  return (out.diagnostics ?? []).map((d) => {
    const where = d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, " ");
  });
}

/** One problem per question cell whose student version does not parse. */
export function studentSyntaxProblems(a: Assignment): AuthoringProblem[] {
  const problems: AuthoringProblem[] = [];
  for (const q of a.questions) {
    const errors = syntaxErrors(studentSource(q));
    if (errors.length === 0) continue;
    problems.push({
      cell: q.cell,
      line: firstLine(a.notebook.cells[q.cell]),
      message: `with the solution replaced by a stub, ${q.id} does not compile (${errors.slice(0, 2).join("; ")})`,
      fix: "make each solution region whole statements (e.g. the whole `const x = ...;`), so that the stub can stand in for it",
    });
  }
  return problems;
}
