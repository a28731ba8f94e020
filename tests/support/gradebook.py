"""A small nbgrader gradebook (one assignment, one notebook, four cells) for fast unit tests.

It holds what ``nbgrader generate_assignment`` would record for the notebook from
:func:`source_notebook`, without running nbgrader. Creating a gradebook runs alembic (seconds),
so the class is made once per test session and copied for each test.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

ASSIGNMENT, NOTEBOOK = "a1", "measuring"
STUDENTS = ("s1", "s2", "s3")  # each with an ungraded submission
# grade id -> (cell type, is a solution cell, points if graded, locked, source)
CELLS: dict[str, tuple[str, bool, float | None, bool, str]] = {
    "answer": ("code", True, None, False, "x = None  # your answer here"),
    "test_x": ("code", False, 2.0, True, "assert x == 1"),
    "essay": ("markdown", True, 3.0, False, "Explain your answer here."),
    "test_y": ("code", False, 1.0, True, "assert y == 2"),
}
MAX_SCORE = sum(points for _, _, points, _, _ in CELLS.values() if points)


def _cell(grade_id: str) -> NotebookNode:
    cell_type, solution, points, locked, source = CELLS[grade_id]
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    cell.metadata["nbgrader"] = {
        "grade_id": grade_id,
        "grade": points is not None,
        "solution": solution,
        "locked": locked,
        "task": False,
        "schema_version": 3,
        **({"points": points} if points is not None else {}),
    }
    return cell


def source_notebook() -> NotebookNode:
    """The instructor's notebook: a plain markdown cell first, then the four nbgrader cells."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# Measuring"), *(_cell(g) for g in CELLS)]
    return notebook


def make_gradebook(path: Path) -> str:
    """A gradebook at ``path`` holding the source notebook and a submission per student; its URL."""
    shutil.copy(_template(), path)
    return f"sqlite:///{path}"


@functools.cache
def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="gradebook-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "gradebook.db"
    _fill(f"sqlite:///{path}")
    return path


def _fill(url: str) -> None:
    from nbgrader.api import Gradebook
    from nbgrader.utils import compute_checksum

    with Gradebook(url) as gb:
        gb.add_assignment(ASSIGNMENT)
        gb.add_notebook(NOTEBOOK, ASSIGNMENT)
        for cell in source_notebook().cells[1:]:
            grade_id = cell.metadata.nbgrader["grade_id"]
            cell_type, solution, points, locked, source = CELLS[grade_id]
            gb.add_source_cell(
                grade_id,
                NOTEBOOK,
                ASSIGNMENT,
                cell_type=cell_type,
                locked=locked,
                source=source,
                checksum=compute_checksum(cell),
            )
            if points is not None:
                gb.add_grade_cell(grade_id, NOTEBOOK, ASSIGNMENT, max_score=points, cell_type=cell_type)
            if solution:
                gb.add_solution_cell(grade_id, NOTEBOOK, ASSIGNMENT)
        for student in STUDENTS:
            gb.add_student(student)
            gb.add_submission(ASSIGNMENT, student)
