// Small source notebooks for the authoring tests, and the fixture assignment's paths.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Notebook } from "../../lib/grading/notebook";
import { tslabNotebook } from "../notebook";

/** Compiled to dist/test/grading/: the repository root is three levels up. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");
/** The fixture assignment: a source notebook with a `hidden/` data folder. */
export const FIXTURE_DIR = path.join(ROOT, "test", "grading", "fixtures", "a0-words");
export const FIXTURE = path.join(FIXTURE_DIR, "a0-words.ipynb");

/** Distinctive strings of the fixture that must never reach the student notebook. */
export const SECRETS = ["SECRET_SOLUTION_Q1_BLOCK", "SECRET_SOLUTION_Q1_PRINT", "SECRET_SOLUTION_Q2_LINE", "new Set(lower)", "toUpperCase", "HIDDEN_TEST_Q1_MARKER", "HIDDEN_TEST_Q2_MARKER", "HIDDEN_DATA_MARKER", "hidden_data"];

/** A notebook of code cells (strings) and markdown cells (["markdown", text]). */
export const sourceNotebook = tslabNotebook;

/** The fixture's source notebook, parsed. */
export function fixtureNotebook(): Notebook {
  return JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Notebook;
}
