"""Drives a real tslab kernel through jupyter_client for the kernel tests.

Usage: kernel_probe.py WORKDIR
Runs a long pipeline, interrupts it, checks the kernel still answers, and records the
iopub messages of a slow show (progress displays and in-place updates). Prints one JSON
object with what it saw.
"""
import json
import os
import sys
import time

import threading

from jupyter_client.manager import KernelManager

workdir = sys.argv[1]
km = KernelManager(kernel_name="tslab")
km.start_kernel(cwd=workdir, stderr=open(workdir + "/kernel-stderr.txt", "w"))
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
seen = {}


def stream_text(msgs, name):
    return "".join(m["content"].get("text", "") for m in msgs if m["type"] == "stream" and m["content"].get("name") == name)


def progress_of(msgs):
    return [
        {"type": m["type"], "display_id": m["content"].get("transient", {}).get("display_id"),
         "payload": m["content"]["data"]["application/vnd.beamlab.progress.v1+json"], "text": m["content"]["data"].get("text/plain")}
        for m in msgs if m["type"] in ("display_data", "update_display_data") and "application/vnd.beamlab.progress.v1+json" in m["content"].get("data", {})
    ]


def run(code, timeout=120, interrupt_after=None):
    msg_id = kc.execute(code)
    msgs = []
    start = time.time()
    if interrupt_after is not None:
        threading.Timer(interrupt_after, km.interrupt_kernel).start()
    while True:
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:
            if time.time() - start > timeout:
                raise
            continue
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append({"type": m["msg_type"], "content": m["content"]})
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]["status"], msgs, time.time() - start


try:
    status, _, _ = run('import * as beam from "beamlab";')
    seen["import"] = status
    slow = """
const p = new beam.Pipeline();
const slow = p.apply("Create", beam.Create(Array.from({ length: 400000 }, (_, i) => i)))
  .apply("Slow", beam.Map((n: number) => { let x = n; for (let i = 0; i < 2000; i++) x = (x * 31 + i) % 1000003; return x; }));
await beam.show(slow, { n: 5 });
"""
    status, msgs, took = run(slow, interrupt_after=2.5)
    seen["interrupted"] = {"status": status, "seconds": took, "types": [m["type"] for m in msgs], "stderr": stream_text(msgs, "stderr")}
    time.sleep(0.5)
    status, msgs, _ = run("const two: number = 1 + 1; console.log(two);")
    seen["alive"] = km.is_alive()
    seen["after"] = {"status": status, "stdout": "".join(m["content"].get("text", "") for m in msgs if m["type"] == "stream")}
    # A whole run interrupted while its last steps run: the steps before the GroupByKey have finished.
    time.sleep(0.5)
    run_code = """
let keyCalls = 0;
const pi = new beam.Pipeline();
const keyed = pi.apply("Create", beam.Create(Array.from({ length: 200000 }, (_, i) => i)))
  .apply("Key", beam.Map((n: number): [number, number] => { keyCalls++; return [n % 1000, n]; }));
const sums = keyed.apply("Group", beam.GroupByKey())
  .apply("Slow sums", beam.Map(([k, vs]: [number, number[]]) => { let x = k; for (const v of vs) for (let i = 0; i < 20000; i++) x = (x * 31 + v + i) % 1000003; return x; }));
"""
    run(run_code)
    time.sleep(0.3)
    status, msgs, took = run("await pi.run();", interrupt_after=3)
    seen["interrupted_run"] = {"status": status, "seconds": took, "stderr": stream_text(msgs, "stderr"), "progress": progress_of(msgs)}
    time.sleep(0.5)
    status, msgs, _ = run("await beam.show(keyed, { n: 2 });\nconsole.log(`key calls: ${keyCalls}`);")
    seen["after_interrupted_run"] = {"status": status, "stdout": stream_text(msgs, "stdout"), "stderr": stream_text(msgs, "stderr"), "progress": progress_of(msgs)}
    progress = """
const p2 = new beam.Pipeline();
const medium = p2.apply("Create", beam.Create(Array.from({ length: 150000 }, (_, i) => i)))
  .apply("Medium", beam.Map((n: number) => { let x = n; for (let i = 0; i < 2000; i++) x = (x * 31 + i) % 1000003; return x; }));
await beam.show(medium, { n: 3 });
"""
    status, msgs, took = run(progress)
    seen["progress"] = {
        "status": status,
        "seconds": took,
        "messages": [
            {"type": m["type"], "mimes": sorted(m["content"].get("data", {}).keys()), "display_id": m["content"].get("transient", {}).get("display_id"),
             "state": m["content"].get("data", {}).get("application/vnd.beamlab.progress.v1+json", {}).get("state")}
            for m in msgs if m["type"] in ("display_data", "update_display_data")
        ],
    }
    # The extension's own request code (from protocol.ts, passed in by the test).
    time.sleep(0.5)
    status, msgs, _ = run('const p3 = new beam.Pipeline();\nconst few = p3.apply("Create", beam.Create([10, 20, 30, 40]));\nawait beam.show(few);')
    table = next(m["content"]["data"]["application/vnd.beamlab.pcollection.v1+json"] for m in msgs if m["type"] == "display_data")
    replies = {}
    for kind in ("inspect", "page"):
        code = os.environ["BEAMLAB_" + kind.upper() + "_CODE"].replace("PIPELINE", table["pipeline"]["id"]).replace("PCOLL", table["pcollection"])
        status, msgs, _ = run(code)
        data = [m["content"]["data"].get("application/vnd.beamlab.reply.v1+json") for m in msgs if m["type"] == "display_data"]
        replies[kind] = {"status": status, "replies": data, "stderr": "".join(m["content"].get("text", "") for m in msgs if m["type"] == "stream")}
    seen["requests"] = replies
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(seen))
