"""The course's assignments and the data files each one reads.

nbgrader knows an assignment by its folder in ``solutions/``; this catalog adds
what nbgrader does not know: the title, the chapters it builds on, and which
``datasets/`` files travel with it (into ``data/`` beside the notebook).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from diplomacy_course.core import locations

# What a release leaves where a solution was, in the assignment's language: a code answer's stub
# (its comment translated, its code not) and a written answer's. nbgrader_config.py picks them by
# the language in RELEASE_LANGUAGE_ENV, which the release sets: nbgrader takes a code stub per
# language only from its configuration, never from its command line.
CODE_STUB = {
    "en": "# YOUR CODE HERE\nraise NotImplementedError()",
    "id": "# TULIS KODE ANDA DI SINI\nraise NotImplementedError()",
}
TEXT_STUB = {"en": "YOUR ANSWER HERE", "id": "TULIS JAWABAN ANDA DI SINI"}
RELEASE_LANGUAGE_ENV = "COURSE_RELEASE_LANGUAGE"


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    notebook: str
    data_files: tuple[str, ...]
    language: str = "en"
    original_id: str = ""  # an edition's English assignment ("a1" for "a1-id"); empty for the English one

    @property
    def english_id(self) -> str:
        """The assignment this is an edition of: the id under which the LMS and the export know it."""
        return self.original_id or self.id

    @property
    def notebook_id(self) -> str:
        """nbgrader's name for the notebook: its file name without .ipynb."""
        return self.notebook.removesuffix(".ipynb")

    def source_dir(self, root: Path | None = None) -> Path:
        return locations.solutions_dir(root) / self.id

    def release_dir(self, root: Path | None = None) -> Path:
        return locations.release_dir(root) / self.id


ASSIGNMENTS: dict[str, Assignment] = {
    a.id: a
    for a in (
        Assignment("a1", "Measuring engagement", "measuring-engagement.ipynb", ("posts_raw.csv.gz", "accounts.csv")),
        Assignment(
            "a2", "Time and audience", "time-and-audience.ipynb", ("posts.csv.gz", "accounts.csv", "audience.csv")
        ),
        Assignment(
            "a3",
            "Remote and dialogic diplomacy",
            "remote-and-dialogic.ipynb",
            ("meetings.csv", "comments.csv.gz", "posts.csv.gz", "events.csv"),
        ),
        Assignment(
            "a4",
            "Measurable goals for a ministry strategy",
            "measurable-goals.ipynb",
            ("posts.csv.gz", "comments.csv.gz", "audience.csv", "website.csv"),
        ),
    )
}


def edition(assignment: Assignment, language: str, root: Path | None = None) -> Assignment:
    """The assignment in another language: nbgrader's assignment ``<id>-<language>``, generated
    from the English source and ``solutions/<id>/locales/<language>.po`` (see core/editions.py)."""
    from diplomacy_course.core import editions

    if language == "en":
        return assignment
    title = editions.translated_title(assignment.source_dir(root), assignment.title, language)
    return replace(
        assignment, id=f"{assignment.id}-{language}", title=title, language=language, original_id=assignment.id
    )


def editions_of(assignment: Assignment, root: Path | None = None) -> list[Assignment]:
    """The assignment and each translated edition that has a catalog."""
    from diplomacy_course.core import editions

    languages = [
        language
        for language in editions.LANGUAGES
        if editions.catalog_path(assignment.source_dir(root), language).is_file()
    ]
    return [assignment] + [edition(assignment, language, root) for language in languages]


def english_id(assignment_id: str) -> str:
    """The English assignment an nbgrader assignment id names: "a1" for "a1-id" (no file is read)."""
    from diplomacy_course.core import editions

    english, _, language = assignment_id.rpartition("-")
    return english if english in ASSIGNMENTS and language in editions.LANGUAGES else assignment_id


def get(assignment_id: str, root: Path | None = None) -> Assignment:
    """An assignment by id: "a1", or an edition such as "a1-id" (when its catalog exists)."""
    english_id, _, language = assignment_id.partition("-")
    try:
        english = ASSIGNMENTS[english_id]
    except KeyError:
        english = None
    if english is not None:
        for candidate in editions_of(english, root) if language else [english]:
            if candidate.id == assignment_id:
                return candidate
    known = ", ".join(sorted(ASSIGNMENTS))
    raise KeyError(
        f"Unknown assignment {assignment_id!r}; the course has: {known} "
        "(and <id>-id for an assignment with an Indonesian catalog)."
    ) from None


def authored(root: Path | None = None) -> list[Assignment]:
    """Assignments whose source notebook exists in solutions/ (later ones may be in progress)."""
    return [a for a in ASSIGNMENTS.values() if (a.source_dir(root) / a.notebook).is_file()]
