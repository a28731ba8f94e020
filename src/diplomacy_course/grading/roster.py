"""The class roster: who the students are, under the course's ids and the LMS's.

nbgrader knows a student by one id (the hub user name). An LMS download names
files by the LMS's own ids and display names, and an LMS grade import matches
rows by its own identity columns. The roster, one CSV row per student, ties
them together. Fill it from the LMS's own exports (the instructor guide says
which export has which column); ``./course roster-template`` writes an empty one.

| column         | meaning                                   | from                                   |
|----------------|-------------------------------------------|----------------------------------------|
| ``student_id`` | the course's (nbgrader's, hub) id         | required                               |
| ``first_name``, ``last_name`` | the name the LMS shows | Moodle: First/Last name; Canvas: Student |
| ``email``      | e-mail address                            | Moodle: Email address                  |
| ``canvas_id``  | Canvas's user id                          | Canvas grade export: ID                |
| ``sis_user_id``, ``sis_login_id``, ``section`` | Canvas identity columns | Canvas grade export  |
| ``id_number``  | Moodle's ID number                        | Moodle: ID number                      |
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path

from diplomacy_course.core import locations

ROSTER_FILE = "roster.csv"
REQUIRED = ("student_id",)


@dataclass(frozen=True)
class Student:
    student_id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    id_number: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


COLUMNS = tuple(f.name for f in fields(Student))
TEMPLATE_ROWS = (
    Student("s001", "Ana María", "Pérez", "ana.perez@example.edu", "101", "2026001", "aperez", "Section A", "2026001"),
)


class RosterError(ValueError):
    """The roster is missing or malformed; the message says how to fix it."""


def default_path(root: Path | None = None) -> Path:
    return locations.grading_dir(root) / ROSTER_FILE


def write_template(path: Path) -> Path:
    """An example roster with every column, for the instructor to fill from the LMS's exports."""
    if path.exists():
        raise RosterError(f"{path} exists already; edit it, or give another path.")
    return write(path, TEMPLATE_ROWS)


def write(path: Path, students) -> Path:
    """A roster CSV with every column, one row per student (what ``load`` reads back)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for student in students:
            writer.writerow({c: getattr(student, c) for c in COLUMNS})
    return path


def load(path: Path) -> list[Student]:
    """Read a roster CSV (UTF-8, with or without a byte-order mark, as spreadsheets save it)."""
    if not path.is_file():
        raise RosterError(
            f"No roster at {path}. Write one with `./course roster-template` and fill it from your LMS's "
            "exports (the instructor guide lists the columns), or pass --roster PATH."
        )
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise RosterError(f"{path} has no column {', '.join(missing)} (its columns: {', '.join(header)}).")
        students = [_student(row) for row in reader if (row.get("student_id") or "").strip()]
    _refuse_duplicates(path, students)
    return students


def _student(row: dict) -> Student:
    return Student(**{c: (row.get(c) or "").strip() for c in COLUMNS})


def _refuse_duplicates(path: Path, students: list[Student]) -> None:
    ids = [s.student_id for s in students]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise RosterError(f"{path} lists these student ids more than once: {', '.join(twice)}.")


def normalise_name(name: str) -> str:
    """A name compared as a person reads it: same letters, any case, any spacing, NFC accents."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def canvas_name_key(name: str) -> str:
    """Canvas's file-name form of a name: letters and digits only, lower case, compared without
    accents (a download may spell Núñez as nunez)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in decomposed if not unicodedata.combining(c)))
