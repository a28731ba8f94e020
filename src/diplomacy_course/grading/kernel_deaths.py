"""How a graded notebook shows that its kernel died, for the preprocessor that writes it
(``preprocessors.CrashSafeExecute``) and the grader that reads it back to flag the student.
Kept apart from the preprocessors so that the grader can read it without importing nbgrader."""

from __future__ import annotations

import json
from pathlib import Path

# (ename, evalue) of the error output given to the cell that was running when the kernel died,
# and to every code cell after it.
KERNEL_DIED = (
    "KernelDied",
    "The kernel stopped while running this cell (it exited, crashed or ran out "
    "of memory). Cells after it were not run.",
)
NOT_RUN = ("NotRun", "Not run: the kernel stopped in an earlier cell.")


def kernel_died_in(notebook: Path) -> bool:
    """Did the student's own code end the kernel (a cell carries KERNEL_DIED)? False when there
    is no readable notebook."""
    if not notebook.is_file():
        return False
    try:
        cells = json.loads(notebook.read_text())["cells"]
    except (ValueError, KeyError):
        return False
    return any(output.get("ename") == KERNEL_DIED[0] for cell in cells for output in cell.get("outputs", []))
