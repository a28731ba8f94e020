"""Importing an LMS download ("download all submissions") into grading/submitted/.

The archive is read here, not by nbgrader's zip-collect, because identities need
the roster (see ``roster.py``) and every entry must be accounted for. The forms read:

- Moodle, folder per student (its default): ``<Full Name>_<participant>_assignsubmission_file/<file>``;
- Moodle, flat ("without folders"): ``<Full Name>_<participant>_assignsubmission_file_<file>``;
  Moodle students are matched on their full name ("First Last" or "Last First");
- Canvas: ``<lastfirst>[_LATE]_<user id>_<attachment id>_<file>``, with ``-1``, ``-2`` before the
  extension when a student re-uploaded a file of the same name; matched on Canvas's user id
  (the roster's ``canvas_id``), else on the name.

Junk entries (``__MACOSX/``, ``._*``, ``.DS_Store``, folders) are ignored and counted. Every other
entry is imported under a roster identity or listed with the reason it was not; one bad entry never
stops the others. Of several notebooks from one student, the newest is kept and the others are
listed as superseded.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from diplomacy_course.core import locations
from diplomacy_course.core.catalog import Assignment
from diplomacy_course.grading.roster import Student, canvas_name_key, normalise_name

MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)$")
MOODLE_FLAT = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.+)$")
CANVAS = re.compile(
    r"^(?P<key>[^_]*?)(?:_(?P<late>late))?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$", re.IGNORECASE
)
CANVAS_RESUBMISSION = re.compile(r"^(?P<stem>.+?)-(?P<n>\d+)$")
JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
UTF8_FLAG = 0x800


@dataclass(frozen=True)
class Entry:
    """One file of the download, with what its name says about who sent it."""

    path: str  # the name as the archive's author wrote it
    raw: str  # the name as stored, to read the entry back
    lms: str  # "moodle" or "canvas"
    file_name: str  # the student's own file name
    name: str  # the display name in the file name
    lms_id: str  # Moodle participant number or Canvas user id
    late: bool
    order: tuple  # sorts older before newer


@dataclass
class ImportReport:
    """What happened to each entry of the archive."""

    imported: dict[str, str] = field(default_factory=dict)  # student id -> archive entry
    notes: list[str] = field(default_factory=list)  # renamed notebooks, late files
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (entry, why) older versions
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, why) problems to act on
    junk: list[str] = field(default_factory=list)


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: archives without the UTF-8 flag (some Windows and macOS tools)
    store UTF-8 bytes that Python reads as code page 437."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def is_junk(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (
        path.endswith("/")
        or any(p == "__MACOSX" for p in parts)
        or parts[-1] in JUNK_NAMES
        or parts[-1].startswith("._")
    )


def parse(path: str, info: zipfile.ZipInfo) -> Entry | None:
    """Read an entry's LMS name; None when it follows neither LMS's scheme."""
    parts = PurePosixPath(path).parts
    for index, folder in enumerate(parts[:-1]):
        match = MOODLE_FOLDER.match(folder)
        if match:  # assignsubmission_file, or _onlinetext (then not a notebook, reported as such)
            return _moodle_entry(path, info, match, "/".join(parts[index + 1 :]))
    match = MOODLE_FLAT.match(parts[-1])
    if match:
        return _moodle_entry(path, info, match, match["file"])
    match = CANVAS.match(parts[-1])
    if match:
        file_name, again = _canvas_file_name(match["file"])
        order = (info.date_time, int(match["attachment"]), again)
        return Entry(path, info.filename, "canvas", file_name, match["key"], match["user"], bool(match["late"]), order)
    return None


def _moodle_entry(path: str, info: zipfile.ZipInfo, match: re.Match, file_name: str) -> Entry:
    order = (info.date_time, 0, 0)
    return Entry(path, info.filename, "moodle", file_name, match["name"], match["participant"], False, order)


def _canvas_file_name(name: str) -> tuple[str, int]:
    """Canvas appends -1, -2 to a re-uploaded file's stem; return the original name and that number."""
    stem, dot, suffix = name.rpartition(".")
    match = CANVAS_RESUBMISSION.match(stem) if dot else None
    if match:
        return f"{match['stem']}.{suffix}", int(match["n"])
    return name, 0


