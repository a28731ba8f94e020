"""Releasing an assignment: its data files, then nbgrader's student version.

The data a notebook reads are copied from ``datasets/`` into the source folder
(``solutions/<a>/data/``, git-ignored) before nbgrader runs, because nbgrader
copies the source folder's files into the release *and*, at autograde time,
over each student's copies: a student who edits a data file is graded on the
original.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from diplomacy_course.core import locations, nbgrader_runner
from diplomacy_course.core.catalog import Assignment

DATA_FOLDER = "data"


def sync_data(assignment: Assignment, root: Path) -> list[Path]:
    """Copy the assignment's data files from datasets/ into its source folder."""
    target = assignment.source_dir(root) / DATA_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in assignment.data_files:
        original = locations.datasets_dir(root) / name
        if not original.is_file():
            raise FileNotFoundError(
                f"{assignment.id} needs {original}, which is missing: run `./course data generate`."
            )
        copy = target / name
        if not copy.is_file() or not filecmp.cmp(original, copy, shallow=False):
            shutil.copyfile(original, copy)
        copied.append(copy)
    _remove_stale(target, set(assignment.data_files))
    return copied


def _remove_stale(folder: Path, wanted: set[str]) -> None:
    for path in folder.iterdir():
        if path.name not in wanted:
            path.unlink()


def release(assignment: Assignment, root: Path) -> Path:
    """Regenerate assignments/<a>/ from solutions/<a>/ and return it."""
    sync_data(assignment, root)
    nbgrader_runner.run(["generate_assignment", assignment.id, "--force", "--create"], root)
    return assignment.release_dir(root)
