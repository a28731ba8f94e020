"""The Indonesian edition of each assignment: one source, a complete catalog, and nothing but the
words changed (grade ids, points, cell types, code, solutions, rubrics and hidden tests identical)."""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest

from diplomacy_course.book.terms import TERMS
from diplomacy_course.core import catalog, editions
from diplomacy_course.core.release import generate_edition_source
from tests.support.course import toc_files

# The assignments whose Indonesian edition is complete; each must stay complete. An assignment
# without a catalog would be released in English only (its book link opening the English release).
TRANSLATED = ("a1", "a2", "a3", "a4")
HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?", re.DOTALL)
# Code, links, placeholders, quoted values and the course's name (a title in both editions).
CODE_SPAN = re.compile(r"`[^`]*`|https?://\S+|\{[^{}]*\}|'[^']*'|Digital Diplomacy by the Numbers")


@pytest.fixture(scope="module", params=TRANSLATED)
def edition(request, repo, tmp_path_factory):
    english = catalog.get(request.param)
    indonesian = catalog.get(f"{request.param}-id", repo)
    source = nbformat.read(english.source_dir(repo) / english.notebook, as_version=4)
    po = editions.read_catalog(editions.catalog_path(english.source_dir(repo), "id"))
    translated = editions.translate_notebook(source, english.title, po)
    return english, indonesian, source, po, translated


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_the_translated_assignments_have_an_indonesian_edition(repo):
    for assignment in catalog.ASSIGNMENTS.values():
        ids = [a.id for a in catalog.editions_of(assignment, repo)]
        assert ids == ([assignment.id, f"{assignment.id}-id"] if assignment.id in TRANSLATED else [assignment.id])


def test_an_edition_is_known_by_its_english_assignment(repo):
    a1_id = catalog.get("a1-id", repo)
    assert (a1_id.language, a1_id.english_id, a1_id.notebook) == ("id", "a1", catalog.get("a1").notebook)
    assert a1_id.title == "Mengukur keterlibatan"
    assert a1_id.source_dir(repo) == repo / "solutions" / "a1-id"
    with pytest.raises(KeyError):
        catalog.get("a1-fr", repo)


def test_the_catalog_is_complete_and_current(edition):
    english, _, source, po, _ = edition
    assert editions.problems(source, english.title, po) == []
    wanted = {(english.title, editions.TITLE_CONTEXT)} | {(m.text, None) for m in editions.messages(source)}
    held = {(str(m.id), m.context) for m in po if m.id}
    assert held == wanted, f"stale catalog: run `./course assignment-translations {english.id}`"


def test_no_message_is_left_in_english(edition):
    _, _, _, po, _ = edition
    same = []
    for message in po:
        if not message.id or message.string != message.id:
            continue
        words = re.findall(r"[^\W\d_]{3,}", CODE_SPAN.sub(" ", str(message.id)))
        if words:
            same.append(str(message.id)[:70])
    assert not same, "messages 'translated' into the English itself:\n" + "\n".join(same)


def test_the_catalog_uses_the_term_base(edition):
    """The glossary's Indonesian form wherever the English says the term (code aside), never an avoided one."""
    _, _, _, po, _ = edition
    problems = []
    for message in (m for m in po if m.id):
        english, indonesian = (CODE_SPAN.sub(" ", str(text)) for text in (message.id, message.string))
        for term in TERMS:
            if term.required and term.in_english(english) and not term.in_indonesian(indonesian):
                problems.append(f"{term.indonesian!r} missing in: {indonesian[:80]}")
            problems += [f"avoided {form!r} in: {indonesian[:80]}" for form in term.avoided_forms_in(indonesian)]
    assert not problems, "\n".join(problems)


def _masked(cell) -> str:
    """The code with every translatable piece blanked: what must not differ between editions."""
    source = cell.source
    pieces = editions.code_pieces(source, editions.is_given(cell))
    out, last = [], 0
    for start, end, _, _ in pieces:
        out += [source[last:start], "<text>"]
        last = end
    return "".join(out) + source[last:]


def test_only_the_words_differ(edition):
    _, _, source, _, translated = edition
    assert len(source.cells) == len(translated.cells)
    for english, indonesian in zip(source.cells, translated.cells, strict=True):
        assert english.cell_type == indonesian.cell_type
        assert english.metadata == indonesian.metadata  # grade ids, points, locks, solution flags
        if english.cell_type == "code":
            assert _masked(english) == _masked(indonesian)
            assert editions.REGION.findall(english.source) == editions.REGION.findall(indonesian.source)
            assert [m.group(0) for m in editions.REGION.finditer(english.source)] == [
                m.group(0) for m in editions.REGION.finditer(indonesian.source)
            ], "hidden tests and solutions must be byte for byte the same"
            # Same program: the syntax trees differ only in string constants.
            assert _shape(english.source) == _shape(indonesian.source)
        elif _nbgrader(english).get("solution"):
            assert english.source == indonesian.source  # a written answer's rubric stays as it is
        else:
            assert english.source != indonesian.source


