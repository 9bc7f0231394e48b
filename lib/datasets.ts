/**
 * The course's college data set at any size, for notebooks and scripts: the generator of
 * `datasets/generate.ts` (the same mess in the same proportions as the staging files,
 * deterministic for a seed), written to files.
 *
 * @example
 * const gen = beam.datasets.writeCollege("out/big", { rows: 3_000_000, tables: ["class"], eol: "\n" });
 * gen.files[0].path   // "out/big/class.csv"
 */
export { writeCollegeSync as writeCollege, COLLEGE_TABLES, type CollegeTable, type WriteCollegeOptions, type WriteCollegeResult, type WrittenFile } from "../datasets/generate";
