"""The gradebook: merging a worker's copy into the class gradebook, and reading scores back.

Unit tests on a small hand-made gradebook (tests/support/gradebook.py); no nbgrader run.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest
from nbgrader.api import Gradebook, MissingEntry

from diplomacy_course.grading.gradebook import (
    cell_scores,
    class_scores,
    has_submission,
    merge_submissions,
    record_ungradable,
)
from tests.support.gradebook import ASSIGNMENT, MAX_SCORE, NOTEBOOK, make_gradebook
from tests.support.gradebook import STUDENTS as CLASS
from tests.support.queries import count_queries


def _copy(url: str, path: Path) -> str:
    shutil.copy(url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def class_db(tmp_path) -> str:
    """The class gradebook; a grader has already given s1's essay 2.5 points by hand."""
    url = make_gradebook(tmp_path / "class.db")
    with Gradebook(url) as gb:
        gb.find_grade("essay", NOTEBOOK, ASSIGNMENT, "s1").manual_score = 2.5
        gb.db.commit()
    return url


@pytest.fixture
def worker_db(class_db, tmp_path) -> str:
    """A worker's copy, taken before it starts (as autograde does), then autograded."""
    url = _copy(class_db, tmp_path / "worker.db")
    with Gradebook(url) as gb:
        for student, test_x in (("s1", 2.0), ("s2", 0.0), ("s3", 2.0)):
            gb.find_grade("test_x", NOTEBOOK, ASSIGNMENT, student).auto_score = test_x
            gb.find_grade("test_y", NOTEBOOK, ASSIGNMENT, student).auto_score = 1.0
        gb.find_comment("answer", NOTEBOOK, ASSIGNMENT, "s1").auto_comment = "No answer given."
        gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "s2").flagged = True
        gb.db.commit()
    return url


def _grade(url: str, cell: str, student: str):
    with Gradebook(url) as gb:
        grade = gb.find_grade(cell, NOTEBOOK, ASSIGNMENT, student)
        return grade.auto_score, grade.manual_score


def test_merge_copies_the_named_students_and_reports_them(worker_db, class_db):
    merged = merge_submissions(worker_db, class_db, ASSIGNMENT, ["s1", "s2", "nobody"])
    assert merged == ["s1", "s2"], "a student the worker never graded is not reported as merged"
    assert _grade(class_db, "test_x", "s1") == (2.0, None)
    assert _grade(class_db, "test_x", "s2") == (0.0, None)
    with Gradebook(class_db) as gb:
        assert gb.find_comment("answer", NOTEBOOK, ASSIGNMENT, "s1").auto_comment == "No answer given."
        assert gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "s2").flagged
        with pytest.raises(MissingEntry):
            gb.find_student("nobody")


def test_merge_reads_each_notebooks_grades_with_their_cells_at_once(worker_db, class_db):
    with count_queries() as counted:
        merge_submissions(worker_db, class_db, ASSIGNMENT, ["s1", "s2"])
    assert counted.cells_loaded_one_at_a_time == 0


def test_merge_leaves_other_students_alone(worker_db, class_db):
    merge_submissions(worker_db, class_db, ASSIGNMENT, ["s1"])
    assert _grade(class_db, "test_x", "s3") == (None, None), "s3 belongs to another worker's batch"


def test_manual_grades_survive_the_merge(worker_db, class_db):
    merge_submissions(worker_db, class_db, ASSIGNMENT, ["s1"])
    assert _grade(class_db, "essay", "s1") == (None, 2.5)


def test_a_manual_grade_entered_while_autograde_ran_is_kept(worker_db, class_db):
    """The worker's copy was taken before a TA graded s2's essay in the formgrader."""
    with Gradebook(class_db) as gb:
        essay = gb.find_grade("essay", NOTEBOOK, ASSIGNMENT, "s2")
        essay.manual_score = 3.0
        gb.find_comment("essay", NOTEBOOK, ASSIGNMENT, "s2").manual_comment = "Well argued."
        gb.db.commit()
    merge_submissions(worker_db, class_db, ASSIGNMENT, ["s2"])
    assert _grade(class_db, "essay", "s2") == (None, 3.0)
    assert _grade(class_db, "test_x", "s2") == (0.0, None), "the automatic score still arrives"
    with Gradebook(class_db) as gb:
        assert gb.find_comment("essay", NOTEBOOK, ASSIGNMENT, "s2").manual_comment == "Well argued."
        assert not gb.find_grade("essay", NOTEBOOK, ASSIGNMENT, "s2").needs_manual_grade


