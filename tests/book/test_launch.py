"""Launch links: chapters and assignments open on the course's JupyterHub through nbgitpuller."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from docutils import nodes

from diplomacy_course.book import launch
from diplomacy_course.book.html_fixes import fix_body, unescape_link_urls
from diplomacy_course.core import catalog

HUB, REPO_URL = "https://hub.example.org", "https://github.com/org/course-student.git"


def test_the_url_pulls_the_repository_and_opens_the_file_in_jupyterlab():
    url = launch.nbgitpuller_url("assignments/a1/x.ipynb", HUB + "/", REPO_URL, "main", interface="jupyterlab")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{HUB}/hub/user-redirect/git-pull"
    assert parse_qs(parts.query) == {
        "repo": [REPO_URL],
        "branch": ["main"],
        "urlpath": ["lab/tree/course-student/assignments/a1/x.ipynb"],
    }


def test_the_url_is_encoded_as_the_book_theme_encodes_its_button():
    url = launch.nbgitpuller_url("book/a.md", HUB, "https://github.com/org/repo", "main", interface="jupyterlab")
    assert url.endswith("?repo=https%3A//github.com/org/repo&urlpath=lab/tree/repo/book/a.md&branch=main")


def test_defaults_come_from_config(repo):
    config = yaml.safe_load((repo / "_config.yml").read_text())
    hub, repository = config["launch_buttons"]["jupyterhub_url"], config["repository"]["url"]
    url = urlsplit(launch.nbgitpuller_url("book/a.md", root=repo))
    assert f"{url.scheme}://{url.netloc}" == hub.rstrip("/") and hub.startswith("https://")
    assert parse_qs(url.query)["repo"] == [repository] and parse_qs(url.query)["branch"] == ["main"]


def test_config_names_one_hub_repository_and_branch(repo):
    """Jupyter Book reads the top-level keys, the theme the html_theme_options copy (jupyter-book#2232):
    they must agree, or the chapters' buttons and the assignment links would open different things."""
    config = yaml.safe_load((repo / "_config.yml").read_text())
    theme = config["sphinx"]["config"]["html_theme_options"]
    assert theme["repository_url"] == config["repository"]["url"]
    assert theme["repository_branch"] == config["repository"]["branch"] == "main"
    assert theme["launch_buttons"]["jupyterhub_url"] == config["launch_buttons"]["jupyterhub_url"]
    assert theme["launch_buttons"]["notebook_interface"] == config["launch_buttons"]["notebook_interface"]


def test_the_assignment_page_links_are_up_to_date(repo):
    assert not launch.write_launch_links(repo, check=True), "run `./course launch-links`"


def test_each_assignment_heading_has_one_link_to_its_release(repo):
    page = (repo / launch.ASSIGNMENTS_PAGE).read_text()
    for assignment in catalog.ASSIGNMENTS.values():
        url = launch.assignment_url(assignment.id, repo)
        assert page.count(url) == 1, assignment.id
        assert f"assignments/{assignment.id}/{assignment.notebook}" in url


def test_rewriting_the_links_is_idempotent_and_replaces_stale_ones(repo):
    page = "# Assignments\n\n## A1 Something\n\n[Open A1 on JupyterHub](https://old.example/x)\n\nText.\n"
    once = launch.with_launch_links(page, repo)
    assert "old.example" not in once and once.count("Open A1 on JupyterHub") == 1
    assert launch.with_launch_links(once, repo) == once


@pytest.mark.parametrize("package", ["nbgitpuller", "jupytext"])
def test_the_student_environment_can_follow_the_links(repo, package):
    """The hub pulls with nbgitpuller; jupytext opens the book's MyST pages as notebooks."""
    lines = (repo / "binder" / "requirements.txt").read_text().splitlines()
    assert any(line.startswith(f"{package}==") for line in lines)


def test_bibliography_entries_become_list_items():
    body = '<div role="list" class="citation-list"><div class="citation" role="doc-biblioentry">x</div></div>'
    fixed = '<div role="list" class="citation-list"><div class="citation" role="listitem">x</div></div>'
    assert fix_body(body) == fixed


def test_a_markdown_link_keeps_its_query_string():
    """myst-parser 3 escapes '&' in a link's URL and the HTML writer escapes it again."""
    from docutils.core import publish_doctree
    from myst_parser.parsers.docutils_ import Parser

    doctree = publish_doctree("[Open](https://hub.example/git-pull?repo=r&branch=main)\n", parser=Parser())
    unescape_link_urls(doctree)
    assert [r["refuri"] for r in doctree.findall(nodes.reference)] == [
        "https://hub.example/git-pull?repo=r&branch=main"
    ]
