"""Launch links: chapters and assignments open on the course's JupyterHub through nbgitpuller."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from docutils import nodes

from diplomacy_course.book import launch
from diplomacy_course.book.html_fixes import fix_body, pull_student_repository, unescape_link_urls
from diplomacy_course.core import catalog
from diplomacy_course.plotting import LANGUAGES

HUB, REPO_URL = "https://hub.example.org", "https://github.com/org/course-student.git"
HUB_PULL = "/hub/user-redirect/git-pull"


def _config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text())


def student_repository(root: Path) -> str:
    """Read from _config.yml itself, not through the code under test."""
    return _config(root)["course"]["student_repository"]["url"]


def _with_student_repository(course_copy: Path, url: str | None) -> Path:
    config = _config(course_copy)
    if url is None:
        del config["course"]["student_repository"]
    else:
        config["course"]["student_repository"]["url"] = url
    (course_copy / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return course_copy


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


def test_defaults_come_from_config_and_name_the_student_repository(repo):
    config = _config(repo)
    hub, student = config["launch_buttons"]["jupyterhub_url"], student_repository(repo)
    url = urlsplit(launch.nbgitpuller_url("book/a.md", root=repo))
    assert f"{url.scheme}://{url.netloc}" == hub.rstrip("/") and hub.startswith("https://")
    assert parse_qs(url.query)["repo"] == [student] and parse_qs(url.query)["branch"] == ["main"]


def test_the_student_repository_is_not_the_instructor_repository(repo):
    """The instructor repository holds solutions/; the student one is the output of student-export."""
    config = _config(repo)
    instructor = [config["repository"]["url"], config["sphinx"]["config"]["html_theme_options"]["repository_url"]]
    canonical = [url.rstrip("/").removesuffix(".git").lower() for url in instructor]
    assert student_repository(repo).rstrip("/").removesuffix(".git").lower() not in canonical


@pytest.mark.parametrize("spelling", ["{url}", "{url}.git", "{url}/", "{url_upper}"])
def test_a_student_repository_that_is_the_instructor_repository_is_refused(course_copy, spelling):
    instructor = _config(course_copy)["repository"]["url"]
    _with_student_repository(course_copy, spelling.format(url=instructor, url_upper=instructor.upper()))
    with pytest.raises(launch.StudentRepositoryError, match="the instructor repository, which holds solutions"):
        launch.settings(course_copy)
    with pytest.raises(launch.StudentRepositoryError):
        launch.assignment_url("a1", course_copy)


def test_a_missing_student_repository_is_refused(course_copy):
    _with_student_repository(course_copy, None)
    with pytest.raises(launch.StudentRepositoryError, match="course.student_repository.url"):
        launch.settings(course_copy)


def test_config_names_one_hub_repository_and_branch(repo):
    """Jupyter Book reads the top-level keys, the theme the html_theme_options copy (jupyter-book#2232):
    they must agree, or the chapters' buttons and the assignment links would open different things."""
    config = _config(repo)
    theme = config["sphinx"]["config"]["html_theme_options"]
    assert theme["repository_url"] == config["repository"]["url"]
    assert config["course"]["student_repository"]["branch"] == "main"
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


def test_the_theme_launch_button_is_rebuilt_to_pull_the_student_repository(repo):
    """sphinx-book-theme's button (as its add_launch_buttons writes it) pulls repository_url."""
    theme_url = (
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/org/instructor"
        "&urlpath=lab/tree/instructor/book/chapters/01.md&branch=main"
    )
    buttons = [{"type": "group", "buttons": [{"type": "link", "text": "JupyterHub", "url": theme_url}]}]
    pull_student_repository(buttons, repo)
    assert buttons[0]["buttons"][0]["url"] == launch.nbgitpuller_url("book/chapters/01.md", root=repo)
    assert parse_qs(urlsplit(buttons[0]["buttons"][0]["url"]).query)["repo"] == [student_repository(repo)]


def _launch_links(edition: Path) -> dict[str, list[str]]:
    """Every nbgitpuller link in one built edition, by page."""
    links = {}
    for page in sorted(edition.rglob("*.html")):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        hrefs = [a["href"] for a in soup.select("a[href]") if HUB_PULL in a["href"]]
        if hrefs:
            links[page.relative_to(edition).as_posix()] = hrefs
    return links


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_launch_link_in_the_built_book_pulls_the_student_repository(repo, built_book, lang):
    student = student_repository(repo)
    clone_folder = student.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    links = _launch_links(built_book / lang)
    # Each chapter's button and each assignment's link are there, so the check below checks something.
    assert len(links.get("book/assignments.html", [])) >= len(catalog.ASSIGNMENTS)
    assert [page for page in links if page.startswith("book/chapters/")], "no chapter has a launch button"
    wrong = {}
    for page, hrefs in links.items():
        for href in hrefs:
            query = parse_qs(urlsplit(href).query)
            if query["repo"] != [student] or not query["urlpath"][0].startswith(f"lab/tree/{clone_folder}/"):
                wrong.setdefault(page, []).append(href)
    assert not wrong, f"launch links that do not pull {student}: {wrong}"


def test_the_indonesian_edition_opens_the_indonesian_release(repo):
    """In the Indonesian book, an assignment link opens assignments/<a>-id/ where that edition exists."""
    from diplomacy_course.book.html_fixes import open_edition_releases

    urls = {a: launch.assignment_url(a, repo) for a in catalog.ASSIGNMENTS}
    page = nodes.paragraph()
    for url in urls.values():
        page += nodes.reference("", "Buka", refuri=url)
    open_edition_releases(page, "id", repo)
    opened = [parse_qs(urlsplit(r["refuri"]).query)["urlpath"][0] for r in page.findall(nodes.reference)]
    for assignment_id, urlpath in zip(urls, opened, strict=True):
        editions = [a.id for a in catalog.editions_of(catalog.get(assignment_id), repo)]
        expected = f"{assignment_id}-id" if f"{assignment_id}-id" in editions else assignment_id
        assert urlpath.endswith(f"/assignments/{expected}/{catalog.get(assignment_id).notebook}")
        assert (repo / "assignments" / expected / catalog.get(assignment_id).notebook).is_file()
    assert opened[0].endswith("/assignments/a1-id/measuring-engagement.ipynb")
    # The English edition and other links are left alone.
    assert launch.edition_link(urls["a1"], "en", repo) == urls["a1"]
    assert launch.edition_link("https://example.org/assignments/a1/x.ipynb", "id", repo).endswith("/a1/x.ipynb")
