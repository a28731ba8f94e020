"""The graders' rubric page (``course rubric``): what it holds, that it fetches nothing, and that it
can never be published (issue #15, 6).

The content is checked against the source notebooks read independently of the rubric module
(nbgrader metadata and the raw mark-scheme text); the leak guard runs the real leak check, student
export and book guard on a copy of the course.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess

import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.core import locations
from diplomacy_course.grading.rubric import rubric_path, write_rubric, written_answers
from diplomacy_course.publish.book_guard import UnsafeStudentRepository, check_student_repository
from diplomacy_course.publish.leaks import scan
from diplomacy_course.publish.student_export import LeakError, export
from tests.support.course import REPO
from tests.support.variants import read

SCHEME = re.compile(r"=+ BEGIN MARK SCHEME =+\n(.*?)\n=+ END MARK SCHEME =+", re.DOTALL)
LENGTH = re.compile(r"\d+\s*[–-]\s*\d+\s+(words|sentences)")


def _plain(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    return " ".join(text.split())


def _manual_cells(notebook) -> list[dict]:
    return [
        {"id": m["grade_id"], "points": m["points"], "source": c.source}
        for c in notebook.cells
        if (m := c.metadata.get("nbgrader", {})).get("grade") and m.get("solution")
    ]


def _graded_on(notebook, grade_id: str) -> str:
    """The last "**Graded on**" paragraph above the answer cell, as students read it."""
    index = next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    above = [c.source for c in notebook.cells[:index] if c.cell_type == "markdown"]
    paragraphs = [p for text in above for p in text.split("\n\n") if p.startswith("**Graded on**")]
    return paragraphs[-1]


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_GRADING_DIR", str(tmp_path / "grading"))
    return tmp_path / "grading"


def test_each_rubric_page_holds_every_written_answer_with_points_criteria_and_model_answer(
    authored_assignments, workspace
):
    for assignment in authored_assignments:
        source = read(assignment.source_dir(REPO) / assignment.notebook)
        cells = _manual_cells(source)
        assert cells, f"{assignment.id} has no written answer"
        path = write_rubric(assignment, REPO)
        assert path == workspace / "rubrics" / f"{assignment.id}-rubric.html"
        page = path.read_text(encoding="utf-8")
        text = _plain(page)
        for cell in cells:
            assert f'id="{cell["id"]}"' in page, f"{assignment.id}: {cell['id']} missing"
            assert f"grade id: {cell['id']} · points: {cell['points']:g}" in text
            criteria = _graded_on(source, cell["id"]).replace("*", "").replace("`", "")
            assert " ".join(criteria.split()) in text, f"{cell['id']}: its Graded on criteria are missing"
            (scheme,) = SCHEME.findall(cell["source"])
            for line in scheme.splitlines():
                assert " ".join(line.split()) in text, f"{cell['id']}: rubric line missing: {line!r}"
        total = sum(c["points"] for c in cells)
        assert f"{len(cells)} written answers graded by hand, {total:g} points in all" in text


def test_every_written_question_in_the_release_states_its_length_and_criteria_but_no_model_answer(
    authored_assignments,
):
    for assignment in authored_assignments:
        release = read(assignment.release_dir(REPO) / assignment.notebook)
        answers = written_answers(release)
        assert {a.grade_id for a in answers} == {c["id"] for c in _manual_cells(release)}
        for answer in answers:
            where = f"{assignment.id}/{answer.grade_id}"
            assert answer.graded_on.startswith("**Graded on**"), f"{where}: no Graded on criteria"
            assert f"{answer.points:g} point" in answer.graded_on, f"{where}: the criteria do not give the points"
            assert LENGTH.search(answer.question), f"{where}: the question states no length"
            assert answer.rubric == "", f"{where}: the release holds a mark scheme"


def test_a_rubric_page_is_self_contained_and_fetches_nothing(authored_assignments, workspace, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access while writing a rubric: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for assignment in authored_assignments:
        page = write_rubric(assignment, REPO).read_text(encoding="utf-8")
        assert "<style>" in page and "@media print" in page and "@page" in page
        for fetching in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "@font-face"):
            assert fetching not in page.lower(), f"{assignment.id}: {fetching} in the rubric page"
        assert not re.search(r"""href=["']?(https?:)?//""", page), f"{assignment.id}: a link to another site"
        assert locations.RUBRIC_MARK in page


