"""Links that open a file of the course on the course's JupyterHub through nbgitpuller.

The hub, the repository students pull from and its branch are set once, in
``_config.yml``: the book's own launch buttons (sphinx-book-theme) read them
from ``sphinx.config.html_theme_options``, which Jupyter Book lets override the
top-level ``repository`` and ``launch_buttons`` keys (and which alone carries the
branch, jupyter-book#2232). This module reads the same values, so the
assignment page's links and the chapters' buttons cannot disagree.
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


def settings(root: Path | None = None) -> LaunchSettings:
    """The hub, repository and branch the book's launch buttons use."""
    config = yaml.safe_load((root or locations.repo_root()).joinpath("_config.yml").read_text("utf-8"))
    theme = _theme_options(config)
    buttons = theme.get("launch_buttons") or config.get("launch_buttons") or {}
    repository = config.get("repository") or {}
    return LaunchSettings(
        hub=buttons.get("jupyterhub_url", ""),
        repo=theme.get("repository_url") or repository.get("url", ""),
        branch=theme.get("repository_branch") or repository.get("branch", "main"),
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
            "launch_buttons.jupyterhub_url, repository.url and repository.branch in _config.yml."
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
