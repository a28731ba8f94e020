"""The book build refuses to send students to a repository that could hold solutions.

Each failing case runs the course's own book build (``build_book``, as ``./course build-book``) on a
copy of the course; the guard stops it before any page is read, so these builds take seconds, not a
full build's minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from diplomacy_course.book.build import build_book
from diplomacy_course.publish.book_guard import UnsafeStudentRepository, check_student_repository
from diplomacy_course.publish.leaks import secret_lines
from diplomacy_course.publish.student_export import export


def _failed_build_output(root: Path, capfd) -> str:
    """Build the book strictly, as `./course build-book` does; it must fail. What Sphinx printed."""
    capfd.readouterr()
    with pytest.raises(RuntimeError, match="The book build failed"):
        build_book(root, strict=True, quiet=True)
    captured = capfd.readouterr()
    return captured.out + captured.err


def _name_as_student_repository(root: Path, url: str) -> None:
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["course"]["student_repository"]["url"] = url
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def _a_solution_line(root: Path) -> str:
    """A distinctive line from inside a solution or hidden-test region in solutions/."""
    return sorted(secret_lines(root / "solutions"))[0]


def test_the_course_as_committed_passes_the_guard(repo):
    check_student_repository(repo)


def test_a_build_naming_the_instructor_repository_fails_with_the_reason(course_copy, capfd):
    instructor = yaml.safe_load((course_copy / "_config.yml").read_text())["repository"]["url"]
    _name_as_student_repository(course_copy, instructor + ".git")
    output = _failed_build_output(course_copy, capfd)
    assert "the instructor repository, which holds solutions/: students must never pull it" in output
    assert not (course_copy / "_build" / "html").exists()


def test_a_build_whose_student_export_holds_a_solution_fails_with_the_leak(course_copy, capfd):
    secret = _a_solution_line(course_copy)
    chapter = course_copy / "book" / "welcome.md"
    chapter.write_text(chapter.read_text() + f"\n\nA tip for the first assignment:\n\n    {secret}\n")
    output = _failed_build_output(course_copy, capfd)
    assert "would reach students with instructor-only material" in output
    assert "book/welcome.md: instructor-only line" in output
    assert not (course_copy / "_build" / "html").exists()


@pytest.mark.parametrize(
    "line, marker",
    [
        ("### BEGIN SOLUTION", "BEGIN SOLUTION"),
        ("### BEGIN HIDDEN TESTS", "BEGIN HIDDEN TESTS"),
        ("<!-- BEGIN MARK SCHEME -->", "BEGIN MARK SCHEME"),
    ],
    ids=["solution", "hidden-tests", "rubric"],
)
def test_an_export_with_a_marker_in_a_released_notebook_is_refused(course_copy, line, marker):
    notebook = sorted((course_copy / "assignments").glob("*/*.ipynb"))[0]
    notebook.write_text(notebook.read_text().replace('"source": [', f'"source": [\n    "{line}\\n",', 1))
    released = notebook.relative_to(course_copy).as_posix()
    with pytest.raises(UnsafeStudentRepository, match=f"{released}: nbgrader marker '{marker}'"):
        check_student_repository(course_copy)


def test_a_missing_student_repository_is_refused(course_copy):
    config = yaml.safe_load((course_copy / "_config.yml").read_text())
    del config["course"]
    (course_copy / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    with pytest.raises(UnsafeStudentRepository, match="No student repository"):
        check_student_repository(course_copy)


def test_the_student_repository_builds_its_own_book_past_the_guard(tmp_path, repo):
    """The export keeps _config.yml, guard included: the student README's `jupyter-book build .` must pass it."""
    exported = export(tmp_path / "student", repo)
    assert "diplomacy_course.publish.book_guard" in (exported / "_config.yml").read_text()
    check_student_repository(exported)


def _tiny_book(root: Path, repo: Path, page: str) -> Path:
    """A book with pages and configuration but no release (as the editions tests build)."""
    (root / "book").mkdir(parents=True)
    (root / "book" / "welcome.md").write_text(page)
    (root / "_config.yml").write_text((repo / "_config.yml").read_text())
    return root


def test_a_book_without_a_release_passes_when_its_pages_are_clean(tmp_path, repo):
    check_student_repository(_tiny_book(tmp_path, repo, "# Welcome\n"))


def test_a_book_without_a_release_is_still_refused_a_solution_marker(tmp_path, repo):
    root = _tiny_book(tmp_path, repo, "# Welcome\n\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n")
    with pytest.raises(UnsafeStudentRepository, match="welcome.md: nbgrader marker 'BEGIN SOLUTION'"):
        check_student_repository(root)
