"""Several graders at once: nbgrader's gradebook on PostgreSQL, selected by configuration.

SQLite is not safe for concurrent writers (nbgrader's FAQ), so a team of graders points
COURSE_GRADEBOOK_URL at PostgreSQL. These tests use a server named by COURSE_TEST_POSTGRES_URL
(.ci/run starts one with .ci/start-postgres) and a fresh database per run, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import uuid

import pytest

from tests.support.course import skip_or_fail

pytestmark = pytest.mark.postgres

ASSIGNMENT, NOTEBOOK = "a1", "measuring-engagement"
CELLS = ("interpretation", "argument", "recommendation")
MAX_SCORE = 5
STUDENTS_PER_GRADER = 15
ESSAY = "why_rates_disagree"  # a written answer of A1, graded by hand

# One grader: open the gradebook, wait until every grader is ready (so that they really write at
# the same time), then enter a manual score for each cell of each of its students, committing
# each one, as the formgrader does. Prints the times of its first and last commit.
GRADER = """
import json, pathlib, sys, time
from nbgrader.api import Gradebook
url, ready_dir, n_graders, me = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
students, cells, max_score = json.loads(sys.argv[5]), json.loads(sys.argv[6]), int(sys.argv[7])
with Gradebook(url) as gb:
    (ready_dir / me).touch()
    deadline = time.time() + 60
    while len(list(ready_dir.iterdir())) < n_graders and time.time() < deadline:
        time.sleep(0.01)
    stamps = []
    for student in students:
        for i, cell in enumerate(cells):
            grade = gb.find_grade(cell, "{notebook}", "{assignment}", student)
            grade.manual_score = (int(student[1:]) + i) % (max_score + 1)
            gb.db.commit()
            stamps.append(time.time())
print(json.dumps([stamps[0], stamps[-1]]))
""".replace("{notebook}", NOTEBOOK).replace("{assignment}", ASSIGNMENT)


def expected_score(student: str, cell_index: int) -> int:
    return (int(student[1:]) + cell_index) % (MAX_SCORE + 1)


@pytest.fixture
def postgres_url():
    """A new, empty database on the test server; dropped after the test."""
    server = os.environ.get("COURSE_TEST_POSTGRES_URL")
    if not server:
        skip_or_fail("COURSE_TEST_POSTGRES_URL is not set (no PostgreSQL server for the multi-grader test)")
    from sqlalchemy.engine import make_url

    name = f"gradebook_{uuid.uuid4().hex[:12]}"
    _on_server(f'CREATE DATABASE "{name}"')
    try:
        # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; the course installs psycopg2.
        yield (
            make_url(server).set(drivername="postgresql+psycopg2", database=name).render_as_string(hide_password=False)
        )
    finally:
        _on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _on_server(sql: str, *params) -> list[tuple]:
    """Run one statement as the test server's administrator; its rows, if it returns any."""
    import psycopg2

    admin = psycopg2.connect(os.environ["COURSE_TEST_POSTGRES_URL"])
    admin.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    try:
        cursor = admin.cursor()
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
    finally:
        admin.close()


def _set_up_class(url: str, students: list[str]) -> None:
    """One assignment with three manually graded cells, and a submission from each student."""
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        gb.add_assignment(ASSIGNMENT)
        gb.add_notebook(NOTEBOOK, ASSIGNMENT)
        for cell in CELLS:
            gb.add_grade_cell(cell, NOTEBOOK, ASSIGNMENT, max_score=MAX_SCORE, cell_type="markdown")
        for student in students:
            gb.add_student(student)
            gb.add_submission(ASSIGNMENT, student)


def _run_graders(url: str, classes: list[list[str]], ready_dir) -> list[tuple[float, float]]:
    from diplomacy_course.core.nbgrader_runner import environment

    ready_dir.mkdir()
    graders = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                GRADER,
                url,
                str(ready_dir),
                str(len(classes)),
                f"grader{i}",
                json.dumps(students),
                json.dumps(CELLS),
                str(MAX_SCORE),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )  # nbgrader runs `alembic` by name
        for i, students in enumerate(classes)
    ]
    spans = []
    for grader in graders:
        out, err = grader.communicate(timeout=300)
        assert grader.returncode == 0, f"a grader failed:\n{err[-3000:]}"
        spans.append(tuple(json.loads(out.strip().splitlines()[-1])))
    return spans


def _manual_scores(url: str, students: list[str]) -> dict[tuple[str, str], float | None]:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        return {(s, c): gb.find_grade(c, NOTEBOOK, ASSIGNMENT, s).manual_score for s in students for c in CELLS}


def test_two_graders_write_grades_at_the_same_time(postgres_url, tmp_path):
    classes = [[f"s{g * 100 + i}" for i in range(STUDENTS_PER_GRADER)] for g in range(2)]
    everyone = [s for students in classes for s in students]
    _set_up_class(postgres_url, everyone)

    (first_start, first_end), (second_start, second_end) = _run_graders(postgres_url, classes, tmp_path / "ready")

    # The point of the test: the two graders' writing overlapped in time ...
    assert first_start < second_end and second_start < first_end, "the graders did not run concurrently"
    # ... and every score each of them entered is in the gradebook.
    scores = _manual_scores(postgres_url, everyone)
    expected = {(s, c): expected_score(s, i) for s in everyone for i, c in enumerate(CELLS)}
    assert scores == expected


