"""The Spark (Python worker) side of beamlab's Spark runner: hands a partition to a Node
process this Python worker keeps for every task it runs (pyspark reuses Python workers),
as framed records, and yields what it answers. A failure it reports is raised with its
plain-data description behind a marker, so the driver can give the student beamlab's error
instead of Spark's stack traces."""
import base64
import json
import os
import struct
import subprocess

_node = None
MARK = "BEAMLAB_FAILURE:"


def _executor(node, script):
    global _node
    if _node is None or _node.poll() is not None:
        _node = subprocess.Popen([node, script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 16)
    return _node


def _frame(tag, data):
    t = tag.encode("utf-8")
    return struct.pack(">II", 4 + len(t) + len(data), len(t)) + t + data


def _read_exact(f, n):
    buf = f.read(n)
    if buf is None or len(buf) < n:
        raise RuntimeError(MARK + base64.b64encode(b'{"headline":"A Spark worker\'s Node process stopped","label":null,"element":null,"hint":"see the executor\'s log (stderr); run again.","cause":null,"logs":[],"cancelled":false}').decode() + ":END")
    return buf


def run_partition(node, script, header, records):
    """Sends one partition (an iterator of (tag, bytes)) and yields the (tag, bytes) records answered."""
    p = _executor(node, script)
    w = p.stdin
    w.write(_frame("#header", header))
    for tag, data in records:
        w.write(_frame(tag, data))
    w.write(b"\0\0\0\0")
    w.flush()
    r = p.stdout
    while True:
        (length,) = struct.unpack(">I", _read_exact(r, 4))
        if length == 0:
            return
        body = _read_exact(r, length)
        (tag_len,) = struct.unpack(">I", body[:4])
        tag = body[4 : 4 + tag_len].decode("utf-8")
        data = body[4 + tag_len :]
        if tag == "#failed":
            # Read to the batch's end so the process is ready for the next task, then fail this one.
            _read_exact(r, 4)
            raise RuntimeError(MARK + base64.b64encode(data).decode() + ":END")
        if tag == "#meta":
            data = _with_task(data)
        yield tag, data


def _with_task(meta):
    """The partition's report, with the id of the Spark task that made it (the driver maps it to its executor)."""
    from pyspark import TaskContext

    tc = TaskContext.get()
    if tc is None:
        return meta
    m = json.loads(meta)
    m["task"] = tc.taskAttemptId()
    return json.dumps(m).encode("utf-8")
