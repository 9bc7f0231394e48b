/**
 * arquero verbs over the same files (the dataframe a TypeScript user would pick): fromCSV
 * without type inference (the course reads every field as text), derive with the course's
 * functions through `escape`, filter, groupby / count / rollup, unroll for the words.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aq from "arquero";
import { formatDob, splitInstructor } from "../../../course/pipelines";
import { INPUT, WORD_SPLIT, credits, line, orNull, type CaseName } from "../cases";
import { writeLines, type Engine } from "./engine";

type Row = Record<string, string | null>;
const read = (input: string, c: CaseName) => aq.fromCSV(fs.readFileSync(path.join(input, INPUT[c]), "utf8"), { autoType: false });
const lines = (t: aq.ColumnTable) => t.array("line") as string[];

export const arquero: Engine = {
  name: "arquero",
  async run(c, input, out) {
    if (c === "teacher") {
      const teachers = read(input, c).derive({
        name: aq.escape((d: Row) => splitInstructor(orNull(d.instructor))),
        dept: aq.escape((d: Row) => orNull(d.dept)),
      });
      const named = teachers.derive({ line: aq.escape((d: Row & { name: ReturnType<typeof splitInstructor> }) => line([orNull(d.tid), d.name.fname, d.name.lname, d.dept])) });
      writeLines(out, "teachers", lines(named));
      writeLines(out, "perDept", lines(teachers.groupby("dept").count().derive({ line: aq.escape((d: { dept: string | null; count: number }) => line([d.dept, d.count])) })));
    } else if (c === "student") {
      const students = read(input, c).derive({
        line: aq.escape((d: Row) => line([orNull(d.sid), orNull(d.fname), orNull(d.lname), formatDob(orNull(d.dob)), orNull(d.status)])),
      });
      writeLines(out, "students", lines(students));
    } else if (c === "class") {
      const rows = read(input, c).filter(aq.escape((d: Row) => orNull(d.cno) !== null));
      writeLines(out, "takes", lines(rows.filter(aq.escape((d: Row) => orNull(d.sid) !== null)).derive({ line: aq.escape((d: Row) => line([d.sid, d.cno, orNull(d.grade)])) })));
      const classes = rows
        .derive({ line: aq.escape((d: Row) => line([d.cno, orNull(d.cname), credits(d.credits)])) })
        .groupby("cno")
        .rollup({ line: aq.op.min("line") });
      writeLines(out, "classes", lines(classes));
    } else {
      const text = fs.readFileSync(path.join(input, INPUT.words), "utf8");
      const words = aq
        .table({ line: text.split("\n") })
        .derive({ word: aq.escape((d: { line: string }) => d.line.toLowerCase().split(WORD_SPLIT)) })
        .unroll("word")
        .filter((d: { word: string }) => d.word !== "")
        .groupby("word")
        .count();
      writeLines(out, "counts", lines(words.derive({ line: aq.escape((d: { word: string; count: number }) => line([d.word, d.count])) })));
    }
  },
};
