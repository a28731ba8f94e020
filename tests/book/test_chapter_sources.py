"""What a lecturer relies on in each chapter's source: exercises with answers, sources, readable code.

These read the MyST sources, not the built book, so they run in a second and fail before a build does.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pybtex.database import parse_file

from tests.support.course import REPO, toc_files

CHAPTERS = [f"{name}.md" for name in toc_files(REPO) if name.startswith("book/chapters/")]
BOOK_PAGES = [f"{name}.md" for name in toc_files(REPO)]
MIN_EXERCISES, MAX_EXERCISES = 4, 6
# A student new to pandas can follow four chained methods; beyond that, name the intermediate result.
MAX_CHAINED_METHODS = 4

# Sources with no DOI or stable address, each with the reason: listed, not guessed. Shrink this set; never grow it.
AWAITING_A_CHECKED_LINK = {
    # The article itself: the seed copy gives no publication date or address, and no copy of it was found online.
    "triwibowo_pentingnya",
    # A 1981 article in the American Management Association's magazine: no DOI, and the only copies found
    # online are scans on course websites, which are neither the publisher's nor stable.
    "doran_smart_1981",
}

FENCE = re.compile(r"^(`{3,}|:{3,})\{([\w-]+)\}[ \t]*(.*)$", re.MULTILINE)
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*)$", re.MULTILINE)


def source(path: str) -> str:
    return (REPO / path).read_text(encoding="utf-8")


def directives(text: str, name: str) -> list[tuple[str, str]]:
    """(argument, body) of every ``{name}`` directive; the body runs to the matching closing fence."""
    found = []
    for match in FENCE.finditer(text):
        fence, directive, argument = match.groups()
        if directive != name:
            continue
        end = re.compile(rf"^{re.escape(fence)}[ \t]*$", re.MULTILINE).search(text, match.end())
        found.append((argument.strip(), text[match.end() : end.start() if end else len(text)]))
    return found


def exercises(text: str) -> dict[str, str]:
    """Exercise label -> body, for plain and gated (``exercise-start``) exercises."""
    labelled = {}
    for _, body in directives(text, "exercise") + directives(text, "exercise-start"):
        options = dict(OPTION.findall(body))
        assert "label" in options, f"an exercise without a :label: ({body[:60]!r})"
        labelled[options["label"]] = body
    return labelled


def solutions(text: str) -> dict[str, str]:
    """Exercise label -> the solution's text (for a gated solution, everything up to ``solution-end``)."""
    found = {argument: body for argument, body in directives(text, "solution")}
    for match in FENCE.finditer(text):
        if match.group(2) == "solution-start":
            end = re.search(r"^`{3,}\{solution-end\}", text[match.end() :], re.MULTILINE)
            assert end, f"solution-start {match.group(3)} has no solution-end"
            found[match.group(3).strip()] = text[match.end() : match.end() + end.start()]
    return found


def code_cells(text: str) -> list[str]:
    """The Python in each code cell, without the cell's options (``:tags:`` lines or a YAML block)."""
    cells = []
    for body in CODE_CELL.findall(text):
        body = re.sub(r"\A---\n.*?\n---\n", "", body, flags=re.DOTALL)
        cells.append(OPTION.sub("", body))
    return cells


