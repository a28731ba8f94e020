"""The term base: the glossary gives every term in both languages, and the Indonesian pages use its forms."""

from __future__ import annotations

import pytest

from diplomacy_course.book.catalogs import Entry, headwords, read_catalog, term_problems
from diplomacy_course.book.editions import TRANSLATED_PAGES, catalog_path
from diplomacy_course.book.terms import TERMS, term_for

GLOSSARY = "book/appendices/glossary"
# The terms Kemlu's own usage fixes, which the issue names; each must be in the term base.
KEMLU_TERMS = {
    "digital diplomacy": "diplomasi digital",
    "public diplomacy": "diplomasi publik",
    "consular protection": "pelindungan WNI",
    "performance report": "Laporan Kinerja",
    "time and audience": "waktu dan audiens",
    "face to face": "tatap muka",
    "monologue": "monolog",
    "dialogue": "dialog",
}


@pytest.fixture(scope="module")
def glossary_source(repo) -> str:
    return (repo / f"{GLOSSARY}.md").read_text("utf-8")


@pytest.mark.parametrize("english, indonesian", KEMLU_TERMS.items())
def test_the_term_base_follows_kemlu_usage(english, indonesian):
    assert term_for(english).indonesian == indonesian


def test_the_glossary_gives_each_term_in_both_languages(glossary_source):
    words = {word.lower() for word in headwords(glossary_source)}
    missing = [t for t in TERMS if not any(t.english.lower() in w for w in words)]
    missing += [t for t in TERMS if not any(t.indonesian.lower() in w for w in words)]
    assert not missing, [f"{t.english} / {t.indonesian}" for t in missing]


def test_translated_pages_use_the_chosen_forms(repo, glossary_source):
    keep = headwords(glossary_source)
    entries = [e for page in TRANSLATED_PAGES for e in read_catalog(catalog_path(repo, page), page)]
    assert entries
    problems = term_problems(entries, keep)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "english, indonesian, problem",
    [
        ("Digital diplomacy is old.", "Diplomasi daring sudah lama ada.", "lacks 'diplomasi digital'"),
        ("Digital diplomacy is old.", "Diplomasi digital, atau diplomasi daring, sudah lama ada.", "not 'diplomasi"),
        ("Ministries protect nationals.", "Kementerian menjalankan perlindungan WNI.", "not 'perlindungan WNI'"),
        ("No longer face to face.", "Tidak lagi bertemu secara langsung.", "lacks 'tatap muka'"),
    ],
)
def test_the_term_check_catches_a_stray_form(english, indonesian, problem):
    problems = term_problems([Entry("book/example", english, indonesian, False)], keep=set())
    assert any(problem in line for line in problems), problems


def test_a_quoted_name_is_left_as_written():
    entry = Entry(
        "book/example",
        'Cite "Digital Diplomacy by the Numbers".',
        'Kutiplah "Digital Diplomacy by the Numbers".',
        False,
    )
    assert term_problems([entry], keep=set()) == []


def test_a_term_split_over_lines_still_counts():
    entry = Entry("book/example", "digital\ndiplomacy", "diplomasi\ndigital", False)
    assert term_problems([entry], keep=set()) == []
