"""Helpers for tests that submit notebooks and autograde them with real nbgrader."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from nbgrader.api import Gradebook

from diplomacy_course import paths
from diplomacy_course.grading.autograde import autograde_class
from diplomacy_course.grading.catalog import Assignment
from submission_variants import write


def submission_folder(root: Path, assignment: Assignment, student: str) -> Path:
    """Where nbgrader collects a student's submission (created if missing)."""
    folder = paths.grading_dir(root) / "submitted" / student / assignment.id
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
    with Gradebook(paths.gradebook_url(root)) as gb:
        submission = gb.find_submission(assignment.id, student)
        return {g.name: (g.score, g.max_score, g.cell.cell_type == "code")
                for nb in submission.notebooks for g in nb.grades}


def grade(root: Path, assignment: Assignment, **kwargs) -> None:
    autograde_class(assignment, root, **kwargs)
