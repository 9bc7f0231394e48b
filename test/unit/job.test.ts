// The job view's model: a Job fed as a runner feeds it (stages declared, marked running and
// done, steps, workers), its snapshot (options, user metrics, logs newest first and capped),
// a runner's extra figures kept, the log filter, and the static fallback that shows hostile
// log text as text.
import test, { describe } from "node:test";
import assert from "node:assert/strict";
import * as beam from "../../lib";
import { Job, JOB_LOG_LINES, upstreamStages } from "../../lib/runners/job";
import { planStages } from "../../lib/runners/local/stages";
import { jobBundle } from "../../lib/display/job-view";
import { afterText, filterLogLines, linkHref, logChoices, stageColumns, throughputText } from "../../lib/display/job-text";
import { JOB_MIME, PROGRESS_MIME, type JobLogLine } from "../../lib/display/protocol";
import { enterStep, exitStep, startRun } from "../../lib/runners/run-scope";
import { executableNodes, planFor } from "../../lib/runners/plan";
import { hasOperator } from "../../lib/runners/operator";

const HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>", "x".repeat(100_000)];

function pipeline() {
  const p = new beam.Pipeline({ name: "class", bundleSize: 64 });
  const rows = p.apply("Rows", beam.Create([1, 2, 3]));
  rows.apply("Double", beam.Map((n: number) => n * 2));
  return p;
}

/** Logs `text` as user code of `step` would (through the console, while the step is entered). */
function logIn(scope: ReturnType<typeof startRun>, step: string, level: "log" | "warn" | "error", text: string): void {
  const prev = enterStep(scope, step);
  try {
    console[level](text);
  } finally {
    exitStep(prev);
  }
}

describe("Job", () => {
  test("stages go from pending to running to done; a running stage's wall time grows; workers and steps are shown", async () => {
    const p = pipeline();
    const scope = startRun("class", null, false);
    const job = new Job(p, "local", scope, [
      { index: 0, kind: "coordinator", steps: ["Rows"] },
      { index: 1, kind: "workers", steps: ["Double"] },
    ]);
    let changes = 0;
    job.onChange(() => changes++);
    assert.deepEqual(job.snapshot().stages.map((s) => s.status), ["pending", "pending"]);
    job.stage(0, "running", { elementsIn: 0 });
    await new Promise((r) => setTimeout(r, 30));
    const running = job.snapshot().stages[0];
    assert.equal(running.status, "running");
    assert.ok(running.wallMillis >= 25, `a running stage's wall time grows: ${running.wallMillis}`);
    job.stage(0, "done", { index: 0, kind: "coordinator", steps: ["Rows"], elementsIn: 3, wallMillis: 40 });
    job.stage(1, "running");
    const rowsNode = p.node("Rows")!;
    const counts = new Map([[[...rowsNode.outputs.values()][0].id, 3]]);
    const exec = planFor(executableNodes(p, hasOperator), null).find((e) => e.node === rowsNode)!;
    job.steps({ counts, millis: new Map([[exec, 5]]), done: new Set([exec]), elapsedMillis: 10 });
    job.setWorkers([{ worker: 0, elementsOut: 2, busyMillis: 1.4 }, { worker: 1, elementsOut: 1, busyMillis: 0.6 }]);
    const mid = job.snapshot();
    assert.equal(mid.progress.state, "RUNNING");
    assert.deepEqual(mid.stages.map((s) => [s.status, s.elementsIn]), [["done", 3], ["running", 0]]);
    assert.equal(mid.stages[0].wallMillis, 40, "the runner's wall time is kept");
    assert.deepEqual(mid.progress.steps.map((s) => [s.label, s.elementsOut, s.status]), [["Rows", 3, "done"]]);
    assert.deepEqual(mid.workers.map((w) => [w.worker, w.elementsOut, w.busyMillis]), [[0, 2, 1], [1, 1, 1]]);
    assert.ok(changes >= 5, `every change is told: ${changes}`);
    job.finish("FAILED", "Double");
    const end = job.snapshot();
    assert.equal(end.progress.state, "FAILED");
    assert.deepEqual(end.stages.map((s) => s.status), ["done", "failed"], "the stage running when the run failed is the failed one");
    const before = changes;
    job.stage(1, "done");
    assert.equal(changes, before, "nothing is told after the end");
  });

  test("an interrupted run leaves its running stage cancelled, not failed", () => {
    const job = new Job(pipeline(), "interactive", startRun("class", null, false), [{ index: 0, kind: "read", steps: ["Rows"] }, { index: 1, kind: "pardo", steps: ["Double"] }]);
    job.stage(0, "running");
    job.finish("CANCELLED");
    assert.deepEqual(job.snapshot().stages.map((s) => s.status), ["cancelled", "pending"]);
    assert.equal(job.snapshot().progress.state, "CANCELLED");
  });

  test("a runner's own figures (a Spark stage id) are kept as extra fields, plain values only", () => {
    const job = new Job(pipeline(), "spark", startRun("class", null, false), [{ index: 0, kind: "workers", steps: ["Rows", "Double"], sparkStageId: 7 } as never]);
    const figures = { index: 0, kind: "workers" as const, steps: ["Rows", "Double"], elementsIn: 3, wallMillis: 12, sparkAttempt: 1, executor: "exec-1", nested: { no: 1 } };
    job.stage(0, "done", figures);
    job.setWorkers([{ worker: 0, elementsOut: 3, busyMillis: 2, host: "node-a" } as never]);
    const s = job.snapshot();
    assert.deepEqual(s.stages[0].extra, { sparkStageId: 7, sparkAttempt: 1, executor: "exec-1" });
    assert.deepEqual(s.workers[0].extra, { host: "node-a" });
    assert.equal(s.runner, "spark");
  });

  test("the snapshot holds the options, the user metrics and the newest log lines first, capped, with the dropped ones counted", () => {
    const p = pipeline();
    const scope = startRun("class", null, false);
    const job = new Job(p, "direct", scope, [{ index: 0, kind: "read", steps: ["Rows", "Double"] }]);
    scope.metrics.inc("Double", "odd", 2);
    scope.metrics.update("Double", "size", 4);
    scope.metrics.update("Double", "size", 8);
    for (let i = 0; i < JOB_LOG_LINES + 30; i++) logIn(scope, i % 2 ? "Double" : "Rows", i % 3 ? "log" : "warn", `line ${i}`);
    const s = job.snapshot();
    assert.deepEqual(s.options, [["bundleSize", "64"], ["name", "class"]]);
    assert.deepEqual(s.metrics, [
      { kind: "counter", step: "Double", name: "odd", value: 2 },
      { kind: "distribution", step: "Double", name: "size", count: 2, sum: 12, min: 4, max: 8, mean: 6 },
    ]);
    assert.equal(s.logs.lines.length, JOB_LOG_LINES);
    assert.equal(s.logs.lines[0].text, `line ${JOB_LOG_LINES + 29}`, "newest first");
    assert.equal(s.logs.dropped, 30);
    assert.equal(s.logs.total, JOB_LOG_LINES + 30);
    assert.equal(s.logs.lines[0].worker, null);
  });
});

