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
    # Axis labels and legend entries the chapters share.
    "month": {"en": "Month", "id": "Bulan"},
    "week": {"en": "Week", "id": "Pekan"},
    "quarter": {"en": "Quarter", "id": "Triwulan"},
    "questions_answered_pct": {"en": "Questions answered (%)", "id": "Pertanyaan yang dijawab (%)"},
    # Chapter 1
    "accounts_held": {"en": "Accounts held at year end", "id": "Akun yang dimiliki pada akhir tahun"},
    "ch1_accounts_title": {
        "en": "Maritima's accounts by platform (simulated)",
        "id": "Akun kementerian Maritima menurut platform (simulasi)",
    },
    "ch1_accounts_alt": {
        "en": "Line chart of the cumulative number of ministry accounts per platform by year. Each platform's "
        "line starts in the year of its first account and rises as missions open accounts; the older platforms "
        "have the most accounts.",
        "id": "Grafik garis jumlah kumulatif akun kementerian pada setiap platform per tahun. Garis setiap "
        "platform dimulai pada tahun akun pertamanya dan naik seiring perwakilan membuka akun; platform yang "
        "lebih lama memiliki akun terbanyak.",
    },
    "ch1_followers_title": {
        "en": "Maritima's followers by platform (simulated)",
        "id": "Pengikut kementerian Maritima menurut platform (simulasi)",
    },
    "ch1_followers_alt": {
        "en": "Line chart of total followers per platform by month. All platforms grow over time, at different "
        "speeds, and the newer platforms start later from zero.",
        "id": "Grafik garis jumlah pengikut setiap platform per bulan. Semua platform tumbuh dari waktu ke "
        "waktu dengan kecepatan berbeda, dan platform yang lebih baru mulai belakangan dari nol.",
    },
    # Chapter 2
    "topic_consular": {"en": "Consular", "id": "Konsuler"},
    "topic_crisis": {"en": "Crisis", "id": "Krisis"},
    "topic_economic": {"en": "Economic", "id": "Ekonomi"},
    "topic_public_cultural": {"en": "Public and cultural", "id": "Publik dan budaya"},
    "topic_multilateral": {"en": "Multilateral", "id": "Urusan multilateral"},
    "topic_ceremonial": {"en": "Ceremonial", "id": "Seremonial"},
    "other_topics": {"en": "Other topics", "id": "Topik lain"},
    "ch2_topic_mix_title": {
        "en": "Topic mix of Maritima's posts (simulated)",
        "id": "Komposisi topik unggahan kementerian Maritima (simulasi)",
    },
    "ch2_topic_mix_alt": {
        "en": "Stacked bar chart with one bar per year showing the percentage of posts in each of six topics. "
        "Ceremonial, public and cultural, and economic posts make up most years; the crisis share grows sharply "
        "in 2020 and 2021 and then shrinks again.",
        "id": "Diagram batang bertumpuk dengan satu batang per tahun yang menunjukkan persentase unggahan pada "
        "setiap topik dari enam topik. Unggahan seremonial, publik dan budaya, serta ekonomi mendominasi "
        "sebagian besar tahun; porsi krisis naik tajam pada 2020 dan 2021, lalu menyusut kembali.",
    },
    "posts_per_week": {"en": "Posts per week", "id": "Unggahan per pekan"},
    "pandemic_begins": {"en": "Pandemic begins (timeline)", "id": "Awal pandemi (lini masa)"},
    "ch2_crisis_title": {
        "en": "A crisis spike in Maritima's posting (simulated)",
        "id": "Lonjakan unggahan krisis kementerian Maritima (simulasi)",
    },
    "ch2_crisis_alt": {
        "en": "Stacked weekly bar chart of posts. Before late January 2020 crisis posts are a thin layer on about "
        "80 posts a week. From the week marked as the pandemic's start, volume roughly doubles and crisis posts "
        "become a large share; the peak falls in the shaded evacuation weeks, and crisis posts stay high through "
        "June.",
        "id": "Diagram batang bertumpuk jumlah unggahan per pekan. Sebelum akhir Januari 2020, unggahan krisis "
        "hanya lapisan tipis di atas sekitar 80 unggahan per pekan. Sejak pekan yang ditandai sebagai awal "
        "pandemi, jumlah unggahan kira-kira berlipat dua dan unggahan krisis mengambil porsi besar; puncaknya "
        "jatuh pada pekan-pekan evakuasi yang diarsir, dan unggahan krisis tetap tinggi hingga Juni.",
    },
    # Chapter 3
    "audience_offset": {"en": "Audience (difference from Port Selat)", "id": "Audiens (selisih dari Port Selat)"},
    "audience_share_pct": {"en": "Share of that audience's posts (%)", "id": "Porsi unggahan untuk audiens itu (%)"},
    "ch3_local_hours_title": {
        "en": "Headquarters' posts by audience local hour (simulated)",
        "id": "Unggahan kantor pusat menurut jam setempat audiens (simulasi)",
    },
    "ch3_local_hours_alt": {
        "en": "Heat map with audience countries as rows and local hours 0 to 23 as columns. For Maritima and "
        "nearby Asian countries the bright cells sit in the morning and afternoon; for Europe they shift to the "
        "night and early morning, and for the United States they sit in the evening and night.",
        "id": "Peta panas dengan negara audiens sebagai baris dan jam setempat 0 sampai 23 sebagai kolom. Untuk "
        "Maritima dan negara Asia di dekatnya, sel yang terang berada pada pagi dan siang hari; untuk Eropa, sel "
        "itu bergeser ke malam dan dini hari, sedangkan untuk Amerika Serikat berada pada petang dan malam hari.",
    },
    "audience_country": {"en": "Audience country", "id": "Negara audiens"},
    "ch3_country_title": {
        "en": "Followers by country, {month} (simulated)",
        "id": "Pengikut menurut negara, {month} (simulasi)",
    },
    "ch3_country_alt": {
        "en": "Horizontal bar chart of followers by country. Maritima (XM) has by far the longest bar, about 1.3 "
        "million; the next countries, the United States, Saudi Arabia, Singapore and Australia, each have under "
        "about 110 thousand.",
        "id": "Diagram batang horizontal jumlah pengikut menurut negara. Maritima (XM) memiliki batang yang jauh "
        "paling panjang, sekitar 1,3 juta; negara berikutnya, yaitu Amerika Serikat, Arab Saudi, Singapura, dan "
        "Australia, masing-masing memiliki kurang dari sekitar 110 ribu.",
    },
    # Chapter 4
    "format_in_person": {"en": "In person", "id": "Tatap muka"},
    "format_hybrid": {"en": "Hybrid", "id": "Hibrida"},
    "format_virtual": {"en": "Virtual", "id": "Virtual (daring)"},
    "share_of_meetings_pct": {"en": "Share of meetings (%)", "id": "Porsi pertemuan (%)"},
    "ch4_formats_title": {
        "en": "Meeting format by year (simulated)",
        "id": "Format pertemuan per tahun (simulasi)",
    },
    "ch4_formats_alt": {
        "en": "Stacked bar chart with one bar per year. Before 2020 almost all meetings are in person; in 2020 and "
        "2021 virtual meetings dominate; afterwards in-person meetings recover while a stable share stays virtual "
        "or hybrid.",
        "id": "Diagram batang bertumpuk dengan satu batang per tahun. Sebelum 2020 hampir semua pertemuan "
        "berlangsung tatap muka; pada 2020 dan 2021 pertemuan virtual mendominasi; setelah itu pertemuan tatap "
        "muka pulih, sementara porsi yang stabil tetap virtual atau hibrida.",
    },
    # Chapter 5
    "ch5_rate_title": {"en": "Response rate by year (simulated)", "id": "Tingkat tanggapan per tahun (simulasi)"},
    "median_hours_to_reply": {"en": "Median hours to reply", "id": "Median waktu tanggapan (jam)"},
    "ch5_time_title": {
        "en": "Response time by platform (simulated)",
        "id": "Waktu tanggapan menurut platform (simulasi)",
    },
    "ch5_responsiveness_alt": {
        "en": "Two panels. The left is a line chart of the yearly response rate to questions, in per cent. The "
        "right is a horizontal bar chart of the median response time in hours for each platform.",
        "id": "Dua panel. Panel kiri adalah grafik garis tingkat tanggapan tahunan terhadap pertanyaan, dalam "
        "persen. Panel kanan adalah diagram batang horizontal median waktu tanggapan dalam jam untuk setiap "
        "platform.",
    },
    # Chapter 6
    "ch6_followers_title": {
        "en": "Maritima ministry: followers by platform (simulated)",
        "id": "Kementerian Maritima: pengikut menurut platform (simulasi)",
    },
    "ch6_followers_alt": {
        "en": "Line chart of followers in thousands over time, one line per platform. All platforms grow; growth "
        "is steeper after the first marked event, and the newest platform starts late but grows fast.",
        "id": "Grafik garis jumlah pengikut dalam ribuan dari waktu ke waktu, satu garis untuk setiap platform. "
        "Semua platform tumbuh; pertumbuhannya lebih curam setelah peristiwa pertama yang ditandai, dan platform "
        "terbaru mulai belakangan tetapi tumbuh cepat.",
    },
    # Chapter 7
    "quarterly_response_rate": {"en": "Quarterly response rate", "id": "Tingkat tanggapan per triwulan"},
    "baseline_2025": {"en": "2025 baseline ({value}%)", "id": "Nilai dasar 2025 ({value}%)"},
    "target_2026": {"en": "Target for 31 Dec 2026 (60%)", "id": "Target per 31 Des 2026 (60%)"},
    "deadline": {"en": "deadline", "id": "tenggat"},
    "ch7_target_title": {
        "en": "Instagram: from baseline to target (simulated)",
        "id": "Instagram: dari nilai dasar ke target (simulasi)",
    },
    "ch7_target_alt": {
        "en": "Line chart of the quarterly response rate to questions on Instagram from 2023 to 2025, rising over "
        "time, with a horizontal line marking the 2025 baseline and a dashed line at 60 per cent marking the "
        "target, running on to a dotted vertical line at the deadline, the end of 2026.",
        "id": "Grafik garis tingkat tanggapan per triwulan terhadap pertanyaan di Instagram dari 2023 sampai 2025 "
        "yang naik dari waktu ke waktu, dengan garis horizontal yang menandai nilai dasar 2025 dan garis putus-"
        "putus pada 60 persen yang menandai target, berlanjut hingga garis vertikal bertitik pada tenggat, yaitu "
        "akhir 2026.",
    },
}

