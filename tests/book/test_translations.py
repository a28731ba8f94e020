"""The Indonesian edition's catalogs: complete for the pages declared translated, and current.

Pages join ``TRANSLATED_PAGES`` (src/diplomacy_course/book/editions.py) when their catalog is
translated; the others show English in the Indonesian edition, and this module names them.
"""

from __future__ import annotations

import warnings

import pytest

from diplomacy_course.book.catalogs import Entry, catalog_problems, headwords, read_catalog
from diplomacy_course.book.editions import TRANSLATED_PAGES, catalog_path
from tests.support.course import toc_files

GLOSSARY = "book/appendices/glossary"


@pytest.fixture(scope="module")
def keep(repo) -> set[str]:
    return headwords((repo / f"{GLOSSARY}.md").read_text("utf-8"))


def test_every_declared_page_is_in_the_book(repo):
    assert set(TRANSLATED_PAGES) <= set(toc_files(repo)), set(TRANSLATED_PAGES) - set(toc_files(repo))


def test_pages_not_yet_translated_are_named(repo):
    """The partial state, said out loud: these pages read in English in the Indonesian edition."""
    pending = [page for page in toc_files(repo) if page not in TRANSLATED_PAGES]
    if pending:
        warnings.warn(f"Not yet translated into Indonesian: {', '.join(pending)}", stacklevel=1)
    assert len(pending) + len(TRANSLATED_PAGES) == len(toc_files(repo))


@pytest.mark.parametrize("page", TRANSLATED_PAGES)
def test_translated_page_has_a_complete_catalog(repo, keep, page):
    path = catalog_path(repo, page)
    assert path.is_file(), f"{page} is declared translated but has no catalog: run ./course translations"
    entries = read_catalog(path, page)
    assert entries, f"{path} holds no message"
    problems = catalog_problems(entries, keep)
    assert not problems, "\n".join(problems)


def _entry(english: str, indonesian: str, fuzzy: bool = False) -> Entry:
    return Entry("book/example", english, indonesian, fuzzy)


@pytest.mark.parametrize(
    "entry, problem",
    [
        (_entry("The ministry posts every day.", ""), "not translated"),
        (_entry("The ministry posts every day.", "Kementerian mengunggah setiap hari.", fuzzy=True), "fuzzy"),
        (_entry("The ministry posts every day.", "The ministry posts every day."), "English itself"),
    ],
)
def test_the_check_catches_each_kind_of_missing_translation(entry, problem):
    problems = catalog_problems([entry], keep=set())
    assert len(problems) == 1 and problem in problems[0]


@pytest.mark.parametrize(
    "english",
    [
        '``load_table("posts")``',  # code
        "2016–2025",  # numbers
        "Triwibowo {cite:p}`triwibowo_pentingnya`",  # a name and a role
        '"upaya menjalankan kebijakan luar negeri"',  # a quotation from the article
        "— Triwibowo {cite:p}`triwibowo_pentingnya`",  # its attribution
        "digital diplomacy",  # a glossary headword
        "folder",  # a word Indonesian uses unchanged
    ],
)
def test_messages_with_nothing_to_translate_may_stay_as_they_are(english):
    assert catalog_problems([_entry(english, english)], keep={"digital diplomacy"}) == []


@pytest.mark.slow
def test_catalogs_hold_every_message_of_the_current_sources(repo, built_book):
    """A translated page whose English changed since its catalog was updated fails here."""
    from babel.messages.pofile import read_po

    from diplomacy_course.book.build import extract_messages

    templates = extract_messages(repo, quiet=True)
    stale = {}
    for page in TRANSLATED_PAGES:
        with (templates / f"{page}.pot").open("rb") as handle:
            wanted = {m.id for m in read_po(handle) if m.id}
        have = {entry.english for entry in read_catalog(catalog_path(repo, page), page)}
        if wanted - have:
            stale[page] = sorted(str(m)[:60] for m in wanted - have)
    assert not stale, f"run ./course translations and translate: {stale}"
