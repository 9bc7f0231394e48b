"""Apache Beam Python over the benchmark's cases (see cases.ts), for test/bench/peers.

    python beam_python.py RUNNER CASE INPUT_DIR OUT_DIR RUNS BUDGET_MS [PRISM_BINARY]

RUNNER is direct (the FnApiRunner, what the DirectRunner runs a batch pipeline on and what a
notebook uses), prism (the PrismRunner on the given binary) or interactive (the
InteractiveRunner, whose outputs are fetched with ib.collect). The pipelines are written
as Beam Python's examples are: ReadFromText + csv, Map / FlatMap / Filter, Count and
CombinePerKey, WriteToText. Prints one JSON line per run and a last one with the start-up,
the run times in ms and the peak RSS, like child.ts.
"""
import csv
import json
import logging
import os
import re
import resource
import shutil
import sys
import time

T0 = time.perf_counter()
logging.disable(logging.WARNING)

import apache_beam as beam  # noqa: E402
from apache_beam.options.pipeline_options import PipelineOptions  # noqa: E402

MONTHS = {m: f"{i + 1:02d}" for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])}
WORD_SPLIT = re.compile(r"[^a-z0-9]+")
INPUT = {"teacher": "teacher.csv", "student": "student.csv", "class": "class.csv", "words": "words.txt"}


def line(values):
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


def or_null(s):
    return None if s is None or s == "" else s


def credits(s):
    if s is None or s == "":
        return None
    try:
        f = float(s)
    except ValueError:
        return None
    return int(f) if f.is_integer() else f


def split_instructor(instructor):
    """The course's name split (splitInstructor in test/course/pipelines.ts)."""
    if instructor is None:
        return None, None
    name = instructor.strip()
    comma = name.find(",")
    if comma >= 0:
        return name[comma + 1:].strip(), name[:comma].strip()
    space = name.find(" ")
    if space < 0:
        return name, None
    return name[:space], name[space + 1:].strip()


def format_dob(dob):
    """The course's date rewrite (formatDob)."""
    if dob is None:
        return None
    s = dob.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return s
    us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
    if us:
        return f"{us[3]}-{us[1].zfill(2)}-{us[2].zfill(2)}"
    named = re.fullmatch(r"([A-Za-z]{3})-(\d{1,2})-(\d{4})", s)
    month = named and MONTHS.get(named[1][0].upper() + named[1][1:].lower())
    if named and month:
        return f"{named[3]}-{month}-{named[2].zfill(2)}"
    return dob


def parse_csv(text_line):
    return next(csv.reader([text_line]))


def teacher_record(text_line):
    tid, instructor, dept = parse_csv(text_line)
    fname, lname = split_instructor(or_null(instructor))
    return (or_null(tid), fname, lname, or_null(dept))


def student_line(text_line):
    sid, fname, lname, dob, status = parse_csv(text_line)
    return line([or_null(sid), or_null(fname), or_null(lname), format_dob(or_null(dob)), or_null(status)])


def class_record(text_line):
    sid, cno, cname, cr, grade = parse_csv(text_line)
    return (or_null(sid), or_null(cno), or_null(cname), credits(cr), or_null(grade))


def build(p, case, input_dir):
    """The case's outputs as PCollections of canonical lines, by name."""
    path = os.path.join(input_dir, INPUT[case])
    if case == "words":
        text = p | "Read lines" >> beam.io.ReadFromText(path)
        counts = (text | "Words" >> beam.FlatMap(lambda l: [w for w in WORD_SPLIT.split(l.lower()) if w])
                  | "Count words" >> beam.combiners.Count.PerElement()
                  | "Format count" >> beam.MapTuple(lambda w, n: line([w, n])))
        return {"counts": counts}
    rows = p | f"Read {case}" >> beam.io.ReadFromText(path, skip_header_lines=1)
    if case == "teacher":
        teachers = rows | "Split instructor" >> beam.Map(teacher_record)
        per_dept = (teachers | "Dept" >> beam.Map(lambda t: t[3])
                    | "Count per dept" >> beam.combiners.Count.PerElement()
                    | "Format count" >> beam.MapTuple(lambda d, n: line([d, n])))
        return {"teachers": teachers | "Format teacher" >> beam.Map(lambda t: line(list(t))), "perDept": per_dept}
    if case == "student":
        return {"students": rows | "Format dob" >> beam.Map(student_line)}
    records = rows | "Parse" >> beam.Map(class_record) | "With cno" >> beam.Filter(lambda r: r[1] is not None)
    takes = (records | "Enrolled" >> beam.Filter(lambda r: r[0] is not None)
             | "Format takes" >> beam.Map(lambda r: line([r[0], r[1], r[4]])))
    classes = (records | "Key by cno" >> beam.Map(lambda r: (r[1], line([r[1], r[2], r[3]])))
               | "Keep smallest" >> beam.CombinePerKey(min)
               | "Drop key" >> beam.Values())
    return {"takes": takes, "classes": classes}


def run_once(runner, case, input_dir, out, prism):
    if runner == "interactive":
        from apache_beam.runners.interactive import interactive_beam as ib
        from apache_beam.runners.interactive.interactive_runner import InteractiveRunner
        p = beam.Pipeline(InteractiveRunner())
        for name, pc in build(p, case, input_dir).items():
            frame = ib.collect(pc)
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                for value in frame.iloc[:, 0]:
                    f.write(value + "\n")
        return
    if runner == "prism":
        options = PipelineOptions(runner="PrismRunner", prism_location=prism, environment_type="LOOPBACK")
        p = beam.Pipeline(options=options)
    else:
        from apache_beam.runners.portability.fn_api_runner import FnApiRunner
        p = beam.Pipeline(runner=FnApiRunner())
    for name, pc in build(p, case, input_dir).items():
        pc | f"Write {name}" >> beam.io.WriteToText(os.path.join(out, name))
    p.run().wait_until_finish()


def main():
    runner, case, input_dir, out, runs, budget = sys.argv[1:7]
    prism = sys.argv[7] if len(sys.argv) > 7 else None
    if runner == "interactive":
        from apache_beam.runners.interactive import interactive_beam  # noqa: F401  (its start-up counts)
    startup_ms = (time.perf_counter() - T0) * 1000
    times = []
    for i in range(int(runs)):
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        t = time.perf_counter()
        run_once(runner, case, input_dir, out, prism)
        times.append((time.perf_counter() - t) * 1000)
        print(json.dumps({"run": i, "ms": times[-1]}), flush=True)
        if sum(times) > float(budget):
            break
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"startupMs": startup_ms, "runs": times, "maxRssMiB": rss / 1024}), flush=True)


if __name__ == "__main__":
    main()
