"""beamlab's Spark driver: one pyspark SparkContext, driven by the Node runner through JSON
lines (commands on stdin, answers on fd 3, so nothing Spark prints can be mistaken for an
answer). It holds the run's PCollections as RDDs of opaque bytes and turns the runner's
stages into Spark jobs: element-wise stages as mapPartitionsWithIndex through each Python
worker's Node process, GroupByKey/CombinePerKey as Spark's shuffle (partitionBy on the
canonical key encoding), side inputs as broadcasts."""
import json
import os
import re
import struct
import sys
import time
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import beamlab_spark_worker as bw  # noqa: E402

from pyspark import SparkConf, SparkContext, StorageLevel  # noqa: E402

answers = os.fdopen(3, "w", buffering=1)
MARK_RE = re.compile(re.escape(bw.MARK) + r"([A-Za-z0-9+/=]+):END")


def answer(obj):
    answers.write(json.dumps(obj) + "\n")


def key_partition(key):
    # Stable across processes (Python's str hash is salted per process).
    return zlib.crc32(key.encode("utf-8"))


def read_frames(path):
    with open(path, "rb") as f:
        buf = f.read()
    out, at = [], 0
    while at + 4 <= len(buf):
        (length,) = struct.unpack_from(">I", buf, at)
        if length == 0:
            at += 4
            continue
        (tag_len,) = struct.unpack_from(">I", buf, at + 4)
        out.append(buf[at + 8 + tag_len : at + 4 + length])
        at += 4 + length
    return out


def write_frames(path, values):
    with open(path, "wb") as f:
        for v in values:
            f.write(struct.pack(">II", 4 + len(v), 0))
            f.write(v)


def main():
    start = json.loads(sys.stdin.readline())
    conf = SparkConf().setMaster(start["master"]).setAppName(start["name"])
    for k, v in start["conf"].items():
        conf.set(k, v)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    sc.addPyFile(bw.__file__)
    node, script = start["node"], start["executor"]
    rdds = {}
    answer({"ok": True, "parallelism": sc.defaultParallelism, "ui": sc.uiWebUrl, "app": sc.applicationId})

    groups = iter(range(1 << 30))

    def materialize(out):
        """Runs the job that computes `out` (kept for the stages that read it) and returns its partitions' meta."""
        out.persist(StorageLevel.MEMORY_AND_DISK)
        status = sc.statusTracker()
        group = "beamlab-%d" % next(groups)
        sc.setJobGroup(group, "a beamlab stage")
        meta = out.filter(lambda r: r[0] == "#meta").map(lambda r: r[1].decode("utf-8")).collect()
        jobs = status.getJobIdsForGroup(group)
        stages = []
        for j in jobs:
            info = status.getJobInfo(j)
            for s in info.stageIds if info else []:
                si = status.getStageInfo(s)
                stages.append({"id": s, "tasks": si.numTasks if si else 0})
        return with_executors(meta, [s["id"] for s in stages]), stages

    def with_executors(meta, stage_ids):
        """Each partition's report with the Spark executor that ran its task, from the driver's own status API."""
        reports = [json.loads(m) for m in meta]
        wanted = {r["task"] for r in reports if "task" in r}
        found = {}
        ui = sc.uiWebUrl
        # The status store is fed by Spark's listener bus, a moment after the job's end: ask again briefly.
        for _ in range(30):
            if not ui or wanted <= found.keys():
                break
            for s in stage_ids:
                try:
                    with urllib.request.urlopen("%s/api/v1/applications/%s/stages/%d?details=true" % (ui, sc.applicationId, s), timeout=5) as r:
                        for attempt in json.load(r):
                            for t in (attempt.get("tasks") or {}).values():
                                found[t["taskId"]] = t.get("executorId")
                except Exception:  # noqa: BLE001 - without the UI the reports just lack the executor
                    pass
            if not wanted <= found.keys():
                time.sleep(0.1)
        for r in reports:
            r["executor"] = found.get(r.get("task"))
        return [json.dumps(r) for r in reports]

    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        try:
            if op == "stop":
                break
            if op == "parallelize":
                rdds[cmd["id"]] = sc.parallelize(read_frames(cmd["file"]), cmd["partitions"])
                answer({"ok": True})
            elif op == "collect":
                write_frames(cmd["file"], rdds[cmd["id"]].collect())
                answer({"ok": True})
            elif op == "drop":
                rdd = rdds.pop(cmd["id"], None)
                if rdd is not None:
                    rdd.unpersist()
                answer({"ok": True})
            elif op == "stage":
                headers = [h.encode("utf-8") for h in cmd["headers"]]
                sides = {s: rdds[s].collect() for s in cmd["sides"]}
                side_b = sc.broadcast(sides)
                parts = [rdds[i].map(lambda b, i=i: (i, b)) for i in cmd["inputs"]]
                if cmd["reads"]:
                    parts.append(sc.parallelize([], cmd["reads"]).map(lambda b: ("", b)))
                union = parts[0] if len(parts) == 1 else sc.union(parts)

                def run(index, it, headers=headers, side_b=side_b):
                    def records():
                        for s, values in side_b.value.items():
                            for v in values:
                                yield s + "#side", v
                        for r in it:
                            yield r
                    return bw.run_partition(node, script, headers[index], records())

                out = union.mapPartitionsWithIndex(run)
                meta, stages = materialize(out)
                side_b.unpersist()
                for o in cmd["outputs"]:
                    rdds[o] = out.filter(lambda r, o=o: r[0] == o).map(lambda r: r[1])
                answer({"ok": True, "meta": meta, "stages": stages})
            elif op == "shuffle":
                cut_h, gather_h = cmd["cut"].encode("utf-8"), cmd["gather"].encode("utf-8")
                n = cmd["partitions"]

                def cut(index, it, h=cut_h):
                    at = struct.pack(">I", index)
                    return ((r[0], at + r[1]) for r in bw.run_partition(node, script, h, (("", b) for b in it)) if r[0] != "#meta")

                def gather(it, h=gather_h):
                    return bw.run_partition(node, script, h, it)

                out = rdds[cmd["input"]].mapPartitionsWithIndex(cut).partitionBy(n, key_partition).mapPartitions(gather)
                meta, stages = materialize(out)
                rdds[cmd["output"]] = out.filter(lambda r: r[0] != "#meta").map(lambda r: r[1])
                answer({"ok": True, "meta": meta, "stages": stages})
            else:
                answer({"ok": False, "failure": None, "message": "unknown command " + op})
        except Exception as e:  # noqa: BLE001 - every failure goes back to the runner as data
            text = str(e)
            m = MARK_RE.search(text)
            if m:
                import base64
                answer({"ok": False, "failure": json.loads(base64.b64decode(m.group(1)).decode("utf-8"))})
            else:
                lines = [l for l in text.splitlines() if l.strip()]
                answer({"ok": False, "failure": None, "message": (lines[0] if lines else type(e).__name__)[:500]})
    sc.stop()


if __name__ == "__main__":
    main()
