"""What every assignment promises students and graders, checked on the source notebooks."""

from __future__ import annotations

import re
import sys

import pytest

from tests.support.variants import BANK, is_answer, is_autograded_test, names_bound, question_of, questions, read

# "(4 points)", "(3 points, graded by hand)", "(1 point by test + 2 points graded by hand)"
HEADING_POINTS = re.compile(r"^#{2,4} .*\(([^()]*\d+(?:\.\d+)? points?[^()]*)\)", re.MULTILINE)
POINTS = re.compile(r"(\d+(?:\.\d+)?) points?")


@pytest.fixture(scope="module")
def sources(authored_assignments):
    return {a.id: read(a.source_dir() / a.notebook) for a in authored_assignments}


def _graded(cell) -> bool:
    return cell.metadata.get("nbgrader", {}).get("grade", False)


def _points(cell) -> float:
    return float(cell.metadata["nbgrader"]["points"])


def test_every_autograded_question_has_a_hidden_test(sources):
    for assignment_id, notebook in sources.items():
        qs = questions(notebook)
        assert len(qs) >= 2, f"{assignment_id}: fewer than two autograded questions"
        for q in qs:
            hidden = [i for i in q.test_cells if "BEGIN HIDDEN TESTS" in notebook.cells[i].source]
            assert hidden, f"{assignment_id}: question at cell {q.answer_cell} has no hidden test"


def test_partial_credit_comes_from_separate_test_cells(sources):
    for assignment_id, notebook in sources.items():
        split = [q for q in questions(notebook) if len(q.test_cells) > 1]
        assert split, f"{assignment_id}: every question is all-or-nothing"


def test_about_two_thirds_of_points_are_autograded(sources):
    for assignment_id, notebook in sources.items():
        auto = sum(_points(c) for c in notebook.cells if is_autograded_test(c))
        manual = sum(_points(c) for c in notebook.cells if _graded(c) and c.cell_type == "markdown")
        assert manual > 0, f"{assignment_id}: no written answer graded by rubric"
        assert 0.55 <= auto / (auto + manual) <= 0.8, f"{assignment_id}: {auto} auto vs {manual} manual points"


def test_written_answers_carry_a_rubric(sources):
    for assignment_id, notebook in sources.items():
        written = [c for c in notebook.cells if _graded(c) and c.cell_type == "markdown"]
        missing = [c.metadata.nbgrader["grade_id"] for c in written if "BEGIN MARK SCHEME" not in c.source]
        assert not missing, f"{assignment_id}: written answers without a rubric: {missing}"


def test_points_in_headings_match_the_graded_cells(sources):
    for assignment_id, notebook in sources.items():
        stated, counted, heading = {}, {}, None
        for cell in notebook.cells:
            match = HEADING_POINTS.search(cell.source) if cell.cell_type == "markdown" else None
            if match:
                heading = match.group(0)
                stated[heading] = sum(float(n) for n in POINTS.findall(match.group(1)))
                counted[heading] = 0.0
            if _graded(cell) and heading:
                counted[heading] += _points(cell)
        assert stated, f"{assignment_id}: no question heading states its points"
        wrong = {h: (stated[h], counted[h]) for h in stated if stated[h] != counted[h]}
        assert not wrong, f"{assignment_id}: heading points vs graded cells: {wrong}"


def test_test_cells_open_with_a_docstring(sources):
    for assignment_id, notebook in sources.items():
        bare = [
            c.metadata.nbgrader["grade_id"]
            for c in notebook.cells
            if is_autograded_test(c) and not c.source.lstrip().startswith('"""')
        ]
        assert not bare, f"{assignment_id}: test cells without a one-line docstring: {bare}"


def test_notebooks_need_only_pandas_matplotlib_and_the_standard_library(sources):
    allowed = {"pandas", "matplotlib", "numpy"} | set(sys.stdlib_module_names)
    for assignment_id, notebook in sources.items():
        imported = set()
        for cell in notebook.cells:
            if cell.cell_type == "code":
                imported |= {m.split(".")[0] for m in re.findall(r"^\s*(?:from|import)\s+([\w.]+)", cell.source, re.M)}
        assert imported <= allowed, f"{assignment_id} imports {imported - allowed}"
        assert any(is_answer(c) for c in notebook.cells)


