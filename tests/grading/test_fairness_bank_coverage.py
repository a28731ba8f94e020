"""The fairness bank covers every autograded answer cell of every source notebook (issue #15, 7).

Fast and static: it reads the source notebooks and the bank, grading nothing (the slow
``test_fairness_bank.py`` grades the bank through the real autograder). An answer cell needs at
least two correct answers in other styles and two plausible mistakes, and every mistake names what
its feedback must show (a visible test's coaching, or the hidden-failure notice).
"""

from __future__ import annotations

from collections import Counter

from diplomacy_course.grading.feedback import HIDDEN_FAILURE
from tests.support.variants import BANK, is_answer, questions, read

MIN_CORRECT, MIN_WRONG = 2, 2


def _autograded_answer_cells(authored_assignments) -> set[tuple[str, str]]:
    cells = set()
    for assignment in authored_assignments:
        notebook = read(assignment.source_dir() / assignment.notebook)
        for question in questions(notebook):
            cells.add((assignment.id, notebook.cells[question.answer_cell].metadata.nbgrader["grade_id"]))
    return cells


def test_every_assignment_has_autograded_answer_cells(authored_assignments):
    cells = _autograded_answer_cells(authored_assignments)
    assert {a.id for a in authored_assignments} == {assignment for assignment, _ in cells}


def test_every_autograded_answer_cell_has_two_correct_and_two_wrong_variants(authored_assignments):
    cells = _autograded_answer_cells(authored_assignments)
    correct = Counter((v.assignment, v.answer) for v in BANK if v.correct)
    wrong = Counter((v.assignment, v.answer) for v in BANK if not v.correct)
    short = [
        f"{a}/{gid}: {correct[(a, gid)]} correct, {wrong[(a, gid)]} wrong"
        for a, gid in sorted(cells)
        if correct[(a, gid)] < MIN_CORRECT or wrong[(a, gid)] < MIN_WRONG
    ]
    assert not short, (
        f"answer cells with fewer than {MIN_CORRECT} correct and {MIN_WRONG} wrong variants:\n" + "\n".join(short)
    )


def test_every_variant_replaces_an_autograded_answer_cell(authored_assignments):
    cells = _autograded_answer_cells(authored_assignments)
    stray = [f"{v.name}: {v.assignment}/{v.answer}" for v in BANK if (v.assignment, v.answer) not in cells]
    assert not stray, "variants for cells that are not autograded answer cells:\n" + "\n".join(stray)


def test_variant_names_are_unique_and_sources_differ_from_the_solution(authored_assignments):
    names = Counter(v.name for v in BANK)
    assert [n for n, k in names.items() if k > 1] == []
    by_id = {a.id: read(a.source_dir() / a.notebook) for a in authored_assignments}
    same = []
    for v in BANK:
        solution = next(
            c.source for c in by_id[v.assignment].cells if is_answer(c) and c.metadata.nbgrader["grade_id"] == v.answer
        )
        if v.source.strip() == solution.strip():
            same.append(v.name)
    assert not same, f"variants identical to the solution: {same}"
    sources = Counter((v.assignment, v.answer, v.source.strip()) for v in BANK)
    twins = sorted(v.name for v in BANK if sources[(v.assignment, v.answer, v.source.strip())] > 1)
    assert not twins, f"variants with the same answer as another variant: {twins}"


def test_every_wrong_variant_names_the_feedback_it_must_get():
    silent = [v.name for v in BANK if not v.correct and not v.message]
    assert not silent, f"wrong variants without the message their feedback must show: {silent}"
    assert any(v.message == HIDDEN_FAILURE for v in BANK), "no variant checks the hidden-failure notice"
