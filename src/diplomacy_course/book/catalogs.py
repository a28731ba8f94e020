"""Checks on the Indonesian message catalogs: complete, current, and true to the term base.

A catalog fails when a message is untranslated, fuzzy (its English changed since it was
translated), or "translated" into the English itself. A message may stay as it is when it has
nothing to translate: code, numbers, links and roles only; names only (``NAMES``); a quotation
from the article, which the book keeps in Indonesian in both editions; or a glossary headword,
which both editions keep in both languages so that links to either form resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from diplomacy_course.book.terms import TERMS

# Proper names and product names that read the same in both languages.
NAMES = {
    "Triwibowo", "Albert", "Kemlu", "Maritima", "Port", "Selat", "XM", "JupyterHub", "JupyterLab",
    "nbgrader", "nbgitpuller", "Facebook", "Instagram", "YouTube", "TikTok", "X", "Twitter", "UTC",
    "PACIS", "Bandung", "pandas", "matplotlib", "Python", "A1", "A2", "A3", "A4",
}  # fmt: skip
# Words that Indonesian has taken over unchanged (KBBI lists them), so a message may be just one of them.
SAME_IN_INDONESIAN = {"folder", "platform", "format", "video", "data", "total", "status"}
CODE = re.compile(r"``[^`]*``|`[^`]*`|\{[\w:-]+\}`[^`]*`|https?://\S+|\[[^\]]*\]\([^)]*\)")
QUOTATION = re.compile(r'\A\s*(["“«]|…|—\s)')
# A span in quotation marks: a quotation or a name (a dataset's citation), kept as written.
QUOTED = re.compile(r'"[^"]*"|“[^”]*”')


@dataclass(frozen=True)
class Entry:
    page: str
    english: str
    indonesian: str
    fuzzy: bool


def read_catalog(path: Path, page: str) -> list[Entry]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return [
        Entry(page, str(message.id), str(message.string or ""), message.fuzzy)
        for message in catalog
        if message.id and not isinstance(message.id, tuple)
    ]


def headwords(glossary_source: str) -> set[str]:
    """The glossary's terms: unindented lines inside the ``{glossary}`` directive."""
    block = glossary_source.split("```{glossary}", 1)[-1].split("\n```", 1)[0]
    return {line.strip() for line in block.splitlines() if line and not line[0].isspace() and line[0] != ":"}


def nothing_to_translate(english: str, keep: set[str]) -> bool:
    if english in keep or QUOTATION.match(english):
        return True
    words = re.findall(r"[^\W\d_]+", CODE.sub(" ", english))
    return all(word in NAMES or word.lower() in SAME_IN_INDONESIAN for word in words)


def catalog_problems(entries: Iterable[Entry], keep: set[str]) -> list[str]:
    """One line per message that is untranslated, fuzzy, or left in English."""
    problems = []
    for entry in entries:
        where = f"{entry.page}: {entry.english[:70]!r}"
        if not entry.indonesian:
            problems.append(f"{where} is not translated")
        elif entry.fuzzy:
            problems.append(f"{where} is fuzzy (its English changed): check the translation, then drop the flag")
        elif entry.indonesian == entry.english and not nothing_to_translate(entry.english, keep):
            problems.append(f"{where} is 'translated' into the English itself")
    return problems


def term_problems(entries: Iterable[Entry], keep: set[str]) -> list[str]:
    """Where a translation strays from the term base (diplomacy_course.book.terms)."""
    problems = []
    for entry in entries:
        if entry.english in keep or not entry.indonesian:
            continue
        where = f"{entry.page}: {entry.english[:70]!r}"
        english = QUOTED.sub(" ", entry.english)
        for term in TERMS:
            if term.required and term.in_english(english) and not term.in_indonesian(entry.indonesian):
                problems.append(f"{where} says {term.english!r} but its translation lacks {term.indonesian!r}")
            for form in term.avoided_forms_in(entry.indonesian):
                problems.append(f"{where}: write {term.indonesian!r}, not {form!r}")
    return problems
