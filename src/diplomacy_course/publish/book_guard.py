"""A Sphinx extension that stops the book build before it could send a student to a solution.

The book's launch links pull the student repository (``course.student_repository`` in
``_config.yml``). The build cannot look into that repository (it runs offline), but it knows
what the repository is supposed to hold: the output of ``./course student-export`` from the
same commit. So before any page is read, the build fails with the reason when

- the student repository is missing or is the instructor repository (by URL), or
- the student export, written into a temporary folder, contains a solution, hidden test or
  rubric line, or an nbgrader marker (the export's own leak check, ``publish/leaks.py``).

Enabled in ``_config.yml`` (``sphinx: extra_extensions``); tests/publish/test_book_guard.py runs it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sphinx.errors import ExtensionError

from diplomacy_course.book import launch
from diplomacy_course.publish.student_export import LeakError, export


class UnsafeStudentRepository(ExtensionError):
    """The book's launch links could lead a student to instructor-only material."""


def check_student_repository(root: Path) -> None:
    """Raise UnsafeStudentRepository unless students are sent to a repository without solutions."""
    try:
        launch.settings(root)
    except launch.StudentRepositoryError as error:
        raise UnsafeStudentRepository(f"The book's launch links are unsafe: {error}") from None
    with tempfile.TemporaryDirectory(prefix="student-export-") as scratch:
        exported = Path(scratch) / "export"
        try:
            export(exported, root)
        except LeakError as error:
            # The export is a temporary copy: name each file by its path in the repository instead.
            found = "\n".join(f"{leak.path.relative_to(exported)}: {leak.what}" for leak in error.leaks)
            raise UnsafeStudentRepository(
                "The book's launch links pull the student repository, and what `./course student-export` "
                f"puts there would reach students with instructor-only material:\n{found}\n"
                "Remove it from the release or the book (`./course release` regenerates assignments/)."
            ) from None


def _on_builder_inited(app) -> None:
    check_student_repository(Path(app.srcdir))


def setup(app):
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
