"""A private copy of the course, and submitting notebooks to it for the real nbgrader."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from nbgrader.api import Gradebook

from diplomacy_course.core import locations
from diplomacy_course.core.catalog import Assignment
from diplomacy_course.grading.autograde import autograde_class
from tests.support.variants import write

REPO = Path(__file__).resolve().parents[2]
# Left out at the top of the repository only: src/diplomacy_course/grading is code, not student data.
NOT_COPIED_AT_TOP = {
    ".venv",
    ".venv-student",
    ".git",
    "_build",
    "grading",
    ".pytest_cache",
    "node_modules",
    "benchmarks",
}


def _not_copied(folder: str, names: list[str]) -> set[str]:
    ignored = {"__pycache__"} & set(names)
    return ignored | (NOT_COPIED_AT_TOP & set(names) if Path(folder) == REPO else set())


def copy_course(target: Path) -> Path:
    """A copy of the repository without environments, builds or student data."""
    shutil.copytree(REPO, target, ignore=_not_copied, symlinks=True)
    return target


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop; in CI (CI=true) a test that cannot run is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test (.ci/run installs what it needs)")
    pytest.skip(reason)


def submission_folder(root: Path, assignment: Assignment, student: str) -> Path:
    """Where nbgrader collects a student's submission (created if missing)."""
    folder = locations.grading_dir(root) / "submitted" / student / assignment.id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def submit(root: Path, assignment: Assignment, student: str, notebook: Path) -> Path:
    """Submit a copy of a notebook file as the student's assignment notebook."""
    target = submission_folder(root, assignment, student) / assignment.notebook
    shutil.copyfile(notebook, target)
    return target


def submit_notebooks(root: Path, assignment: Assignment, student: str, files: dict) -> None:
    """Submit in-memory notebooks, {file name: notebook}."""
    folder = submission_folder(root, assignment, student)
    for name, notebook in files.items():
        write(notebook, folder / name)


def toc_files(repo: Path) -> list[str]:
    """Every page in the book's table of contents, as paths without suffix."""
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    return [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]


def cell_scores(root: Path, assignment: Assignment, student: str) -> dict[str, tuple[float, float, bool]]:
    """grade id -> (score, max score, autograded) for one student's graded submission."""
    with Gradebook(locations.gradebook_url(root)) as gb:
        submission = gb.find_submission(assignment.id, student)
        return {
            g.name: (g.score, g.max_score, g.cell.cell_type == "code") for nb in submission.notebooks for g in nb.grades
        }


def grade(root: Path, assignment: Assignment, **kwargs) -> None:
    autograde_class(assignment, root, **kwargs)
