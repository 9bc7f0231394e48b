// The step-through demo notebooks (notebooks/demos/), executed with the real tslab kernel
// through `beamlab run` against a fresh warehouse, plus a notebook of hostile strings; then
// their players' payloads, their static frames as `jupyter nbconvert --to html` renders
// them (every step there, every value escaped), and `beamlab slides` on them.
//
// The notebooks are copied into <repo>/test-artifacts/demos-run/notebooks/demos/ (inside the
// repository, so that `import * as beam from "beamlab"` resolves).
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { StepThroughPayload } from "../../lib/teaching/protocol";

const ROOT = fs.existsSync(path.resolve(__dirname, "..", "..", "..", "package.json")) ? path.resolve(__dirname, "..", "..", "..") : path.resolve(__dirname, "..", "..");
const RUN = path.join(ROOT, "test-artifacts", "demos-run");
const COPY = path.join(RUN, "notebooks", "demos");
const EXECUTED = path.join(RUN, "executed");
const STEPTHROUGH_MIME = "application/vnd.beamlab.stepthrough.v1+json";
const DEMOS = ["student-step-through", "class-step-through"];
const HOSTILE = `<img src=x onerror=alert(1)>`;
const SCRIPT = `</script><script>alert(2)</script>`;

type Output = { output_type: string; text?: string | string[]; data?: Record<string, unknown> };
type Cell = { cell_type: string; source: string | string[]; outputs?: Output[] };
type Notebook = { cells: Cell[] };

let tmp = "";
let run: { status: number | null; output: string } | null = null;
const executed = new Map<string, Notebook>();
const joined = (t: unknown): string => (Array.isArray(t) ? t.join("") : String(t ?? ""));

