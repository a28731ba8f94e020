"""Figures and tables in the reader's language: one execution draws every edition's version."""

from __future__ import annotations

import pytest

from diplomacy_course import plotting
from diplomacy_course.book.editions import INLINE_PNG, edition_versions
from diplomacy_course.plotting import LANGUAGES, MESSAGES, message, new_figure, platform_label


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_figure_text_exists_in_every_language_and_differs(key):
    versions = MESSAGES[key]
    assert set(versions) == set(LANGUAGES), key
    assert versions["id"] != versions["en"], f"{key}: the Indonesian text is the English one"


def test_an_unknown_language_or_text_says_what_to_do():
    with pytest.raises(ValueError, match="use one of en, id"):
        message("year", "fr")
    with pytest.raises(KeyError, match="add it to MESSAGES"):
        message("no_such_text", "id")


def _posts_figure(lang):
    fig, ax = new_figure(lang)
    ax.plot([2016, 2017], [1, 2], label=platform_label("x", lang))
    ax.set_xlabel(message("year", lang))
    ax.set_title(message("ministry_posts_title", lang))
    ax.legend()
    return fig


def test_a_figure_is_drawn_in_the_language_it_is_given():
    fig = _posts_figure("id")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Tahun"
    assert ax.get_title() == MESSAGES["ministry_posts_title"]["id"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["X (dahulu Twitter)"]


def test_a_book_build_draws_every_edition_with_alt_text_in_its_language(monkeypatch):
    monkeypatch.setenv(plotting.EDITIONS_VARIABLE, "en,id")
    versions = edition_versions(plotting.editions_html(_posts_figure, alt="ministry_posts_alt"))
    assert list(versions) == ["en", "id"]
    alts = {lang: INLINE_PNG.match(body)["alt"] for lang, body in versions.items()}
    assert alts["en"].startswith("Line chart") and alts["id"].startswith("Grafik garis")


@pytest.mark.parametrize("setting, shown", [(None, ["en"]), ("id", ["id"])])
def test_a_notebook_shows_only_its_readers_language(monkeypatch, setting, shown):
    monkeypatch.delenv(plotting.EDITIONS_VARIABLE, raising=False)
    if setting:
        monkeypatch.setenv(plotting.LANGUAGE_VARIABLE, setting)
    else:
        monkeypatch.delenv(plotting.LANGUAGE_VARIABLE, raising=False)
    assert list(edition_versions(plotting.editions_html(_posts_figure, alt="ministry_posts_alt"))) == shown


def test_a_figure_without_alt_text_is_refused(monkeypatch):
    monkeypatch.setenv(plotting.EDITIONS_VARIABLE, "en")
    with pytest.raises(ValueError, match="needs alt text"):
        plotting.editions_html(_posts_figure)


def test_a_table_is_shown_in_each_language(monkeypatch):
    import pandas as pd

    monkeypatch.setenv(plotting.EDITIONS_VARIABLE, "en,id")
    headings = {"en": "Year", "id": "Tahun"}
    versions = edition_versions(plotting.editions_html(lambda lang: pd.DataFrame({headings[lang]: [2016]})))
    assert "Year" in versions["en"] and "Tahun" in versions["id"] and "Year" not in versions["id"]


@pytest.mark.parametrize("key", sorted(key for key in MESSAGES if key.endswith("_title")))
def test_every_figure_title_says_the_data_are_simulated_in_both_languages(key):
    assert "(simulated)" in MESSAGES[key]["en"] and "(simulasi)" in MESSAGES[key]["id"], key


def test_event_names_months_and_decimals_follow_the_language():
    import pandas as pd

    assert plotting.event_name("COVID-19 pandemic", "id") == "Pandemi COVID-19"
    with pytest.raises(KeyError, match="add it to EVENT_NAMES"):
        plotting.event_name("An event nobody named", "id")
    assert plotting.month_year(pd.Timestamp("2025-03-01"), "id") == "Maret 2025"
    assert plotting.month_year(pd.Timestamp("2025-03-01"), "en") == "March 2025"
    assert (plotting.decimal(12.345, "en"), plotting.decimal(12.345, "id")) == ("12.3", "12,3")
