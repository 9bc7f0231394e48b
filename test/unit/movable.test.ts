// The free-variable check that decides what the local runner can move to a worker: real
// scope analysis (TypeScript's parser) on the forms `toString()` gives, including tslab's
// compiled cells (`exports.name`), and the findings of movabilityFindings.
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { freeVariables } from "../../lib/runners/local/free-variables";
import { Mover, type Finding } from "../../lib/runners/local/movable";
import { notebookImports } from "../../lib/runners/local/notebook-imports";

const free = (src: string) => [...freeVariables(src).names].sort();

test("free variables: parameters, locals, hoisting, destructuring, closures and properties are not free", () => {
  assert.deepEqual(free("(x) => x * 2"), []);
  assert.deepEqual(free("(x) => x * k"), ["k"]);
  assert.deepEqual(free("function f(a, { b, c: [d] }, ...rest) { var v = a + b + d + rest.length; return f(v) + arguments.length; }"), []);
  assert.deepEqual(free("(x) => { if (x) { var later = 1; } return later + y; }"), ["y"]);
  assert.deepEqual(free("(x) => { { let inner = 1; } return inner; }"), ["inner"]);
  assert.deepEqual(free("(x) => { const o = { a: x, b, [c]: 1, m() { return this.a; } }; return o.a.b.c; }"), ["b", "c"]);
  assert.deepEqual(free("(x) => { try { return g(x); } catch (e) { return e; } }"), ["g"]);
  assert.deepEqual(free("(xs) => { for (const x of xs) use(x); for (let i = 0; i < 3; i++) {} return i; }"), ["i", "use"]);
  assert.deepEqual(free("({ a = dflt } = {}) => a"), ["dflt"]);
  assert.deepEqual(free("(x) => { label: for (;;) { break label; } return new.target; }"), []);
  assert.deepEqual(free("(x) => { function inner() { return x + hoisted; } var hoisted = 1; return inner(); }"), []);
  assert.deepEqual(free("async function* g() { yield await fetchIt(); }"), ["fetchIt"]);
  assert.deepEqual(free("class A extends Base { static s = 1; f = () => this.f; process(x) { return [A.s + x + outer]; } }"), ["Base", "outer"]);
  assert.deepEqual(free("(x) => `${x}${tpl}`"), ["tpl"]);
});

test("free variables: tslab's compiled references to other cells are notebook names", () => {
  const f = freeVariables("class Mult extends exports.beam.DoFn { process(x) { return [x * exports.factor + exports.helper(this.k)]; } }");
  assert.deepEqual([...f.notebook].sort(), ["beam", "factor", "helper"]);
  assert.deepEqual([...f.names], []);
  assert.deepEqual([...freeVariables("(exports) => exports.x").notebook], [], "a parameter named exports is not the notebook");
  assert.deepEqual([...freeVariables("class P { #secret = 1; get() { return this.#secret; } }").privateNames], ["secret"]);
  assert.ok(freeVariables("process(x) {").syntaxError);
});

test("notebook imports: namespace, default, named, import =, require", () => {
  const m = notebookImports([
    'import * as beam from "beamlab";\nimport lodash from "lodash";\nimport { join as j, type Foo } from "node:path";',
    'import fs = require("node:fs");\nconst os = require("node:os");\nconst n = 3;',
  ]);
  assert.deepEqual(Object.fromEntries(m), {
    beam: { specifier: "beamlab", form: "namespace" },
    lodash: { specifier: "lodash", form: "default" },
    j: { specifier: "node:path", form: { named: "join" } },
    fs: { specifier: "node:fs", form: "namespace" },
    os: { specifier: "node:os", form: "namespace" },
  });
});

/** The findings of moving `value` as the DoFn of step "Step". */
function findingsOf(value: unknown, cells: string[] = []): Finding[] {
  const findings: Finding[] = [];
  new Mover(cells).move(value, { label: "Step", what: "the DoFn", findings });
  return findings;
}

export class Exported extends beam.DoFn<number, number> {
  constructor(readonly k: number, readonly fn: (n: number) => number) {
    super();
  }
  process(n: number) {
    return [this.fn(n) * this.k];
  }
}

test("what moves: exported classes, globals, self-contained functions, data fields, nested functions", () => {
  assert.deepEqual(findingsOf(new Exported(2, (n) => n + 1)), []);
  assert.deepEqual(findingsOf(String), []);
  assert.deepEqual(findingsOf((x: number) => Math.max(x, 0) + JSON.stringify({ x }).length), []);
  assert.deepEqual(findingsOf({ createAccumulator: () => 0, addInput: (a: number, v: number) => a + v, n: new Map([[1, 2]]) }), []);
});

test("what cannot move: closures, notebook variables that are not imports, bound functions, private fields, getters", () => {
  const secret = 42;
  const one = findingsOf((x: number) => x + secret);
  assert.equal(one.length, 1);
  assert.equal(one[0].label, "Step");
  assert.match(one[0].message, /uses the variable "secret" from outside it/);
  assert.match(one[0].hint, /constructor.*side input.*import it from a module/);

  // The source tslab gives a cell's class: `exports.os` is an import, `exports.factor` is not.
  const cellClass = new Function("exports", "return class Mult { process(x) { return [x * exports.factor + exports.os.cpus().length]; } }")({});
  const nb = findingsOf(new cellClass(), ['import * as os from "node:os";', "const factor = 3;"]);
  assert.deepEqual(nb.map((f) => f.message), ['The class of the DoFn uses the notebook variable "factor", which a worker cannot see']);

  assert.match(findingsOf(((x: number) => x).bind(null))[0].message, /bound or built-in/);
  const priv = new Function("return class P { #n = 1; process(x) { return [x + this.#n]; } }")();
  assert.match(findingsOf(new priv())[0].message, /private field #n/);
  assert.match(findingsOf(Object.defineProperty({}, "g", { get: () => 1, enumerable: true }))[0].message, /getter "g"/);
});

test("movabilityFindings lists every step that cannot move, and nothing for a pipeline that can", () => {
  const limit = 10;
  const p = new beam.Pipeline();
  const nums = p.apply("Nums", beam.Create([1, 2, 3]));
  nums.apply("Ok", beam.Map((n: number) => n * 2));
  nums.apply("Uses limit", beam.Filter((n: number) => n < limit));
  nums.apply("Count", beam.combiners.Count.Globally());
  nums.apply("Top", beam.combiners.Top.Of(2, { key: (n: number) => -n }));
  nums.apply("Pairs", beam.Map((n: number): [number, number] => [n % 2, n])).apply("Mean", beam.combiners.Mean.PerKey());
  beam.CoGroupByKey.of({ a: nums.apply("A", beam.Map((n: number) => [n, n])), b: nums.apply("B", beam.Map((n: number) => [n, -n])) });
  nums.apply("Parts", beam.Partition((n: number) => n % 2, 2));
  const found = beam.movabilityFindings(p);
  assert.deepEqual(found.map((f) => [f.label, f.severity]), [["Uses limit", "error"]]);
  assert.match(found[0].message, /"limit"/);
});
