import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { counted } from "../unit/helpers";
import { PCOLLECTION_MIME, GRAPH_MIME, type PCollectionPayload, type GraphPayload } from "../../lib/display/protocol";
import { bundleOf } from "../../lib/interactive/show";
import { inspectPipelines, pageOf } from "../../lib/interactive/kernel-api";


test("show computes only what a PCollection needs and reuses caches downstream", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const a = counted((n: number) => n + 1);
  const b = counted((n: number) => n * 2);
  const other = counted((n: number) => n - 1);
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const plus = nums.apply("Plus", a.t);
  nums.apply("Other", other.t);
  const times = plus.apply("Times", b.t);
  assert.deepEqual([...(await beam.collect(plus)).array("element")], [2, 3, 4]);
  assert.equal(a.c.calls, 3);
  assert.equal(b.c.calls, 0, "downstream not computed");
  assert.equal(other.c.calls, 0, "sibling branch not computed");
  assert.deepEqual([...(await beam.collect(times)).array("element")], [4, 6, 8]);
  assert.equal(a.c.calls, 3, "upstream served from the cache");
  assert.equal(b.c.calls, 3);
  await beam.collect(times);
  assert.equal(b.c.calls, 3, "a second show is free");
});

test("re-applying a label replaces the transform and drops exactly the caches downstream", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create", beam.Create([1, 2, 3]));
  const side = counted((n: number) => n);
  const sideOut = nums.apply("Side", side.t);
  const first = nums.apply("Step", beam.Map((n: number) => n * 10));
  const down = counted((n: number) => n + 1);
  const after = first.apply("After", down.t);
  await beam.collect(after);
  await beam.collect(sideOut);
  assert.equal(down.c.calls, 3);
  assert.equal(side.c.calls, 3);
  const second = nums.apply("Step", beam.Map((n: number) => n * 100));
  assert.equal(second, first, "the old PCollection object now carries the new transform's output");
  assert.deepEqual([...(await beam.collect(after)).array("element")], [101, 201, 301]);
  assert.equal(down.c.calls, 6, "downstream recomputed with the new upstream");
  await beam.collect(sideOut);
  assert.equal(side.c.calls, 3, "an unrelated branch keeps its cache");
  // A label on another input is still an error, as in Beam.
  const other = p.apply("Create 2", beam.Create([9]));
  assert.throws(() => other.apply("Step", beam.Map((n: number) => n)), /already exists/);
});

test("re-running a Create cell with new data invalidates what depends on it", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  let nums = p.apply("Create", beam.Create([1, 2]));
  const sum = nums.apply("Sum", beam.CombineGlobally((xs: number[]) => xs.reduce((a, b) => a + b, 0)));
  assert.deepEqual([...(await beam.collect(sum)).array("element")], [3]);
  nums = p.apply("Create", beam.Create([5, 6, 7]));
  assert.deepEqual([...(await beam.collect(sum)).array("element")], [18]);
});

test("the direct runner keeps Beam's label error", () => {
  const p = new beam.Pipeline({ runner: "direct" });
  const nums = p.apply("Create", beam.Create([1]));
  nums.apply("Step", beam.Map((n: number) => n));
  assert.throws(() => nums.apply("Step", beam.Map((n: number) => n)), /already exists/);
});

test("p.run() in interactive mode writes sinks and reuses caches", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-int-"));
  const p = new beam.Pipeline({ runner: "interactive" });
  const up = counted((n: number) => n * 3);
  const tripled = p.apply("Create", beam.Create([1, 2])).apply("Triple", up.t);
  tripled.apply("Write", beam.io.WriteToText(path.join(dir, "out.txt")));
  await beam.collect(tripled);
  const result = await p.run();
  assert.equal(result.state, "DONE");
  assert.equal(up.c.calls, 2, "cached step not recomputed by run()");
  assert.equal(fs.readFileSync(path.join(dir, "out.txt-00000-of-00001"), "utf8"), "3\n6\n");
  fs.rmSync(path.join(dir, "out.txt-00000-of-00001"));
  await p.run();
  assert.ok(fs.existsSync(path.join(dir, "out.txt-00000-of-00001")), "a second run writes the sink again");
});