def test_course_rubric_writes_every_page_into_the_ignored_workspace_and_prints_the_paths(course_copy):
    runner = CliRunner()
    env = {"COURSE_ROOT": str(course_copy)}
    done = runner.invoke(app, ["rubric", "--all"], env=env)
    assert done.exit_code == 0, done.output
    for assignment_id in ("a1", "a2", "a3", "a4"):
        path = course_copy / "grading" / "rubrics" / f"{assignment_id}-rubric.html"
        assert path.is_file() and str(path) in " ".join(done.output.split())
    one = runner.invoke(app, ["rubric", "a2"], env=env)
    assert one.exit_code == 0 and "a2-rubric.html" in one.output
    assert runner.invoke(app, ["rubric"], env=env).exit_code == 1
    assert runner.invoke(app, ["rubric", "a9"], env=env).exit_code == 1
    assert not list((course_copy / "assignments").rglob("*rubric*"))
    assert not list((course_copy / "book").rglob("*rubric*.html"))


def test_the_default_rubric_folder_is_git_ignored(authored_assignments):
    for assignment in authored_assignments:
        path = rubric_path(assignment, REPO)
        assert path.is_relative_to(REPO / "grading")
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=REPO, capture_output=True)
        assert ignored.returncode == 0, f"{path} is not git-ignored"


def test_a_rubric_is_never_written_into_a_published_folder(course_copy, monkeypatch, authored_assignments):
    monkeypatch.setenv("COURSE_GRADING_DIR", str(course_copy / "assignments" / "grading"))
    with pytest.raises(ValueError, match="inside a published folder"):
        write_rubric(authored_assignments[0], course_copy)
    assert not (course_copy / "assignments" / "grading").exists()


def test_the_leak_check_refuses_a_rubric_page_anywhere_it_is_published(course_copy, authored_assignments):
    page = write_rubric(authored_assignments[0], course_copy)
    assert page.is_relative_to(course_copy / "grading")
    # Where course rubric puts it, nothing is published: the release and book scan clean, the export works.
    trees = [course_copy / "assignments", course_copy / "book"]
    assert scan(trees, course_copy / "solutions") == []
    exported = export(course_copy.parent / "export-clean", course_copy)
    pages = [p for p in exported.rglob("*.html") if locations.RUBRIC_MARK in _read(p)]
    assert pages == [] and not list(exported.rglob("*rubric*.html"))
    # Copied into the release (even renamed), the page is caught by its mark and by its rubric lines.
    copy = course_copy / "assignments" / "a1" / "notes.html"
    shutil.copyfile(page, copy)
    found = [leak.what for leak in scan(trees, course_copy / "solutions") if leak.path == copy]
    assert "a grader's rubric page (course rubric): model answers" in found
    assert any(what.startswith("instructor-only line") for what in found)
    with pytest.raises(LeakError, match="rubric page"):
        export(course_copy.parent / "export-leaky", course_copy)
    copy.unlink()
    # Put into the book, it stops the book build's guard before any page is read.
    shutil.copyfile(page, course_copy / "book" / "grading-help.html")
    with pytest.raises(UnsafeStudentRepository, match=r"book/grading-help\.html: a grader's rubric page"):
        check_student_repository(course_copy)


def _read(path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def test_the_marker_alone_flags_a_page_without_rubric_lines(tmp_path, repo):
    tree = tmp_path / "site"
    tree.mkdir()
    (tree / "page.html").write_text(
        f'<html><head><meta name="{locations.RUBRIC_MARK}" content="x"></head><body>hello</body></html>'
    )
    (tree / "other.html").write_text("<html><body>hello</body></html>")
    leaks = scan([tree], repo / "solutions")
    assert [(leak.path.name, leak.what) for leak in leaks] == [
        ("page.html", "a grader's rubric page (course rubric): model answers")
    ]
    assert json.dumps([str(leak) for leak in leaks])
