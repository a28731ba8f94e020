"""The term base: the Indonesian form the book uses for each glossary term.

The forms follow the usage of Indonesia's Ministry of Foreign Affairs (Kemlu) where it has one:
its regulations and performance reports write *pelindungan WNI* (not *perlindungan*, since Law
No. 18/2017 and Permenlu No. 5/2018), *Laporan Kinerja*, *diplomasi publik* and *diplomasi digital*.
The article's own words (*waktu dan audiens*, *tatap muka*, *monolog*, *dialog*) are kept as the
article writes them. ``avoid`` lists forms a translator might reach for that the book does not use.

The glossary (book/appendices/glossary.md) gives both forms of each term as headwords, and
tests/book/test_terms.py checks that the translated Indonesian pages use ``indonesian`` wherever
their English source says ``english`` (for terms ``required``), and never an avoided form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    english: str
    indonesian: str
    avoid: tuple[str, ...] = ()
    # False where the English word also names something else, e.g. Maritima's own citizens, who
    # are not WNI: then only the avoided forms are checked.
    required: bool = True

    def in_english(self, text: str) -> bool:
        return _mentions(self.english, text)

    def in_indonesian(self, text: str) -> bool:
        return _mentions(self.indonesian, text)

    def avoided_forms_in(self, text: str) -> list[str]:
        return [form for form in self.avoid if _mentions(form, text)]


def _mentions(term: str, text: str) -> bool:
    """Whole words, any case, any run of spaces or line breaks between them."""
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.search(rf"(?<![\w-]){words}(?![\w-])", text, re.IGNORECASE) is not None


TERMS: tuple[Term, ...] = (
    Term("digital diplomacy", "diplomasi digital", avoid=("diplomasi daring",)),
    Term("public diplomacy", "diplomasi publik", avoid=("diplomasi umum", "diplomasi masyarakat")),
    Term("citizens abroad", "Warga Negara Indonesia (WNI)", avoid=("warga negara di luar negeri",), required=False),
    Term(
        "consular protection",
        "pelindungan WNI",
        avoid=("perlindungan WNI", "perlindungan konsuler", "perlindungan warga"),
        required=False,
    ),
    Term("performance report", "Laporan Kinerja", avoid=("laporan performa", "laporan capaian kinerja")),
    Term("time and audience", "waktu dan audiens", avoid=("waktu dan khalayak", "waktu dan pemirsa")),
    Term("face to face", "tatap muka", avoid=("tatap-muka", "bertatapan muka")),
    Term("monologue", "monolog", avoid=("monologi",)),
    Term("dialogue", "dialog", avoid=("dialogue",)),
    Term("target audience", "target audiens", avoid=("audiens target", "audiens sasaran")),
    Term("engagement rate", "tingkat keterlibatan", avoid=("tingkat interaksi", "rasio keterlibatan")),
    Term("followers", "pengikut", avoid=("follower",)),
    Term("information and communication technology", "teknologi informasi dan komunikasi"),
    Term("crisis management", "manajemen krisis", avoid=("penanganan krisis",)),
    Term("time zone", "zona waktu"),
    Term("local time", "waktu setempat", avoid=("waktu lokal",)),
    Term("Coordinated Universal Time", "Waktu Universal Terkoordinasi"),
    Term("key performance indicator", "indikator kinerja utama"),
    Term("baseline", "nilai dasar", avoid=("garis dasar",)),
    Term("missions abroad", "perwakilan di luar negeri", avoid=("misi luar negeri", "misi di luar negeri")),
)


def term_for(english: str) -> Term:
    for term in TERMS:
        if term.english.lower() == english.lower():
            return term
    raise KeyError(f"{english!r} is not in the term base (diplomacy_course.book.terms.TERMS).")