def _shape(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
        if isinstance(node, ast.JoinedStr):
            node.values = [v for v in node.values if not isinstance(v, ast.Constant)]
    return ast.dump(tree)


def _release_cells(path):
    return json.loads(path.read_text("utf-8"))["cells"]


def test_the_committed_indonesian_release_matches_the_english_one(edition, repo):
    english, indonesian, _, _, translated = edition
    en = _release_cells(english.release_dir(repo) / english.notebook)
    idn = _release_cells(indonesian.release_dir(repo) / indonesian.notebook)
    assert len(en) == len(idn)
    for a, b in zip(en, idn, strict=True):
        assert a["cell_type"] == b["cell_type"]
        meta_a, meta_b = a["metadata"].get("nbgrader", {}), b["metadata"].get("nbgrader", {})
        assert {k: meta_a.get(k) for k in ("grade_id", "points", "grade", "solution", "locked")} == {
            k: meta_b.get(k) for k in ("grade_id", "points", "grade", "solution", "locked")
        }
    # No drift: every locked cell of the committed release is the catalog's current translation.
    for released, generated in zip(idn, translated.cells, strict=True):
        if released["metadata"].get("nbgrader", {}).get("locked"):
            expected = HIDDEN.sub("", generated.source).rstrip()
            assert "".join(released["source"]).rstrip() == expected, (
                f"assignments/{indonesian.id} is stale: run `./course release {indonesian.id}`"
            )
    data = sorted(p.name for p in (indonesian.release_dir(repo) / "data").iterdir())
    assert data == sorted(english.data_files)


def test_each_release_leaves_its_answers_stubs_in_its_own_language(edition, repo):
    """Where a solution was, the student reads nbgrader's stub: in the edition's language."""
    for assignment in edition[:2]:
        answers = [
            "".join(cell["source"])
            for cell in _release_cells(assignment.release_dir(repo) / assignment.notebook)
            if cell["metadata"].get("nbgrader", {}).get("solution")
        ]
        code = [a for a in answers if "raise NotImplementedError()" in a]
        assert code, f"{assignment.id} has no code answer left to write"
        own = catalog.CODE_STUB[assignment.language].splitlines()[0]
        assert all(own in a for a in code), f"{assignment.id}: a code stub is not {own!r}"
        for other in set(catalog.TEXT_STUB) - {assignment.language}:
            for stub in (catalog.TEXT_STUB[other], catalog.CODE_STUB[other].splitlines()[0]):
                assert not any(stub in a for a in answers), f"{assignment.id} keeps the stub {stub!r}"


def test_the_generated_source_is_rewritten_from_the_catalog(course_copy):
    a1_id = catalog.get("a1-id", course_copy)
    target = a1_id.source_dir(course_copy) / a1_id.notebook
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("hand-edited", "utf-8")
    generate_edition_source(a1_id, course_copy)
    assert nbformat.read(target, as_version=4).cells[0].source.startswith("# A1 · Mengukur keterlibatan")


def test_an_incomplete_catalog_is_refused(course_copy):
    a1 = catalog.get("a1")
    po = editions.catalog_path(a1.source_dir(course_copy), "id")
    text = po.read_text("utf-8")
    po.write_text(text.replace('msgstr "### S2. Urai stempel waktu (2 poin)"', 'msgstr ""'), "utf-8")
    with pytest.raises(editions.CatalogError, match="Parse the timestamps"):
        generate_edition_source(catalog.get("a1-id", course_copy), course_copy)


def test_a_translated_message_must_stay_the_same_kind_of_literal():
    assert editions._literal_problems('f"no column {_col!r}"', 'f"tidak ada kolom {_col!r}"') == []
    assert editions._literal_problems('f"no column {_col!r}"', 'f"tidak ada kolom"')
    assert editions._literal_problems('"a message"', "pesan tanpa tanda kutip")
    assert editions._literal_problems('"a message"', 'f"pesan {x}"')


def test_an_edition_id_names_its_english_assignment_without_reading_files():
    from diplomacy_course.grading.feedback import FEEDBACK_TEXTS, language_of

    assert [catalog.english_id(a) for a in ("a1-id", "a4-id", "a1", "a9-id", "practice")] == [
        "a1",
        "a4",
        "a1",
        "a9-id",
        "practice",
    ]
    assert [language_of(a) for a in ("a1-id", "a1", "practice-id")] == ["id", "en", "en"]
    assert set(editions.LANGUAGES) <= set(FEEDBACK_TEXTS)


@pytest.mark.slow
def test_a_release_in_either_language_holds_the_notebook_and_its_data_only(course_copy):
    """The catalog sits in the English source folder; nbgrader copies that folder's files into
    the release unless they are ignored, and a catalog is for instructors."""
    from diplomacy_course.core.release import release

    for assignment_id in ("a1", "a1-id"):
        assignment = catalog.get(assignment_id, course_copy)
        released = release(assignment, course_copy)
        assert sorted(p.name for p in released.iterdir()) == sorted([assignment.notebook, "data"])


# The published book: one folder per edition (_build/html/en/, _build/html/id/), as book.build lays it out.
SITE = "https://digital-diplomacy-course.github.io/digital-diplomacy-by-the-numbers/"
SITE_LINK = re.compile(re.escape(SITE) + r"([^)\s\"'>]*)")


def test_every_link_to_the_book_opens_a_page_of_the_students_edition(repo):
    """An assignment's links to the book name a built page, in the edition of the assignment's language."""
    pages = {f"{name}.html" for name in toc_files(repo)}
    checked = 0
    for assignment in [e for a in catalog.ASSIGNMENTS.values() for e in catalog.editions_of(a, repo)]:
        notebook = (assignment.release_dir(repo) / assignment.notebook).read_text("utf-8")
        for path in SITE_LINK.findall(notebook):
            edition, _, page = path.partition("/")
            assert (edition, page.split("#")[0]) in {(assignment.language, p) for p in pages}, (
                f"{assignment.id} links to {SITE}{path}, which is not a page of the {assignment.language} edition"
            )
            checked += 1
    assert checked >= 2 * 7, "the assignments' links to the book were not found"
