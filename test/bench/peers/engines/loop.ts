/**
 * The floor: a hand-written TypeScript loop doing each case's work, as a good engineer
 * would write it without a framework (csv-parse for the CSV, Maps for the groups).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { formatDob, splitInstructor } from "../../../course/pipelines";
import { INPUT, WORD_SPLIT, credits, line, orNull, type CaseName } from "../cases";
import { writeLines, type Engine } from "./engine";

const rowsOf = (input: string, c: CaseName): Record<string, string>[] => parse(fs.readFileSync(path.join(input, INPUT[c]), "utf8"), { columns: true });

function count<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export const loop: Engine = {
  name: "TypeScript loop",
  async run(c, input, out) {
    if (c === "teacher") {
      const teachers: string[] = [];
      const perDept = new Map<string | null, number>();
      for (const r of rowsOf(input, c)) {
        const dept = orNull(r.dept);
        const { fname, lname } = splitInstructor(orNull(r.instructor));
        teachers.push(line([orNull(r.tid), fname, lname, dept]));
        count(perDept, dept);
      }
      writeLines(out, "teachers", teachers);
      writeLines(out, "perDept", [...perDept].map(([d, n]) => line([d, n])));
    } else if (c === "student") {
      const students: string[] = [];
      for (const r of rowsOf(input, c)) students.push(line([orNull(r.sid), orNull(r.fname), orNull(r.lname), formatDob(orNull(r.dob)), orNull(r.status)]));
      writeLines(out, "students", students);
    } else if (c === "class") {
      const takes: string[] = [];
      const classes = new Map<string, string>();
      for (const r of rowsOf(input, c)) {
        const cno = orNull(r.cno);
        if (cno === null) continue;
        const sid = orNull(r.sid);
        if (sid !== null) takes.push(line([sid, cno, orNull(r.grade)]));
        const rec = line([cno, orNull(r.cname), credits(r.credits)]);
        const had = classes.get(cno);
        if (had === undefined || rec < had) classes.set(cno, rec);
      }
      writeLines(out, "takes", takes);
      writeLines(out, "classes", [...classes.values()]);
    } else {
      const counts = new Map<string, number>();
      for (const l of fs.readFileSync(path.join(input, INPUT.words), "utf8").split("\n")) {
        for (const w of l.toLowerCase().split(WORD_SPLIT)) if (w !== "") count(counts, w);
      }
      writeLines(out, "counts", [...counts].map(([w, n]) => line([w, n])));
    }
  },
};
