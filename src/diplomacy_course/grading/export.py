"""Grade export: a plain CSV, and files that Canvas and Moodle import as they are.

Which assignments: those with at least one submission in the gradebook (released and
collected); an assignment nobody has submitted yet has no column. Which students: the
gradebook's and the roster's. A student without a submission has an empty cell, never
0, so the LMS shows "no grade" rather than a zero the student did not earn. Scores are
points. Names and e-mails come from the gradebook, else from the roster.

- plain: student_id, email, first_name, last_name; ``<id>`` per assignment; total; ``max_<id>``.
- ``canvas``: Student, ID, SIS User ID, SIS Login ID, Section (from the roster); one column per
  assignment, named by its title; a "Points Possible" row; no totals (Canvas computes them).
- ``moodle``: First name, Last name, ID number, Email address; one column per assignment, named
  by its title; no totals (Moodle computes them).

An assignment's translated edition (nbgrader's ``a1-id``, the Indonesian A1) is the same
assignment for the LMS: its submissions fill the column of ``a1``. A student who submitted both
editions is graded on the later submission, as nbgrader grades the last one of a single edition.

Canvas matches rows on ID, SIS User ID or SIS Login ID, and a column on the assignment's
name. Moodle's CSV import asks which column identifies users: map *Email address* (or
*ID number*) to the same field, and each assignment column to its grade item.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

from diplomacy_course.core import catalog
from diplomacy_course.grading.roster import Student

DEFAULT_FILE = "grades.csv"
FORMATS = ("plain", "canvas", "moodle")
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_POINTS_ROW = "    Points Possible"  # as Canvas writes it in its own export
MOODLE_IDENTITY = ["First name", "Last name", "ID number", "Email address"]


@dataclass(frozen=True)
class Column:
    assignment_id: str
    title: str
    max_score: float


@dataclass
class StudentGrades:
    student: Student
    scores: dict[str, float | None] = field(default_factory=dict)  # None: no submission
    ungraded: list[str] = field(default_factory=list)  # assignments with written answers still to grade


def english_id(assignment_id: str) -> str:
    """The assignment an nbgrader assignment is an edition of (``a1-id`` -> ``a1``), else itself."""
    return catalog.english_id(assignment_id)


def _title(assignment_id: str) -> str:
    try:
        return catalog.get(assignment_id).title
    except KeyError:  # an assignment nbgrader knows but the catalog does not (a practice run)
        return assignment_id


def collect(
    gradebook: Gradebook, roster: list[Student] | None = None, assignments: list[str] | None = None
) -> tuple[list[Column], list[StudentGrades]]:
    """Read the gradebook into one column per assignment with submissions and one row per student.

    Editions of one assignment (``a1``, ``a1-id``) share its column."""
    wanted = {english_id(a) for a in assignments or []}
    editions: dict[str, list[str]] = {}
    maxima: dict[str, float] = {}
    for record in sorted(gradebook.assignments, key=lambda a: a.name):
        column_id = english_id(record.name)
        if record.num_submissions and (not wanted or column_id in wanted):
            editions.setdefault(column_id, []).append(record.name)
            if record.name == column_id or column_id not in maxima:
                maxima[column_id] = round(record.max_score, 2)
    chosen = [Column(c, _title(c), maxima[c]) for c in sorted(editions)]
    people = _people(gradebook, roster or [])
    rows = []
    for student in people:
        row = StudentGrades(student)
        for column in chosen:
            row.scores[column.assignment_id], needs_grading = _latest_score(
                gradebook, editions[column.assignment_id], student.student_id
            )
            if needs_grading:
                row.ungraded.append(column.assignment_id)
        rows.append(row)
    return chosen, rows


def _people(gradebook: Gradebook, roster: list[Student]) -> list[Student]:
    """Everyone in the gradebook or the roster, names and e-mail from the gradebook first."""
    people = {s.student_id: s for s in roster}
    for record in gradebook.students:
        known = people.get(record.id, Student(record.id))
        people[record.id] = Student(
            **{
                **known.__dict__,
                "first_name": record.first_name or known.first_name,
                "last_name": record.last_name or known.last_name,
                "email": record.email or known.email,
            }
        )
    return [people[k] for k in sorted(people)]


def _score(gradebook: Gradebook, assignment: str, student: str) -> tuple[float | None, bool]:
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None, False
    return round(submission.score, 2), bool(submission.needs_manual_grade)


def _latest_score(gradebook: Gradebook, editions: list[str], student: str) -> tuple[float | None, bool]:
    """The score of the student's latest submission among the assignment's editions."""
    found = []
    for name in editions:
        try:
            submission = gradebook.find_submission(name, student)
        except MissingEntry:
            continue
        found.append((submission.timestamp is not None, submission.timestamp, name))
    if not found:
        return None, False
    return _score(gradebook, max(found)[2], student)


def ungraded_students(rows: list[StudentGrades]) -> dict[str, list[str]]:
    """student id -> assignments whose written answers are not graded yet (their score counts them as 0)."""
    return {r.student.student_id: r.ungraded for r in rows if r.ungraded}


def _cell(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


def plain_table(columns: list[Column], rows: list[StudentGrades]) -> list[list[str]]:
    header = ["student_id", "email", "first_name", "last_name"]
    header += [c.assignment_id for c in columns] + ["total"] + [f"max_{c.assignment_id}" for c in columns]
    table = [header]
    for row in rows:
        s = row.student
        scores = [row.scores[c.assignment_id] for c in columns]
        total = round(sum(x for x in scores if x is not None), 2) if any(x is not None for x in scores) else None
        table.append(
            [s.student_id, s.email, s.first_name, s.last_name]
            + [_cell(x) for x in scores]
            + [_cell(total)]
            + [f"{c.max_score:g}" for c in columns]
        )
    return table


def canvas_table(columns: list[Column], rows: list[StudentGrades]) -> list[list[str]]:
    table = [CANVAS_IDENTITY + [c.title for c in columns]]
    table.append([CANVAS_POINTS_ROW, "", "", "", ""] + [f"{c.max_score:g}" for c in columns])
    for row in rows:
        s = row.student
        name = f"{s.last_name}, {s.first_name}" if s.last_name and s.first_name else (s.full_name or s.student_id)
        table.append(
            [name, s.canvas_id, s.sis_user_id, s.sis_login_id, s.section]
            + [_cell(row.scores[c.assignment_id]) for c in columns]
        )
    return table


def moodle_table(columns: list[Column], rows: list[StudentGrades]) -> list[list[str]]:
    table = [MOODLE_IDENTITY + [c.title for c in columns]]
    for row in rows:
        s = row.student
        table.append(
            [s.first_name, s.last_name, s.id_number, s.email] + [_cell(row.scores[c.assignment_id]) for c in columns]
        )
    return table


TABLES = {"plain": plain_table, "canvas": canvas_table, "moodle": moodle_table}


def grade_rows(
    gradebook: Gradebook, assignments: list[str] | None = None, students: list[str] | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """The plain export as a header and one {column: cell} row per student (cells as written)."""
    columns, rows = collect(gradebook, None, assignments or None)
    if students:
        rows = [r for r in rows if r.student.student_id in students]
    header, *body = plain_table(columns, rows)
    return header, [dict(zip(header, line, strict=True)) for line in body]


def missing_identities(form: str, rows: list[StudentGrades]) -> list[str]:
    """Students the LMS could not match: no identity column of that LMS is filled in."""
    if form == "canvas":
        return [
            r.student.student_id
            for r in rows
            if not (r.student.canvas_id or r.student.sis_user_id or r.student.sis_login_id)
        ]
    if form == "moodle":
        return [r.student.student_id for r in rows if not (r.student.email or r.student.id_number)]
    return []


def write(path: Path, table: list[list[str]], form: str = "plain") -> None:
    """UTF-8; the LMS files start with a byte-order mark, which makes spreadsheet programs
    (often used to look at them first) read accented names as UTF-8 too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8" if form == "plain" else "utf-8-sig") as handle:
        csv.writer(handle).writerows(table)


class LmsCsvExportPlugin(ExportPlugin):
    """``nbgrader export``: the plain CSV (one row per student, each assignment's score and the total)."""

    def export(self, gradebook: Gradebook) -> None:
        destination = Path(self.to or DEFAULT_FILE)
        columns, rows = collect(gradebook, None, list(self.assignment) or None)
        if self.student:
            rows = [r for r in rows if r.student.student_id in self.student]
        write(destination, plain_table(columns, rows))
        for student, assignments in ungraded_students(rows).items():
            self.log.warning("%s: written answers not graded yet in %s", student, ", ".join(assignments))
        self.log.info("Exported %d students to %s", len(rows), destination)
