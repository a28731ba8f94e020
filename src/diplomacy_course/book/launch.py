"""Links that open a file of the course on the course's JupyterHub through nbgitpuller.

Two repositories are involved. The instructor repository (this one, ``repository.url`` in
``_config.yml``) holds ``solutions/`` and stays private; the book's repository button may
name it. Students pull the **student repository**, the published output of
``./course student-export``, named once under ``course: student_repository:`` in
``_config.yml``. Every launch link reads it from here: the assignment page's links, and
the chapters' buttons, whose URL the book's Sphinx fixes (``html_fixes``) rewrite with
:func:`nbgitpuller_url` (sphinx-book-theme would otherwise pull ``repository_url``).
The hub and notebook interface come from ``launch_buttons`` (the ``html_theme_options``
copy wins, as it does for the theme).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import yaml

from diplomacy_course.core import locations

# sphinx-book-theme's prefixes for the two notebook interfaces.
INTERFACES = {"classic": "tree", "jupyterlab": "lab/tree"}


@dataclass(frozen=True)
class LaunchSettings:
    hub: str
    repo: str
    branch: str
    interface: str = "jupyterlab"


def _theme_options(config: dict) -> dict:
    return ((config.get("sphinx") or {}).get("config") or {}).get("html_theme_options") or {}


class StudentRepositoryError(ValueError):
    """The configured student repository is missing or is the instructor repository."""


def _config(root: Path | None) -> dict:
    return yaml.safe_load((root or locations.repo_root()).joinpath("_config.yml").read_text("utf-8"))


def same_repository(first: str, second: str) -> bool:
    """Whether two clone URLs name one repository (case, a trailing slash and ``.git`` aside)."""

    def canonical(url: str) -> str:
        return re.sub(r"\.git$", "", url.strip().rstrip("/")).lower()

    return canonical(first) == canonical(second)


def instructor_repositories(root: Path | None = None) -> list[str]:
    """The URLs _config.yml gives for the instructor repository (top level and theme copy)."""
    config = _config(root)
    urls = [(config.get("repository") or {}).get("url", ""), _theme_options(config).get("repository_url", "")]
    return [url for url in urls if url]


def settings(root: Path | None = None) -> LaunchSettings:
    """The hub, the student repository and its branch: what every launch link uses.

    Refuses a missing student repository and one that is the instructor repository, whose
    ``solutions/`` students must never pull."""
    config = _config(root)
    buttons = _theme_options(config).get("launch_buttons") or config.get("launch_buttons") or {}
    student = ((config.get("course") or {}).get("student_repository")) or {}
    url = student.get("url", "")
    if not url:
        raise StudentRepositoryError(
            "No student repository: set course.student_repository.url in _config.yml to the public "
            "repository that holds the output of `./course student-export`."
        )
    clash = [other for other in instructor_repositories(root) if same_repository(url, other)]
    if clash:
        raise StudentRepositoryError(
            f"course.student_repository.url in _config.yml is {url}, the instructor repository, which "
            "holds solutions/: students must never pull it. Name the repository that holds the output of "
            "`./course student-export` instead."
        )
    return LaunchSettings(
        hub=buttons.get("jupyterhub_url", ""),
        repo=url,
        branch=student.get("branch", "main"),
        interface=buttons.get("notebook_interface", "jupyterlab"),
    )


def repo_name(repo_url: str) -> str:
    """The folder nbgitpuller clones into: the repository's last path segment."""
    return re.sub(r"\.git$", "", repo_url.rstrip("/").rsplit("/", 1)[-1])


def nbgitpuller_url(
    path: str,
    hub: str | None = None,
    repo: str | None = None,
    branch: str | None = None,
    *,
    interface: str | None = None,
    root: Path | None = None,
) -> str:
    """The hub link that pulls ``repo`` at ``branch`` and opens ``path`` (relative to the repo).

    Encoded exactly as sphinx-book-theme encodes its JupyterHub button.
    """
    if None in (hub, repo, branch, interface):
        defaults = settings(root)
        hub, repo = hub or defaults.hub, repo or defaults.repo
        branch, interface = branch or defaults.branch, interface or defaults.interface
    if not hub or not repo or not branch or interface not in INTERFACES:
        raise ValueError(
            "No JupyterHub, repository or branch, or an unknown notebook interface: set "
            "launch_buttons.jupyterhub_url and course.student_repository (url, branch) in _config.yml."
        )
    urlpath = f"{INTERFACES[interface]}/{repo_name(repo)}/{path.lstrip('/')}"
    query = urlencode({"repo": repo, "urlpath": urlpath, "branch": branch}, safe="/")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


# The assignment page (book/assignments.md) carries one generated link line under each
# "## A1 ..." heading; `course launch-links` rewrites them from _config.yml.
ASSIGNMENTS_PAGE = Path("book") / "assignments.md"
HEADING = re.compile(r"^(## (A\d+)\b.*)$", re.MULTILINE)
LINK_LINE = re.compile(r"\n\n\[Open A\d+ on JupyterHub\]\([^)\s]*\)(?=\n)")


def assignment_url(assignment_id: str, root: Path | None = None) -> str:
    """The released notebook of an assignment, opened on the hub."""
    from diplomacy_course.core import catalog

    assignment = catalog.get(assignment_id)
    return nbgitpuller_url(f"assignments/{assignment.id}/{assignment.notebook}", root=root)


def with_launch_links(page: str, root: Path | None = None) -> str:
    """The page with exactly one up-to-date launch link under each assignment heading."""
    page = LINK_LINE.sub("", page)

    def add_link(heading: re.Match) -> str:
        label = heading.group(2)
        return f"{heading.group(1)}\n\n[Open {label} on JupyterHub]({assignment_url(label.lower(), root)})"

    return HEADING.sub(add_link, page)


def write_launch_links(root: Path | None = None, *, check: bool = False) -> bool:
    """Rewrite the assignment page's links; return whether it was (check: would be) changed."""
    page = (root or locations.repo_root()) / ASSIGNMENTS_PAGE
    old = page.read_text("utf-8")
    new = with_launch_links(old, root)
    if new != old and not check:
        page.write_text(new, "utf-8")
    return new != old


# The release folder in a hub link's urlpath: ".../assignments/a1/measuring-engagement.ipynb".
RELEASED_NOTEBOOK = re.compile(r"(?<=/assignments/)(a\d+)(?=/)")


def edition_link(url: str, language: str, root: Path | None = None) -> str:
    """A hub link to an assignment's release, turned to the release of its edition in ``language``.

    The Indonesian book's assignment links open ``assignments/a1-id/`` rather than ``a1/``, for each
    assignment that has an Indonesian edition (a catalog in ``solutions/<a>/locales/``); other links
    are returned unchanged."""
    from diplomacy_course.core import catalog

    if language == "en" or "/hub/user-redirect/git-pull?" not in url:
        return url

    def to_edition(match: re.Match) -> str:
        try:
            return catalog.get(f"{match.group(1)}-{language}", root).id
        except KeyError:
            return match.group(1)

    return RELEASED_NOTEBOOK.sub(to_edition, url)
