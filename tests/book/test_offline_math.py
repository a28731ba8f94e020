"""The book's mathematics renders with no network: MathJax comes from the built site, not a CDN."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from diplomacy_course.plotting import LANGUAGES

pytestmark = pytest.mark.slow  # uses the built book

# A chapter with display math ($$ ... $$); the test fails if it stops having any.
PAGE_WITH_MATH = "book/chapters/05-monologue-to-dialogue"
SCRIPT_SOURCE = re.compile(r"""<script\b[^>]*\bsrc=["']([^"']+)["']""", re.IGNORECASE)


def _script_sources(page: Path) -> list[str]:
    return SCRIPT_SOURCE.findall(page.read_text(encoding="utf-8"))


def _is_remote(source: str) -> bool:
    return source.startswith("//") or urlsplit(source).scheme in ("http", "https")


@pytest.fixture(scope="module", params=LANGUAGES)
def edition(request, built_book) -> Path:
    """Each edition of the book is a site of its own, with its own copy of MathJax."""
    return built_book / request.param


@pytest.fixture(scope="module")
def math_page(edition) -> Path:
    page = edition / f"{PAGE_WITH_MATH}.html"
    text = page.read_text(encoding="utf-8")
    assert 'class="math' in text, f"{PAGE_WITH_MATH} has no mathematics left: pick another page"
    return page


def test_the_math_page_loads_mathjax_from_the_built_site(math_page, edition):
    mathjax = [s for s in _script_sources(math_page) if "mathjax" in s.lower()]
    assert mathjax, "the page with mathematics loads no MathJax script"
    for source in mathjax:
        assert not _is_remote(source), f"MathJax from the network: {source}"
        script = (math_page.parent / urlsplit(source).path).resolve()
        assert script.is_file(), f"{source} is missing from the build"
        assert script.is_relative_to(edition.resolve())


def test_the_math_page_loads_no_script_from_the_network(math_page):
    assert [s for s in _script_sources(math_page) if _is_remote(s)] == []


def test_mathjax_can_load_its_fonts_and_extensions_offline(edition):
    """tex-chtml.js fetches fonts and TeX extensions next to itself when a page needs them."""
    mathjax = edition / "_static" / "mathjax"
    assert list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff")), "no MathJax fonts"
    assert (mathjax / "input" / "tex" / "extensions").is_dir(), "no MathJax TeX extensions"


def test_a_cdn_script_would_be_caught(tmp_path):
    """The control for the checks above: a page loading MathJax from a CDN is seen as remote."""
    page = tmp_path / "page.html"
    page.write_text('<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>')
    assert [_is_remote(s) for s in _script_sources(page)] == [True]
