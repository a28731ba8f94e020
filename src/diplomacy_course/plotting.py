"""One figure style for the book and the course's own figures, in the reader's language.

Colours come from the Okabe-Ito palette, which stays distinguishable under the
common forms of colour-vision deficiency; every platform keeps its colour in
every figure so readers learn it once.

The book has an English and an Indonesian edition built from one execution of
each page. A page draws a figure (or a table) once per language through
``show_in_editions``; the book's Sphinx extension (``diplomacy_course.book.editions``)
keeps the version of the edition being built. Titles, axis labels, legends and alt
text come from ``MESSAGES`` through ``message(key, lang)``.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Callable
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

PLATFORM_COLORS = {
    "x": OKABE_ITO["black"],
    "facebook": OKABE_ITO["blue"],
    "instagram": OKABE_ITO["reddish_purple"],
    "youtube": OKABE_ITO["vermillion"],
    "tiktok": OKABE_ITO["bluish_green"],
}

# The languages of the book's editions, the first being the default.
LANGUAGES = ("en", "id")
# Set by the book build to every language, so that one execution serves both editions;
# a student's notebook shows COURSE_LANGUAGE only (English unless set).
EDITIONS_VARIABLE = "COURSE_BOOK_EDITIONS"
LANGUAGE_VARIABLE = "COURSE_LANGUAGE"
# The HTML marker the book's extension looks for; change both together.
EDITION_CLASS = "course-edition"

PLATFORM_LABELS = {
    "x": "X (Twitter)",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "tiktok": "TikTok",
}

# A sequential map that is readable in grey and by colour-blind readers, for heat maps.
SEQUENTIAL_CMAP = "cividis"

_CYCLE = [
    OKABE_ITO[name]
    for name in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "black")
]


def use_course_style() -> None:
    """Apply the course style to every later matplotlib figure."""
    mpl.rcParams.update(
        {
            "axes.prop_cycle": cycler(color=_CYCLE),
            "figure.figsize": (7.5, 4.2),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titleweight": "bold",
            "font.size": 11,
            "legend.frameon": False,
            "image.cmap": SEQUENTIAL_CMAP,
        }
    )


# Figure texts by key, one entry per language. Keys name what the text says, so that a page reads
# message("posts_per_year", lang) where it used to read "Posts per year".
MESSAGES: dict[str, dict[str, str]] = {
    "year": {"en": "Year", "id": "Tahun"},
    "posts_per_year": {"en": "Posts per year", "id": "Jumlah unggahan per tahun"},
    "ministry_posts_title": {
        "en": "Maritima's posts per year by platform (simulated)",
        "id": "Unggahan Kemlu Maritima per tahun menurut platform (simulasi)",
    },
    "ministry_posts_alt": {
        "en": "Line chart of posts per year for each platform from 2016 to 2025. X carries the most posts "
        "throughout, with Facebook and Instagram next; every platform peaks in 2020 and falls back by 2022; "
        "YouTube stays low; TikTok appears in 2020 and grows slowly.",
        "id": "Grafik garis jumlah unggahan per tahun untuk setiap platform dari 2016 sampai 2025. X memuat "
        "unggahan terbanyak sepanjang periode, disusul Facebook dan Instagram; semua platform mencapai puncak "
        "pada 2020 dan turun kembali hingga 2022; YouTube tetap rendah; TikTok muncul pada 2020 dan tumbuh "
        "perlahan.",
    },
    "followers_thousands": {"en": "Followers (thousands)", "id": "Pengikut (ribuan)"},
    "hour_of_local_day": {"en": "Hour of the audience's local day", "id": "Jam menurut waktu setempat audiens"},
    "share_of_posts_pct": {"en": "Share of posts (%)", "id": "Porsi unggahan (%)"},
    "simulated": {"en": "simulated", "id": "simulasi"},
}

PLATFORM_LABELS_BY_LANGUAGE = {
    "en": PLATFORM_LABELS,
    "id": {**PLATFORM_LABELS, "x": "X (dahulu Twitter)"},
}


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: use one of {', '.join(LANGUAGES)}.")


def message(key: str, lang: str, **fields: Any) -> str:
    """The figure text ``key`` in ``lang``, with ``{field}`` placeholders filled from ``fields``."""
    _check_language(lang)
    if key not in MESSAGES:
        raise KeyError(f"No figure text {key!r}: add it to MESSAGES in diplomacy_course/plotting.py.")
    if lang not in MESSAGES[key]:
        raise KeyError(f"Figure text {key!r} has no {lang!r} version: add one to MESSAGES.")
    return MESSAGES[key][lang].format(**fields)


def platform_label(platform: str, lang: str = "en") -> str:
    _check_language(lang)
    return PLATFORM_LABELS_BY_LANGUAGE[lang][platform]


def new_figure(lang: str = "en", **subplots_kwargs):
    """A figure and axes in the course style (a fresh pair, never the global one).

    ``lang`` is checked here so that a page drawing for an unknown edition fails at once."""
    _check_language(lang)
    use_course_style()
    return plt.subplots(**subplots_kwargs)


def languages_to_show() -> tuple[str, ...]:
    """Every edition's language in a book build; the reader's own language in a notebook."""
    wanted = os.environ.get(EDITIONS_VARIABLE) or os.environ.get(LANGUAGE_VARIABLE) or LANGUAGES[0]
    chosen = tuple(lang.strip() for lang in wanted.split(",") if lang.strip())
    for lang in chosen:
        _check_language(lang)
    return chosen


def figure_html(fig, alt: str) -> str:
    """A figure as an <img> with its PNG inline, so one notebook output carries every edition."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'


def _as_html(shown: Any, alt: str | None) -> str:
    if isinstance(shown, mpl.figure.Figure):
        if not alt:
            raise ValueError("A figure needs alt text: pass alt= the key of its description in MESSAGES.")
        return figure_html(shown, alt)
    if hasattr(shown, "_repr_html_"):
        return shown._repr_html_()
    raise TypeError(f"show_in_editions can show a matplotlib figure or a table, not {type(shown).__name__}.")


def editions_html(make: Callable[[str], Any], alt: str | None = None) -> str:
    """One <div> per language, each holding what ``make(lang)`` returned."""
    parts = []
    for lang in languages_to_show():
        body = _as_html(make(lang), message(alt, lang) if alt else None)
        parts.append(f'<div class="{EDITION_CLASS}" data-edition="{lang}" lang="{lang}">{body}</div>')
    return "".join(parts)


def show_in_editions(make: Callable[[str], Any], alt: str | None = None) -> None:
    """Show a figure or table drawn by ``make(lang)`` in the edition's language.

    ``alt`` is the MESSAGES key of a figure's text alternative. Use it in place of plt.show():
    the book keeps the version of the edition it builds, a notebook shows its reader's."""
    from IPython.display import HTML, display

    display(HTML(editions_html(make, alt)))