test("show bundles carry our MIME type, escaped HTML and text, with counts and types", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const rows = p.apply("Create", beam.Create([{ name: "<img src=x onerror=alert(1)>", n: 1, d: new Date(0), big: 2n, u: undefined as unknown, nan: NaN, none: null }]));
  const bundle = await bundleOf(rows);
  const payload = bundle[PCOLLECTION_MIME] as PCollectionPayload;
  assert.equal(payload.total, 1);
  assert.equal(payload.shape, "record");
  assert.deepEqual(payload.columns.map((c) => [c.name, c.type]), [["name", "string"], ["n", "integer"], ["d", "date"], ["big", "bigint"], ["u", "null"], ["nan", "number"], ["none", "null"]]);
  assert.deepEqual(payload.rows[0].u, { $beamlab: "undefined" });
  assert.deepEqual(payload.rows[0].nan, { $beamlab: "nan" });
  assert.deepEqual(payload.rows[0].big, { $beamlab: "bigint", v: "2" });
  const html = bundle["text/html"] as string;
  assert.ok(!html.includes("<img"), "data is escaped");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.match(html, /<em>undefined<\/em>/);
  assert.match(html, /<em>NaN<\/em>/);
  assert.match(html, /<em>null<\/em>/);
  assert.match(bundle["text/plain"] as string, / — 1 element\n/);
});

test("a shown PCollection's payload carries the notebook variable it is bound to", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const teachers = p.apply("Create", beam.Create([{ dept: "cs" }]));
  const g = globalThis as { __tslab__?: unknown };
  const saved = g.__tslab__;
  try {
    g.__tslab__ = { exports: { teachers } };
    const named = (await bundleOf(teachers))[PCOLLECTION_MIME] as PCollectionPayload;
    assert.equal(named.varName, "teachers");
    assert.match(named.label, /^teachers \(/);
    g.__tslab__ = { exports: {} };
    assert.equal(((await bundleOf(teachers))[PCOLLECTION_MIME] as PCollectionPayload).varName, undefined);
  } finally {
    g.__tslab__ = saved;
  }
});

test("grouped values display as groups", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const groups = p.apply("Create", beam.Create([["a", 1], ["a", 2], ["b", 3]] as [string, number][])).apply("Group", beam.GroupByKey());
  const payload = (await bundleOf(groups))[PCOLLECTION_MIME] as PCollectionPayload;
  assert.equal(payload.shape, "kv");
  assert.equal(payload.columns[1].type, "group");
  assert.match((await bundleOf(groups))["text/html"] as string, /\[2 values\]/);
});

test("a show of 1M elements embeds a bounded sample", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const big = p.apply("Create", beam.Create(Array.from({ length: 1_000_000 }, (_, i) => ({ id: i, name: `student ${i}`, dob: "2000-01-01" }))));
  const bundle = await bundleOf(big);
  const size = JSON.stringify(bundle).length;
  assert.ok(size < 200_000, `bundle is ${size} bytes`);
  const payload = bundle[PCOLLECTION_MIME] as PCollectionPayload;
  assert.equal(payload.total, 1_000_000);
  assert.ok(payload.rows.length >= 100 && payload.rows.length <= 1000);
  assert.ok(payload.pageCode, "the front end can page");
  const page = await pageOf({ pipeline: p.id, pcollection: big.id, offset: 500_000, limit: 10 });
  assert.ok(page.ok && page.kind === "page");
  if (page.ok && page.kind === "page") {
    assert.equal(page.page.offset, 500_000);
    assert.equal(page.page.rows.length, 10);
    assert.equal(page.page.rows[0].id, 500_000);
  }
});

test("paging and inspecting never throw", async () => {
  const bad = await pageOf({ pipeline: "nope", pcollection: "x", offset: 0, limit: 5 });
  assert.equal(bad.ok, false);
  const p = new beam.Pipeline({ runner: "interactive", name: "inspected" });
  const nums = p.apply("Create", beam.Create([1, 2]));
  await beam.collect(nums);
  const listed = inspectPipelines().find((x) => x.pipeline.id === p.id)!;
  assert.equal(listed.runner, "interactive");
  assert.deepEqual(listed.pcollections.map((c) => [c.label, c.count]), [["Create", 2]]);
});