def chain_length(node: ast.AST) -> int:
    """How many method calls are chained ending at ``node`` (``a.b().c()[x].d()`` counts 3)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return 1 + chain_length(node.func.value)
    if isinstance(node, ast.Attribute | ast.Subscript):
        return chain_length(node.value)
    return 0


def longest_chain(code: str) -> int:
    return max((chain_length(node) for node in ast.walk(ast.parse(code))), default=0)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_four_to_six_numbered_exercises(chapter):
    found = exercises(source(chapter))
    assert MIN_EXERCISES <= len(found) <= MAX_EXERCISES, f"{chapter} has {len(found)} exercises"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exercise_has_a_folded_solution(chapter):
    text = source(chapter)
    answers = solutions(text)
    missing = sorted(set(exercises(text)) - set(answers))
    assert not missing, f"{chapter}: exercises without a solution: {missing}"
    shown = [label for label, body in answers.items() if "dropdown" not in dict(OPTION.findall(body)).get("class", "")]
    assert not shown, f"{chapter}: solutions not folded behind a toggle (:class: dropdown): {shown}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_at_least_half_of_the_exercises_are_answered_with_the_ministrys_data(chapter):
    text = source(chapter)
    assert "load_table(" in text, f"{chapter} does not load the ministry's data"
    answers = solutions(text)
    with_code = [label for label, body in answers.items() if code_cells(body)]
    assert 2 * len(with_code) >= len(answers), f"{chapter}: only {with_code} of {sorted(answers)} are answered in code"


def test_the_rules_recognise_a_gated_solution_and_a_missing_one():
    text = (
        "```{exercise}\n:label: ex-a\n\nDo it.\n```\n\n```{exercise}\n:label: ex-b\n\nThink.\n```\n\n"
        "```{solution-start} ex-a\n:class: dropdown\n```\n\n```{code-cell} ipython3\nx = 1\n```\n\n"
        "```{solution-end}\n```\n"
    )
    assert set(exercises(text)) == {"ex-a", "ex-b"}
    assert set(solutions(text)) == {"ex-a"}
    assert code_cells(solutions(text)["ex-a"]) == ["x = 1\n"]


def test_every_cited_key_is_in_the_bibliography():
    keys = set(parse_file(REPO / "book" / "references.bib").entries)
    cited = {key.strip() for page in BOOK_PAGES for group in CITE.findall(source(page)) for key in group.split(",")}
    assert cited, "no citations found: has the {cite} syntax changed?"
    assert not cited - keys, f"cited but not in book/references.bib: {sorted(cited - keys)}"


def _unlinked(entries) -> set[str]:
    """Entries with neither a DOI nor a URL. A printed book may have neither; its publisher must be named."""
    bare = {key for key, entry in entries.items() if not {"doi", "url"} & {f.lower() for f in entry.fields}}
    return {key for key in bare if not (entries[key].type == "book" and "publisher" in entries[key].fields)}


def test_every_bibliography_entry_has_a_doi_or_a_url():
    unlinked = _unlinked(parse_file(REPO / "book" / "references.bib").entries)
    assert unlinked == AWAITING_A_CHECKED_LINK, (
        f"entries without a DOI or stable URL: {sorted(unlinked - AWAITING_A_CHECKED_LINK)}; "
        f"linked now, remove from AWAITING_A_CHECKED_LINK: {sorted(AWAITING_A_CHECKED_LINK - unlinked)}"
    )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_code_cell_chains_more_than_four_methods(chapter):
    long = [cell[:80] for cell in code_cells(source(chapter)) if longest_chain(cell) > MAX_CHAINED_METHODS]
    assert not long, f"{chapter}: name an intermediate result in {long}"


def test_the_chain_rule_counts_methods_not_attributes():
    assert longest_chain("df.groupby('a')['b'].sum().unstack().cumsum()") == 4
    assert longest_chain("pd.to_datetime(x).dt.year") == 1
    assert longest_chain("a.b().c().d().e().f()") == 5


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_figure_titles_of_simulated_data_say_so(chapter):
    from diplomacy_course.plotting import MESSAGES

    text = source(chapter)
    titles = [title for _, title in re.findall(r"set_title\(\s*f?([\"'])(.*?)\1", text)]
    for key in re.findall(r"set_title\(\s*message\(\s*[\"'](\w+)[\"']", text):
        titles += [MESSAGES[key]["en"], MESSAGES[key]["id"]]
    unlabelled = [title for title in titles if not {"simulated", "simulasi"} & set(re.findall(r"\w+", title.lower()))]
    assert not unlabelled, f"{chapter}: figure titles that do not say the data are simulated: {unlabelled}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_is_drawn_in_the_editions_language(chapter):
    """Figures go through plotting.show_in_editions with a drawing function of the language, never plt.show."""
    text = source(chapter)
    assert "plt.show(" not in text, f"{chapter}: a figure shown with plt.show(), in English only"
    assert not re.search(r"new_figure\((?!lang\b)", text), f"{chapter}: new_figure() without the edition's lang"
    assert text.count("new_figure(") == text.count("show_in_editions("), f"{chapter}: a figure not shown in editions"
    assert not re.search(r"set_(?:title|xlabel|ylabel)\(\s*f?[\"']", text), f"{chapter}: a figure text in English only"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_ministry_is_called_fictional_before_its_data_are_loaded(chapter):
    text = source(chapter)
    first_load = text.find("load_table(")
    if first_load == -1:
        pytest.fail(f"{chapter} does not use the ministry's data")
    assert "fictional" in text[:first_load].lower(), f"{chapter}: say the ministry is fictional before its data"


def test_the_chapters_exist():
    assert len(CHAPTERS) == 7
    assert all(Path(REPO / chapter).is_file() for chapter in CHAPTERS)


@pytest.mark.slow
def test_the_built_chapters_number_their_exercises_and_fold_the_solutions(built_book):
    """A lecturer assigns "3.2": chapter N's exercises are numbered N.1, N.2, ... and every answer is folded."""
    from bs4 import BeautifulSoup

    for number, chapter in enumerate(CHAPTERS, start=1):
        html = (built_book / "en" / chapter.replace(".md", ".html")).read_text("utf-8")
        page = BeautifulSoup(html, "html.parser")
        titles = [div.select_one(".admonition-title").get_text() for div in page.select("div.exercise")]
        expected = [f"Exercise {number}.{k}" for k in range(1, len(titles) + 1)]
        assert [title.split()[0] + " " + title.split()[1] for title in titles] == expected, chapter
        solutions = page.select("div.solution")
        assert len(solutions) == len(titles), chapter
        assert all("dropdown" in div.get("class", []) for div in solutions), f"{chapter}: a solution is not folded"


@pytest.mark.slow
def test_the_indonesian_edition_shows_the_exercise_titles_from_the_catalogs(built_book):
    """A title such as "Exercise 6.2 (What kind of history?)" appears in Indonesian in the Indonesian edition."""
    from bs4 import BeautifulSoup

    from diplomacy_course.book.catalogs import read_catalog
    from diplomacy_course.book.editions import catalog_path

    for chapter in CHAPTERS:
        page = chapter.removesuffix(".md")
        catalog = {entry.english: entry.indonesian for entry in read_catalog(catalog_path(REPO, page), page)}
        subtitles = [argument for argument, _ in directives(source(chapter), "exercise")]
        subtitles += [argument for argument, _ in directives(source(chapter), "exercise-start")]
        html = (built_book / "id" / f"{page}.html").read_text("utf-8")
        shown = [
            div.select_one(".admonition-title").get_text(" ", strip=True)
            for div in BeautifulSoup(html, "html.parser").select("div.exercise")
        ]
        for subtitle in filter(None, subtitles):
            assert catalog.get(subtitle), f"{chapter}: exercise title {subtitle!r} is not translated in the catalog"
            assert any(catalog[subtitle] in title for title in shown), f"{chapter}: {subtitle!r} shown in English"
            assert not any(subtitle in title for title in shown), f"{chapter}: {subtitle!r} still shown in English"
