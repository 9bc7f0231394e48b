/**
 * beam.grader: what a student runs in an assignment notebook to see how their answers do
 * against its public tests before handing it in.
 *
 * @example
 * await beam.grader.check("q1");   // q1's public tests, and how many hidden tests grading adds
 * await beam.grader.checkAll();    // every question, as a table
 */
export { check, checkAll, type CheckOptions, type CheckResult, type PublicTestResult } from "./check";
