/**
 * The graph payload and its static fallbacks, built from real pipelines on the real
 * interactive and direct runners.
 */
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { NOTHING_EMITTED, graphBundle, graphPayload, graphSvg, graphText } from "../../lib/display/graph";
import { GRAPH_MIME, type GraphPayload } from "../../lib/display/protocol";
import { InteractiveRunner } from "../../lib/runners/interactive";
import { resolveRunner } from "../../lib/runners/registry";

function stateOf(p: beam.Pipeline) {
  const r = resolveRunner(p);
  assert.ok(r instanceof InteractiveRunner);
  return r.runState();
}

/** 01-hello-world's word count, with a composite (CombinePerKey) and a nested one. */
function wordCount(runner: "interactive" | "direct" = "interactive") {
  const p = new beam.Pipeline({ runner, name: "hello" });
  const sentences = p.apply("Create sentences", beam.Create(["the dog", "the cat"]));
  const words = sentences.apply("Flatten words", beam.FlatMap((s: string) => s.split(" ")));
  const pairs = words.apply("Pair with 1", beam.Map((w: string): [string, number] => [w, 1]));
  const combined = pairs.apply("Count per key", beam.CombinePerKey((ones: number[]) => ones.reduce((a, b) => a + b, 0)));
  const counted = words.apply(
    "Count words",
    beam.ptransform("CountWords", (ws: beam.PCollection<string>) =>
      ws.apply("Pair", beam.Map((w: string): [string, number] => [w, 1])).apply("Sum", beam.CombinePerKey((ones: number[]) => ones.reduce((a, b) => a + b, 0))),
    ),
  );
  return { p, pairs, combined, counted };
}

function node(g: GraphPayload, fullLabel: string, kind: "transform" | "pcollection" = "transform") {
  const n = g.nodes.find((x) => x.kind === kind && x.fullLabel === fullLabel);
  assert.ok(n, `no ${kind} ${fullLabel}`);
  return n;
}

test("a composite's inner steps, inner PCollections and inner edges are in the payload", () => {
  const { p } = wordCount();
  const g = graphPayload(p);
  const comp = node(g, "Count per key");
  assert.equal(comp.primitive, "Composite");
  const gbk = node(g, "Count per key/GroupByKey");
  const combine = g.nodes.find((n) => n.kind === "transform" && n.parent === comp.id && n !== gbk)!;
  assert.equal(gbk.parent, comp.id);
  // The PCollection between GroupByKey and Combine lives inside the composite.
  const between = g.nodes.find((n) => n.kind === "pcollection" && n.parent === comp.id);
  assert.ok(between, "the inner PCollection is missing");
  assert.equal(between.note, "not materialised: Count per key runs as one step");
  assert.ok(g.edges.some((e) => e.from === gbk.id && e.to === between.id));
  assert.ok(g.edges.some((e) => e.from === between.id && e.to === combine.id));
  // Edges name the innermost transforms, never the composite.
  assert.ok(!g.edges.some((e) => e.from === comp.id || e.to === comp.id));
  // The input of the composite goes to its first inner step; its output comes from the last.
  const pairs = node(g, "Pair with 1", "pcollection");
  assert.ok(g.edges.some((e) => e.from === pairs.id && e.to === gbk.id));
  const out = g.nodes.find((n) => n.kind === "pcollection" && n.parent === null && g.edges.some((e) => e.from === combine.id && e.to === n.id));
  assert.ok(out, "the composite's output hangs off its inner Combine");
  // Nested: Count words / Sum / GroupByKey has Sum as parent and Sum has Count words.
  const sum = node(g, "Count words/Sum");
  assert.equal(sum.parent, node(g, "Count words").id);
  assert.equal(node(g, "Count words/Sum/GroupByKey").parent, sum.id);
  // Every edge names known nodes; every node is on an edge or is a composite with steps.
  const ids = new Set(g.nodes.map((n) => n.id));
  for (const e of g.edges) assert.ok(ids.has(e.from) && ids.has(e.to), `${e.from}->${e.to}`);
  for (const n of g.nodes) {
    const onEdge = g.edges.some((e) => e.from === n.id || e.to === n.id);
    const hasSteps = g.nodes.some((c) => c.parent === n.id);
    assert.ok(onEdge || hasSteps, `orphan ${n.fullLabel}`);
  }
});

test("states: not computed, computed and cached, with counts on nodes and edges", async () => {
  const { p, pairs, combined, counted } = wordCount();
  const before = graphPayload(p, { state: stateOf(p) });
  assert.equal(before.live, true);
  assert.equal(node(before, "Pair with 1", "pcollection").state, "pending");
  await beam.collect(combined);
  const g = graphPayload(p, { state: stateOf(p) });
  const pc = g.nodes.find((n) => n.id === pairs.id)!;
  assert.equal(pc.state, "cached");
  assert.equal(pc.count, 4);
  assert.equal(g.nodes.find((n) => n.id === combined.id)!.count, 3);
  assert.ok(g.edges.some((e) => e.from === pairs.id && e.count === 4));
  // The untouched branch stays not computed.
  assert.equal(g.nodes.find((n) => n.id === counted.id)!.state, "pending");
  // The direct runner keeps no state: structure only.
  const direct = graphPayload(wordCount("direct").p);
  assert.equal(direct.live, undefined);
  assert.ok(direct.nodes.every((n) => n.state === undefined));
});

