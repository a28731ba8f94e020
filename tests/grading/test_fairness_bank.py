"""The fairness bank, graded by real nbgrader: other correct styles earn every point, plausible
mistakes lose their question's points and nothing else, warnings cost nothing, and the feedback
shows the visible test's own coaching (see tests/support/variants.py for the bank)."""

from __future__ import annotations

import html

import nbformat
import pytest

from diplomacy_course.core import nbgrader_runner
from diplomacy_course.grading.feedback import HIDDEN_REGION
from tests.support.course import cell_scores, grade, submit_notebooks
from tests.support.variants import BANK, question_of, read, with_variant

pytestmark = pytest.mark.slow


def _student(variant) -> str:
    return variant.name.replace("-", "_")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, authored_assignments):
    from tests.support.course import copy_course

    root = copy_course(tmp_path_factory.mktemp("fairness") / "course")
    assignments = {a.id: a for a in authored_assignments}
    solutions = {}
    for assignment_id in sorted({v.assignment for v in BANK}):
        assignment = assignments[assignment_id]
        solutions[assignment_id] = read(assignment.source_dir(root) / assignment.notebook)
        for variant in (v for v in BANK if v.assignment == assignment_id):
            notebook = with_variant(solutions[assignment_id], variant)
            submit_notebooks(root, assignment, _student(variant), {assignment.notebook: notebook})
        grade(root, assignment, workers=2)
        nbgrader_runner.run(["generate_feedback", assignment_id, "--force"], root)
    return root, assignments, solutions


def _scores(graded, variant):
    root, assignments, solutions = graded
    own = question_of(solutions[variant.assignment], variant).grade_ids(solutions[variant.assignment])
    scores = cell_scores(root, assignments[variant.assignment], _student(variant))
    return own, {gid: (score, most) for gid, (score, most, autograded) in scores.items() if autograded}


def test_correct_answers_in_other_styles_earn_every_point(graded):
    unfair = []
    for variant in (v for v in BANK if v.correct):
        _, scores = _scores(graded, variant)
        unfair += [f"{variant.name}: {gid} {s}/{m}" for gid, (s, m) in scores.items() if s != m]
    assert not unfair, "correct answers lost points:\n" + "\n".join(unfair)


def test_plausible_mistakes_lose_their_questions_points_and_nothing_else(graded):
    problems = []
    for variant in (v for v in BANK if not v.correct):
        own, scores = _scores(graded, variant)
        if all(s == m for gid, (s, m) in scores.items() if gid in own):
            problems.append(f"{variant.name}: full marks for a wrong answer")
        problems += [f"{variant.name}: {gid} {s}/{m}" for gid, (s, m) in scores.items() if gid not in own and s != m]
    assert not problems, "\n".join(problems)


def _autograded(graded, variant):
    root, assignments, _ = graded
    assignment = assignments[variant.assignment]
    path = root / "grading" / "autograded" / _student(variant) / assignment.id / assignment.notebook
    return nbformat.read(path, as_version=4)


def test_the_warning_variants_do_print_a_warning(graded):
    # Without a printed warning the bank would not show that warnings cost nothing.
    for variant in (v for v in BANK if v.warns):
        printed = [
            o.text
            for c in _autograded(graded, variant).cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.output_type == "stream"
        ]
        assert any("Warning" in text for text in printed), f"{variant.name} printed no warning"


def test_feedback_shows_the_visible_tests_own_message(graded):
    root, assignments, _ = graded
    missing = []
    for variant in (v for v in BANK if v.message):
        assignment = assignments[variant.assignment]
        page = root / "grading" / "feedback" / _student(variant) / assignment.id / assignment.notebook
        text = html.unescape(page.with_suffix(".html").read_text())
        if variant.message not in text:
            missing.append(f"{variant.name}: {variant.message!r}")
    assert not missing, "feedback lost the coaching:\n" + "\n".join(missing)


def _hidden_test_lines(solution) -> set[str]:
    """Lines of the source's hidden-test regions that appear nowhere else in the notebook."""
    hidden, elsewhere = set(), set()
    for cell in solution.cells:
        regions = HIDDEN_REGION.findall(cell.source)
        hidden |= {line.strip() for region in regions for line in region.splitlines()[1:-1]}
        elsewhere |= {line.strip() for line in HIDDEN_REGION.sub("", cell.source).splitlines()}
    return {line for line in hidden - elsewhere if len(line) >= 20}


def test_every_feedback_page_is_free_of_hidden_test_text(graded):
    root, assignments, solutions = graded
    leaked = []
    for variant in BANK:
        assignment = assignments[variant.assignment]
        page = root / "grading" / "feedback" / _student(variant) / assignment.id / assignment.notebook
        text = html.unescape(page.with_suffix(".html").read_text())
        hidden = _hidden_test_lines(solutions[variant.assignment])
        assert hidden, f"{variant.assignment}: no hidden test found to look for"
        leaked += [f"{variant.name}: {line!r}" for line in hidden if line in text]
        if "BEGIN HIDDEN TESTS" in text:
            leaked.append(f"{variant.name}: a hidden-test marker")
    assert not leaked, "hidden test text in the feedback:\n" + "\n".join(leaked)


def test_every_wrong_variant_is_told_why_in_its_feedback(graded):
    # A wrong answer caught by a visible test shows that test's coaching; one caught only by a
    # hidden test shows the hidden-failure notice instead (never the hidden test itself).
    root, assignments, _ = graded
    silent = []
    for variant in (v for v in BANK if not v.correct):
        assignment = assignments[variant.assignment]
        page = root / "grading" / "feedback" / _student(variant) / assignment.id / assignment.notebook
        text = html.unescape(page.with_suffix(".html").read_text())
        if not variant.message or variant.message not in text:
            silent.append(f"{variant.name}: expected {variant.message!r}")
    assert not silent, "\n".join(silent)
