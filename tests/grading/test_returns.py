"""Returning feedback: exchange students through the exchange, LMS students listed for upload."""

from __future__ import annotations

import pytest

from diplomacy_course.core import catalog, nbgrader_runner
from diplomacy_course.grading.returns import EXCHANGE_SECRET, release_feedback

A1 = catalog.get("a1")


def _feedback(root, student, secret: bool):
    folder = root / "grading" / "feedback" / student / A1.id
    folder.mkdir(parents=True)
    (folder / f"{A1.notebook_id}.html").write_text("<html>feedback</html>")
    if secret:
        (folder / EXCHANGE_SECRET).write_text("abc123")
    return folder


def test_lms_students_are_listed_and_need_no_exchange(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_EXCHANGE_ROOT", str(tmp_path / "no-exchange"))
    folders = {s: _feedback(tmp_path, s, secret=False) for s in ("s001", "s002")}
    done = release_feedback(A1, tmp_path)
    assert done.through_exchange == [] and done.through_lms == folders


def test_exchange_students_need_a_usable_exchange(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_EXCHANGE_ROOT", str(tmp_path / "no-exchange"))
    _feedback(tmp_path, "hubuser", secret=True)
    with pytest.raises(nbgrader_runner.ExchangeUnusable, match="COURSE_EXCHANGE_ROOT"):
        release_feedback(A1, tmp_path)


def test_releasing_before_generating_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="./course feedback a1"):
        release_feedback(A1, tmp_path)
