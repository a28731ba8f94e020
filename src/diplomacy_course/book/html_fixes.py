"""A Sphinx extension that repairs what the book's tool chain gets wrong in the HTML.

- **Links with a query string.** myst-parser 3 stores a Markdown link's URL HTML-escaped
  (``a=1&amp;b=2``) and the HTML writer escapes it again, so the browser follows
  ``...&amp;b=2`` and the parameter is lost. The JupyterHub links of the assignment page
  (``?repo=...&urlpath=...&branch=...``) broke this way. Each link's URL is unescaped once.
- **Bibliography entries.** docutils writes each entry as ``<div role="doc-biblioentry">``
  inside a ``<div role="list">``. A list may only own list items, and DPUB-ARIA deprecated
  ``doc-biblioentry``, so axe-core reports "aria-required-children" (critical) on the
  references page and screen readers announce an empty list. Each entry becomes a ``listitem``.
- **The chapters' launch buttons.** sphinx-book-theme's JupyterHub button pulls ``repository_url``,
  the instructor repository, which holds the solutions. Each button's URL is rebuilt with
  :func:`diplomacy_course.book.launch.nbgitpuller_url`, which pulls the student repository
  (``course.student_repository`` in ``_config.yml``), like the assignment page's links.
- **Assignment links in the Indonesian edition.** The translated page keeps the English page's link,
  which opens ``assignments/a1/``; in the Indonesian edition each such link opens the Indonesian
  release ``assignments/a1-id/`` instead (:func:`diplomacy_course.book.launch.edition_link`).

Enabled in ``_config.yml`` (``sphinx: extra_extensions``); tests/book/test_browser.py checks the result.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from docutils import nodes

from diplomacy_course.book import launch

BIBLIOENTRY = 'role="doc-biblioentry"'
HUB_PULL = "/hub/user-redirect/git-pull?"
# After sphinx-book-theme's add_launch_buttons (priority 501) has filled the header buttons.
AFTER_THE_THEME = 600


def unescape_link_urls(doctree: nodes.Node) -> None:
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if "&amp;" in uri:
            reference["refuri"] = html.unescape(uri)


def fix_body(body: str) -> str:
    return body.replace(BIBLIOENTRY, 'role="listitem"')


def pulled_path(theme_url: str) -> str:
    """The file a theme launch URL opens, relative to the repository root.

    The theme's ``urlpath`` is ``<interface prefix>/<clone folder>/<path>``."""
    urlpath = parse_qs(urlsplit(theme_url).query)["urlpath"][0]
    for prefix in launch.INTERFACES.values():
        if urlpath.startswith(prefix + "/"):
            return urlpath.removeprefix(prefix + "/").split("/", 1)[1]
    raise ValueError(f"Unexpected JupyterHub launch URL from the book theme: {theme_url}")


def pull_student_repository(buttons: list[dict], root: Path) -> None:
    """Point every JupyterHub launch button among the header buttons at the student repository."""
    for button in buttons:
        pull_student_repository(button.get("buttons", []), root)
        if HUB_PULL in button.get("url", ""):
            button["url"] = launch.nbgitpuller_url(pulled_path(button["url"]), root=root)


def open_edition_releases(doctree: nodes.Node, language: str, root: Path) -> None:
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if HUB_PULL in uri:
            reference["refuri"] = launch.edition_link(uri, language, root)


def _on_doctree_read(app, doctree) -> None:
    unescape_link_urls(doctree)
    open_edition_releases(doctree, app.config.language or "en", Path(app.srcdir))


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = fix_body(context["body"])


def _on_page_buttons(app, pagename, templatename, context, doctree) -> None:
    pull_student_repository(context.get("header_buttons", []), Path(app.srcdir))


def setup(app):
    app.connect("doctree-read", _on_doctree_read)
    app.connect("html-page-context", _on_page_context)
    app.connect("html-page-context", _on_page_buttons, priority=AFTER_THE_THEME)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
