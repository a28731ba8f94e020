"""Fixtures shared by every test; the helpers they use are in ``tests/support``."""

from __future__ import annotations

from pathlib import Path

import pytest

from diplomacy_course.core import catalog
from tests.support.browser import launched_chromium
from tests.support.course import REPO, copy_course

# Variables that point the course at an instructor's real workspace, gradebook or exchange.
COURSE_LOCATIONS = ("COURSE_ROOT", "COURSE_GRADING_DIR", "COURSE_GRADEBOOK_URL", "COURSE_EXCHANGE_ROOT")


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


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book, built in place with warnings as errors (the execution cache makes re-runs quick)."""
    from diplomacy_course.book.build import build_book

    return build_book(REPO, strict=True)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test of the session (see tests/support/browser.py)."""
    with launched_chromium() as chromium:
        yield chromium