# Names of the simulated events that figures label, in each language (the events table is in English).
EVENT_NAMES: dict[str, dict[str, str]] = {
    "COVID-19 pandemic": {"en": "COVID-19 pandemic", "id": "Pandemi COVID-19"},
    "Operation Pulang": {"en": "Operation Pulang", "id": "Operasi Pulang"},
    "Operation Pulang: evacuation from Wuhan": {
        "en": "Operation Pulang: evacuation from Wuhan",
        "id": "Operasi Pulang: evakuasi dari Wuhan",
    },
    "IPOF summit in Port Selat": {"en": "IPOF summit in Port Selat", "id": "KTT IPOF di Port Selat"},
}

MONTH_NAMES = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
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


def event_name(name: str, lang: str) -> str:
    """A simulated event's name (from the events table) in ``lang``."""
    _check_language(lang)
    if name not in EVENT_NAMES:
        raise KeyError(f"No translation of the event {name!r}: add it to EVENT_NAMES in diplomacy_course/plotting.py.")
    return EVENT_NAMES[name][lang]


def month_year(when: Any, lang: str) -> str:
    """ "March 2025" or "Maret 2025": a month as a figure names it, in ``lang``."""
    _check_language(lang)
    return f"{MONTH_NAMES[lang][when.month - 1]} {when.year}"


def decimal(value: float, lang: str, places: int = 1) -> str:
    """A number as the language writes it: 12.5 in English, 12,5 in Indonesian."""
    _check_language(lang)
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang == "id" else text


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
