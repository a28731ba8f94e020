"""The structure a reader relies on, checked on the built book."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from diplomacy_course.plotting import LANGUAGES
from tests.support.course import toc_files

pytestmark = pytest.mark.slow
CODE_CELL = re.compile(r"```\{code-cell\}.*?```", re.DOTALL)
FRONT_MATTER = re.compile(r"\A---.*?---", re.DOTALL)


@pytest.fixture(scope="module")
def english_book(built_book) -> Path:
    return built_book / "en"


@pytest.fixture(scope="module", params=LANGUAGES)
def edition(request, built_book) -> Path:
    return built_book / request.param


def chapters(repo: Path) -> list[str]:
    return [f for f in toc_files(repo) if f.startswith("book/chapters/")]


def page(built: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((built / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def prose_words(source: str) -> int:
    text = CODE_CELL.sub("", FRONT_MATTER.sub("", source))
    return len(re.findall(r"[A-Za-z\u00C0-\u024F]+(?:['’-][A-Za-z]+)*", text))


def test_seven_chapters_follow_the_article(repo):
    assert len(chapters(repo)) == 7
    for name in chapters(repo):
        assert (repo / f"{name}.md").is_file(), name


@pytest.mark.parametrize("section", ["Learning objectives", "Key takeaways", "Discussion questions", "Further reading"])
def test_every_chapter_has_its_teaching_sections(repo, english_book, section):
    missing = [c for c in chapters(repo) if section.lower() not in page(english_book, c).get_text().lower()]
    assert not missing, f"chapters without '{section}': {missing}"


def test_every_chapter_is_a_real_chapter(repo):
    short = {c: prose_words((repo / f"{c}.md").read_text()) for c in chapters(repo)}
    assert all(words >= 1500 for words in short.values()), short


def test_every_chapter_has_a_computed_figure_with_caption_and_alt_text(repo, english_book):
    for name in chapters(repo):
        figures = page(english_book, name).select("figure")
        assert figures, f"{name} has no figure"
        for figure in figures:
            img = figure.find("img")
            assert img is not None and img.get("alt", "").strip(), f"{name}: a figure without alt text"
            assert figure.find("figcaption"), f"{name}: a figure without a caption"
            assert (english_book / Path(name).parent / img["src"]).resolve().is_file(), f"{name}: missing {img['src']}"


def test_every_chapter_cites_the_literature(repo, english_book):
    for name in chapters(repo):
        links = page(english_book, name).select("a.reference.internal")
        citations = [a for a in links if "references.html#" in a.get("href", "")]
        assert len(citations) >= 3, f"{name} cites {len(citations)} sources"


def test_every_chapter_links_glossary_terms_and_its_assignment(repo, english_book):
    for name in chapters(repo):
        links = [a.get("href", "") for a in page(english_book, name).select("a")]
        assert any("glossary.html#term-" in href for href in links), f"{name} links no glossary term"
        assert any("assignments.html#assignment-a" in href for href in links), f"{name} links no assignment"


def _targets(built: Path, name: str):
    source_dir = (built / f"{name}.html").parent
    for a in page(built, name).select("a[href]"):
        href = a["href"]
        parsed = urlparse(href)
        if parsed.scheme or href == "#":  # external (http, mailto) or the theme's bare "#" buttons
            continue
        target = (source_dir / unquote(parsed.path)).resolve() if parsed.path else built / f"{name}.html"
        yield href, target, parsed.fragment


def test_internal_links_and_anchors_resolve(repo, edition):
    broken = []
    for name in toc_files(repo):
        for href, target, fragment in _targets(edition, name):
            if not target.exists():
                broken.append(f"{name}: {href}")
            elif fragment and target.suffix == ".html" and f'id="{fragment}"' not in target.read_text("utf-8"):
                broken.append(f"{name}: {href} (no anchor)")
    assert not broken, broken[:20]


def test_the_ministry_is_called_fictional_where_the_data_first_appear(english_book):
    text = page(english_book, "book/ministry").get_text().lower()
    assert "fictional" in text and "simulated" in text


def test_chapters_show_no_raw_errors(repo, edition):
    for name in toc_files(repo):
        html = (edition / f"{name}.html").read_text("utf-8")
        assert "Traceback (most recent call last)" not in html, name
