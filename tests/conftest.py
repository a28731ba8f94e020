"""Shared fixtures: a private copy of the course for tests that run nbgrader."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from diplomacy_course.grading import catalog

REPO = Path(__file__).resolve().parents[1]
# Left out at the top of the repository only: src/diplomacy_course/grading is code, not student data.
NOT_COPIED_AT_TOP = {".venv", ".git", "_build", "grading", ".pytest_cache", "node_modules", "benchmarks"}
# Variables that point the course at an instructor's real workspace, gradebook or exchange.
COURSE_LOCATIONS = ("COURSE_ROOT", "COURSE_GRADING_DIR", "COURSE_GRADEBOOK_URL", "COURSE_EXCHANGE_ROOT")


def _not_copied(folder: str, names: list[str]) -> set[str]:
    ignored = {"__pycache__"} & set(names)
    return ignored | (NOT_COPIED_AT_TOP & set(names) if Path(folder) == REPO else set())


def copy_course(target: Path) -> Path:
    """A copy of the repository without environments, builds or student data."""
    shutil.copytree(REPO, target, ignore=_not_copied, symlinks=True)
    return target


@pytest.fixture(scope="session", autouse=True)
def _away_from_real_course_data():
    """Tests grade into their own copies: never into the gradebook or workspace an instructor set."""
    with pytest.MonkeyPatch.context() as patch:
        for variable in COURSE_LOCATIONS:
            patch.delenv(variable, raising=False)
        yield


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def course_copy(tmp_path) -> Path:
    return copy_course(tmp_path / "course")


@pytest.fixture(scope="session")
def authored_assignments():
    assignments = catalog.authored(REPO)
    assert assignments, "solutions/ holds no assignment notebook"
    return assignments


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop; in CI (CI=true) a test that cannot run is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run this test (.ci/run installs what it needs)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book, built in place with warnings as errors (the execution cache makes re-runs quick)."""
    from diplomacy_course.book.build import build_book

    return build_book(REPO, strict=True)
