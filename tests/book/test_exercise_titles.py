"""Exercise titles go through the gettext catalogs (``diplomacy_course.book.exercise_titles``).

A two-exercise MyST page is built in a temporary directory, so these run in seconds without the book:
the titles must reach the extracted catalog, and the Indonesian build must show them translated in
the exercise, in its solution's title and in a reference to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sphinx_application = pytest.importorskip("sphinx.application")

PAGE = """# Page

```{exercise} The order of adoption
:label: ex-order

Which platform came first?
```

```{exercise-start} Which offices run the most accounts?
:label: ex-offices
```

Count them.

```{exercise-end}
```

```{solution} ex-order
:class: dropdown

X came first.
```

See {ref}`ex-order`.
"""

CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "The order of adoption"
msgstr "Urutan adopsi"

msgid "Which offices run the most accounts?"
msgstr "Kantor mana yang mengelola akun terbanyak?"
"""


def _build(root: Path, builder: str, language: str) -> Path:
    from sphinx.util.docutils import docutils_namespace

    out = root / "_build" / builder / language
    with docutils_namespace():  # each build registers its nodes afresh
        _sphinx(root, out, builder, language).build()
    return out


def _sphinx(root: Path, out: Path, builder: str, language: str):
    return sphinx_application.Sphinx(
        srcdir=str(root),
        confdir=None,
        outdir=str(out),
        doctreedir=str(root / "_build" / f"doctrees-{builder}-{language}"),
        buildername=builder,
        confoverrides={
            "extensions": ["myst_parser", "diplomacy_course.book.exercise_titles"],
            "root_doc": "page",
            "language": language,
            "locale_dirs": ["locales"],
            "gettext_compact": False,
            "numfig": True,
            "exclude_patterns": ["_build"],
        },
        status=None,
        warningiserror=False,  # docutils warns that it has no Indonesian labels of its own
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exercises")
    (root / "page.md").write_text(PAGE, encoding="utf-8")
    messages = root / "locales" / "id" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "page.po").write_text(CATALOG, encoding="utf-8")
    return root


def test_exercise_titles_are_extracted_into_the_catalog(project):
    template = (_build(project, "gettext", "en") / "page.pot").read_text(encoding="utf-8")
    assert 'msgid "The order of adoption"' in template
    assert 'msgid "Which offices run the most accounts?"' in template


def test_the_indonesian_edition_shows_translated_exercise_titles(project):
    page = BeautifulSoup((_build(project, "html", "id") / "page.html").read_text("utf-8"), "html.parser")
    titles = [div.select_one(".admonition-title").get_text(" ", strip=True) for div in page.select("div.exercise")]
    assert len(titles) == 2
    assert "Urutan adopsi" in titles[0] and "Kantor mana yang mengelola akun terbanyak?" in titles[1]
    assert not any("order of adoption" in title or "offices" in title for title in titles)
    solution = page.select_one("div.solution .admonition-title").get_text(" ", strip=True)
    assert "Urutan adopsi" in solution and "order of adoption" not in solution
