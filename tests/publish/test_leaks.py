"""The leak check: solutions, hidden tests and rubrics never reach students or readers."""

from __future__ import annotations

import json
import shutil

import pytest

from diplomacy_course.publish.leaks import scan, secret_lines


def test_solutions_have_secrets_to_look_for(repo, authored_assignments):
    secrets = secret_lines(repo / "solutions")
    assert len(secrets) >= 5 * len(authored_assignments), "too few distinctive solution lines to check"


@pytest.mark.slow  # builds the book
def test_release_and_built_book_have_no_leaks(repo, built_book):
    leaks = scan([repo / "assignments", built_book], repo / "solutions")
    assert leaks == []


@pytest.mark.parametrize("plant", ["marker", "solution_line"])
def test_a_planted_leak_is_found(repo, tmp_path, authored_assignments, plant):
    assignment = authored_assignments[0]
    tree = tmp_path / "published"
    shutil.copytree(assignment.release_dir(repo), tree / assignment.id)
    notebook_path = tree / assignment.id / assignment.notebook
    notebook = json.loads(notebook_path.read_text())
    secret = sorted(secret_lines(repo / "solutions"))[0]
    planted = "### BEGIN HIDDEN TESTS\n" if plant == "marker" else secret + "\n"
    notebook["cells"][-1]["source"] = planted
    notebook_path.write_text(json.dumps(notebook))
    leaks = scan([tree], repo / "solutions")
    assert leaks, f"the planted {plant} was not found"
    assert all(leak.path == notebook_path for leak in leaks)


def test_a_planted_leak_in_html_is_found(repo, tmp_path):
    secret = sorted(secret_lines(repo / "solutions"))[-1]
    page = tmp_path / "site" / "page.html"
    page.parent.mkdir()
    words = secret.split(" ")
    page.write_text("<pre>" + "<span> </span>".join(f"<span>{w}</span>" for w in words) + "</pre>")
    assert scan([page.parent], repo / "solutions")
