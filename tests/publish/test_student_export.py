"""`course student-export`: the student-facing tree holds the release and nothing instructors-only."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.publish.leaks import scan
from diplomacy_course.publish.student_export import INCLUDED, export

INSTRUCTOR_ONLY = ("solutions", "grading", "tests", ".ci", "benchmarks", ".github", ".git", ".venv", "_build")


@pytest.fixture(scope="module")
def exported(tmp_path_factory, repo):
    return export(tmp_path_factory.mktemp("student") / "export", repo)


def test_export_holds_the_release_with_its_data(exported, authored_assignments):
    for assignment in authored_assignments:
        folder = exported / "assignments" / assignment.id
        assert (folder / assignment.notebook).is_file()
        assert sorted(p.name for p in (folder / "data").iterdir()) == sorted(assignment.data_files)


def test_export_holds_only_student_material(exported):
    assert {p.name for p in exported.iterdir()} == {*INCLUDED, "README.md"}
    assert not [name for name in INSTRUCTOR_ONLY if (exported / name).exists()]
    assert not list(exported.rglob("*.egg-info")), "build leftovers were copied"


def test_export_has_the_book_its_configuration_and_the_student_environment(exported):
    for path in (
        "_config.yml",
        "_toc.yml",
        "book/welcome.md",
        "binder/requirements.txt",
        "src/diplomacy_course/data/load.py",
        "datasets/accounts.csv",
    ):
        assert (exported / path).is_file(), path
    environment = (exported / "binder/requirements.txt").read_text()
    assert "nbgitpuller" in environment and "jupytext" in environment  # launch links need both on the hub


# The only files that may name nbgrader's markers: the tools that look for them.
MARKER_SEARCHING_TOOLS = {
    "src/diplomacy_course/grading/feedback.py",
    "src/diplomacy_course/grading/rubric.py",  # reads the mark schemes out of the source notebooks
    "src/diplomacy_course/publish/leaks.py",
}


def test_the_only_leak_check_hits_are_the_tools_naming_markers(exported, repo):
    """export() lets markers through in any package module; only these three have a reason to hold one."""
    leaks = scan([exported], repo / "solutions")
    assert {leak.path.relative_to(exported).as_posix() for leak in leaks} <= MARKER_SEARCHING_TOOLS


def test_chapters_find_the_exported_data(exported):
    """The chapters' load_table() finds datasets/ by walking up to the export's root."""
    where = subprocess.run(
        [sys.executable, "-c", "from diplomacy_course.core.locations import datasets_dir; print(datasets_dir())"],
        cwd=exported / "book" / "chapters",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str((exported / "datasets").resolve())


@pytest.mark.parametrize("where", ["assignments", "book", "src"])
def test_a_planted_solution_notebook_fails_the_export(course_copy, tmp_path, authored_assignments, where):
    assignment = authored_assignments[0]
    solution = assignment.source_dir(course_copy) / assignment.notebook
    folder = assignment.release_dir(course_copy) if where == "assignments" else course_copy / where
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "copied-by-mistake.ipynb"
    shutil.copyfile(solution, target)

    result = CliRunner().invoke(app, ["student-export", str(tmp_path / "out")], env={"COURSE_ROOT": str(course_copy)})

    assert result.exit_code == 1, result.output
    assert "copied-by-mistake.ipynb" in result.output and "leak" in result.output


def test_the_command_succeeds_on_a_clean_copy(course_copy, tmp_path):
    """The control for the test above: the failure comes from the planted notebook."""
    result = CliRunner().invoke(app, ["student-export", str(tmp_path / "out")], env={"COURSE_ROOT": str(course_copy)})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "README.md").is_file()


def test_the_export_refuses_a_folder_that_is_not_empty(course_copy, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("someone's work")
    result = CliRunner().invoke(app, ["student-export", str(tmp_path / "out")], env={"COURSE_ROOT": str(course_copy)})
    assert result.exit_code == 1
    assert (tmp_path / "out" / "keep.txt").is_file()