def test_merge_adds_a_student_the_class_gradebook_lacks(class_db, tmp_path):
    worker = make_gradebook(tmp_path / "late.db")
    with Gradebook(worker) as gb:
        gb.add_student("late")
        gb.add_submission(ASSIGNMENT, "late")
        gb.find_grade("test_x", NOTEBOOK, ASSIGNMENT, "late").auto_score = 2.0
        gb.db.commit()
    assert merge_submissions(worker, class_db, ASSIGNMENT, ["late"]) == ["late"]
    assert _grade(class_db, "test_x", "late") == (2.0, None)


def test_new_students_reach_the_class_gradebook_without_warnings_on_the_terminal(class_db, tmp_path):
    # SQLAlchemy 2 warns ("not in session ... will not proceed") about every submission nbgrader
    # adds; in the middle of `course autograde`'s progress bar it reads like a failure.
    worker = make_gradebook(tmp_path / "late.db")
    with Gradebook(worker) as gb:
        gb.add_student("late")
        gb.add_submission(ASSIGNMENT, "late")
        gb.db.commit()
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        merge_submissions(worker, class_db, ASSIGNMENT, ["late"])
        record_ungradable(class_db, ASSIGNMENT, ["s4"])
    assert [str(w.message) for w in shown] == []
    with Gradebook(class_db) as gb:
        assert {gb.find_submission(ASSIGNMENT, s).student_id for s in ("late", "s4")} == {"late", "s4"}


def test_an_ungradable_student_scores_zero_and_is_flagged(class_db):
    record_ungradable(class_db, ASSIGNMENT, ["s4"])
    with Gradebook(class_db) as gb:
        submission = gb.find_submission(ASSIGNMENT, "s4")
        assert submission.score == 0
        assert all(notebook.flagged for notebook in submission.notebooks)


def test_recording_ungradable_keeps_grades_already_there(class_db):
    record_ungradable(class_db, ASSIGNMENT, ["s1"])
    assert _grade(class_db, "essay", "s1") == (None, 2.5)
    with Gradebook(class_db) as gb:
        assert gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, "s1").flagged


def test_a_submission_is_found_only_for_a_student_who_has_one(class_db):
    # How a run on a server gradebook learns that a job's grading arrived (nothing is merged there).
    assert has_submission(class_db, ASSIGNMENT, "s1")
    assert not has_submission(class_db, ASSIGNMENT, "s4")
    record_ungradable(class_db, ASSIGNMENT, ["s4"])
    assert has_submission(class_db, ASSIGNMENT, "s4")


def test_with_no_one_to_record_the_class_gradebook_is_not_opened(tmp_path):
    # Every student's job asks; opening (and committing to) the class gradebook for nobody cost
    # each of them a gradebook set-up. Opening this one would raise: SQLite makes no folders.
    record_ungradable(f"sqlite:///{tmp_path / 'no-such-folder' / 'gradebook.db'}", ASSIGNMENT, [])


def test_class_scores_have_one_entry_per_student_asked_for(worker_db, class_db):
    merge_submissions(worker_db, class_db, ASSIGNMENT, list(CLASS))
    scores = {s.student_id: s for s in class_scores(class_db, ASSIGNMENT, ["s1", "s2", "absent"])}
    assert list(scores) == ["s1", "s2", "absent"]
    assert scores["s1"].score == 2.0 + 1.0 + 2.5 and scores["s1"].max_score == MAX_SCORE
    assert scores["s2"].score == 0.0 + 1.0
    assert scores["absent"].score is None and not scores["absent"].needs_manual_grade


def test_cell_scores_tell_autograded_from_hand_graded_cells(worker_db, class_db):
    merge_submissions(worker_db, class_db, ASSIGNMENT, ["s1"])
    records = {(r["student_id"], r["question"]): r for r in cell_scores(class_db, ASSIGNMENT)}
    assert len(records) == len(CLASS) * 3, "one record per student and graded cell"
    assert records[("s1", "test_x")]["autograded"] and records[("s1", "test_x")]["score"] == 2.0
    assert not records[("s1", "essay")]["autograded"] and records[("s1", "essay")]["score"] == 2.5
    assert records[("s1", "essay")]["max_score"] == 3.0
