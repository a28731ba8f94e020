"""Helpers for tests that submit notebooks and autograde them with real nbgrader."""

from __future__ import annotations

import shutil
from pathlib import Path

from nbgrader.api import Gradebook

from diplomacy_course.grading.autograde import autograde_class, class_db_url
from diplomacy_course.grading.catalog import Assignment


def submit(root: Path, assignment: Assignment, student: str, notebook: Path, name: str | None = None) -> Path:
    """Place a notebook where nbgrader collects submissions."""
    folder = root / "grading" / "submitted" / student / assignment.id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or assignment.notebook)
    shutil.copyfile(notebook, target)
    return target


def cell_scores(root: Path, assignment: Assignment, student: str) -> dict[str, tuple[float, float, bool]]:
    """grade id -> (score, max score, autograded) for one student's graded submission."""
    with Gradebook(class_db_url(root)) as gb:
        submission = gb.find_submission(assignment.id, student)
        return {g.name: (g.score, g.max_score, g.cell.cell_type == "code")
                for nb in submission.notebooks for g in nb.grades}


def grade(root: Path, assignment: Assignment, **kwargs) -> None:
    autograde_class(assignment, root, **kwargs)
