"""The course's assignments and the data files each one reads.

nbgrader knows an assignment by its folder in ``solutions/``; this catalog adds
what nbgrader does not know: the title, the chapters it builds on, and which
``datasets/`` files travel with it (into ``data/`` beside the notebook).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from diplomacy_course.core import locations


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    notebook: str
    data_files: tuple[str, ...]

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


def get(assignment_id: str) -> Assignment:
    try:
        return ASSIGNMENTS[assignment_id]
    except KeyError:
        known = ", ".join(sorted(ASSIGNMENTS))
        raise KeyError(f"Unknown assignment {assignment_id!r}; the course has: {known}.") from None


def authored(root: Path | None = None) -> list[Assignment]:
    """Assignments whose source notebook exists in solutions/ (later ones may be in progress)."""
    return [a for a in ASSIGNMENTS.values() if (a.source_dir(root) / a.notebook).is_file()]
