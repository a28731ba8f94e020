"""A Sphinx extension that stops the book build before it could send a student to a solution.

The book's launch links pull the student repository (``course.student_repository`` in
``_config.yml``). The build cannot look into that repository (it runs offline), but it knows
what the repository is supposed to hold: the output of ``./course student-export`` from the
same commit. So before any page is read, the build fails with the reason when

- the student repository is missing or is the instructor repository (by URL), or
- the student export, written into a temporary folder, contains a solution, hidden test or
  rubric line, or an nbgrader marker (the export's own leak check, ``publish/leaks.py``);
  a book without a release (a test's tiny book) has its pages checked instead.

Enabled in ``_config.yml`` (``sphinx: extra_extensions``); tests/publish/test_book_guard.py runs it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError

from diplomacy_course.book import launch
from diplomacy_course.core import locations
from diplomacy_course.publish.leaks import Leak, scan
from diplomacy_course.publish.student_export import LeakError, export


class UnsafeStudentRepository(ExtensionError):
    """The book's launch links could lead a student to instructor-only material."""


def check_student_repository(root: Path) -> None:
    """Raise UnsafeStudentRepository unless students are sent to a repository without solutions."""
    try:
        launch.settings(root)
    except launch.StudentRepositoryError as error:
        raise UnsafeStudentRepository(f"The book's launch links are unsafe: {error}") from None
    if not locations.release_dir(root).is_dir():
        # A book without a release (a test's tiny book) has no student export: check its pages alone.
        _refuse_leaks(scan([locations.book_dir(root)], locations.solutions_dir(root)), root)
        return
    with tempfile.TemporaryDirectory(prefix="student-export-") as scratch:
        exported = Path(scratch) / "export"
        try:
            export(exported, root)
        except LeakError as error:
            # The export is a temporary copy: name each file by its path in the repository instead.
            _refuse_leaks(error.leaks, exported)


def _refuse_leaks(leaks: list[Leak], tree: Path) -> None:
    if not leaks:
        return
    found = "\n".join(f"{leak.path.relative_to(tree)}: {leak.what}" for leak in leaks)
    raise UnsafeStudentRepository(
        "The book's launch links pull the student repository, and what `./course student-export` "
        f"puts there would reach students with instructor-only material:\n{found}\n"
        "Remove it from the release or the book (`./course release` regenerates assignments/)."
    )


def _on_builder_inited(app) -> None:
    check_student_repository(Path(app.srcdir))


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