test("showGraph payload lists transforms, PCollections, edges and counts; the SVG escapes labels", async () => {
  const p = new beam.Pipeline({ runner: "interactive" });
  const nums = p.apply("Create <script>", beam.Create([1, 2, 3]));
  const side = p.apply("Side", beam.Create([10]));
  const out = nums.apply("Add", beam.Map((n: number, s: number) => n + s, beam.pvalue.AsSingleton(side)));
  await beam.collect(out);
  const bundle = await bundleOf(p);
  const g = bundle[GRAPH_MIME] as GraphPayload;
  const labels = g.nodes.filter((n) => n.kind === "transform").map((n) => n.label);
  assert.deepEqual(labels, ["Create <script>", "Side", "Add"]);
  assert.equal(g.nodes.find((n) => n.kind === "pcollection" && n.fullLabel === "Add")!.count, 3);
  assert.ok(g.edges.some((e) => e.kind === "side"));
  const svg = bundle["image/svg+xml"] as string;
  assert.ok(svg.startsWith("<svg"));
  assert.ok(!svg.includes("<script>"));
  assert.ok(svg.includes("Create &lt;script&gt;"));
});

test("an interactive computation can be cancelled and the next one works", async () => {
  const { cancelAll } = await import("../../lib/runners/interactive");
  const p = new beam.Pipeline({ runner: "interactive", bundleSize: 100 });
  const slow = p.apply("Create", beam.Create(Array.from({ length: 1_000_000 }, (_, i) => i))).apply(
    "Slow",
    beam.Map((n: number) => {
      let x = n;
      for (let i = 0; i < 200; i++) x = (x * 31 + i) % 1000003;
      return x;
    }),
  );
  setTimeout(cancelAll, 200);
  await assert.rejects(beam.collect(slow), /cancelled/);
  const quick = p.apply("Quick", beam.Create([1]));
  assert.deepEqual([...(await beam.collect(quick)).array("element")], [1]);
});

test("an empty table keeps its columns and show takes a caption", async () => {
  const aq = await import("arquero");
  const empty = aq.table({ sid: [] as string[], cno: [] as string[] });
  const payload = (await bundleOf(empty, { label: "takes missing" }))[PCOLLECTION_MIME] as PCollectionPayload;
  assert.deepEqual(payload.columns.map((c) => c.name), ["sid", "cno"]);
  assert.equal(payload.label, "takes missing");
  assert.equal(payload.total, 0);
});

test("a show leaves what it computed unfrozen until something could change it: a later run's DoFn, or a collect", async () => {
  const { InteractiveRunner } = await import("../../lib/runners/interactive");
  const { resolveRunner } = await import("../../lib/runners/registry");
  const { elementsOf } = await import("../../lib/collect");
  const p = new beam.Pipeline({ runner: "interactive" });
  const runner = resolveRunner(p);
  assert.ok(runner instanceof InteractiveRunner);
  const doubled = p.apply("Create", beam.Create([{ n: 1 }, { n: 2 }])).apply("Double", beam.Map((r: { n: number }) => ({ n: r.n * 2 })));
  await bundleOf(doubled);
  assert.equal(Object.isFrozen(runner.cached(doubled)![0]), false, "a show only renders the elements: not frozen yet");
  // A run that reads the cache freezes it first, so a DoFn that changes its input fails as it would on Create's.
  const mutate = doubled.apply("Mutate", beam.Map((r: { n: number }) => {
    r.n = 0;
    return r;
  }));
  await assert.rejects(bundleOf(mutate), /"Mutate"[\s\S]*immutable/);
  assert.deepEqual(runner.cached(doubled)!.map((r) => (r as { n: number }).n), [2, 4], "the cache is unchanged");
  assert.ok(runner.cached(doubled)!.every((r) => Object.isFrozen(r)));
  // Elements handed out are frozen: changing them cannot change what the next show replays.
  const tripled = doubled.apply("Triple", beam.Map((r: { n: number }) => ({ n: r.n * 3 })));
  await bundleOf(tripled);
  const handed = await elementsOf(tripled);
  assert.ok(handed.every((r) => Object.isFrozen(r)));
  assert.throws(() => {
    (handed[0] as { n: number }).n = 7;
  }, TypeError);
});