def _open_connections(url: str) -> int:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    deadline = time.monotonic() + 5  # a closed connection's server process takes a moment to go
    while True:
        [(count,)] = _on_server("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", database)
        if count == 0 or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


def test_grading_keeps_its_connections_to_a_server_gradebook(postgres_url):
    """nbgrader opens nine Gradebooks a notebook, and each used to log in to the server again (a
    new server process each time). Grading now keeps a connection for the next Gradebook, replaces
    one the server has closed meanwhile (a restart, an idle timeout) and leaves none open."""
    from nbgrader.api import Gradebook
    from sqlalchemy import text

    from diplomacy_course.core.nbgrader_worker import shared_database_engines

    def server_process() -> int:
        with Gradebook(postgres_url) as gb:
            return gb.db.execute(text("SELECT pg_backend_pid()")).scalar()

    with shared_database_engines():
        first = server_process()
        assert server_process() == first, "a new connection for each Gradebook"
        _on_server("SELECT pg_terminate_backend(%s)", first)
        assert server_process() != first
    assert _open_connections(postgres_url) == 0, "connections left open after grading"


def test_grading_asks_a_server_gradebook_for_its_tables_once(postgres_url):
    """Each Gradebook asks the server's catalog whether nbgrader's tables and types are there, nine
    times a notebook. Grading asks once, then only what nbgrader asks besides."""
    from nbgrader.api import Base, Gradebook

    from diplomacy_course.core.nbgrader_worker import shared_database_engines
    from tests.support.queries import count_queries

    def statements_of_a_later_gradebook(lending) -> int:
        with lending():
            with Gradebook(postgres_url):  # the first one also creates the tables
                pass
            with count_queries() as counted, Gradebook(postgres_url):
                pass
        return len(counted.statements)

    by_nbgrader = statements_of_a_later_gradebook(contextlib.nullcontext)
    by_grading = statements_of_a_later_gradebook(shared_database_engines)
    assert 0 < by_grading < by_nbgrader
    assert "create_all" not in vars(Base.metadata), "nbgrader's table check is not restored"


def test_nbgrader_config_selects_the_gradebook_from_the_environment(postgres_url, course_copy):
    """COURSE_GRADEBOOK_URL is all an instructor sets to move the class gradebook to PostgreSQL."""
    from nbgrader.api import Gradebook

    from diplomacy_course.core import nbgrader_runner

    nbgrader_runner.run(
        ["db", "student", "add", "s900", "--last-name=Grader", "--first-name=Test"],
        course_copy,
        extra_env={"COURSE_GRADEBOOK_URL": postgres_url},
    )
    with Gradebook(postgres_url) as gb:
        assert [s.id for s in gb.students] == ["s900"]
    assert not (course_copy / "grading" / "gradebook.db").exists(), "nbgrader wrote to the SQLite default"


@pytest.mark.slow
def test_autograding_into_postgresql_records_scores_and_keeps_manual_ones(postgres_url, course_copy, monkeypatch):
    """On a server gradebook the jobs write to the class gradebook itself (nothing is merged): every
    score lands there, and a manual score given between two runs survives the second."""
    from nbgrader.api import Gradebook

    from diplomacy_course.core import catalog
    from diplomacy_course.grading.autograde import autograde_class
    from tests.support.course import submit_notebooks
    from tests.support.hostile_bank import auto_total, question_points
    from tests.support.variants import questions, read, with_answer

    monkeypatch.setenv("COURSE_GRADEBOOK_URL", postgres_url)
    assignment = catalog.get(ASSIGNMENT)
    solution = read(assignment.source_dir(course_copy) / assignment.notebook)
    first = questions(solution)[0]
    lost = question_points(solution, first)
    submit_notebooks(course_copy, assignment, "ana", {assignment.notebook: solution})
    submit_notebooks(course_copy, assignment, "budi", {assignment.notebook: with_answer(solution, first, "stub")})

    def totals_and_essay():
        with Gradebook(postgres_url) as gb:
            essay = gb.find_grade(ESSAY, NOTEBOOK, ASSIGNMENT, "ana")
            totals = {s: gb.find_submission(ASSIGNMENT, s).score for s in ("ana", "budi")}
            return totals, (essay.manual_score, essay.needs_manual_grade)

    assert not [r.student for r in autograde_class(assignment, course_copy, workers=2) if r.ungradable]
    full = auto_total(solution)
    assert totals_and_essay() == ({"ana": full, "budi": full - lost}, (None, True))

    with Gradebook(postgres_url) as gb:
        gb.find_grade(ESSAY, NOTEBOOK, ASSIGNMENT, "ana").manual_score = 2
        gb.db.commit()
    autograde_class(assignment, course_copy, workers=1, only=["ana"])
    assert totals_and_essay() == ({"ana": full + 2, "budi": full - lost}, (2, True))