def identify(entry: Entry, roster: list[Student]) -> Student | str:
    """The roster's student for an entry, or the reason there is none (unknown or ambiguous)."""
    if entry.lms == "canvas":
        matches = [s for s in roster if s.canvas_id and s.canvas_id == entry.lms_id]
        if not matches:
            key = canvas_name_key(entry.name)
            matches = [s for s in roster if key and canvas_name_key(s.last_name + s.first_name) == key]
        wanted = f"Canvas user {entry.lms_id} ({entry.name!r})"
    elif entry.name.casefold() == "participant":  # Moodle's anonymous submissions ("blind marking")
        return "Moodle hid the student's identity (anonymous submissions): reveal identities, then download again"
    else:
        name = normalise_name(entry.name)
        matches = [
            s
            for s in roster
            if name
            in (normalise_name(f"{s.first_name} {s.last_name}"), normalise_name(f"{s.last_name} {s.first_name}"))
        ]
        wanted = f"Moodle participant {entry.lms_id} ({entry.name!r})"
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return f"{wanted} is not in the roster: add them (canvas_id or name), then re-run"
    ids = ", ".join(s.student_id for s in matches)
    return f"{wanted} matches several roster students ({ids}): copy this file by hand into submitted/<student_id>/"


def _is_notebook(data: bytes) -> bool:
    try:
        return isinstance(json.loads(data.decode("utf-8")).get("cells"), list)
    except (UnicodeDecodeError, ValueError, AttributeError):
        return False


def plan(archive: zipfile.ZipFile, assignment: Assignment, roster: list[Student]) -> tuple[dict, ImportReport]:
    """Decide, without writing anything, which entry becomes each student's notebook."""
    report = ImportReport()
    candidates: dict[str, list[Entry]] = {}
    for info in archive.infolist():
        path = entry_name(info)
        if is_junk(path):
            report.junk.append(path)
            continue
        entry = parse(path, info)
        if entry is None:
            report.skipped.append((path, "not named like a Moodle or Canvas submission file"))
            continue
        if not entry.file_name.lower().endswith(".ipynb"):
            report.skipped.append((path, f"not a notebook (only {assignment.notebook} is graded)"))
            continue
        who = identify(entry, roster)
        if isinstance(who, str):
            report.skipped.append((path, who))
            continue
        candidates.setdefault(who.student_id, []).append(entry)
    chosen = {student: _choose(entries, assignment, report) for student, entries in candidates.items()}
    return chosen, report


def _choose(entries: list[Entry], assignment: Assignment, report: ImportReport) -> Entry:
    """The newest of a student's notebooks, preferring those under the assignment's own name."""
    exact = [e for e in entries if PurePosixPath(e.file_name).name == assignment.notebook]
    ranked = sorted(exact or entries, key=lambda e: e.order)
    kept = ranked[-1]
    for other in entries:
        if other is not kept:
            report.superseded.append((other.path, f"an older or other notebook of the same student; kept {kept.path}"))
    return kept


def zip_collect(assignment: Assignment, archive_path: Path, root: Path, roster: list[Student]) -> ImportReport:
    """Import ``archive_path`` into <grading>/submitted/<student>/<assignment>/ and report on every entry."""
    if archive_path.suffix.lower() != ".zip" or not zipfile.is_zipfile(archive_path):
        raise ValueError(f"{archive_path} is not a zip archive: download the submissions from the LMS as one zip.")
    submitted = locations.grading_dir(root) / "submitted"
    with zipfile.ZipFile(archive_path) as archive:
        chosen, report = plan(archive, assignment, roster)
        for student_id, entry in sorted(chosen.items()):
            _import_one(archive, entry, submitted / student_id / assignment.id, assignment, student_id, report)
    return report


def _import_one(
    archive: zipfile.ZipFile, entry: Entry, folder: Path, assignment: Assignment, student_id: str, report: ImportReport
) -> None:
    """Write one student's notebook; a bad entry is reported and leaves any earlier submission as it was."""
    try:
        data = archive.read(entry.raw)
    except (zipfile.BadZipFile, OSError) as error:  # a damaged entry (CRC mismatch, truncated)
        report.skipped.append((entry.path, f"unreadable in the archive ({error}) for {student_id}"))
        return
    if not _is_notebook(data):
        report.skipped.append((entry.path, f"not a readable Jupyter notebook (for {student_id}): ask for it again"))
        return
    staging = folder.with_name(f".{folder.name}.importing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / assignment.notebook).write_bytes(data)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    report.imported[student_id] = entry.path
    if PurePosixPath(entry.file_name).name != assignment.notebook:
        report.notes.append(f"{student_id}: {entry.file_name} imported as {assignment.notebook}")
    if entry.late:
        report.notes.append(f"{student_id}: Canvas marks this submission late")
