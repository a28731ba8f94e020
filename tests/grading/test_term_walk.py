"""A term through `./course`, as the instructor guide walks it: release to the exchange, a
student fetches and submits, LMS downloads from Moodle and Canvas, autograde, a written answer
graded by hand, feedback returned (exchange and LMS students alike), grades exported for each LMS."""

from __future__ import annotations

import csv
import os
import pwd

import pytest
from nbgrader.api import Gradebook
from typer.testing import CliRunner

from diplomacy_course.cli import app
from diplomacy_course.core import catalog, nbgrader_runner
from diplomacy_course.grading.roster import Student
from tests.support.course import copy_course
from tests.support.lms import ROSTER, build_zip, write_roster

pytestmark = pytest.mark.slow
COURSE_ID = "digital-diplomacy-by-the-numbers"
WHEN = (2026, 10, 1, 9, 0, 0)


def _as_student(args, home, exchange):
    nbgrader_runner.run(
        [*args, f"--course={COURSE_ID}", f"--Exchange.root={exchange}"], home, extra_env={"HOME": str(home)}
    )


def _course(args):
    result = CliRunner().invoke(app, args)
    return result


def test_a_whole_term_through_course(tmp_path, monkeypatch):
    a1 = catalog.get("a1")
    root, exchange, home = copy_course(tmp_path / "course"), tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir(mode=0o777)
    home.mkdir()
    monkeypatch.setenv("COURSE_ROOT", str(root))
    monkeypatch.setenv("COURSE_EXCHANGE_ROOT", str(exchange))
    hub_user = pwd.getpwuid(os.getuid()).pw_name  # nbgrader names exchange students after their account
    roster = [Student(hub_user, "Hub", "Student", "hub@example.edu", "100", "2026000", hub_user, "A", "2026000")]
    write_roster(root / "grading" / "roster.csv", roster + ROSTER[:2])

    released = _course(["release", "a1", "--to-exchange"])
    assert released.exit_code == 0, released.output
    _as_student(["fetch_assignment", "a1"], home, exchange)
    _as_student(["submit", "a1"], home, exchange)
    collected = _course(["collect", "a1"])
    assert collected.exit_code == 0 and "1 students have a submission" in collected.output

    solution = (a1.source_dir(root) / a1.notebook).read_bytes()
    blank = (a1.release_dir(root) / a1.notebook).read_bytes()
    moodle = build_zip(
        tmp_path / "moodle.zip", [(f"Ana María Pérez_1001_assignsubmission_file/{a1.notebook}", solution, WHEN)]
    )
    canvas = build_zip(tmp_path / "canvas.zip", [(f"perezluis_LATE_102_5002_{a1.notebook}", blank, WHEN)])
    for archive in (moodle, canvas):
        imported = _course(["zip-collect", "a1", str(archive)])
        assert imported.exit_code == 0, imported.output
        assert "imported 1 students" in imported.output

    graded = _course(["autograde", "a1"])
    assert graded.exit_code == 0, graded.output
    url = f"sqlite:///{root / 'grading' / 'gradebook.db'}"
    with Gradebook(url) as gb:
        assert sorted(s.student.id for s in gb.find_assignment("a1").submissions) == sorted([hub_user, "s001", "s002"])
        written = next(
            g for g in gb.find_submission("a1", "s001").notebooks[0].grades if g.cell.cell_type == "markdown"
        )
        written.manual_score = written.max_score  # one written answer graded; the rest are not
        gb.db.commit()
        ana = gb.find_submission("a1", "s001").score

    returned = _course(["feedback", "a1", "--release"])
    assert returned.exit_code == 0, returned.output
    assert "written answers not graded yet" in returned.output and "s002" in returned.output
    assert "feedback for 3 students" in returned.output
    assert "feedback released to the exchange for 1 students" in returned.output
    assert "s001:" in returned.output and "s002:" in returned.output  # to upload through the LMS
    _as_student(["fetch_feedback", "a1"], home, exchange)
    assert list((home / "a1" / "feedback").rglob("*.html")), "the exchange student got no feedback"

    for lms, identity in (("canvas", 1), ("moodle", 3)):
        exported = _course(["export", "--for", lms])
        assert exported.exit_code == 0, exported.output
        rows = list(csv.reader((root / "grading" / f"grades-{lms}.csv").open(encoding="utf-8-sig")))
        body = rows[2:] if lms == "canvas" else rows[1:]
        by_identity = {r[identity]: r for r in body}
        expected = {
            "canvas": {"100", "101", "102"},
            "moodle": {"hub@example.edu", "ana.perez@example.edu", "luis.perez@example.edu"},
        }
        assert set(by_identity) == expected[lms]
        ana_row = by_identity["101" if lms == "canvas" else "ana.perez@example.edu"]
        assert float(ana_row[-1]) == pytest.approx(ana)