test("a failed step is marked with its error; a later change clears it", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const bad = nums.apply("Explode", beam.Map((n: number) => {
    if (n === 2) throw new Error("two is not allowed");
    return n;
  }));
  await assert.rejects(beam.collect(bad));
  const g = graphPayload(p, { state: stateOf(p) });
  const failed = g.nodes.filter((n) => n.state === "failed");
  assert.deepEqual(failed.map((n) => n.fullLabel), ["Explode"]);
  assert.match(failed[0].message ?? "", /two is not allowed/);
  assert.match(graphText(g), /Explode .*FAILED: [^]*two is not allowed/);
  const svg = graphSvg(g);
  assert.match(svg, /stroke="#c62828"/);
  assert.match(svg, /two is not allowed/);
  nums.apply("Explode", beam.Map((n: number) => n));
  assert.ok(!graphPayload(p, { state: stateOf(p) }).nodes.some((n) => n.state === "failed"));
});

class OnlyTagged extends beam.DoFn<number, never> {
  *process(n: number) {
    yield beam.TaggedOutput(n % 2 ? "odd" : "even", n);
  }
}

test("the main output of a withOutputs ParDo that receives nothing carries a note", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const { main, odd } = nums.apply("Split", beam.ParDo(new OnlyTagged()).withOutputs("odd", "even"));
  const before = graphPayload(p, { state: stateOf(p) });
  assert.match(before.nodes.find((n) => n.id === main.id)!.note ?? "", /not read by any step/);
  await p.run();
  const g = graphPayload(p, { state: stateOf(p) });
  const m = g.nodes.find((n) => n.id === main.id)!;
  assert.equal(m.count, 0);
  assert.equal(m.note, NOTHING_EMITTED);
  assert.equal(g.nodes.find((n) => n.id === odd.id)!.note, undefined);
  assert.equal(g.nodes.find((n) => n.id === odd.id)!.count, 2);
  assert.match(graphText(g), /nothing emitted: the DoFn sends only tagged outputs/);
  assert.match(graphSvg(g), /nothing emitted/);
});

test("the static SVG: composites collapsed, edge counts, escaped labels, unique ids that resolve", async () => {
  const hostile = `<img src=x onerror=alert(1)> & "q"`;
  const p = new beam.Pipeline({ runner: "interactive", name: hostile });
  const nums = p.apply(hostile, beam.Create([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  const kv = nums.apply("Key", beam.Map((n: number): [string, number] => [n % 2 ? "odd" : "even", n]));
  const sums = kv.apply("Sum per key", beam.CombinePerKey((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  await beam.collect(sums);
  const bundle = graphBundle(p, { state: stateOf(p) });
  const svg = bundle["image/svg+xml"] as string;
  assert.ok(!svg.includes("<img"), "a label became markup");
  assert.ok(svg.includes("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;"));
  // Edge counts on the edges into steps: 12 numbers into Key, 12 pairs into the composite.
  const countGroup = /<g [^>]*paint-order="stroke">(.*?)<\/g>/.exec(svg)?.[1] ?? "";
  const edgeLabels = [...countGroup.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(edgeLabels, ["12", "12"]);
  assert.match(svg, /2 elements/);
  // The composite is one node: its inner GroupByKey is not drawn.
  assert.ok(svg.includes(">Sum per key<"));
  assert.ok(svg.includes("composite · 2 steps"));
  assert.ok(!svg.includes(">GroupByKey<"));
  // Ids: unique per graph, and every reference resolves inside the same SVG.
  const other = graphSvg(bundle[GRAPH_MIME] as GraphPayload);
  const ids = (s: string) => [...s.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(ids(svg).filter((i) => ids(other).includes(i)).length, 0, "two graphs share an id");
  for (const s of [svg, other]) {
    const refs = [...s.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(refs.length >= 1, "the edges point at an arrowhead");
    for (const r of refs) assert.ok(ids(s).includes(r), `unresolved #${r}`);
  }
  // The text outline stays, with the composite folded.
  const text = bundle["text/plain"] as string;
  assert.match(text, /Sum per key \[composite, 2 steps\] <- Key -> Sum per key \(2\)/);
});

test("while a run is under way its steps are running, and the state follows the run", async () => {
  const p = new beam.Pipeline({ runner: "interactive", bundleSize: 50 });
  const slow = p.apply("Create", beam.Create(Array.from({ length: 4000 }, (_, i) => i))).apply(
    "Slow",
    beam.Map((n: number) => {
      let x = n;
      for (let i = 0; i < 20000; i++) x = (x * 31 + i) % 1000003;
      return x;
    }),
  );
  const r = resolveRunner(p) as InteractiveRunner;
  const seen: string[][] = [];
  const stop = r.onRunState((s) => seen.push(graphPayload(p, { state: s }).nodes.filter((n) => n.state === "running").map((n) => n.fullLabel)));
  await beam.collect(slow);
  stop();
  assert.ok(seen.some((labels) => labels.includes("Slow")), `never saw Slow running: ${JSON.stringify(seen)}`);
  const after = graphPayload(p, { state: stateOf(p) });
  assert.ok(!after.nodes.some((n) => n.state === "running"), "still running after the run");
  assert.equal(after.nodes.find((n) => n.id === slow.id)!.state, "cached");
});
