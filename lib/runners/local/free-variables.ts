/**
 * The free variables of a function's or class's JavaScript source: the names it reads that
 * it does not declare itself, found with TypeScript's parser and a scope walk (declarations
 * hoisted as JavaScript hoists them), never with a regex. `exports.name` counts as reading
 * `name` from the notebook, since tslab compiles a reference to another cell's variable so.
 */
import type * as TS from "typescript";

/** TypeScript, loaded on the first check: it is 9 MB, and most programs never run the local runner. */
let tsModule: typeof TS | null = null;
function typescript(): typeof TS {
  return (tsModule ??= require("typescript") as typeof TS);
}

/** What a piece of source reads from outside itself. */
export interface FreeVariables {
  /** Plain identifiers read but not declared (globals, module variables, closures). */
  names: Set<string>;
  /** Names read as `exports.name`: the notebook's variables in a tslab cell. */
  notebook: Set<string>;
  /** Private class members (`#x`), which no copy of an instance can carry. */
  privateNames: Set<string>;
  /** The source did not parse as one expression. */
  syntaxError: string | null;
}

/**
 * Parses `source` (a function, an arrow, a method or a class, as `toString()` gives it) as
 * an expression and returns what it reads from outside.
 */
export function freeVariables(source: string): FreeVariables {
  const ts = typescript();
  const text = `(${source}\n);`;
  const file = ts.createSourceFile("moved.js", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const result: FreeVariables = { names: new Set(), notebook: new Set(), privateNames: new Set(), syntaxError: null };
  const diagnostics = (file as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (diagnostics.length) {
    result.syntaxError = ts.flattenDiagnosticMessageText(diagnostics[0].messageText, "\n");
    return result;
  }
  const scopes = new Map<TS.Node, Set<string>>();
  const declared = (scope: TS.Node): Set<string> => {
    let s = scopes.get(scope);
    if (!s) scopes.set(scope, (s = declarationsOf(scope)));
    return s;
  };
  const visit = (node: TS.Node): void => {
    if (ts.isPrivateIdentifier(node)) result.privateNames.add(node.text.replace(/^#/, ""));
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "exports" && !isDeclaredAbove(node, "exports", declared)) {
      result.notebook.add(node.name.text);
      return;
    }
    if (ts.isIdentifier(node) && isReference(node) && !isDeclaredAbove(node, node.text, declared)) result.names.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return result;
}

function isDeclaredAbove(node: TS.Node, name: string, declared: (scope: TS.Node) => Set<string>): boolean {
  for (let n: TS.Node | undefined = node.parent; n; n = n.parent) if (isScope(n) && declared(n).has(name)) return true;
  return false;
}

function isFunctionLike(n: TS.Node): n is TS.FunctionLikeDeclaration {
  const ts = typescript();
  return (
    ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)
  );
}

function isScope(n: TS.Node): boolean {
  const ts = typescript();
  return (
    isFunctionLike(n) || ts.isBlock(n) || ts.isSourceFile(n) || ts.isForStatement(n) || ts.isForInStatement(n) || ts.isForOfStatement(n) ||
    ts.isCaseBlock(n) || ts.isCatchClause(n) || ts.isClassDeclaration(n) || ts.isClassExpression(n) || ts.isClassStaticBlockDeclaration(n)
  );
}

/** The names a scope node declares for the code inside it. */
function declarationsOf(scope: TS.Node): Set<string> {
  const ts = typescript();
  const names = new Set<string>();
  const bind = (name: TS.BindingName | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  const lexical = (statements: readonly TS.Node[]) => {
    for (const s of statements) {
      if (ts.isVariableStatement(s) && s.declarationList.flags & ts.NodeFlags.BlockScoped) s.declarationList.declarations.forEach((d) => bind(d.name));
      else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) names.add(s.name.text);
    }
  };
  if (isFunctionLike(scope)) {
    names.add("arguments");
    if (ts.isFunctionExpression(scope) && scope.name) names.add(scope.name.text);
    scope.parameters.forEach((p) => bind(p.name));
    if (scope.body) hoistedVars(scope.body, bind);
  } else if (ts.isClassDeclaration(scope) || ts.isClassExpression(scope)) {
    if (scope.name) names.add(scope.name.text);
  } else if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isClassStaticBlockDeclaration(scope)) {
    lexical(ts.isClassStaticBlockDeclaration(scope) ? scope.body.statements : scope.statements);
    if (ts.isSourceFile(scope)) hoistedVars(scope, bind);
  } else if (ts.isCaseBlock(scope)) {
    for (const c of scope.clauses) lexical(c.statements);
  } else if (ts.isCatchClause(scope)) {
    bind(scope.variableDeclaration?.name);
  } else if (ts.isForStatement(scope) || ts.isForInStatement(scope) || ts.isForOfStatement(scope)) {
    const init = ts.isForStatement(scope) ? scope.initializer : scope.initializer;
    if (init && ts.isVariableDeclarationList(init) && init.flags & ts.NodeFlags.BlockScoped) init.declarations.forEach((d) => bind(d.name));
  }
  return names;
}

/** `var` declarations and sloppy function declarations, hoisted to the function (not into nested ones). */
function hoistedVars(body: TS.Node, bind: (n: TS.BindingName) => void): void {
  const ts = typescript();
  const walk = (n: TS.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & ts.NodeFlags.BlockScoped)) n.declarations.forEach((d) => bind(d.name));
    ts.forEachChild(n, walk);
  };
  ts.forEachChild(body, walk);
}

/** True when an identifier reads a variable (not a property name, a declaration's name, a label). */
function isReference(id: TS.Identifier): boolean {
  const ts = typescript();
  const p = id.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p) && p.right === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) && p.name === id) return false;
  if (ts.isBindingElement(p)) return p.initializer === id;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassDeclaration(p) || ts.isClassExpression(p)) && p.name === id) return false;
  if ((ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)) && p.label === id) return false;
  if (ts.isMetaProperty(p)) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  return true;
}
