"""Importing LMS downloads: identities from the roster, every entry accounted for, nothing
aborted by one bad file. Archives are built as Moodle and Canvas name their downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.core import catalog
from diplomacy_course.grading.zip_collect import zip_collect
from tests.support.lms import ROSTER, build_zip, marker_of, nfd, notebook_bytes, write_roster

A1 = catalog.get("a1")
NB = A1.notebook
EARLY, LATER = (2026, 10, 1, 9, 0, 0), (2026, 10, 2, 18, 30, 0)


def _submitted(root: Path, student: str) -> Path:
    return root / "grading" / "submitted" / student / A1.id / NB


def _imported_folders(root: Path) -> list[str]:
    return sorted(p.parent.name for p in (root / "grading" / "submitted").glob(f"*/{A1.id}"))


def _moodle_folders(path: Path) -> Path:
    """Moodle's default download: one folder per student, re-zipped on a Mac (NFD names, __MACOSX)."""
    ana = nfd("Ana María Pérez_1001_assignsubmission_file")
    return build_zip(
        path,
        [
            (f"{ana}/{NB}", notebook_bytes("ana"), EARLY),
            (f"Luis Pérez_1002_assignsubmission_file/{NB}", notebook_bytes("luis"), EARLY),
            ("Zoë Núñez_1003_assignsubmission_file/measuring-engagement (1).ipynb", notebook_bytes("zoe"), EARLY),
            ("Ana María Pérez_1001_assignsubmission_onlinetext/onlinetext.html", b"<p>see notebook</p>", EARLY),
            (f"Kim Lee_1004_assignsubmission_file/{NB}", notebook_bytes("one of the Kims"), EARLY),
            (f"Nobody Known_1009_assignsubmission_file/{NB}", notebook_bytes("stranger"), EARLY),
            (f"Participant_1010_assignsubmission_file/{NB}", notebook_bytes("anonymous"), EARLY),
            (f"__MACOSX/{ana}/._{NB}", b"\x00\x05\x16\x07", EARLY),
            (".DS_Store", b"\x00\x00\x00\x01Bud1", EARLY),
        ],
    )


def _canvas(path: Path) -> Path:
    """Canvas's download: flat names with user and attachment ids, LATE, and a re-upload (-1)."""
    return build_zip(
        path,
        [
            (f"perezana_101_5001_{NB}", notebook_bytes("ana"), EARLY),
            (f"perezluis_LATE_102_5002_{NB}", notebook_bytes("luis late"), LATER),
            (f"nunezzoe_103_9990_{NB}", notebook_bytes("zoe first"), EARLY),
            (f"nunezzoe_103_10012_{NB.replace('.ipynb', '-1.ipynb')}", notebook_bytes("zoe second"), LATER),
            ("perezana_101_5004_notes.pdf", b"%PDF-1.4", EARLY),
            (f"leekim_104_5005_{NB}", b"{ this is not json", EARLY),
            ("readme.txt", b"downloaded from Canvas", EARLY),
        ],
    )


def test_moodle_folder_download_imports_by_full_name_and_names_every_other_file(tmp_path):
    report = zip_collect(A1, _moodle_folders(tmp_path / "moodle.zip"), tmp_path, ROSTER)
    assert sorted(report.imported) == ["s001", "s002", "s003"]  # Ana and Luis Pérez kept apart
    assert _imported_folders(tmp_path) == sorted(report.imported)
    assert marker_of(_submitted(tmp_path, "s001")) == "ana"  # found though macOS decomposed the accents
    assert marker_of(_submitted(tmp_path, "s003")) == "zoe"  # renamed notebook stored under its real name
    assert any("s003" in note and "(1)" in note for note in report.notes)
    skipped = dict(report.skipped)
    assert "several roster students (s004, s005)" in skipped[f"Kim Lee_1004_assignsubmission_file/{NB}"]
    assert "not in the roster" in skipped[f"Nobody Known_1009_assignsubmission_file/{NB}"]
    assert "reveal identities" in skipped[f"Participant_1010_assignsubmission_file/{NB}"]
    assert "not a notebook" in skipped["Ana María Pérez_1001_assignsubmission_onlinetext/onlinetext.html"]
    assert len(report.junk) == 2


def test_moodle_flat_download_imports_the_same_students(tmp_path):
    archive = build_zip(
        tmp_path / "flat.zip",
        [
            (f"Ana María Pérez_1001_assignsubmission_file_{NB}", notebook_bytes("ana"), EARLY),
            (f"Pérez Luis_1002_assignsubmission_file_{NB}", notebook_bytes("luis"), EARLY),  # "Last First" order
        ],
    )
    report = zip_collect(A1, archive, tmp_path, ROSTER)
    assert sorted(report.imported) == ["s001", "s002"]
    assert marker_of(_submitted(tmp_path, "s002")) == "luis"


