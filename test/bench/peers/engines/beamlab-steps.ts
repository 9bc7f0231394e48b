/**
 * The functions of the beamlab pipelines (engines/beamlab.ts), exported so that the local
 * runner's workers can require them: a function defined inline in a script that reads
 * that script's imports cannot move to a worker (see README, "What can move to a worker").
 */
import type { RefinedStudent, RefinedTeacher, StagingClass } from "../../../course/pipelines";
import { WORD_SPLIT, line } from "../cases";

export const teacherLine = (t: RefinedTeacher) => line([t.tid, t.fname, t.lname, t.dept]);
export const deptOf = (t: RefinedTeacher) => t.dept;
export const countLine = ([k, n]: [string | null, number]) => line([k, n]);
export const studentLine = (s: RefinedStudent) => line([s.sid, s.fname, s.lname, s.dob, s.status]);
export const hasCno = (r: StagingClass) => r.cno !== null && r.cno !== "";
export const hasSid = (r: StagingClass) => r.sid !== null && r.sid !== "";
export const takesLine = (r: StagingClass) => line([r.sid, r.cno, r.grade]);
export const keyedClassLine = (r: StagingClass): [string, string] => [r.cno as string, line([r.cno, r.cname, r.credits])];
export const smallest = ([, lines]: [string, string[]]) => lines.reduce((a, b) => (b < a ? b : a));
export const wordsOf = (l: string) => l.toLowerCase().split(WORD_SPLIT).filter((w) => w !== "");
