"""A failed release never costs the committed one: the gradebook is checked first, nbgrader
builds into a staging folder, and the error says what is wrong and what to do."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.core import catalog, nbgrader_runner
from diplomacy_course.core.release import STAGING_PREFIX, release
from tests.support.course import submit

# Port 9 (discard) on this machine: nothing listens, the connection is refused at once.
UNREACHABLE = "postgresql+psycopg2://grader:secret@127.0.0.1:9/gradebook"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith(STAGING_PREFIX)]


@pytest.mark.parametrize("url", [UNREACHABLE, "sqlite:////no/such/folder/gradebook.db"])
def test_unreachable_gradebook_keeps_the_release_and_names_the_fix(course_copy, monkeypatch, url):
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", url)
    monkeypatch.setenv("COURSE_ROOT", str(course_copy))
    before = _snapshot(course_copy / "assignments")
    result = CliRunner().invoke(app, ["release", "a1"])
    assert result.exit_code == 1
    assert "COURSE_GRADEBOOK_URL" in result.output and "cannot be opened" in result.output
    assert "db upgrade" not in result.output
    assert "secret" not in result.output  # the password is not printed
    assert _snapshot(course_copy / "assignments") == before
    assert not _leftovers(course_copy)


def test_build_stops_before_touching_the_release_when_the_gradebook_is_unreachable(course_copy, monkeypatch):
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", UNREACHABLE)
    monkeypatch.setenv("COURSE_ROOT", str(course_copy))
    before = _snapshot(course_copy / "assignments")
    result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 1 and "COURSE_GRADEBOOK_URL" in result.output
    assert _snapshot(course_copy / "assignments") == before


@pytest.mark.slow
def test_nbgrader_failure_mid_release_keeps_the_committed_release(course_copy):
    """nbgrader's own --force would delete assignments/a1 first; the staging folder prevents that."""
    a1 = catalog.get("a1")
    before = _snapshot(a1.release_dir(course_copy))
    source = a1.source_dir(course_copy) / a1.notebook
    notebook = json.loads(source.read_text())
    notebook["cells"][0]["metadata"]["nbgrader"] = {"grade": True, "solution": False, "grade_id": "x", "points": 1}
    notebook["cells"][1]["metadata"]["nbgrader"] = {"grade": True, "solution": False, "grade_id": "x", "points": 1}
    source.write_text(json.dumps(notebook))  # two cells with one grade id: nbgrader refuses it
    with pytest.raises(nbgrader_runner.NbgraderError) as failure:
        release(a1, course_copy)
    assert not isinstance(failure.value, nbgrader_runner.GradebookUnreachable)
    assert "generate_assignment" in str(failure.value)
    assert _snapshot(a1.release_dir(course_copy)) == before
    assert not _leftovers(course_copy)


@pytest.mark.slow
def test_release_to_the_exchange_puts_the_assignment_where_students_fetch_it(course_copy, tmp_path, monkeypatch):
    a1 = catalog.get("a1")
    exchange = tmp_path / "exchange"
    monkeypatch.setenv("COURSE_ROOT", str(course_copy))
    monkeypatch.setenv("COURSE_EXCHANGE_ROOT", str(exchange))
    before = _snapshot(a1.release_dir(course_copy))
    missing = CliRunner().invoke(app, ["release", "a1", "--to-exchange"])
    assert missing.exit_code == 1 and "does not exist" in missing.output and "COURSE_EXCHANGE_ROOT" in missing.output
    assert _snapshot(a1.release_dir(course_copy)) == before  # checked before anything changed
    exchange.mkdir(mode=0o777)
    result = CliRunner().invoke(app, ["release", "a1", "--to-exchange"])
    assert result.exit_code == 0, result.output
    outbound = exchange / "digital-diplomacy-by-the-numbers" / "outbound" / "a1" / a1.notebook
    assert filecmp.cmp(outbound, a1.release_dir(course_copy) / a1.notebook, shallow=False)
    assert _snapshot(a1.release_dir(course_copy)) == before  # a fresh release equals the committed one
    assert not _leftovers(course_copy)


def test_a_relative_grading_folder_means_the_same_folder_to_nbgrader(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COURSE_GRADING_DIR", "term-2026/grading")
    assert nbgrader_runner.environment()["COURSE_GRADING_DIR"] == str(tmp_path / "term-2026" / "grading")


def test_autograde_with_an_unreachable_gradebook_keeps_the_release_and_says_why(course_copy, monkeypatch):
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", UNREACHABLE)
    monkeypatch.setenv("COURSE_ROOT", str(course_copy))
    a1 = catalog.get("a1")
    submit(course_copy, a1, "s001", a1.release_dir(course_copy) / a1.notebook)
    before = _snapshot(course_copy / "assignments")
    result = CliRunner().invoke(app, ["autograde", "a1"])
    assert result.exit_code == 1 and "COURSE_GRADEBOOK_URL" in result.output
    assert "db upgrade" not in result.output
    assert _snapshot(course_copy / "assignments") == before


@pytest.mark.slow
def test_nbgraders_database_advice_is_replaced_by_the_real_cause(course_copy, tmp_path):
    """nbgrader answers any database error with `nbgrader db upgrade`; the runner names the real cause."""
    staging = tmp_path / "release"
    with pytest.raises(nbgrader_runner.GradebookUnreachable, match="cannot be opened"):
        nbgrader_runner.run(
            ["generate_assignment", "a1", "--force", "--create", f"--CourseDirectory.release_directory={staging}"],
            course_copy,
            db_url=UNREACHABLE,
        )


def test_a_course_root_given_as_a_relative_path_releases_like_an_absolute_one(course_copy, monkeypatch):
    """nbgrader runs inside the course folder: a staging folder named relative to the caller's
    folder would point elsewhere there, and the release would be reported missing."""
    monkeypatch.chdir(course_copy.parent)
    a1 = catalog.get("a1")
    released = release(a1, Path(course_copy.name))
    assert released == a1.release_dir(course_copy) and (released / a1.notebook).is_file()
    assert not _leftovers(course_copy)
