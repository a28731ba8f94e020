"""A whole class with broken and hostile submissions, graded by the real nbgrader.

For every case: grading of the class completes, the broken part scores what it
earned and no more, tampering earns nothing, and the next student is unaffected.
"""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core.locations import gradebook_url
from diplomacy_course.grading.sandbox.kernel import Limits
from tests.support.course import cell_scores, grade, submit_notebooks
from tests.support.hostile_bank import auto_total, bank, expected_auto_score
from tests.support.kernels import GRADER_TOKEN
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
    monkeypatch_module.setenv("JUPYTERHUB_API_TOKEN", GRADER_TOKEN)  # what a grader on a hub has
    grade(root, assignment, limits=Limits(memory_mb=1024))
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


def _autograded_folder(root, assignment, cases, name):
    """Where the hostile student of case ``name`` has their autograded notebook."""
    number = [c.name for c in cases].index(name)
    return root / "grading" / "autograded" / f"{number:02d}-{name}" / assignment.id


def test_outside_files_were_not_copied_in(graded_class):
    root, assignment, _, cases = graded_class
    folder = _autograded_folder(root, assignment, cases, "reads_outside_its_folder")
    assert (folder / assignment.notebook).is_file()
    assert (root / "solutions" / assignment.id / assignment.notebook).is_file(), "nothing to steal: test is void"
    assert not (folder / "stolen.ipynb").exists()


def test_a_notebook_that_tried_to_fill_the_disk_left_nothing_behind(graded_class):
    root, assignment, _, cases = graded_class
    folder = _autograded_folder(root, assignment, cases, "fills_the_disk")
    assert (folder / assignment.notebook).is_file()
    assert not list(folder.glob("fill-*")), "the notebook's files reached the grader's disk"


def test_a_notebook_could_not_hoard_socket_buffers(graded_class):
    root, assignment, _, cases = graded_class
    notebook = _autograded_folder(root, assignment, cases, "hogs_socket_buffers") / assignment.notebook
    assert "socket pair refused" in _outputs(notebook), "the notebook held its socket buffers"


def test_gigantic_output_is_cut_down(graded_class):
    root, assignment, _, cases = graded_class
    notebook = _autograded_folder(root, assignment, cases, "gigantic_output") / assignment.notebook
    assert notebook.stat().st_size < 5 * 2**20


def _outputs(*notebooks) -> str:
    """Every output of these notebooks, as one text."""
    import nbformat

    texts = []
    for notebook in notebooks:
        for cell in nbformat.read(notebook, as_version=4).cells:
            texts.extend(str(output) for output in cell.get("outputs", []))
    return "\n".join(texts)


def test_no_hidden_test_or_grader_secret_reached_any_output(graded_class):
    root, assignment, solution, _ = graded_class
    hidden = [c.source for c in solution.cells if "BEGIN HIDDEN TESTS" in c.source]
    assert hidden, "the solution has no hidden tests: the test is void"
    outputs = _outputs(*(root / "grading" / "autograded").glob(f"*/{assignment.id}/{assignment.notebook}"))
    assert "BEGIN HIDDEN TESTS" not in outputs
    assert GRADER_TOKEN not in outputs
    assert "COURSE_GRADEBOOK_URL" not in outputs


def test_the_class_gradebook_was_not_written_by_a_student(graded_class):
    root, assignment, solution, cases = graded_class
    number = [c.name for c in cases].index("writes_the_gradebook")
    assert _auto_total(root, assignment, f"{number:02d}-writes_the_gradebook-next") == auto_total(solution)
    assert _auto_total(root, assignment, "00-infinite_loop-next") == auto_total(solution)


def test_a_notebook_that_ended_its_own_kernel_is_flagged_by_name(graded_class):
    root, assignment, _, cases = graded_class
    name = "kernel_crash"
    number = [c.name for c in cases].index(name)
    assert _flagged(root, assignment, f"{number:02d}-{name}")
    assert not _flagged(root, assignment, f"{number:02d}-{name}-next")
