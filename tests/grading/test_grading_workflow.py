"""The instructor's cycle after submission, on a small class graded by real nbgrader:
parallel grading equals serial nbgrader, manual grades survive re-runs, feedback
hides hidden tests, grades export for an LMS, item analysis shows what was hard."""

from __future__ import annotations

import csv
import html
import io

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core import nbgrader_runner
from diplomacy_course.core.locations import gradebook_url
from diplomacy_course.core.release import release
from diplomacy_course.grading.item_analysis import item_analysis
from tests.support.course import cell_scores, grade, submit_notebooks
from tests.support.variants import hidden_test_lines, questions, read, with_answer

pytestmark = pytest.mark.slow


def _class(solution) -> dict:
    qs = questions(solution)
    return {
        "solver": solution,
        "blank_q0": with_answer(solution, qs[0], "stub"),
        "blank_q1": with_answer(solution, qs[1], "stub"),
        "useless_q0": with_answer(solution, qs[0], "wrong_value"),
    }


def _make_class(root, assignment) -> dict:
    solution = read(assignment.source_dir(root) / assignment.notebook)
    students = _class(solution)
    for student, notebook in students.items():
        submit_notebooks(root, assignment, student, {assignment.notebook: notebook})
    return students


@pytest.fixture(scope="module")
def graded(tmp_path_factory, authored_assignments):
    from tests.support.course import copy_course

    assignment = authored_assignments[0]
    ours = copy_course(tmp_path_factory.mktemp("ours") / "course")
    plain = copy_course(tmp_path_factory.mktemp("plain") / "course")
    students = _make_class(ours, assignment)
    _make_class(plain, assignment)
    grade(ours, assignment, workers=2)
    release(assignment, plain)  # the course's release (data files in place), then plain nbgrader
    nbgrader_runner.run(["autograde", assignment.id, "--force"], plain, check=False)
    return ours, plain, assignment, students


def test_parallel_grading_gives_serial_nbgraders_scores(graded):
    ours, plain, assignment, students = graded
    for student in students:
        assert cell_scores(ours, assignment, student) == cell_scores(plain, assignment, student), student


def _shown_kinds(root, assignment, student) -> dict[str, list[list[str]]]:
    """Per code cell of the autograded notebook: the kinds of output it shows (stream, image/png, ...)."""
    notebook = read(root / "grading" / "autograded" / student / assignment.id / assignment.notebook)
    return {
        cell.metadata.nbgrader.get("grade_id", str(number)) if "nbgrader" in cell.metadata else str(number): [
            sorted(output.get("data", {})) or [output.output_type] for output in cell.outputs
        ]
        for number, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
    }


def test_graders_see_what_the_students_code_showed_as_with_plain_nbgrader(graded):
    """Figures included: a TA grading a figure's caption by hand sees the figure (inline, as in Jupyter)."""
    ours, plain, assignment, _ = graded
    shown = _shown_kinds(ours, assignment, "solver")
    assert any(["image/png", "text/plain"] in kinds for kinds in shown.values()), "no figure in the graded notebook"
    assert shown == _shown_kinds(plain, assignment, "solver")


def test_wrong_answers_cost_points(graded):
    ours, _, assignment, _ = graded
    totals = {s: sum(v[0] for v in cell_scores(ours, assignment, s).values()) for s in ("solver", "blank_q0")}
    assert totals["blank_q0"] < totals["solver"]


def _manual_cell(root, assignment):
    scores = cell_scores(root, assignment, "solver")
    return next(gid for gid, (_, _, autograded) in scores.items() if not autograded)


def test_manual_grades_and_comments_survive_a_rerun(graded):
    ours, _, assignment, _ = graded
    written = _manual_cell(ours, assignment)
    with Gradebook(gradebook_url(ours)) as gb:
        gb.find_grade(written, assignment.notebook_id, assignment.id, "solver").manual_score = 1.5
        gb.find_comment(written, assignment.notebook_id, assignment.id, "solver").manual_comment = "Good memo."
        gb.db.commit()
    before = cell_scores(ours, assignment, "solver")
    grade(ours, assignment, workers=2)
    after = cell_scores(ours, assignment, "solver")
    assert after[written][0] == 1.5 and after == before
    with Gradebook(gradebook_url(ours)) as gb:
        assert gb.find_comment(written, assignment.notebook_id, assignment.id, "solver").manual_comment == "Good memo."


def test_feedback_shows_scores_but_never_hidden_tests(graded):
    ours, _, assignment, _ = graded
    nbgrader_runner.run(["generate_feedback", assignment.id, "--force"], ours)
    page = (
        ours / "grading" / "feedback" / "blank_q0" / assignment.id / assignment.notebook.replace(".ipynb", ".html")
    ).read_text()
    source = read(assignment.source_dir(ours) / assignment.notebook)
    hidden = set(hidden_test_lines(source))
    assert hidden, "the assignment has no hidden test to hide"
    text = html.unescape(page)
    shown = [line for line in hidden if line in text]
    assert not shown, f"hidden test lines in feedback: {shown[:3]}"
    assert "BEGIN HIDDEN TESTS" not in text
    scores = cell_scores(ours, assignment, "blank_q0").values()
    total, most = sum(s for s, _, _ in scores), sum(m for _, m, _ in scores)
    assert f"Score: {total:.1f} / {most:.1f}" in text, "the feedback does not show the student's score"


def test_grade_export_has_one_row_per_student_with_a_total(graded):
    ours, _, assignment, students = graded
    out = ours / "grading" / "grades.csv"
    nbgrader_runner.run(["export", f"--to={out}"], ours)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted(r["student_id"] for r in rows) == sorted(students)
    for row in rows:
        assert float(row["total"]) == pytest.approx(float(row[assignment.id]))
        assert float(row[assignment.id]) <= float(row[f"max_{assignment.id}"])
    solver = next(r for r in rows if r["student_id"] == "solver")
    blank = next(r for r in rows if r["student_id"] == "blank_q0")
    assert float(solver["total"]) > float(blank["total"])


def test_item_analysis_reports_each_questions_results(graded, tmp_path):
    ours, _, assignment, students = graded
    csv_path, figure = item_analysis(gradebook_url(ours), assignment.id, tmp_path)
    table = list(csv.DictReader(csv_path.open()))
    solution = read(assignment.source_dir(ours) / assignment.notebook)
    first_question = questions(solution)[0].grade_ids(solution)
    assert first_question <= {row["question"] for row in table}
    for row in table:
        assert int(row["students"]) == len(students)
        if row["question"] in first_question:  # solver and blank_q1 pass it; blank_q0 and useless_q0 fail
            assert float(row["full_marks_share"]) <= 0.5
    assert figure.stat().st_size > 10_000


def test_command_line_export_and_item_analysis_write_into_the_grading_workspace(graded, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from diplomacy_course.cli import app

    ours, _, assignment, students = graded
    (ours / "grading" / "grades.csv").unlink(missing_ok=True)  # an earlier test exports there too
    monkeypatch.chdir(tmp_path)  # anywhere but the course: defaults must not follow the working directory
    runner = CliRunner()
    for command in (["export"], ["item-analysis", assignment.id]):
        result = runner.invoke(app, command, env={"COURSE_ROOT": str(ours)})
        assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((ours / "grading" / "grades.csv").open()))
    assert sorted(r["student_id"] for r in rows) == sorted(students)
    assert (ours / "grading" / "reports" / f"{assignment.id}-items.png").is_file()
    assert not any(tmp_path.iterdir()), "a report was written into the working directory"
