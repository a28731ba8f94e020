"""Collecting from the nbgrader exchange: release, a student fetches and submits, the
instructor's `course collect` gathers it (twice, safely)."""

from __future__ import annotations

import filecmp
import os
import pwd

import pytest
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.core import nbgrader_runner
from diplomacy_course.core.release import release

pytestmark = pytest.mark.slow
COURSE_ID = "digital-diplomacy-by-the-numbers"


def _as_student(args, home, exchange):
    """Run nbgrader as a student would, from their home folder (nbgrader names the
    student after the operating-system account running it)."""
    nbgrader_runner.run(
        [*args, f"--course={COURSE_ID}", f"--Exchange.root={exchange}"], home, extra_env={"HOME": str(home)}
    )


def test_collect_gathers_exchange_submissions_and_can_rerun(tmp_path, authored_assignments, monkeypatch):
    from tests.support.course import copy_course

    assignment = authored_assignments[0]
    root, exchange, home = copy_course(tmp_path / "course"), tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir(mode=0o777)
    home.mkdir()
    monkeypatch.setenv("COURSE_EXCHANGE_ROOT", str(exchange))
    monkeypatch.setenv("COURSE_ROOT", str(root))
    release(assignment, root)
    nbgrader_runner.run(["release_assignment", assignment.id, "--force"], root)
    _as_student(["fetch_assignment", assignment.id], home, exchange)
    assert (home / assignment.id / assignment.notebook).is_file()
    _as_student(["submit", assignment.id], home, exchange)
    runner = CliRunner()
    for _ in range(2):  # a second collect must be safe
        result = runner.invoke(app, ["collect", assignment.id])
        assert result.exit_code == 0, result.output
    student = pwd.getpwuid(os.getuid()).pw_name
    collected = root / "grading" / "submitted" / student / assignment.id / assignment.notebook
    assert collected.is_file()
    assert filecmp.cmp(collected, assignment.release_dir(root) / assignment.notebook, shallow=False)
