"""Grade files that the LMSs import as they are: Canvas's and Moodle's identity columns,
blanks (never 0) where nothing was submitted, no totals posing as assignments, names and
e-mails filled in, ungraded written answers named, and files written where the shell user
expects and kept out of git."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.grading.export import CANVAS_IDENTITY, MOODLE_IDENTITY
from tests.support.course import skip_or_fail
from tests.support.lms import ROSTER, write_roster

NB = "measuring-engagement"


def _gradebook(url: str) -> None:
    """a1 graded for s001 (complete) and s002 (written answer still to grade); s003 submitted
    nothing; a2 released but nobody has submitted it. s001's name is known to the gradebook only."""
    with Gradebook(url) as gb:
        for assignment in ("a1", "a2"):
            gb.add_assignment(assignment)
            gb.add_notebook(NB, assignment)
            gb.add_grade_cell("code-q1", NB, assignment, max_score=4, cell_type="code")
            gb.add_grade_cell("written-q2", NB, assignment, max_score=2, cell_type="markdown")
        gb.add_student("s001", first_name="Ana María", last_name="Pérez", email="ana@gradebook.example")
        gb.add_student("s002")
        gb.add_student("s003")
        for student, auto, manual in (("s001", 3.0, 1.5), ("s002", 4.0, None)):
            gb.add_submission("a1", student)
            code = gb.find_grade("code-q1", NB, "a1", student)
            code.auto_score, code.needs_manual_grade = auto, False
            written = gb.find_grade("written-q2", NB, "a1", student)
            written.manual_score, written.needs_manual_grade = manual, manual is None
        gb.db.commit()


@pytest.fixture(scope="module")
def template_gradebook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "gradebook.db"
    _gradebook(f"sqlite:///{path}")  # made once: creating a gradebook takes seconds
    return path


@pytest.fixture
def workspace(tmp_path, repo, template_gradebook):
    grading = tmp_path / "grading"
    grading.mkdir()
    shutil.copyfile(template_gradebook, grading / "gradebook.db")
    write_roster(grading / "roster.csv", [s for s in ROSTER if s.student_id in {"s001", "s002", "s003"}])
    return grading, {"COURSE_ROOT": str(repo), "COURSE_GRADING_DIR": str(grading)}


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.open(encoding="utf-8-sig")))


def _export(env, *args):
    return CliRunner().invoke(app, ["export", *args], env=env)


def test_canvas_file_has_its_identity_columns_points_row_and_blanks(workspace):
    grading, env = workspace
    result = _export(env, "--for", "canvas")
    assert result.exit_code == 0, result.output
    rows = _rows(grading / "grades-canvas.csv")
    assert rows[0] == CANVAS_IDENTITY + ["Measuring engagement"]  # a2 has no submission: no column
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "6"
    by_id = {r[1]: r for r in rows[2:]}
    assert by_id["101"][:5] == ["Pérez, Ana María", "101", "2026001", "aperez", "A"]
    assert by_id["101"][5] == "4.5"
    assert by_id["103"][5] == ""  # s003 submitted nothing: blank, not 0
    assert not any("total" in h.lower() or h.startswith("max_") for h in rows[0])


def test_moodle_file_identifies_students_by_email_and_id_number(workspace):
    grading, env = workspace
    assert _export(env, "--for", "moodle").exit_code == 0
    rows = _rows(grading / "grades-moodle.csv")
    assert rows[0] == MOODLE_IDENTITY + ["Measuring engagement"]
    by_mail = {r[3]: r for r in rows[1:]}
    assert by_mail["ana@gradebook.example"][:3] == ["Ana María", "Pérez", "2026001"]  # gradebook's e-mail first
    assert by_mail["luis.perez@example.edu"][:3] == ["Luis", "Pérez", "2026002"]  # roster fills the gaps
    assert by_mail["zoe.nunez@example.edu"][4] == ""


def test_plain_file_fills_names_and_leaves_missing_work_blank(workspace):
    grading, env = workspace
    assert _export(env).exit_code == 0
    rows = {r["student_id"]: r for r in csv.DictReader((grading / "grades.csv").open())}
    assert rows["s001"]["email"] == "ana@gradebook.example" and rows["s002"]["first_name"] == "Luis"
    assert rows["s001"]["a1"] == "4.5" and rows["s001"]["total"] == "4.5" and rows["s001"]["max_a1"] == "6"
    assert rows["s003"]["a1"] == "" and rows["s003"]["total"] == ""
    assert "a2" not in rows["s001"]


def test_ungraded_written_answers_are_named_and_can_block_the_export(workspace):
    grading, env = workspace
    warned = _export(env, "--for", "canvas")
    assert "s002: written answers not graded yet in a1" in warned.output
    assert "s001:" not in warned.output
    (grading / "grades-canvas.csv").unlink()
    refused = _export(env, "--for", "canvas", "--complete-only")
    assert refused.exit_code == 1 and "s002" in refused.output
    assert not (grading / "grades-canvas.csv").exists()


def test_lms_export_refuses_students_the_lms_could_not_match(workspace):
    grading, env = workspace
    write_roster(grading / "roster.csv", [s for s in ROSTER if s.student_id == "s001"])
    with Gradebook(f"sqlite:///{grading / 'gradebook.db'}") as gb:
        gb.update_or_create_student("s002", email="")
    result = _export(env, "--for", "canvas")
    assert result.exit_code == 1 and "s002, s003" in result.output


def test_relative_to_path_is_taken_from_the_current_folder(workspace, tmp_path, monkeypatch):
    _, env = workspace
    here = tmp_path / "somewhere" / "deeper"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    assert _export(env, "--to", "grades.csv").exit_code == 0
    assert (here / "grades.csv").is_file()


def test_course_script_keeps_the_callers_folder(workspace, tmp_path, repo):
    """`./course export --to grades.csv` from another folder writes there, not into the repository."""
    _, env = workspace
    here = tmp_path / "shell"
    here.mkdir()
    environment = {**os.environ, **env}
    environment.pop("COURSE_ROOT")  # the script itself says which course it is
    done = subprocess.run(
        [str(repo / "course"), "export", "--to", "mine.csv"], cwd=here, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (here / "mine.csv").is_file()
    assert not (repo / "mine.csv").exists()


@pytest.mark.parametrize(
    "path",
    [
        "grading/grades.csv",
        "grades.csv",
        "book/grades-canvas.csv",
        "solutions/a1/roster.csv",
        ".release-staging-x/a1/n",
    ],
)
def test_student_data_anywhere_in_the_repository_is_git_ignored(repo, path):
    done = subprocess.run(["git", "check-ignore", "-q", path], cwd=repo, capture_output=True)
    if done.returncode == 128:
        skip_or_fail("not a git checkout")
    assert done.returncode == 0, f"{path} would be committed"


def test_feedback_before_autograde_or_with_a_bad_gradebook_says_what_to_do(workspace):
    grading, env = workspace
    early = CliRunner().invoke(app, ["feedback", "a3"], env=env)
    assert early.exit_code == 1 and "./course autograde a3" in early.output
    bad = CliRunner().invoke(
        app, ["feedback", "a1"], env={**env, "COURSE_GRADEBOOK_URL": f"sqlite:///{grading}/no/gb.db"}
    )
    assert bad.exit_code == 1 and "COURSE_GRADEBOOK_URL" in bad.output and "Traceback" not in bad.output
    assert (
        CliRunner()
        .invoke(app, ["export"], env={**env, "COURSE_GRADEBOOK_URL": f"sqlite:///{grading}/no/gb.db"})
        .exit_code
        == 1
    )
