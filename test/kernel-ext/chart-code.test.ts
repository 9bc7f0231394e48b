import { test } from "node:test";
import assert from "node:assert/strict";
import type { ColumnSchema, PCollectionPayload } from "../../lib/display/protocol";
import { isIdentifier, isVariableRef, payloadVarName, quickChart } from "../../kernel-ext/src/model/chart-code";

type P = Pick<PCollectionPayload, "varName" | "pipeline" | "pcollection">;
const named = (varName: string | null | undefined): P => ({ varName, pipeline: { id: "p1", name: "p" }, pcollection: "c1" });
const col = (name: string, type: ColumnSchema["type"]): ColumnSchema => ({ name, type, nullable: false });

test("text columns get value counts, numeric ones a histogram, as beam.chart code", () => {
  assert.deepEqual(quickChart(named("teachers"), col("dept", "string")), {
    ok: true,
    kind: "count",
    code: 'await beam.show(beam.chart(teachers).count("dept"));',
    description: "Insert a chart of how often each dept occurs in a new cell",
  });
  const h = quickChart(named("students"), col("year", "integer"));
  assert.ok(h.ok);
  assert.equal(h.kind, "histogram");
  assert.equal(h.code, 'await beam.show(beam.chart(students).histogram("year"));');
  for (const t of ["number", "bigint"] as const) assert.equal((quickChart(named("s"), col("x", t)) as { kind: string }).kind, "histogram");
  for (const t of ["boolean", "date", "mixed"] as const) assert.equal((quickChart(named("s"), col("x", t)) as { kind: string }).kind, "count");
});

test("field names are quoted as string literals, whatever they contain", () => {
  const r = quickChart(named("rows"), col('a"b\\c</script>', "string"));
  assert.ok(r.ok);
  assert.equal(r.code, 'await beam.show(beam.chart(rows).count("a\\"b\\\\c</script>"));');
  // The literal is valid JavaScript and evaluates back to the column name.
  const lit = /count\((.*)\)\);$/.exec(r.code)![1];
  assert.equal(JSON.parse(lit), 'a"b\\c</script>');
});

test("without a usable variable name the action is disabled with a reason", () => {
  for (const v of [undefined, null, "", "teachers (Split instructor)", "1x", "class", "a-b", "await", "x.y()", "a[b]", "a;alert(1)"]) {
    const r = quickChart(named(v), col("dept", "string"));
    assert.equal(r.ok, false, `var ${v}`);
    assert.match((r as { reason: string }).reason, /variable/);
  }
  // A plain table (array / arquero) has no PCollection to name.
  const plain = quickChart({ varName: "rows", pipeline: null, pcollection: null }, col("dept", "string"));
  assert.equal(plain.ok, false);
  assert.match((plain as { reason: string }).reason, /PCollection shown from a variable/);
});

test("columns that cannot be charted are disabled with a reason", () => {
  for (const t of ["array", "record", "group", "null"] as const) {
    const r = quickChart(named("teachers"), col("x", t));
    assert.equal(r.ok, false, t);
    assert.match((r as { reason: string }).reason, /quick charts need text or numbers/);
  }
});

test("identifier check", () => {
  assert.ok(isIdentifier("teachers") && isIdentifier("_x1") && isIdentifier("$p"));
  assert.ok(!isIdentifier("let") && !isIdentifier("x y") && !isIdentifier(3));
  assert.equal(payloadVarName(named("teachers")), "teachers");
  // Fields and array elements, as lib/interactive/names.ts names them.
  assert.ok(isVariableRef("out.takes") && isVariableRef("parts[0]") && isVariableRef("a.b[2].c"));
  assert.ok(!isVariableRef("class.x") && !isVariableRef("a.") && !isVariableRef("a[-1]"));
  assert.equal((quickChart(named("out.takes"), col("grade", "string")) as { code: string }).code, 'await beam.show(beam.chart(out.takes).count("grade"));');
  assert.equal(payloadVarName({ varName: "teachers", pipeline: null, pcollection: "c" }), null);
});