def test_canvas_download_keeps_the_newest_resubmission_and_never_invents_a_late_student(tmp_path):
    report = zip_collect(A1, _canvas(tmp_path / "canvas.zip"), tmp_path, ROSTER)
    assert sorted(report.imported) == ["s001", "s002", "s003"]
    assert _imported_folders(tmp_path) == ["s001", "s002", "s003"]  # no student called LATE
    assert marker_of(_submitted(tmp_path, "s002")) == "luis late"
    assert marker_of(_submitted(tmp_path, "s003")) == "zoe second"
    assert [path for path, _ in report.superseded] == [f"nunezzoe_103_9990_{NB}"]
    assert any(note.startswith("s002") and "late" in note for note in report.notes)
    skipped = dict(report.skipped)
    assert set(skipped) == {"perezana_101_5004_notes.pdf", f"leekim_104_5005_{NB}", "readme.txt"}
    assert "not a readable Jupyter notebook" in skipped[f"leekim_104_5005_{NB}"]


def test_every_entry_is_imported_superseded_skipped_or_junk(tmp_path):
    import zipfile

    archive = _canvas(tmp_path / "canvas.zip")
    report = zip_collect(A1, archive, tmp_path, ROSTER)
    accounted = (
        list(report.imported.values())
        + [p for p, _ in report.superseded]
        + [p for p, _ in report.skipped]
        + report.junk
    )
    assert sorted(accounted) == sorted(zipfile.ZipFile(archive).namelist())


def test_a_bad_entry_leaves_an_earlier_good_submission_in_place(tmp_path):
    first = build_zip(tmp_path / "first.zip", [(f"leekim_104_5005_{NB}", notebook_bytes("kim good"), EARLY)])
    roster = [s for s in ROSTER if s.student_id != "s005"]
    zip_collect(A1, first, tmp_path, roster)
    again = build_zip(tmp_path / "again.zip", [(f"leekim_104_5006_{NB}", b"\x00 broken", LATER)])
    report = zip_collect(A1, again, tmp_path, roster)
    assert report.imported == {} and len(report.skipped) == 1
    assert marker_of(_submitted(tmp_path, "s004")) == "kim good"


def _run(args, env):
    return CliRunner().invoke(app, args, env=env)


def test_command_reports_counts_and_fails_on_files_left_out_with_an_outside_workspace(tmp_path, repo):
    outside = tmp_path / "elsewhere" / "grading"  # COURSE_GRADING_DIR outside the repository
    write_roster(outside / "roster.csv")
    env = {"COURSE_ROOT": str(repo), "COURSE_GRADING_DIR": str(outside)}
    result = _run(["zip-collect", "a1", str(_canvas(tmp_path / "canvas.zip"))], env)
    assert result.exit_code == 1, result.output
    assert "imported 3 students: s001, s002, s003" in result.output
    assert "not imported: readme.txt" in result.output
    assert "3 file(s) not imported" in result.output
    assert sorted(p.parent.name for p in (outside / "submitted").glob("*/a1")) == ["s001", "s002", "s003"]


def test_command_without_a_roster_says_how_to_make_one(tmp_path, repo):
    env = {"COURSE_ROOT": str(repo), "COURSE_GRADING_DIR": str(tmp_path / "grading")}
    result = _run(["zip-collect", "a1", str(_canvas(tmp_path / "canvas.zip"))], env)
    assert result.exit_code == 1
    assert "roster-template" in result.output
    assert not (tmp_path / "grading" / "submitted").exists()
    made = _run(["roster-template"], env)
    assert made.exit_code == 0, made.output
    assert (tmp_path / "grading" / "roster.csv").read_text().startswith("student_id,")
    assert _run(["roster-template"], env).exit_code == 1  # never overwrites a filled roster


@pytest.mark.parametrize("bad", ["notes.txt", "broken.zip"])
def test_a_file_that_is_not_a_zip_is_refused_before_anything_changes(tmp_path, bad):
    path = tmp_path / bad
    path.write_text("not an archive")
    with pytest.raises(ValueError, match="not a zip archive"):
        zip_collect(A1, path, tmp_path, ROSTER)
    assert not (tmp_path / "grading").exists()


def test_canvas_name_is_the_fallback_when_the_roster_has_no_canvas_id(tmp_path):
    from dataclasses import replace

    roster = [replace(s, canvas_id="") for s in ROSTER]
    archive = build_zip(tmp_path / "canvas.zip", [(f"nunezzoe_777_5003_{NB}", notebook_bytes("zoe"), EARLY)])
    report = zip_collect(A1, archive, tmp_path, roster)
    assert report.imported == {"s003": f"nunezzoe_777_5003_{NB}"}  # Núñez, Zoë without accents
