"""Run notebooks to the end inside the student environment; run by that environment's own python.

Usage: python student_execute.py NOTEBOOK_OR_PAGE ... ; prints one JSON line per file:
{"path": ..., "python": the kernel's sys.executable, "error": null or the failing cell's error}.
MyST pages (.md) are read with jupytext, as JupyterLab opens them on the hub; every file runs in
its own folder, with the kernel named in its metadata (the student environment's python3).
It imports only what the student environment holds (jupytext, nbformat, nbclient).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

PROBE = "import sys; print('KERNEL-PYTHON=' + sys.executable)"


def run(path: Path) -> dict:
    notebook = jupytext.read(path) if path.suffix == ".md" else nbformat.read(path, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    error = None
    try:
        client.execute()
    except CellExecutionError as failure:
        error = str(failure)[-2000:]
    outputs = notebook.cells[0].get("outputs", [])
    text = "".join(o.get("text", "") for o in outputs)
    python = text.split("KERNEL-PYTHON=", 1)[-1].strip() if "KERNEL-PYTHON=" in text else None
    return {"path": str(path), "python": python, "error": error}


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(json.dumps(run(Path(argument))), flush=True)
