"""The leak check's rules, on a made-up solutions folder: what counts as a secret, where it is found.

Fast unit tests beside tests/publish/test_leaks.py, which runs the check on the real course.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diplomacy_course.publish.leaks import MIN_SECRET_LENGTH, Leak, scan, secret_lines

SOLUTION = "engagement_rate = (likes + shares + comments) / followers"
HIDDEN_TEST = "assert abs(engagement_rate - 0.0123) < 1e-6, 'hidden check'"
RUBRIC = "Full marks: names the denominator and says why it matters."
SHARED = "import pandas as pd  # used in the release as well"


def _notebook(*sources: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": s, "metadata": {}} for s in sources]})


@pytest.fixture
def solutions(tmp_path):
    folder = tmp_path / "solutions" / "a1"
    folder.mkdir(parents=True)
    code = f"{SHARED}\n### BEGIN SOLUTION\n{SOLUTION}\n{SHARED}\nx = 1\n### END SOLUTION\n"
    tests = f"assert engagement_rate > 0\n### BEGIN HIDDEN TESTS\n   {HIDDEN_TEST}  \n### END HIDDEN TESTS\n"
    rubric = f"Answer here.\n<!-- BEGIN MARK SCHEME -->\n{RUBRIC}\n<!-- END MARK SCHEME -->\n"
    (folder / "measuring.ipynb").write_text(_notebook(code, tests, [rubric]))
    return tmp_path / "solutions"


@pytest.fixture
def published(tmp_path):
    tree = tmp_path / "published"
    tree.mkdir()
    return tree


def test_secrets_are_the_long_lines_inside_regions_only(solutions):
    assert secret_lines(solutions) == {SOLUTION, HIDDEN_TEST, RUBRIC}


def test_short_or_shared_lines_are_not_secrets(solutions):
    secrets = secret_lines(solutions)
    assert "x = 1" not in secrets and len("x = 1") < MIN_SECRET_LENGTH
    assert SHARED not in secrets, "a line that also appears outside the regions is public"


def test_a_clean_tree_has_no_leaks(solutions, published):
    (published / "page.html").write_text("<p>Compute the engagement rate yourself.</p>")
    (published / "a1.ipynb").write_text(_notebook(SHARED, "# YOUR CODE HERE\nraise NotImplementedError()"))
    assert scan([published], solutions) == []


@pytest.mark.parametrize(
    "name, text",
    [
        ("notes.md", f"Spoiler:\n\n    {SOLUTION}\n"),
        ("a1.ipynb", _notebook("x = 2", f"  {HIDDEN_TEST}")),
        ("page.html", "<pre>" + "".join(f"<span>{w}</span> " for w in RUBRIC.split()) + "</pre>"),
        ("helper.py", f"def f():\n    {SOLUTION}\n"),
    ],
)
def test_a_copied_secret_is_found_in_every_kind_of_file(solutions, published, name, text):
    path = published / "deep" / name
    path.parent.mkdir()
    path.write_text(text)
    leaks = scan([published], solutions)
    assert [leak.path for leak in leaks] == [path]
    assert "instructor-only line" in leaks[0].what


def test_a_marker_alone_is_a_leak(solutions, published):
    (published / "a1.ipynb").write_text(_notebook("### BEGIN HIDDEN TESTS\npass\n"))
    assert [leak.what for leak in scan([published], solutions)] == ["nbgrader marker 'BEGIN HIDDEN TESTS'"]


def test_caches_binary_files_and_missing_trees_are_skipped(solutions, published, tmp_path):
    cache = published / ".jupyter_cache" / "executed"
    cache.mkdir(parents=True)
    (cache / "nb.ipynb").write_text(_notebook(SOLUTION))
    (published / "figure.png").write_bytes(SOLUTION.encode())
    assert scan([published, tmp_path / "not-built-yet"], solutions) == []


def test_a_leak_says_where_and_what():
    assert str(Leak(Path("site/a.html"), "nbgrader marker 'END SOLUTION'")) == (
        "site/a.html: nbgrader marker 'END SOLUTION'"
    )
