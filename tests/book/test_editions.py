"""The two editions: one execution, the catalog applied, outputs and quotations per language, the front door."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from diplomacy_course.book.editions import TRANSLATED_PAGES, switcher_html
from diplomacy_course.plotting import LANGUAGES, MESSAGES

pytestmark = pytest.mark.slow

PAGE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
---
# Welcome

> "upaya menjalankan kebijakan luar negeri"

:::{container} quote-translation
*Translation:* "the effort to carry out foreign policy"
:::

```{code-cell} ipython3
from pathlib import Path

from diplomacy_course.plotting import message, new_figure, show_in_editions

with Path("runs.log").open("a") as runs:  # one line per execution of this cell
    runs.write("ran\\n")


def draw(lang):
    fig, ax = new_figure(lang)
    ax.plot([2016, 2017], [1, 2])
    ax.set_xlabel(message("year", lang))
    return fig


show_in_editions(draw, alt="ministry_posts_alt")
```
"""

CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: id\\n"

msgid "Welcome"
msgstr "Selamat datang"
"""


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory, repo):
    from diplomacy_course.book.build import build_book

    root = tmp_path_factory.mktemp("tiny-book")
    (root / "datasets").mkdir()
    (root / "book" / "locales" / "id" / "LC_MESSAGES" / "book").mkdir(parents=True)
    (root / "book" / "references.bib").write_text("")
    (root / "_config.yml").write_text((repo / "_config.yml").read_text())
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/welcome\n")
    (root / "book" / "welcome.md").write_text(PAGE)
    (root / "book" / "locales" / "id" / "LC_MESSAGES" / "book" / "welcome.po").write_text(CATALOG)
    return root, build_book(root, strict=True, quiet=True)


def _page(built, lang):
    return BeautifulSoup((built / lang / "book" / "welcome.html").read_text("utf-8"), "html.parser")


def test_code_runs_once_for_both_editions(tiny_build):
    root, _ = tiny_build
    assert (root / "book" / "runs.log").read_text().splitlines() == ["ran"]


def test_each_edition_has_its_language_and_the_catalog_is_applied(tiny_build):
    _, built = tiny_build
    assert _page(built, "en").html["lang"] == "en" and _page(built, "en").h1.get_text().startswith("Welcome")
    assert _page(built, "id").html["lang"] == "id" and _page(built, "id").h1.get_text().startswith("Selamat datang")


def test_the_figure_is_drawn_in_the_editions_language(tiny_build):
    _, built = tiny_build
    for lang in LANGUAGES:
        images = [img for img in _page(built, lang).select("img") if "_images" in img.get("src", "")]
        assert [img["alt"] for img in images] == [MESSAGES["ministry_posts_alt"][lang]], lang
        assert (built / lang / "book" / images[0]["src"]).resolve().is_file()
    en_image = _page(built, "en").select_one("img[src*=_images]")["src"]
    assert en_image != _page(built, "id").select_one("img[src*=_images]")["src"]


def test_the_quotation_stays_in_indonesian_and_only_english_readers_get_a_translation(tiny_build):
    _, built = tiny_build
    for lang in LANGUAGES:
        assert "upaya menjalankan kebijakan luar negeri" in _page(built, lang).get_text()
    assert "the effort to carry out" in _page(built, "en").get_text()
    assert "the effort to carry out" not in _page(built, "id").get_text()


def test_the_front_door_links_every_edition(tiny_build):
    _, built = tiny_build
    door = (built / "index.html").read_text("utf-8")
    assert all(f'href="{lang}/index.html"' in door for lang in LANGUAGES)
    assert re.search(r'content="\d+; url=en/index.html"', door), "no fallback for readers without JavaScript"


def test_the_switcher_points_to_the_same_page(tiny_build):
    _, built = tiny_build
    link = _page(built, "id").select_one("nav.edition-switcher a")
    assert link["href"] == "../../en/book/welcome.html" and link["hreflang"] == "en"
    assert (built / "id" / "book" / link["href"]).resolve() == (built / "en" / "book" / "welcome.html").resolve()
    assert 'href="../../../id/book/appendices/glossary.html"' in switcher_html("book/appendices/glossary", "en")


def test_the_real_books_indonesian_pages_are_indonesian(built_book):
    """Spot check of the real build: each translated page's title is its catalog's, not the English."""
    for page in TRANSLATED_PAGES:
        english = BeautifulSoup((built_book / "en" / f"{page}.html").read_text("utf-8"), "html.parser").h1
        indonesian = BeautifulSoup((built_book / "id" / f"{page}.html").read_text("utf-8"), "html.parser").h1
        assert english.get_text() != indonesian.get_text(), page
