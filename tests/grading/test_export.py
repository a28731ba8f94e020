"""The plain grade export: one row per student, points per assignment, a total, in a fixed order;
blank (never 0) where a student has no submission.

Unit tests on a small hand-made gradebook (tests/support/gradebook.py); no nbgrader run.
"""

from __future__ import annotations

import csv

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.grading.export import DEFAULT_FILE, LmsCsvExportPlugin, grade_rows
from tests.support.gradebook import ASSIGNMENT, MAX_SCORE, NOTEBOOK, make_gradebook

SECOND = "a0-warmup"  # sorts before ASSIGNMENT, so the column order is not the order of creation


@pytest.fixture
def gradebook(tmp_path):
    """s1 and s2 graded on a1; s1 also did the warm-up; s3 submitted a1 ungraded; s4 submitted nothing."""
    with Gradebook(make_gradebook(tmp_path / "gradebook.db")) as gb:
        gb.update_or_create_student("s1", first_name="Ayu", last_name="Lestari", email="ayu@example.edu")
        gb.add_student("s4")
        for student, scores in (("s1", (2.0, 1.0, 2.25)), ("s2", (0.0, 1.0, 1.333))):
            for cell, score in zip(("test_x", "test_y", "essay"), scores, strict=True):
                gb.find_grade(cell, NOTEBOOK, ASSIGNMENT, student).manual_score = score
        gb.add_assignment(SECOND)
        gb.add_notebook("warmup", SECOND)
        gb.add_grade_cell("only", "warmup", SECOND, max_score=4.0, cell_type="code")
        gb.add_submission(SECOND, "s1")
        gb.find_grade("only", "warmup", SECOND, "s1").auto_score = 4.0
        gb.db.commit()
        yield gb


def test_header_names_students_then_assignments_in_order_then_total_then_maxima(gradebook):
    header, _ = grade_rows(gradebook)
    assert header == [
        "student_id",
        "email",
        "first_name",
        "last_name",
        SECOND,
        ASSIGNMENT,
        "total",
        f"max_{SECOND}",
        f"max_{ASSIGNMENT}",
    ]


def test_one_row_per_student_sorted_with_missing_work_left_blank(gradebook):
    _, rows = grade_rows(gradebook)
    by_student = {row["student_id"]: row for row in rows}
    assert [row["student_id"] for row in rows] == ["s1", "s2", "s3", "s4"]
    assert by_student["s1"][ASSIGNMENT] == "5.25" and by_student["s1"][SECOND] == "4"
    assert by_student["s1"]["total"] == "9.25"
    assert by_student["s2"][ASSIGNMENT] == "2.33", "scores are rounded to two decimals"
    assert by_student["s2"][SECOND] == "", "no submission is a blank, not 0"
    assert by_student["s4"][ASSIGNMENT] == "" and by_student["s4"]["total"] == ""
    assert by_student["s4"]["email"] == "" and by_student["s1"]["email"] == "ayu@example.edu"
    assert {row[f"max_{ASSIGNMENT}"] for row in rows} == {f"{MAX_SCORE:g}"}


def test_an_assignment_nobody_has_submitted_gets_no_column(gradebook):
    gradebook.add_assignment("a9-later")
    gradebook.db.commit()
    header, _ = grade_rows(gradebook)
    assert "a9-later" not in header and "max_a9-later" not in header


def test_assignments_and_students_can_be_chosen(gradebook):
    header, rows = grade_rows(gradebook, assignments=[ASSIGNMENT], students=["s2", "s4"])
    assert SECOND not in header and f"max_{SECOND}" not in header
    assert [row["student_id"] for row in rows] == ["s2", "s4"]
    assert [row["total"] for row in rows] == ["2.33", ""], "the total counts only the chosen assignments"


def test_the_plugin_writes_the_rows_as_csv(gradebook, tmp_path):
    destination = tmp_path / "grades.csv"
    LmsCsvExportPlugin(to=str(destination)).export(gradebook)
    with destination.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    header, rows = grade_rows(gradebook)
    assert list(written[0]) == header
    assert written == rows


def test_the_plugin_writes_grades_csv_by_default(gradebook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    LmsCsvExportPlugin().export(gradebook)
    assert (tmp_path / DEFAULT_FILE).read_text(encoding="utf-8").startswith("student_id,email,")


def test_the_export_is_the_same_every_time(gradebook, tmp_path):
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    LmsCsvExportPlugin(to=str(first)).export(gradebook)
    LmsCsvExportPlugin(to=str(second)).export(gradebook)
    assert first.read_bytes() == second.read_bytes()
