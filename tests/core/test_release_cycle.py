"""The whole nbgrader cycle on every assignment: release, submit, autograde."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pytest

from diplomacy_course.core.release import release
from tests.support.course import cell_scores, grade, submit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def released_copy(tmp_path_factory, authored_assignments):
    """A course copy with every assignment freshly released by the real nbgrader."""
    from tests.support.course import copy_course

    root = copy_course(tmp_path_factory.mktemp("release") / "course")
    for assignment in authored_assignments:
        release(assignment, root)
    return root


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_committed_release_equals_a_fresh_release(repo, released_copy, authored_assignments):
    for assignment in authored_assignments:
        committed, fresh = assignment.release_dir(repo), assignment.release_dir(released_copy)
        assert _files(committed) == _files(fresh), f"{assignment.id}: files differ; run ./course release"
        stale = [f for f in _files(fresh) if not filecmp.cmp(committed / f, fresh / f, shallow=False)]
        assert not stale, f"{assignment.id}: stale release files {stale}; run ./course release"


def test_release_carries_byte_identical_data(repo, released_copy, authored_assignments):
    for assignment in authored_assignments:
        for name in assignment.data_files:
            released = assignment.release_dir(released_copy) / "data" / name
            assert filecmp.cmp(repo / "datasets" / name, released, shallow=False), released


def test_release_has_no_solution_or_hidden_test(released_copy, authored_assignments):
    for assignment in authored_assignments:
        text = (assignment.release_dir(released_copy) / assignment.notebook).read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"):
            assert marker not in text, f"{assignment.id} release contains {marker}"


def test_solution_gets_full_marks_and_blank_release_gets_zero(released_copy, authored_assignments):
    for assignment in authored_assignments:
        submit(released_copy, assignment, "solver", assignment.source_dir(released_copy) / assignment.notebook)
        submit(released_copy, assignment, "blank", assignment.release_dir(released_copy) / assignment.notebook)
        grade(released_copy, assignment)
        solved = cell_scores(released_copy, assignment, "solver")
        blank = cell_scores(released_copy, assignment, "blank")
        auto = {gid for gid, (_, _, autograded) in solved.items() if autograded}
        assert auto, f"{assignment.id} has no autograded cell"
        lost = {gid: solved[gid][:2] for gid in auto if solved[gid][0] != solved[gid][1]}
        assert not lost, f"{assignment.id}: the solution loses points on {lost}"
        earned = {gid: blank[gid][0] for gid in auto if blank[gid][0] != 0}
        assert not earned, f"{assignment.id}: the untouched release earns points on {earned}"


def test_released_notebook_is_a_valid_student_notebook(released_copy, authored_assignments):
    for assignment in authored_assignments:
        notebook = json.loads((assignment.release_dir(released_copy) / assignment.notebook).read_text())
        stubs = [c for c in notebook["cells"] if "raise NotImplementedError()" in "".join(c["source"])]
        assert stubs, f"{assignment.id}: no answer stub left for students"
