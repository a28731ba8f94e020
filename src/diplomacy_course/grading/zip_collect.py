"""Collecting an LMS download with nbgrader's zip-collect.

Canvas names each downloaded file ``<login>_<user id>_<submission id>_<file>``
(``_late_`` after the login when late; ``-1``, ``-2`` before the extension on
resubmission); Moodle's "download all submissions", flattened, is
``<login>_<id>_assignsubmission_file_<file>``. The pattern below accepts both and
gives nbgrader the login as student id and the notebook's released name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from diplomacy_course.core import locations, nbgrader_runner
from diplomacy_course.core.catalog import Assignment

LMS_FILENAME = (
    r".*?(?P<student_id>[A-Za-z0-9.\-]+)_(?:late_)?\d+_(?:\d+_|assignsubmission_file_)"
    r"(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
)


def zip_collect(assignment: Assignment, archive: Path, root: Path | None = None) -> list[str]:
    """Unpack ``archive`` into grading/submitted/<student>/<assignment>/; return the students."""
    root = root or locations.repo_root()
    if archive.suffix != ".zip":
        raise ValueError(f"{archive} is not a .zip file: download the submissions from the LMS as one zip.")
    downloaded = locations.grading_dir(root) / "downloaded"
    archive_dir = downloaded / assignment.id / "archive"
    shutil.rmtree(downloaded / assignment.id, ignore_errors=True)
    archive_dir.mkdir(parents=True)
    shutil.copy(archive, archive_dir / archive.name)
    nbgrader_runner.run(
        [
            "zip_collect",
            assignment.id,
            "--force",
            f"--ZipCollectApp.downloaded_directory={downloaded.relative_to(root)}",
            "--ZipCollectApp.collector_plugin=nbgrader.plugins.zipcollect.FileNameCollectorPlugin",
            f"--FileNameCollectorPlugin.named_regexp={LMS_FILENAME}",
            "--FileNameCollectorPlugin.valid_ext=['.ipynb']",
        ],
        root,
    )
    return locations.submitted_students(assignment.id, root)
