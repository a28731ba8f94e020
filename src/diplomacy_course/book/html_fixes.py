"""A Sphinx extension that repairs what the book's tool chain gets wrong in the HTML.

- **Links with a query string.** myst-parser 3 stores a Markdown link's URL HTML-escaped
  (``a=1&amp;b=2``) and the HTML writer escapes it again, so the browser follows
  ``...&amp;b=2`` and the parameter is lost. The JupyterHub links of the assignment page
  (``?repo=...&urlpath=...&branch=...``) broke this way. Each link's URL is unescaped once.
- **Bibliography entries.** docutils writes each entry as ``<div role="doc-biblioentry">``
  inside a ``<div role="list">``. A list may only own list items, and DPUB-ARIA deprecated
  ``doc-biblioentry``, so axe-core reports "aria-required-children" (critical) on the
  references page and screen readers announce an empty list. Each entry becomes a ``listitem``.

Enabled in ``_config.yml`` (``sphinx: extra_extensions``); tests/book/test_browser.py checks the result.
"""

from __future__ import annotations

import html

from docutils import nodes

BIBLIOENTRY = 'role="doc-biblioentry"'


def unescape_link_urls(doctree: nodes.Node) -> None:
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "")
        if "&amp;" in uri:
            reference["refuri"] = html.unescape(uri)


def fix_body(body: str) -> str:
    return body.replace(BIBLIOENTRY, 'role="listitem"')


def _on_doctree_read(app, doctree) -> None:
    unescape_link_urls(doctree)


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = fix_body(context["body"])


def setup(app):
    app.connect("doctree-read", _on_doctree_read)
    app.connect("html-page-context", _on_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
