"""Where things live: the only module that reads the ``COURSE_*`` location variables.

Every path is derived from the repository root, found by walking up from the
working directory to the folder that holds the book's ``_toc.yml`` and the
``datasets/`` folder (so the student repository, which has no ``nbgrader_config.py``,
finds its data too); ``COURSE_ROOT`` overrides it (tests point it at copies).
``nbgrader_config.py`` imports this module, so plain ``nbgrader`` commands and
``./course`` agree on every location.

| variable               | what it moves                                  | default                      |
|------------------------|------------------------------------------------|------------------------------|
| ``COURSE_ROOT``        | the repository                                 | found from the working folder|
| ``COURSE_GRADING_DIR`` | the workspace for student data                 | ``<root>/grading``           |
| ``COURSE_GRADEBOOK_URL`` | the gradebook (PostgreSQL for several graders) | SQLite in the workspace    |
| ``COURSE_EXCHANGE_ROOT`` | the nbgrader exchange                        | ``/srv/nbgrader/exchange``   |
| ``COURSE_CELL_TIMEOUT``  | seconds a graded cell may run                | 60                           |
"""

from __future__ import annotations

import os
from pathlib import Path

COURSE_ID = "digital-diplomacy-by-the-numbers"
ROOT_MARKERS = ("_toc.yml", "datasets")
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"
DEFAULT_CELL_TIMEOUT = 60
# Printed on every grader's rubric page (``course rubric``); the leak check refuses any published file that has it.
RUBRIC_MARK = "course-rubric-instructors-only"


def _is_root(folder: Path) -> bool:
    return all((folder / marker).exists() for marker in ROOT_MARKERS)


def repo_root() -> Path:
    override = os.environ.get("COURSE_ROOT")
    if override:
        return Path(override).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_root(folder):
            return folder
    raise FileNotFoundError(
        f"No course repository (a folder with {' and '.join(ROOT_MARKERS)}) in {here} or above: "
        "run this from inside the course repository, or set COURSE_ROOT to its path."
    )


def datasets_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "datasets"


def solutions_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "solutions"


def release_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "assignments"


def grading_dir(root: Path | None = None) -> Path:
    """The git-ignored workspace for submissions, grades and feedback."""
    override = os.environ.get("COURSE_GRADING_DIR")
    # A relative value means relative to the folder the command was started in, as in the shell.
    return Path(override).expanduser().absolute() if override else (root or repo_root()) / "grading"


def rubrics_dir(root: Path | None = None) -> Path:
    """Where ``course rubric`` writes the graders' rubric pages: inside the git-ignored workspace."""
    return grading_dir(root) / "rubrics"


def gradebook_url(root: Path | None = None) -> str:
    """The class gradebook: COURSE_GRADEBOOK_URL (PostgreSQL for several graders) or SQLite in
    the grading workspace."""
    return os.environ.get("COURSE_GRADEBOOK_URL", "sqlite:///" + str(grading_dir(root) / "gradebook.db"))


def exchange_root() -> Path:
    """The nbgrader exchange students fetch from and submit to (a shared volume on a hub)."""
    return Path(os.environ.get("COURSE_EXCHANGE_ROOT", DEFAULT_EXCHANGE))


def cell_timeout() -> int:
    """Seconds a graded cell may run before it is interrupted and graded as failed."""
    return int(os.environ.get("COURSE_CELL_TIMEOUT", DEFAULT_CELL_TIMEOUT))


def submitted_students(assignment_id: str, root: Path | None = None) -> list[str]:
    """Students with a submission of the assignment in the workspace's submitted/ folder."""
    submitted = grading_dir(root) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment_id}") if p.is_dir())


def book_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "book"


def built_book_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "_build" / "html"