def test_test_cells_leave_students_names_alone(sources):
    # A test cell that assigns `rate` or `toy` overwrites a student's own `rate`, and a later answer breaks.
    for assignment_id, notebook in sources.items():
        public = {
            c.metadata.nbgrader["grade_id"]: sorted(n for n in names_bound(c.source) if not n.startswith("_"))
            for c in notebook.cells
            if is_autograded_test(c)
        }
        public = {gid: names for gid, names in public.items() if names}
        assert not public, f"{assignment_id}: test cells bind names a student may use: {public}"


def test_warnings_are_shown_as_output_and_students_are_told(sources):
    # nbgrader fails a test cell with anything on stderr, where Python prints warnings.
    for assignment_id, notebook in sources.items():
        setup = next(c for c in notebook.cells if c.cell_type == "code")
        assert "warnings.showwarning = " in setup.source, f"{assignment_id}: the setup cell leaves warnings on stderr"
        header = notebook.cells[0].source
        assert "warning" in header and "never costs points" in header, f"{assignment_id}: students are not told"


def test_students_are_told_the_limits_their_notebook_is_graded_under(sources):
    """The grading sandbox's default limits, as each header states them: a notebook that runs past
    one loses points, so students must know them (the figures follow the defaults)."""
    from diplomacy_course.core.locations import DEFAULT_CELL_TIMEOUT
    from diplomacy_course.grading.sandbox.kernel import Limits

    limits = Limits()
    stated = (
        f"each cell may run for at most {DEFAULT_CELL_TIMEOUT} seconds",
        f"the whole notebook for {limits.wall_seconds // 60} minutes",
        f"{limits.memory_mb / 1024:g} GB of memory",
        "cannot reach the internet",
    )
    for assignment_id, notebook in sources.items():
        header = " ".join(notebook.cells[0].source.split())  # line breaks as spaces
        missing = [rule for rule in stated if rule not in header]
        assert not missing, f"{assignment_id}: the header does not say {missing}"


@pytest.mark.parametrize(
    ("options", "env", "warned"),
    [
        ([], {}, None),
        (["--memory-mb", "4096", "--wall-seconds", "1800"], {"COURSE_CELL_TIMEOUT": "120"}, None),
        (["--memory-mb", "1024"], {}, "1024 MB of memory (--memory-mb; they were told 1.5 GB)"),
        (["--wall-seconds", "300"], {}, "300 s a notebook (--wall-seconds; they were told 15 minutes)"),
        ([], {"COURSE_CELL_TIMEOUT": "10"}, "10 s a cell (COURSE_CELL_TIMEOUT; they were told 60 s)"),
    ],
)
def test_a_run_stricter_than_what_students_were_told_warns_the_grader(tmp_path, options, env, warned):
    """Those headers state the defaults: grading under a stricter limit takes points by a rule
    students were not told, so the command says so (looser limits take nothing from anyone)."""
    from typer.testing import CliRunner

    from diplomacy_course.cli import app

    result = CliRunner().invoke(app, ["autograde", "a1", *options], env={"COURSE_ROOT": str(tmp_path), **env})
    said = " ".join(result.output.split())
    assert "No submissions" in said, said  # the empty course: nothing is graded after the check
    if warned:
        assert f"stricter limits than the assignments tell students: {warned}" in said, said
    else:
        assert "stricter limits" not in said, said


def test_written_questions_state_what_they_are_graded_on(sources):
    for assignment_id, notebook in sources.items():
        for index, cell in enumerate(notebook.cells):
            if _graded(cell) and cell.cell_type == "markdown":
                instructions = next(
                    c for c in reversed(notebook.cells[:index]) if c.cell_type == "markdown" and not _graded(c)
                )
                assert "**Graded on**" in instructions.source, (
                    f"{assignment_id}: {cell.metadata.nbgrader['grade_id']} has no criteria for students"
                )


def test_the_fairness_bank_names_real_answer_cells(sources):
    for variant in BANK:
        notebook = sources[variant.assignment]
        assert question_of(notebook, variant).test_cells, variant.name
    for assignment_id in sources:
        kinds = {v.correct for v in BANK if v.assignment == assignment_id}
        assert kinds == {True, False}, f"{assignment_id}: the bank needs correct and wrong variants"
