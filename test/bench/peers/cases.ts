/**
 * The benchmark's cases (the course's teacher, student and class pipelines and a word
 * count), what each reads and what each writes, in one canonical form every engine
 * produces: one JSON array per line (`["t1","Ann","Lee","CS"]`, null for a missing
 * value), compared as sorted multisets. Every engine implements the same logic:
 * - teacher: split `instructor` into fname/lname (the course's rule, splitInstructor);
 *   outputs `teachers` [tid, fname, lname, dept] and `perDept` [dept, count];
 * - student: rewrite `dob` as YYYY-MM-DD (formatDob); output `students` [sid, fname, lname, dob, status];
 * - class: rows with a cno; `takes` [sid, cno, grade] for rows with a sid, and one
 *   `classes` [cno, cname, credits] per cno: the smallest of its lines (the course keeps
 *   "the first", which depends on the order an engine reads in; the smallest does not);
 * - words: lower-cased words (runs of [a-z0-9]) of each line; output `counts` [word, count].
 */
export const CASES = ["teacher", "student", "class", "words"] as const;
export type CaseName = (typeof CASES)[number];

/** The outputs each case writes, by name. */
export const OUTPUTS: Record<CaseName, readonly string[]> = {
  teacher: ["teachers", "perDept"],
  student: ["students"],
  class: ["takes", "classes"],
  words: ["counts"],
};

/** The input file each case reads (under the data directory). */
export const INPUT: Record<CaseName, string> = {
  teacher: "teacher.csv",
  student: "student.csv",
  class: "class.csv",
  words: "words.txt",
};

/** What a case produced: its outputs' lines, in any order. */
export type CaseOutput = Record<string, string[]>;

/** A word count's split, the same regular expression in every engine. */
export const WORD_SPLIT = /[^a-z0-9]+/;

/** The canonical line of a record's values. */
export const line = (values: readonly (string | number | null)[]): string => JSON.stringify(values);

/** Empty CSV fields are missing values. */
export const orNull = (s: string | null | undefined): string | null => (s === undefined || s === null || s === "" ? null : s);

/** A credits field as a number (null when empty or not a number), as ReadFromCsv's INTEGER does. */
export function credits(s: string | number | null | undefined): number | null {
  if (s === null || s === undefined || s === "") return null;
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
}

/** Byte order of UTF-8, which is code-point order: what DuckDB and Python sort by too. */
export function sortLines(lines: string[]): string[] {
  return lines.map((l) => Buffer.from(l)).sort(Buffer.compare).map((b) => b.toString());
}
