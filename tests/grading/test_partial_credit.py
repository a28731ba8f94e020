"""One wrong answer costs that question's points and nothing else.

For every autograded question of every assignment, two submissions are
generated from the solution: one with the answer left as released (it raises),
one whose answer runs but gives useless values. The first must lose all of
that question's points, the second at least its hidden tests' points; both
keep every other question's points.
"""

from __future__ import annotations

import pytest

from tests.support.course import cell_scores, grade, submit_notebooks
from tests.support.variants import questions, read, with_answer

pytestmark = pytest.mark.slow
VARIANTS = ("stub", "wrong_value")


def hidden_ids(notebook) -> set[str]:
    return {
        c.metadata.nbgrader["grade_id"]
        for c in notebook.cells
        if c.cell_type == "code" and "BEGIN HIDDEN TESTS" in c.source
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory, authored_assignments):
    from tests.support.course import copy_course

    root = copy_course(tmp_path_factory.mktemp("partial") / "course")
    plans = {}
    for assignment in authored_assignments:
        solution = read(assignment.source_dir(root) / assignment.notebook)
        plans[assignment.id] = (assignment, solution, questions(solution))
        for number, question in enumerate(plans[assignment.id][2]):
            for how in VARIANTS:
                submit_notebooks(
                    root,
                    assignment,
                    f"q{number:02d}-{how}",
                    {assignment.notebook: with_answer(solution, question, how)},
                )
        grade(root, assignment)
    return root, plans


def test_each_wrong_answer_loses_exactly_its_question(graded):
    root, plans = graded
    problems = [
        problem
        for assignment, solution, qs in plans.values()
        for problem in _unexpected_scores(root, assignment, solution, qs)
    ]
    assert not problems, "\n".join(problems)


def _unexpected_scores(root, assignment, solution, qs):
    """Each wrong-answer student's autograded cells that did not score as they should."""
    hidden = hidden_ids(solution)
    for number, question in enumerate(qs):
        own = question.grade_ids(solution)
        for how in VARIANTS:
            for grade_id, (score, max_score, autograded) in cell_scores(
                root, assignment, f"q{number:02d}-{how}"
            ).items():
                # a visible check of shape may pass on a useless value; hidden tests must not
                visible_shape_check = how == "wrong_value" and grade_id in own and grade_id not in hidden
                if not autograded or visible_shape_check:
                    continue
                expected = 0 if grade_id in own else max_score
                if score != expected:
                    yield f"{assignment.id} q{number} {how}: {grade_id} scored {score}, expected {expected}"
