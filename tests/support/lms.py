"""Archives built like real LMS downloads, and a roster, for the LMS import and export tests.

Moodle's "Download all submissions" puts each student's files in a folder
``<Full name>_<participant>_assignsubmission_file/`` (or, without folders, prefixes each file
name with that); Canvas names each file ``<lastfirst>[_LATE]_<user id>_<attachment id>_<file>``.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from pathlib import Path

from diplomacy_course.grading import roster
from diplomacy_course.grading.roster import Student

ROSTER = [
    Student("s001", "Ana María", "Pérez", "ana.perez@example.edu", "101", "2026001", "aperez", "A", "2026001"),
    Student("s002", "Luis", "Pérez", "luis.perez@example.edu", "102", "2026002", "lperez", "A", "2026002"),
    Student("s003", "Zoë", "Núñez", "zoe.nunez@example.edu", "103", "2026003", "znunez", "B", "2026003"),
    Student("s004", "Kim", "Lee", "kim.lee.1@example.edu", "104", "2026004", "klee1", "B", "2026004"),
    Student("s005", "Kim", "Lee", "kim.lee.2@example.edu", "105", "2026005", "klee2", "B", "2026005"),
]


def write_roster(path: Path, students: list[Student] = ROSTER) -> Path:
    return roster.write(path, students)


def notebook_bytes(marker: str) -> bytes:
    """A minimal valid notebook whose one cell says who (and which version) it is."""
    notebook = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": [marker]}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook).encode()


def marker_of(path: Path) -> str:
    return "".join(json.loads(path.read_text())["cells"][0]["source"])


def build_zip(path: Path, entries: list[tuple[str, bytes, tuple]]) -> Path:
    """Entries (name, bytes, date_time) in order; names are stored as UTF-8 as both LMSs do."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data, when in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def nfd(text: str) -> str:
    """A name as macOS writes it into archives (decomposed accents)."""
    return unicodedata.normalize("NFD", text)
