"""Where things live in the course repository.

Every path is derived from the repository root, found by walking up from the
working directory to the folder that holds ``nbgrader_config.py``; the
``COURSE_ROOT`` environment variable overrides it (tests point it at copies).
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = "nbgrader_config.py"


def repo_root() -> Path:
    override = os.environ.get("COURSE_ROOT")
    if override:
        return Path(override).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    raise FileNotFoundError(
        f"No {MARKER} found in {here} or above: run this from inside the course "
        "repository, or set COURSE_ROOT to its path."
    )


def datasets_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "datasets"


def solutions_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "solutions"


def release_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "assignments"


def grading_dir(root: Path | None = None) -> Path:
    """The git-ignored workspace for submissions, grades and feedback (COURSE_GRADING_DIR
    moves it, as it does in nbgrader_config.py)."""
    override = os.environ.get("COURSE_GRADING_DIR")
    return Path(override) if override else (root or repo_root()) / "grading"


def gradebook_url(root: Path | None = None) -> str:
    """The class gradebook: COURSE_GRADEBOOK_URL (PostgreSQL for several graders) or SQLite in
    the grading workspace, as in nbgrader_config.py."""
    return os.environ.get("COURSE_GRADEBOOK_URL", "sqlite:///" + str(grading_dir(root) / "gradebook.db"))


def submitted_students(assignment_id: str, root: Path | None = None) -> list[str]:
    """Students with a submission of the assignment in the workspace's submitted/ folder."""
    submitted = grading_dir(root) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment_id}") if p.is_dir())


def book_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "book"


def built_book_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "_build" / "html"
