"""Execute notebooks headless with a real Jupyter kernel (tslab by default).

Usage (normally through `beamlab run`, which sets PATH, JUPYTER_PATH and
BEAMLAB_WAREHOUSE):

    .venv/bin/python scripts/run_notebooks.py [--out DIR] [--kernel tslab]
        [--timeout SECONDS] NOTEBOOK.ipynb [...]

Each notebook runs with its own directory as the working directory, through
Jupyter's standard client (nbclient). Every cell runs even when an earlier one
fails; afterwards the executed notebook is written back in place (or into
--out DIR) and each failing cell is reported as

    notebook <path>, cell <n>: <ename>: <evalue>

where <n> is the 1-based position of the cell in the notebook (markdown cells
count). The exit status is 1 when any cell failed, 2 on usage errors.

tslab does not send Jupyter `error` outputs: it prints the exception (or the
TypeScript diagnostics) to stderr and answers the execute request with status
"error". So a cell counts as failed when its execute_reply status is not "ok"
or when it has an `error` output; ename/evalue come from the error output if
there is one, else from the cell's stderr text.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

_TSLAB_ABORT_WINDOW = 0.3  # seconds; tslab's execQueue.reset(200)

# "TypeError: x is not a function", "Error [ERR_X]: message", "Uncaught Foo: bar"
_EXC_LINE = re.compile(r"^(?:Uncaught\s+)?([A-Za-z_$][\w$.]*(?:\s\[[\w-]+\])?):\s?(.*)$")
# tslab's TypeScript diagnostics: "[file ]1:7 - Type 'string' is not assignable ..."
_DIAG_LINE = re.compile(r"^(?:\S+\s)?\d+:\d+ - (.*)$")


def _stderr_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            text = out.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


def _describe_error(cell, status: str) -> tuple[str, str]:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", "Error"), out.get("evalue", "")
    if status == "abort":
        return "Aborted", "the kernel aborted this cell (after an earlier error)"
    lines = [ln.strip() for ln in _stderr_text(cell).splitlines() if ln.strip()]
    diags = [m.group(1) for m in (_DIAG_LINE.match(ln) for ln in lines) if m]
    if diags:
        return "CompileError", "; ".join(diags)
    for ln in lines:
        m = _EXC_LINE.match(ln)
        if m and not ln.startswith("at "):
            return m.group(1), m.group(2)
    if lines:
        return "Error", lines[0]
    return "Error", f"execute_reply status {status!r}"


def _shown(path: str) -> str:
    """Path relative to the working directory when below it, else absolute."""
    rel = os.path.relpath(path)
    return path if rel.startswith(os.pardir) else rel


def run_one(path: str, out_dir: str | None, kernel: str, timeout: int) -> list[str]:
    """Execute one notebook; return the failure lines (empty when it passed)."""
    path = os.path.abspath(path)
    shown = _shown(path)
    nb = nbformat.read(path, as_version=4)
    statuses: dict[int, str] = {}

    async def on_cell_executed(cell=None, cell_index=None, execute_reply=None, **_kw):
        if execute_reply is not None and cell_index is not None:
            status = execute_reply.get("content", {}).get("status", "ok")
            statuses[cell_index] = status
            if status == "error":
                # tslab aborts every request that arrives within 200 ms of a failed
                # one; wait that out so the following cells really run.
                await asyncio.sleep(_TSLAB_ABORT_WINDOW)

    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=timeout,
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": os.path.dirname(path)}},
        on_cell_executed=on_cell_executed,
    )
    failures: list[str] = []
    started = time.monotonic()
    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError) as exc:  # kernel-level failure
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        failures.append(f"notebook {shown}: {type(exc).__name__}: {first}")
    except Exception as exc:  # e.g. no such kernel, kernel failed to start
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        failures.append(f"notebook {shown}: {type(exc).__name__}: {first}")

    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        status = statuses.get(index, "ok")
        has_error_output = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if status != "ok" or has_error_output:
            ename, evalue = _describe_error(cell, status)
            failures.append(f"notebook {shown}, cell {index + 1}: {ename}: {evalue}")

    target = path
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        target = os.path.join(out_dir, os.path.basename(path))
    nbformat.write(nb, target)

    elapsed = time.monotonic() - started
    state = "FAILED" if failures else "ok"
    print(f"notebook {shown}: {state} ({len(nb.cells)} cells, {elapsed:.1f}s) -> {_shown(target)}",
          flush=True)
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="run_notebooks.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="+", help="notebook files (.ipynb)")
    ap.add_argument("--out", help="write executed copies into this directory instead of in place")
    ap.add_argument("--kernel", default="tslab", help="kernel name (default: tslab)")
    ap.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds (default: 600)")
    args = ap.parse_args(argv)

    missing = [p for p in args.notebooks if not os.path.isfile(p)]
    if missing:
        for p in missing:
            print(f"run_notebooks: no such notebook: {p}", file=sys.stderr)
        return 2

    all_failures: list[str] = []
    for nb_path in args.notebooks:
        all_failures.extend(run_one(nb_path, args.out, args.kernel, args.timeout))
    for line in all_failures:
        print(line, flush=True)
    if all_failures:
        print(f"{len(all_failures)} error(s) in {len(args.notebooks)} notebook(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
