"""The book's two editions, English and Indonesian, from one source (a Sphinx extension).

The Indonesian edition is the same MyST source built with ``language = "id"`` and the gettext
catalogs in ``book/locales/id/LC_MESSAGES`` (one ``.po`` per page). This extension:

- keeps, of a page's output drawn in every language (``plotting.show_in_editions``), the version
  of the edition being built, as an ordinary image (or table) with alt text in that language;
- drops the English translations of the article's quotations from every edition but the English
  one, and from the message catalogs (nobody translates them): the markup is
  ``:::{container} quote-translation`` around the translation that follows a quotation;
- puts a link to the same page in the other edition at the top of every page, and tells search
  engines about it (``<link rel="alternate" hreflang>``).

``TRANSLATED_PAGES`` lists the pages whose Indonesian catalog is complete; tests/book/test_translations.py
holds them to that and names the pages not yet translated. Until a page is listed, its Indonesian
edition shows the English text wherever a message is missing.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

from diplomacy_course.plotting import EDITION_CLASS, LANGUAGES

EDITION_NAMES = {"en": "English", "id": "Bahasa Indonesia"}
EDITION_TITLES = {"en": "Digital Diplomacy by the Numbers", "id": "Diplomasi Digital dalam Angka"}
SWITCHER_LABEL = {"en": "Read this page in", "id": "Baca halaman ini dalam"}
QUOTE_TRANSLATION_CLASS = "quote-translation"
LOCALES = Path("book") / "locales"

# Pages whose Indonesian catalog is complete and checked. The chapters are still being written
# (their text changes every week); they join this list when their catalogs are translated.
TRANSLATED_PAGES: tuple[str, ...] = (
    "book/welcome",
    "book/ministry",
    "book/assignments",
    "book/appendices/glossary",
    "book/appendices/references",
    "book/appendices/data-dictionary",
    "book/appendices/instructor-guide",
    "book/chapters/07-presence-to-purpose",
    "book/chapters/05-monologue-to-dialogue",
    "book/chapters/06-indonesia-decade",
    "book/chapters/01-digital-coinage",
    "book/chapters/02-ict-for-foreign-policy",
    "book/chapters/03-time-and-audience",
    "book/chapters/04-without-the-handshake",
)

# One version per language, as plotting.editions_html writes them: each <div> ends where the next begins.
EDITION_DIV = re.compile(
    rf'<div class="{EDITION_CLASS}" data-edition="(?P<lang>[a-z]+)" lang="[a-z]+">'
    rf'(?P<body>.*?)</div>(?=<div class="{EDITION_CLASS}"|\Z)',
    re.DOTALL,
)
INLINE_PNG = re.compile(r'\A<img src="data:image/png;base64,(?P<data>[A-Za-z0-9+/=]+)" alt="(?P<alt>[^"]*)">\Z')


def catalog_path(root: Path, page: str, lang: str = "id") -> Path:
    return root / LOCALES / lang / "LC_MESSAGES" / f"{page}.po"


def other_editions(lang: str) -> list[str]:
    return [other for other in LANGUAGES if other != lang]


def edition_versions(raw_html: str) -> dict[str, str]:
    """The versions of an output drawn by show_in_editions, by language (empty if it is not one)."""
    return {match["lang"]: match["body"] for match in EDITION_DIV.finditer(raw_html)}


class KeepThisEdition(SphinxTransform):
    """Replace each every-language output with the version of this edition's language."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        lang = self.config.language or LANGUAGES[0]
        for raw in list(self.document.findall(nodes.raw)):
            versions = edition_versions(raw.astext())
            if not versions:
                continue
            if lang not in versions:
                raise RuntimeError(
                    f"{self.env.docname}: an output was drawn without a {lang!r} version; its cached "
                    "execution predates the two editions: delete _build/.jupyter_cache and build again."
                )
            raw.replace_self(self._node_for(versions[lang]))

    def _node_for(self, body: str) -> nodes.Node:
        image = INLINE_PNG.match(body)
        if not image:
            return nodes.raw("", body, format="html")
        png = base64.b64decode(image["data"])
        # Written beside myst-nb's own outputs, named by content like them, so Sphinx copies it.
        folder = Path(self.app.outdir).parent / "jupyter_execute" / "editions"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{hashlib.sha256(png).hexdigest()}.png"
        if not path.exists():
            path.write_bytes(png)
        uri = "/" + Path(os.path.relpath(path.resolve(), Path(self.app.srcdir).resolve())).as_posix()
        return nodes.image(uri=uri, alt=html.unescape(image["alt"]))


class DropQuoteTranslations(SphinxTransform):
    """The Indonesian edition quotes the article in Indonesian only, and nobody translates the English."""

    default_priority = 10  # before the catalog is applied

    def apply(self, **kwargs) -> None:
        english_html = (self.config.language or "en") == "en" and self.app.builder.name != "gettext"
        if english_html:
            return
        for container in list(self.document.findall(nodes.container)):
            if QUOTE_TRANSLATION_CLASS in container["classes"]:
                container.parent.remove(container)


def switcher_html(pagename: str, lang: str) -> str:
    """Links from a page to the same page in the other editions (sibling folders of this one)."""
    up = "../" * (pagename.count("/") + 1)
    links = " ".join(
        f'<a href="{up}{other}/{pagename}.html" hreflang="{other}" lang="{other}">{EDITION_NAMES[other]}</a>'
        for other in other_editions(lang)
    )
    return f'<nav class="edition-switcher" aria-label="{EDITION_NAMES[lang]}">{SWITCHER_LABEL[lang]}: {links}</nav>'


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    lang = app.config.language or LANGUAGES[0]
    if lang not in EDITION_NAMES or "body" not in context:
        return
    context["body"] = switcher_html(pagename, lang) + context["body"]
    up = "../" * (pagename.count("/") + 1)
    alternates = "".join(
        f'<link rel="alternate" hreflang="{other}" href="{up}{other}/{pagename}.html">\n'
        for other in other_editions(lang)
    )
    context["metatags"] = context.get("metatags", "") + alternates


def setup(app):
    app.add_transform(KeepThisEdition)
    app.add_transform(DropQuoteTranslations)
    app.add_css_file("editions.css")
    app.connect("html-page-context", _on_page_context)
    app.connect("builder-inited", _add_static_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# The switcher's look; on a phone, tables scroll within the page and long inline code wraps.
PAGE_CSS = """.edition-switcher { font-size: 0.9em; margin: 0 0 1rem; text-align: right; }
.edition-switcher a { font-weight: 600; }
article table.table { display: block; max-width: 100%; overflow-x: auto; }
article code.literal, article code.literal span.pre { white-space: normal; overflow-wrap: anywhere; }
"""


def _add_static_css(app) -> None:
    if app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "editions.css").write_text(PAGE_CSS, encoding="utf-8")
