"""An Indonesian student is graded exactly as an English one.

The same answers (the solution, and a notebook with wrong and missing answers) are submitted to
A1 (``a1``) and to its Indonesian edition (``a1-id``), both graded by the course's autograder
(what ``course autograde`` runs) and compared cell by cell. Then: the Indonesian feedback keeps
the Indonesian coaching and hides the hidden tests, and the grade export counts an ``a1-id``
submission as A1 (the later submission when a student sent both editions).
"""

from __future__ import annotations

import html

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core import catalog, locations, nbgrader_runner
from diplomacy_course.core.release import generate_edition_source
from diplomacy_course.grading import export
from diplomacy_course.publish.leaks import scan
from tests.support.course import cell_scores, copy_course, grade, submit_notebooks
from tests.support.variants import questions, read, with_answer

pytestmark = pytest.mark.slow


def _wrong(notebook):
    """Q1 answered wrongly, Q2 left as released, everything else right."""
    found = questions(notebook)
    return with_answer(with_answer(notebook, found[0], "wrong_value"), found[1], "stub")


def _timestamp(root, assignment, student, when: str) -> None:
    folder = locations.grading_dir(root) / "submitted" / student / assignment.id
    (folder / "timestamp.txt").write_text(when)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("indonesian") / "course")
    a1, a1_id = catalog.get("a1"), catalog.get("a1-id", root)
    generate_edition_source(a1_id, root)
    notebooks = {
        a1.id: read(a1.source_dir(root) / a1.notebook),
        a1_id.id: read(a1_id.source_dir(root) / a1_id.notebook),
    }
    for assignment in (a1, a1_id):
        solution = notebooks[assignment.id]
        submit_notebooks(root, assignment, "right", {assignment.notebook: solution})
        submit_notebooks(root, assignment, "wrong", {assignment.notebook: _wrong(solution)})
    # A student who submitted the English solution, then a worse Indonesian notebook: the later counts.
    submit_notebooks(root, a1, "switcher", {a1.notebook: notebooks[a1.id]})
    _timestamp(root, a1, "switcher", "2026-09-01 10:00:00.000000 UTC")
    submit_notebooks(root, a1_id, "switcher", {a1_id.notebook: _wrong(notebooks[a1_id.id])})
    _timestamp(root, a1_id, "switcher", "2026-09-02 10:00:00.000000 UTC")
    grade(root, a1, workers=2)
    grade(root, a1_id, workers=2)
    nbgrader_runner.run(["generate_feedback", a1_id.id, "--force"], root)
    return root, a1, a1_id, notebooks


@pytest.fixture(scope="module", params=["a2", "a3", "a4"])
def graded_other(request, tmp_path_factory):
    """Another translated assignment: the solution and the wrong notebook in both languages."""
    root = copy_course(tmp_path_factory.mktemp(f"indonesian-{request.param}") / "course")
    english, indonesian = catalog.get(request.param), catalog.get(f"{request.param}-id", root)
    generate_edition_source(indonesian, root)
    for assignment in (english, indonesian):
        solution = read(assignment.source_dir(root) / assignment.notebook)
        submit_notebooks(root, assignment, "right", {assignment.notebook: solution})
        submit_notebooks(root, assignment, "wrong", {assignment.notebook: _wrong(solution)})
        grade(root, assignment, workers=2)
    return root, english, indonesian, None


def test_the_same_answers_earn_the_same_points_cell_by_cell(graded):
    _assert_graded_alike(*graded[:3])


def test_other_translated_assignments_are_graded_alike_too(graded_other):
    _assert_graded_alike(*graded_other[:3])


def _assert_graded_alike(root, a1, a1_id):
    for student in ("right", "wrong"):
        english = cell_scores(root, a1, student)
        indonesian = cell_scores(root, a1_id, student)
        assert english == indonesian, f"{student}: the two editions grade the same answers differently"
    right = cell_scores(root, a1_id, "right")
    assert all(score == most for score, most, autograded in right.values() if autograded)
    wrong = cell_scores(root, a1_id, "wrong")
    assert any(score < most for score, most, autograded in wrong.values() if autograded)
    with Gradebook(locations.gradebook_url(root)) as gb:
        assert gb.find_assignment(a1.id).max_score == gb.find_assignment(a1_id.id).max_score


def test_the_indonesian_feedback_coaches_in_indonesian_and_hides_the_hidden_tests(graded):
    root, _, a1_id, _ = graded
    page = root / "grading" / "feedback" / "wrong" / a1_id.id / a1_id.notebook
    text = html.unescape(page.with_suffix(".html").read_text("utf-8"))
    assert "drop_repulled seharusnya mengembalikan DataFrame" in text  # a visible test's own coaching
    assert 'assert len(_deduped) == raw["post_id"].nunique()' not in text
    assert '_first = raw.loc[~raw["post_id"].duplicated()].reset_index(drop=True)' not in text
    assert "tes tersembunyi dijalankan di sini" in text
    assert "S1. Hapus baris hasil penarikan ulang" in text


def test_the_export_counts_an_indonesian_submission_as_the_assignment(graded):
    root, a1, _, _ = graded
    with Gradebook(locations.gradebook_url(root)) as gb:
        columns, rows = export.collect(gb)
        scores = {r.student.student_id: r.scores["a1"] for r in rows}
        right = gb.find_submission(a1.id, "right").score
        wrong = gb.find_submission(a1.id, "wrong").score
    assert [c.assignment_id for c in columns] == ["a1"]
    assert columns[0].title == a1.title
    assert scores["switcher"] == round(wrong, 2) != round(right, 2), "the later (Indonesian) submission counts"
    assert scores["right"] == round(right, 2)


def test_the_leak_check_covers_the_indonesian_release(graded):
    root, _, a1_id, _ = graded
    release = a1_id.release_dir(root)
    assert scan([release], locations.solutions_dir(root)) == []
    notebook = release / a1_id.notebook
    leaked = notebook.read_text("utf-8").replace(
        "# TULIS KODE ANDA DI SINI",
        'return df.drop_duplicates(subset=\\"post_id\\", keep=\\"first\\").reset_index(drop=True)',
        1,
    )
    notebook.write_text(leaked, "utf-8")
    assert scan([release], locations.solutions_dir(root)), "a solution line in the Indonesian release was missed"
