/**
 * Apache Beam's TypeScript SDK (npm `apache-beam`) on its own direct runner. Written as its
 * examples are: `beam.create` of the parsed rows (its text and CSV IO are cross-language
 * transforms that need a Python expansion service, which its direct runner cannot run, so
 * the file is read and parsed with csv-parse first, inside the timed run), map / flatMap /
 * filter, countPerElement and groupBy. The SDK serializes every function it runs; what a
 * function reads from outside is declared on its `__closure`, as the SDK's build-time
 * closure transform would do; the course's functions (which read module constants the
 * serializer cannot see) and the results pass through a global, which works because this
 * runner runs in this process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { formatDob, splitInstructor } from "../../../course/pipelines";
import { INPUT, WORD_SPLIT, credits, line, orNull, type CaseName } from "../cases";
import { writeLines, type Engine } from "./engine";

type Fn = ((...args: never[]) => unknown) & { __closure?: () => Record<string, unknown> };
/** `fn` named for the SDK (it cannot name a long lambda), with what it reads from outside for its serializer. */
function closing<F extends Fn>(name: string, fn: F, free: Record<string, unknown>): F {
  fn.__closure = () => free;
  return beam.withName(name, fn);
}

const HELPERS = { line, orNull, credits, splitInstructor, formatDob, WORD_SPLIT };
/** The helpers as a global: the functions the SDK rebuilds from source see globals only. */
declare const __peersH: typeof HELPERS;

/* eslint-disable @typescript-eslint/no-explicit-any */
let beam: any;
let runner: any;
let count: any;
const sinks = globalThis as unknown as { __peersSink: Record<string, string[]> };

const rowsOf = (input: string, c: CaseName): Record<string, string>[] => parse(fs.readFileSync(path.join(input, INPUT[c]), "utf8"), { columns: true });

/** A terminal map that hands each line to the named output. */
const into = (name: string) => closing(`Collect ${name}`, (l: string) => void (globalThis as any).__peersSink[name].push(l), { name });

export const npmBeam: Engine = {
  name: "apache-beam npm, direct runner",
  async load() {
    // The SDK's package exports are not all typed; what is used here is typed by use.
    const load = (m: string): Promise<any> => import(m);
    beam = await load("apache-beam");
    runner = (await load("apache-beam/runners/direct_runner")).directRunner;
    count = (await load("apache-beam/transforms/group_and_combine")).countPerElement;
  },
  async run(c, input, out) {
    const outputs: Record<string, string[]> = {};
    sinks.__peersSink = outputs;
    (globalThis as unknown as { __peersH: typeof HELPERS }).__peersH = HELPERS;
    const src = c === "words" ? fs.readFileSync(path.join(input, INPUT.words), "utf8").split("\n") : rowsOf(input, c);
    await runner().run((root: any) => {
      const rows = root.apply(beam.create(src));
      if (c === "teacher") {
        outputs.teachers = [];
        outputs.perDept = [];
        const teachers = rows.map(closing("Split instructor", (r: any) => ({ tid: __peersH.orNull(r.tid), dept: __peersH.orNull(r.dept), ...__peersH.splitInstructor(__peersH.orNull(r.instructor)) }), {}));
        teachers.map(closing("Format teacher", (t: any) => __peersH.line([t.tid, t.fname, t.lname, t.dept]), {})).map(into("teachers"));
        teachers
          .map(closing("Dept", (t: any) => t.dept ?? "\u0000null", {}))
          .apply(count())
          .map(closing("Format count", (kv: any) => __peersH.line([kv.element === "\u0000null" ? null : kv.element, kv.count]), {}))
          .map(into("perDept"));
      } else if (c === "student") {
        outputs.students = [];
        rows.map(closing("Format student", (r: any) => __peersH.line([__peersH.orNull(r.sid), __peersH.orNull(r.fname), __peersH.orNull(r.lname), __peersH.formatDob(__peersH.orNull(r.dob)), __peersH.orNull(r.status)]), {})).map(into("students"));
      } else if (c === "class") {
        outputs.takes = [];
        outputs.classes = [];
        const withCno = rows.flatMap(closing("With cno", (r: any) => (__peersH.orNull(r.cno) !== null ? [r] : []), {}));
        withCno
          .flatMap(closing("Enrolled", (r: any) => (__peersH.orNull(r.sid) !== null ? [r] : []), {}))
          .map(closing("Format takes", (r: any) => __peersH.line([r.sid, r.cno, __peersH.orNull(r.grade)]), {}))
          .map(into("takes"));
        withCno
          .map(closing("Key by cno", (r: any) => ({ cno: r.cno, line: __peersH.line([r.cno, __peersH.orNull(r.cname), __peersH.credits(r.credits)]) }), {}))
          .apply(beam.groupBy("cno"))
          .map(closing("Keep smallest", (kv: any) => [...kv.value].map((v: any) => v.line).reduce((a: string, b: string) => (b < a ? b : a)), {}))
          .map(into("classes"));
      } else {
        outputs.counts = [];
        rows
          .flatMap(closing("Words", (l: string) => l.toLowerCase().split(__peersH.WORD_SPLIT).filter((w: string) => w !== ""), {}))
          .apply(count())
          .map(closing("Format count", (kv: any) => __peersH.line([kv.element, kv.count]), {}))
          .map(into("counts"));
      }
    });
    for (const [k, lines] of Object.entries(outputs)) writeLines(out, k, lines);
  },
};
