"""Each assignment's solution notebook: execution time and the kernel's peak memory,
beside a baseline notebook that only imports pandas and matplotlib.

Every run is a fresh process that executes one notebook with nbclient and, once
the kernel has exited, reads the kernel's peak resident memory from
``getrusage(RUSAGE_CHILDREN)``. Medians of --repeat runs; goals: under 3x the
baseline's time and under 400 MB. Prints figures; asserts nothing.

    .venv/bin/python -m benchmarks.bench_solutions [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from diplomacy_course.core import catalog
from diplomacy_course.core.release import sync_data

REPO = Path(__file__).resolve().parents[1]

RUN_ONE = """
import json, resource, sys, time, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(notebook, kernel_name="python3", timeout=600,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))
"""


def baseline_notebook(folder: Path) -> Path:
    path = folder / "baseline.ipynb"
    cell = nbformat.v4.new_code_cell("import pandas as pd\nimport matplotlib.pyplot as plt")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def measure(notebook: Path, repeat: int) -> tuple[float, float]:
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", RUN_ONE, str(notebook), str(notebook.parent)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        for _ in range(repeat)
    ]
    return (statistics.median(r["seconds"] for r in runs), statistics.median(r["peak_mb"] for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-solutions-"))
    base_time, base_mb = measure(baseline_notebook(work), args.repeat)
    print(f"{'notebook':28s} {'time (s)':>9s} {'x baseline':>11s} {'peak MB':>8s}")
    print(f"{'baseline (imports only)':28s} {base_time:9.2f} {1:11.2f} {base_mb:8.0f}")
    for assignment in catalog.authored(REPO):
        sync_data(assignment, REPO)
        folder = work / assignment.id
        shutil.copytree(assignment.source_dir(REPO), folder)
        seconds, peak = measure(folder / assignment.notebook, args.repeat)
        print(f"{assignment.id + ' ' + assignment.notebook:28s} {seconds:9.2f} {seconds / base_time:11.2f} {peak:8.0f}")
    print(f"medians of {args.repeat} runs; goals: under 3x the baseline's time and under 400 MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
