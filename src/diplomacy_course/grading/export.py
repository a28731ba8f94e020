"""Grade export for an LMS, as an nbgrader export plugin.

``nbgrader export`` (and ``./course export``) write one row per student:

| column               | Moodle (grade import, CSV)         | Canvas (gradebook import, CSV) |
|----------------------|------------------------------------|--------------------------------|
| ``student_id``       | map to *username* (identifier)     | *SIS User ID*                  |
| ``email``            | map to *email address* (optional)  | ignored                        |
| ``first_name``/``last_name`` | ignored                    | ignored                        |
| ``<assignment>``     | one grade item per assignment      | one assignment column each     |
| ``total``            | a "course total" grade item        | an extra column, or ignore     |
| ``max_<assignment>`` | not imported (for checking)        | not imported                   |

Scores are points (not percentages); a missing submission scores 0. The
column order is fixed, so exports of the same gradebook are identical.
"""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

DEFAULT_FILE = "grades.csv"


def grade_rows(
    gradebook: Gradebook, assignments: list[str] | None = None, students: list[str] | None = None
) -> tuple[list[str], list[dict]]:
    """The export's header and rows: one per student, one column per assignment, and a total."""
    chosen = [
        a for a in sorted(gradebook.assignments, key=lambda a: a.name) if not assignments or a.name in assignments
    ]
    header = (
        ["student_id", "email", "first_name", "last_name"]
        + [a.name for a in chosen]
        + ["total"]
        + [f"max_{a.name}" for a in chosen]
    )
    rows = []
    for student in sorted(gradebook.students, key=lambda s: s.id):
        if students and student.id not in students:
            continue
        row = {
            "student_id": student.id,
            "email": student.email or "",
            "first_name": student.first_name or "",
            "last_name": student.last_name or "",
        }
        for assignment in chosen:
            row[assignment.name] = _score(gradebook, assignment.name, student.id)
            row[f"max_{assignment.name}"] = round(assignment.max_score, 2)
        row["total"] = round(sum(row[a.name] for a in chosen), 2)
        rows.append(row)
    return header, rows


def _score(gradebook: Gradebook, assignment: str, student: str) -> float:
    try:
        return round(gradebook.find_submission(assignment, student).score, 2)
    except MissingEntry:
        return 0.0


class LmsCsvExportPlugin(ExportPlugin):
    """One row per student with each assignment's score and the total, for Moodle and Canvas."""

    def export(self, gradebook: Gradebook) -> None:
        destination = self.to or DEFAULT_FILE
        header, rows = grade_rows(gradebook, list(self.assignment), list(self.student))
        with open(destination, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        self.log.info("Exported %d students to %s", len(rows), destination)