describe("the stage graph", () => {
  test("each stage knows the stages it reads from; branches that can run side by side share a column", () => {
    const p = new beam.Pipeline({ runner: "local", workers: 2 });
    const nums = p.apply("Nums", beam.Create([1, 2, 3]));
    const byParity = nums.apply("Key", beam.Map((n: number): [number, number] => [n % 2, n])).apply("Group", beam.GroupByKey());
    const total = nums.apply("Total", beam.CombineGlobally((xs: number[]) => xs.length));
    beam.Flatten.of([byParity.apply("Size", beam.Map(([, xs]: [number, number[]]) => xs.length)), total], "Both");
    const stages = planStages(planFor(executableNodes(p, hasOperator), null), (e) => (e.spec.kind === "Create" ? "coordinator" : "workers"));
    const after = upstreamStages(stages);
    assert.deepEqual(after[0], [], "the first stage reads nothing of another stage");
    assert.ok(after.slice(1).every((a) => a.length > 0 && a.every((i) => i < after.indexOf(a))), `every later stage reads from earlier ones: ${JSON.stringify(after)}`);
    const job = new Job(p, "local", startRun("g", null, false), stages.map((s, i) => ({ index: s.index, kind: s.kind, steps: s.nodes.map((e) => e.node.fullLabel), after: after[i] })));
    const snap = job.snapshot();
    const columns = stageColumns(snap.stages);
    assert.equal(columns.flat().length, snap.stages.length, "every stage is in one column");
    assert.ok(columns.length < snap.stages.length, `parallel branches share a column: ${columns.map((c) => c.map((s) => s.index).join("+")).join(" → ")}`);
    for (const [d, column] of columns.entries()) {
      for (const s of column) for (const a of s.after ?? []) assert.ok(columns.findIndex((c) => c.some((x) => x.index === a)) < d, `S${s.index + 1} stands right of S${a + 1}`);
    }
    assert.match(afterText(snap.stages[1]), /^after S\d/);
    // A runner that says nothing of what its stages read gets one column per stage.
    assert.equal(stageColumns(snap.stages.map(({ after: _a, ...s }) => s)).length, snap.stages.length);
  });
});

