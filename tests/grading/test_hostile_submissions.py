"""A whole class with broken and hostile submissions, graded by the real nbgrader.

For every case: grading of the class completes, the broken part scores what it
earned and no more, tampering earns nothing, and the next student is unaffected.
"""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core.locations import gradebook_url
from tests.support.course import cell_scores, grade, submit_notebooks
from tests.support.hostile_bank import auto_total, bank, expected_auto_score
from tests.support.variants import questions, read

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, authored_assignments, monkeypatch_module):
    """Assignment A1's class: a correct student after every hostile one, graded once."""
    from tests.support.course import copy_course

    assignment = authored_assignments[0]
    root = copy_course(tmp_path_factory.mktemp("hostile") / "course")
    solution = read(assignment.source_dir(root) / assignment.notebook)
    cases = bank(assignment.id, assignment.notebook)
    for number, case in enumerate(cases):
        submit_notebooks(root, assignment, f"{number:02d}-{case.name}", case.files(solution, questions(solution)))
        submit_notebooks(root, assignment, f"{number:02d}-{case.name}-next", {assignment.notebook: solution})
    monkeypatch_module.setenv("COURSE_CELL_TIMEOUT", "15")
    grade(root, assignment, memory_mb=1024)
    return root, assignment, solution, cases


def _auto_total(root, assignment, student) -> float:
    return sum(score for score, _, autograded in cell_scores(root, assignment, student).values() if autograded)


def _flagged(root, assignment, student) -> bool:
    with Gradebook(gradebook_url(root)) as gb:
        return all(nb.flagged for nb in gb.find_submission(assignment.id, student).notebooks)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


CASE_NAMES = [case.name for case in bank("a1", "x.ipynb")]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_broken_part_scores_what_it_earned_and_no_more(graded_class, name):
    root, assignment, solution, cases = graded_class
    number, case = next((n, c) for n, c in enumerate(cases) if c.name == name)
    student = f"{number:02d}-{name}"
    earned, expected = _auto_total(root, assignment, student), expected_auto_score(solution, case)
    if expected is None:  # nothing gradable: zero, and flagged for a grader to look at
        assert earned == 0 and _flagged(root, assignment, student), f"{name}: earned {earned}, not flagged"
    else:
        assert earned == expected, f"{name}: earned {earned}, expected {expected}"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_the_next_student_is_unaffected(graded_class, name):
    root, assignment, solution, cases = graded_class
    number = next(n for n, c in enumerate(cases) if c.name == name)
    assert _auto_total(root, assignment, f"{number:02d}-{name}-next") == auto_total(solution)


def test_outside_files_were_not_copied_in(graded_class):
    root, assignment, _, cases = graded_class
    number = [c.name for c in cases].index("reads_outside_its_folder")
    folder = root / "grading" / "autograded" / f"{number:02d}-reads_outside_its_folder" / assignment.id
    assert (folder / assignment.notebook).is_file()
    assert (root / "solutions" / assignment.id / assignment.notebook).is_file(), "nothing to steal: test is void"
    assert not (folder / "stolen.ipynb").exists()


def test_gigantic_output_is_cut_down(graded_class):
    root, assignment, _, cases = graded_class
    number = [c.name for c in cases].index("gigantic_output")
    notebook = root / "grading" / "autograded" / f"{number:02d}-gigantic_output" / assignment.id / assignment.notebook
    assert notebook.stat().st_size < 5 * 2**20
