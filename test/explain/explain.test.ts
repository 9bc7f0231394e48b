// beam.explain outside a kernel: the value it returns and its static forms (escaped HTML
// without script, text).
import test from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { EXPLAIN_MIME, type ExplainPayload } from "../../lib/display/protocol";
import { CLASS_LABELS, classPipeline } from "../course/pipelines";

test("explain returns what was submitted, what validation found and the stages, without running", () => {
  const p = new beam.Pipeline({ name: "class" });
  classPipeline(p, { takesTextPrefix: "/nonexistent/takes", classTextPrefix: "/nonexistent/class" });
  const e = beam.explain(p);
  assert.deepEqual(e.submitted, p.toJSON());
  assert.deepEqual(e.findings, beam.validatePipeline(p));
  assert.deepEqual(e.errors, []);
  assert.deepEqual(e.stages.map((s) => s.transforms), [
    [CLASS_LABELS.read, CLASS_LABELS.split, CLASS_LABELS.group, CLASS_LABELS.takesText, CLASS_LABELS.takesTable],
    [CLASS_LABELS.group, CLASS_LABELS.first, CLASS_LABELS.classText, CLASS_LABELS.classTable],
    [CLASS_LABELS.takesText],
    [CLASS_LABELS.takesTable],
    [CLASS_LABELS.classText],
    [CLASS_LABELS.classTable],
  ]);
  assert.deepEqual(e.stages, JSON.parse(JSON.stringify(e.stages)), "plain data");
  const bundle = e.bundle();
  const payload = bundle[EXPLAIN_MIME] as ExplainPayload;
  assert.equal(payload.graph.pipeline.name, "class");
  assert.deepEqual(payload.checks.map((c) => c.name), ["labels", "keyed-inputs", "same-pipeline", "sink-schema", "unconsumed", "movable"]);
  const text = String(bundle["text/plain"]);
  assert.match(text, /^Explain class\n\nAs written:\n/);
  assert.match(text, /As submitted: \d+ transforms, \d+ PCollections, environment beamlab-node/);
  assert.match(text, /Optimized: 6 stages\n  S1: source Read class\n    Read class — reads the source\n    Split takes and classes — fused\n    Group by cno — writes to the shuffle/);
  assert.match(text, /  S2 \(after S1\): shuffle of Group by cno \(from S1\)\n    Group by cno — reads the shuffle/);
  assert.match(String(e), /^Explain class/);
});

test("explain's HTML escapes labels, values and sources and has no script", () => {
  const p = new beam.Pipeline({ name: "<b>p</b>" });
  const hostile = "<img src=x onerror=alert(1)>";
  const xs = p.apply(hostile, beam.Create([hostile, "</pre><script>alert(2)</script>"]));
  xs.apply("Tag", beam.Map((s: string) => `</pre><script>alert(3)</script>${s}`)).apply("Group", beam.GroupByKey() as never);
  const e = beam.explain(p);
  const html = String(e.bundle()["text/html"]);
  assert.doesNotMatch(html, /<script|<img|onerror=alert\(1\)>/i);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&lt;\/pre&gt;&lt;script&gt;alert\(3\)&lt;\/script&gt;/);
  assert.match(html, /<h3>As written: &lt;b&gt;p&lt;\/b&gt;<\/h3>/);
  assert.match(html, /<h3>Validation<\/h3>/);
  assert.match(html, /<h3>Optimized: 2 stages<\/h3>/);
  // The one finding: a map's output is not known to be pairs, so only the unread group is reported.
  assert.deepEqual(e.findings.map((f) => [f.severity, f.check, f.label]), [["warning", "unconsumed", "Group"]]);
});

test("explain shows an error finding that p.run() would stop at", async () => {
  const p = new beam.Pipeline();
  p.apply("Words", beam.Create(["cat"])).apply("Group", beam.GroupByKey() as never);
  const e = beam.explain(p);
  assert.deepEqual(e.errors.map((f) => f.label), ["Group"]);
  assert.match(String(e.bundle()["text/plain"]), /Validation:\n  ERROR \[Group\] GroupByKey needs \[key, value\] pairs/);
  assert.match(String(e.bundle()["text/html"]), /<li class="error"><b>error<\/b> \[Group\] GroupByKey needs/);
  await assert.rejects(p.run(), /\[Group\] GroupByKey needs \[key, value\] pairs/);
});
