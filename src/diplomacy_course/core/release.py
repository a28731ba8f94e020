"""Releasing an assignment: its data files, then nbgrader's student version.

The data a notebook reads are copied from ``datasets/`` into the source folder
(``solutions/<a>/data/``, git-ignored) before nbgrader runs, because nbgrader
copies the source folder's files into the release *and*, at autograde time,
over each student's copies: a student who edits a data file is graded on the
original.

nbgrader's ``generate_assignment --force`` deletes the old release before it
knows whether the new one can be made (an unreachable gradebook, a broken
source notebook). The course therefore builds the release in a temporary folder
beside ``assignments/`` and swaps it in only when nbgrader succeeded: the
committed release is never lost to a failure.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from diplomacy_course.core import catalog, editions, locations, nbgrader_runner
from diplomacy_course.core.catalog import Assignment

DATA_FOLDER = "data"
STAGING_PREFIX = ".release-staging-"  # git-ignored; left behind only if the machine dies mid-release


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


def generate_edition_source(assignment: Assignment, root: Path) -> Path:
    """Write a translated edition's source notebook (``solutions/<a>-<lang>/``, git-ignored) from the
    English source and its catalog; refuses an incomplete catalog."""
    english = catalog.get(assignment.english_id)
    return editions.generate(
        english.source_dir(root) / english.notebook,
        english.title,
        editions.catalog_path(english.source_dir(root), assignment.language),
        assignment.source_dir(root) / assignment.notebook,
    )


def release(assignment: Assignment, root: Path, nbgrader: Callable[..., object] | None = None) -> Path:
    """Regenerate assignments/<a>/ from solutions/<a>/ and return it.

    A translated edition (``a1-id``) first has its source regenerated from the English one.
    Nothing in assignments/<a>/ changes unless the new release was made in full. ``nbgrader``
    runs nbgrader's command line with ``extra_env`` (default: a process of its own; an autograde
    run passes a worker that has nbgrader imported already).
    """
    root = root.resolve()  # nbgrader runs in root: a relative staging folder would be looked up twice
    locations.grading_dir(root).mkdir(parents=True, exist_ok=True)  # the default gradebook's folder
    nbgrader_runner.check_gradebook(locations.gradebook_url(root))
    if assignment.language != "en":
        generate_edition_source(assignment, root)
    sync_data(assignment, root)
    final = assignment.release_dir(root)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        (nbgrader or partial(nbgrader_runner.run, root=root))(
            [
                "generate_assignment",
                assignment.id,
                "--force",
                "--create",
                f"--CourseDirectory.release_directory={staging}",
            ],
            extra_env={catalog.RELEASE_LANGUAGE_ENV: assignment.language},  # the stubs' language
        )
        _swap_in(staging / assignment.id, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def _swap_in(new: Path, final: Path) -> None:
    """Replace ``final`` by ``new`` with two renames (same file system), old copy removed last."""
    if not new.is_dir():
        raise nbgrader_runner.NbgraderError(f"nbgrader reported success but made no release in {new}.")
    old = final.with_name(f"{STAGING_PREFIX}old-{final.name}-{os.getpid()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def release_to_exchange(assignment: Assignment, root: Path) -> Path:
    """Put the (already generated) release into the nbgrader exchange, where students fetch it."""
    exchange = locations.exchange_root()
    nbgrader_runner.check_exchange(exchange)
    nbgrader_runner.run(["release_assignment", assignment.id, "--force"], root)
    return exchange / locations.COURSE_ID / "outbound" / assignment.id