/** A notebook whose data and labels are hostile: they must show as text everywhere. */
function hostileNotebook(): string {
  const code = [
    `import * as beam from "beamlab";`,
    `const p = new beam.Pipeline({ name: "hostile" });`,
    `const rows = p.apply("Create ${HOSTILE.replace(/"/g, "'")}", beam.Create([{ name: ${JSON.stringify(HOSTILE)}, note: ${JSON.stringify(SCRIPT)}, n: 1 }, { name: "ok", note: "fine", n: 2 }]));`,
    `const shouted = rows.apply("Shout", beam.Map((r: { name: string; note: string; n: number }) => ({ ...r, name: r.name + "!" })));`,
    `const kept = shouted.apply("Keep n > 1", beam.Filter((r: { n: number }) => r.n > 1));`,
    `await beam.stepThrough(p);`,
  ];
  const cells = code.map((src, i) => ({ cell_type: "code", id: `h${i}`, metadata: {}, execution_count: null, outputs: [], source: src }));
  return JSON.stringify({ cells, metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } }, nbformat: 4, nbformat_minor: 5 });
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-demos-"));
  const warehouse = path.join(tmp, "warehouse.duckdb");
  const load = spawnSync(process.execPath, [path.join(ROOT, "dist", "datasets", "load.js"), "--warehouse", warehouse], { cwd: ROOT, encoding: "utf8" });
  assert.equal(load.status, 0, `the college data loads: ${load.stderr}`);
  fs.rmSync(RUN, { recursive: true, force: true });
  fs.mkdirSync(COPY, { recursive: true });
  for (const n of DEMOS) fs.copyFileSync(path.join(ROOT, "notebooks", "demos", `${n}.ipynb`), path.join(COPY, `${n}.ipynb`));
  fs.writeFileSync(path.join(COPY, "hostile.ipynb"), hostileNotebook());
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, "bin", "beamlab.js"), "run", "--out", EXECUTED, "--timeout", "120", ...[...DEMOS, "hostile"].map((n) => path.join(COPY, `${n}.ipynb`))],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, BEAMLAB_WAREHOUSE: warehouse }, timeout: 600_000 },
  );
  run = { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  for (const n of [...DEMOS, "hostile"]) {
    const file = path.join(EXECUTED, `${n}.ipynb`);
    if (fs.existsSync(file)) executed.set(n, JSON.parse(fs.readFileSync(file, "utf8")) as Notebook);
  }
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function player(name: string): { payload: StepThroughPayload; html: string } {
  const nb = executed.get(name);
  assert.ok(nb, `${name} was executed (${run?.output.slice(-3000)})`);
  for (const c of nb.cells) for (const o of c.outputs ?? []) if (o.data?.[STEPTHROUGH_MIME]) return { payload: o.data[STEPTHROUGH_MIME] as StepThroughPayload, html: joined(o.data["text/html"]) };
  throw new Error(`${name} has no step-through output`);
}

function nbconvert(name: string): string {
  const outDir = path.join(RUN, "html");
  const r = spawnSync(path.join(ROOT, ".venv", "bin", "jupyter"), ["nbconvert", "--to", "html", "--output-dir", outDir, path.join(EXECUTED, `${name}.ipynb`)], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `nbconvert runs: ${r.stderr}`);
  return fs.readFileSync(path.join(outDir, `${name}.html`), "utf8");
}

/** The step frames of an nbconvert page (its own template scripts are outside them). */
function framesOf(page: string): string[] {
  return page.split(`<section class="beamlab-step"`).slice(1).map((f) => f.slice(0, f.indexOf("</section>")));
}

test("the demos and the hostile notebook run top to bottom with beamlab run", () => {
  assert.equal(run?.status, 0, `beamlab run exits 0:\n${run?.output.slice(-4000)}`);
  for (const n of [...DEMOS, "hostile"]) assert.match(run!.output, new RegExp(`${n}\\.ipynb: ok`));
});

test("student demo: four steps, the dob pairs, a Filter's drops, kev18 traced to its raw row", () => {
  const { payload } = player("student-step-through");
  assert.deepEqual(payload.steps.map((s) => s.label), ["Read student", "Format dob", "Birth year", "Born 2000 or later"]);
  const format = payload.steps[1];
  assert.equal(format.codeTitle, "FormatDobFn.process");
  const kev = format.pairs[0].rows.find((r) => (r.before as Record<string, unknown>).sid === "kev18")!;
  assert.deepEqual([(kev.before as Record<string, unknown>).dob, (kev.after as Record<string, unknown>).dob], ["May-10-1999", "1999-05-10"]);
  assert.equal(payload.steps[3].pairs[0].counts.dropped, 4);
  const nb = executed.get("student-step-through")!;
  const trace = nb.cells.find((c) => joined(c.source).includes("beam.lineage(students"))!;
  assert.match(joined(trace.outputs?.map((o) => joined(o.text ?? o.data?.["text/plain"])).join("\n")), /May-10-1999/);
});

test("class demo: the dedup's groups, the CoGroupByKey's sides and inner steps, CS327E back to its 3 enrolment rows", () => {
  const { payload } = player("class-step-through");
  const byLabel = new Map(payload.steps.map((s) => [s.fullLabel, s]));
  const group = byLabel.get("Group by cno")!;
  assert.equal(group.outputs[0].count, 6);
  assert.equal(group.formation.reduce((n, f) => n + f.from[0].total, 0), 11, "every keyed record went into one group");
  const join = byLabel.get("Join classes and takes")!;
  assert.equal(join.kind, "CoGroupByKey");
  assert.deepEqual(join.inputs.map((i) => i.role), ["classes", "takes"]);
  assert.ok(join.children.length >= 4);
  assert.ok(join.children.every((id) => payload.steps.some((s) => s.id === id && s.parent === join.id)));
  const nb = executed.get("class-step-through")!;
  const cs = nb.cells.find((c) => joined(c.source).includes('c.cno === "CS327E"'))!;
  assert.match(joined(cs.outputs?.map((o) => joined(o.text ?? o.data?.["text/plain"])).join("\n")), /\b3\b/);
});

test("nbconvert --to html shows every step of every demo as a frame", () => {
  for (const n of DEMOS) {
    const { payload } = player(n);
    const page = nbconvert(n);
    const frames = framesOf(page);
    assert.equal(frames.length, payload.steps.length, `${n}: one frame per step`);
    payload.steps.forEach((s, k) => {
      assert.ok(frames[k].includes(`Step ${k + 1} of ${payload.steps.length}: ${s.fullLabel}`), `${n}: frame ${k + 1} is ${s.fullLabel}`);
      assert.ok(frames[k].includes("<svg"), `${n}: frame ${k + 1} has the graph`);
      assert.ok(frames[k].includes('class="beamlab-current"'), `${n}: frame ${k + 1} highlights its step`);
    });
  }
});

test("nbconvert: hostile values and labels are escaped in every frame, no script", () => {
  const page = nbconvert("hostile");
  const frames = framesOf(page);
  assert.equal(frames.length, 3);
  for (const f of frames) {
    assert.equal(/<script/i.test(f), false);
    assert.equal(f.includes("<img src=x"), false);
    assert.equal(/\son\w+=/.test(f.replace(/&[a-z]+;|&#\d+;/g, "")) && f.includes("<img"), false);
  }
  assert.ok(frames[0].includes("&lt;img src=x onerror=alert(1)&gt;"), "the hostile value shows as text");
  assert.ok(page.includes("&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"));
});

test("beamlab slides writes one slide per step with a CSP and no external reference; a notebook without players is refused", () => {
  const deck = path.join(RUN, "class-deck.html");
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "slides", path.join(EXECUTED, "class-step-through.ipynb"), "--out", deck], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const { payload } = player("class-step-through");
  assert.match(r.stdout, new RegExp(`${payload.steps.length} steps from 1 player`));
  const html = fs.readFileSync(deck, "utf8");
  assert.equal((html.match(/<section class="slide/g) ?? []).length, payload.steps.length + 1, "a title slide and one per step");
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.equal(/\b(src|href)\s*=\s*"(https?:)?\/\//i.test(html), false, "no external reference");
  const none = spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "slides", path.join(ROOT, "notebooks", "01-hello-world.ipynb"), "--out", path.join(RUN, "none.html")], { cwd: ROOT, encoding: "utf8" });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /has no step-through output: add a cell with await beam.stepThrough\(p\) and run the notebook/);
  const bad = spawnSync(process.execPath, [path.join(ROOT, "bin", "beamlab.js"), "slides", deck], { cwd: ROOT, encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /needs --out deck.html/);
});