describe("the log filter", () => {
  const lines: JobLogLine[] = [
    { time: 3, level: "warn", step: "Clean", worker: 1, text: "c" },
    { time: 2, level: "log", step: "Read", worker: 0, text: "b" },
    { time: 1, level: "error", step: "Clean", worker: null, text: "a" },
  ];
  test("filters by level, step and worker (the main thread too), together", () => {
    assert.deepEqual(filterLogLines(lines, {}).map((l) => l.text), ["c", "b", "a"]);
    assert.deepEqual(filterLogLines(lines, { level: "warn" }).map((l) => l.text), ["c"]);
    assert.deepEqual(filterLogLines(lines, { step: "Clean" }).map((l) => l.text), ["c", "a"]);
    assert.deepEqual(filterLogLines(lines, { worker: 0 }).map((l) => l.text), ["b"]);
    assert.deepEqual(filterLogLines(lines, { worker: "main" }).map((l) => l.text), ["a"]);
    assert.deepEqual(filterLogLines(lines, { step: "Clean", worker: 1, level: "warn" }).map((l) => l.text), ["c"]);
    assert.deepEqual(filterLogLines(lines, { step: "Clean", level: "log" }), []);
  });
  test("offers the levels, steps and workers that occur", () => {
    assert.deepEqual(logChoices(lines), { levels: ["error", "warn", "log"], steps: ["Clean", "Read"], workers: [0, 1, "main"] });
  });
  test("throughput reads per second, and says nothing of a stage too short to measure", () => {
    assert.equal(throughputText(1000, 500), "2,000/s");
    assert.equal(throughputText(3, 2000), "1.5/s");
    assert.equal(throughputText(5, 0), "—");
  });
});

describe("the job view's bundle", () => {
  test("carries the job and progress payloads; the static HTML shows hostile log text, steps and options as text", () => {
    const p = new beam.Pipeline({ name: HOSTILE[0] });
    // A label cannot hold "/", so the hostile label opens a script without closing one.
    const label = "<script>alert(1)<script>";
    p.apply(label, beam.Create([1]));
    const scope = startRun("x", null, false);
    const job = new Job(p, "direct", scope, [{ index: 0, kind: "read", steps: [label] }]);
    for (const h of HOSTILE) logIn(scope, label, "error", h);
    job.finish("DONE");
    const bundle = jobBundle(job.snapshot());
    assert.ok(bundle[JOB_MIME] && bundle[PROGRESS_MIME], "both payloads");
    const html = String(bundle["text/html"]);
    assert.doesNotMatch(html, /<img|<script|<\/script>/i, "no markup from data");
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /&lt;\/script&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.ok(html.length < 20_000, `a long line is cut in the logs (html ${html.length} chars)`);
    assert.match(String(bundle["text/plain"]), /job on the direct runner: 0 of 1 stage done/);
    assert.match(String(bundle["text/plain"]), /3 log lines: see result\.logs\(\)/);
  });

  test("links the engine's pages while they live, http(s) only; labels are text", () => {
    const p = new beam.Pipeline({ name: "spark" });
    p.apply("Words", beam.Create([1]));
    const job = new Job(p, "spark", startRun("x", null, false), [{ index: 0, kind: "read", steps: ["Words"] }]);
    job.setLinks([
      { label: "Spark UI <b>", href: "http://127.0.0.1:4040/jobs/?a=1&b=2", live: true },
      { label: "bad", href: "javascript:alert(1)", live: true },
      { label: "driver", href: "http://127.0.0.1:4041", live: false, note: "closed with the run" },
    ]);
    job.finish("DONE");
    assert.deepEqual(linkHref(job.snapshot().links![0]), "http://127.0.0.1:4040/jobs/?a=1&b=2");
    const bundle = jobBundle(job.snapshot());
    const html = String(bundle["text/html"]);
    assert.match(html, /<a href="http:\/\/127\.0\.0\.1:4040\/jobs\/\?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">Spark UI &lt;b&gt;<\/a>/);
    assert.doesNotMatch(html, /href="javascript/i, "only http(s) becomes a link");
    assert.match(html, /bad: javascript:alert\(1\)/);
    assert.match(html, /driver: http:\/\/127\.0\.0\.1:4041 \(closed with the run\)/);
    assert.match(String(bundle["text/plain"]), /^ {2}driver: http:\/\/127\.0\.0\.1:4041 \(closed with the run\)$/m);
  });
});
