/**
 * What grading found, as data: one {@link SubmissionGrade} per submission. The grader
 * (`grade.ts`) builds these; the reports (`grades.csv`, `grades.json`, Gradescope's
 * `results.json`, the feedback pages) are pure functions of them. Pure types.
 */

/** Why a question earned what it did, beyond its tests: the first problem wins. */
export type QuestionStatus =
  /** Its cells ran; its score is what its tests gave. */
  | "ok"
  /** A cell of the question ran past the per-cell or per-submission time limit. */
  | "timeout"
  /** A cell of the question allocated past the memory limit. */
  | "memory"
  /** A cell of the question ended the process (`process.exit`, a crash). */
  | "exited"
  /** The question's cell was not found in the submission. */
  | "missing";

/** One test's result. Hidden tests' `message` is for the instructor only (grades.json). */
export interface TestResult {
  /** `q1-public-1`, `q1-hidden-2` (see the manifest). */
  name: string;
  question: string;
  hidden: boolean;
  passed: boolean;
  points: number;
  maxPoints: number;
  /** "passed", or what failed: the error's message with its row diff (public tests show it to the student). */
  message: string;
}

/** A row diff cut to a few rows of each kind, for reports (records as shown, never markup). */
export interface StageRows {
  missing: unknown[];
  unexpected: unknown[];
  changed: Array<{ expected: unknown; actual: unknown; fields: string[] }>;
}

/** One labelled PCollection of the reference solution, compared with the submission's. */
export interface StageComparison {
  /** The top-level transform label in the reference (`Format dob`). */
  label: string;
  /** The reference's variable name for this PCollection, when it has one. */
  variable: string | null;
  /** How the submission's PCollection was found: by label, by variable name, or not at all. */
  foundBy: "label" | "variable" | null;
  /**
   * `match`: the same multiset; `differs`: rows lost, added or changed; `missing`: no PCollection of
   * that label or variable; `error`: the submission's could not be computed (its message in `note`).
   */
  status: "match" | "differs" | "missing" | "error";
  expectedCount: number;
  /** Null when missing or failed. */
  actualCount: number | null;
  /** Totals of the diff (all zero on a match). */
  missingRows: number;
  unexpectedRows: number;
  changedRows: number;
  /** Fields that differ among the changed rows, most frequent first. */
  changedFields: string[];
  /** A few rows of each kind, for the feedback page. */
  rows: StageRows | null;
  note: string | null;
}

/** One question of one submission. */
export interface QuestionGrade {
  id: string;
  points: number;
  maxPoints: number;
  status: QuestionStatus;
  /** What happened, for status other than ok: `cell 7 ran past 10 s`. */
  reason: string | null;
  tests: TestResult[];
  /** Stage by stage against the reference (empty for a question without labelled PCollections). */
  stages: StageComparison[];
  /** One sentence over the stages: "3 rows lost at `Filter active`; everything matches from `Dedup` on". */
  stageSummary: string | null;
}

/** One graded submission. */
export interface SubmissionGrade {
  /** The file name without `.ipynb`. */
  submission: string;
  /** The submission's path as given. */
  file: string;
  total: number;
  max: number;
  /**
   * `ok`, or the first problem: `timeout q2`, `memory q3`, `exited q1`, `damaged: q4 missing`,
   * `unreadable: <why>` (not a notebook: nothing was run).
   */
  status: string;
  /** Damage found in the notebook: `q4 missing`, `q2 appears 2 times (the last is graded)`, `cells reordered`. */
  damage: string[];
  questions: QuestionGrade[];
  /** Output of the student's cells, capped (for the instructor). */
  output: string;
  /** Wall time of grading this submission. */
  seconds: number;
}

/** A whole batch, as `grades.json` holds it. */
export interface GradeReport {
  format: "beamlab-grades";
  version: 1;
  assignment: string;
  /** Question ids and their points, in the assignment's order (the CSV's columns). */
  questions: Array<{ id: string; points: number }>;
  totalPoints: number;
  gradedAt: string;
  workers: number;
  submissions: SubmissionGrade[];
}
