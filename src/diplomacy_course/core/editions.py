"""The Indonesian edition of an assignment, generated from its English source and a catalog.

The English nbgrader source notebook (``solutions/<a>/<notebook>``) stays the only source.
What a student reads is translated through a gettext catalog beside it,
``solutions/<a>/locales/id.po``, keyed by the English text:

- each paragraph (block between blank lines) of a locked markdown cell;
- in code cells, outside solution and hidden-test regions: docstrings, the message of each
  ``assert`` or raised exception, the text ``print`` shows, figure titles and axis labels, and
  comments; in a locked cell that is neither an answer nor a test (the setup), also the text
  values of a dict (A4's metric definitions).

:func:`translate_notebook` swaps exactly those pieces and nothing else: the cells, their order,
their nbgrader metadata (grade ids, points), the code, the solutions, the rubrics (instructors
read them in English) and the hidden tests stay byte for byte the same. A code message is the
Python literal as written (quotes and ``f`` prefix included) and is replaced by another literal,
so a test's logic is never touched. The generated source (``solutions/<a>-id/``, git-ignored)
is nbgrader's assignment ``<a>-id``; ``course release`` regenerates it before releasing it.
``course translations-assignments`` (:func:`update_catalog`) merges new English text into the
catalogs: new messages empty, changed ones fuzzy, and the release refuses an incomplete catalog.
"""

from __future__ import annotations

import ast
import copy
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LANGUAGES = ("id",)
CATALOG_FOLDER = "locales"
TITLE_CONTEXT = "assignment title"
BLOCK_SEPARATOR = re.compile(r"\n{2,}")
REGION = re.compile(r"###\s*BEGIN (SOLUTION|HIDDEN TESTS)\b.*?###\s*END \1[^\n]*", re.DOTALL)
MARKER_COMMENT = re.compile(r"#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)")
FIGURE_TEXT = {"set_title", "set_xlabel", "set_ylabel", "suptitle"}  # methods whose text a reader sees
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class CatalogError(ValueError):
    """A catalog is incomplete, or a translation would change what a code cell does."""


@dataclass(frozen=True)
class Message:
    text: str  # the English text: a markdown paragraph, or a Python literal or comment as written
    cell: str  # the grade id of the cell it comes from (the catalog's location)
    kind: str  # "markdown", "literal" or "comment"


def catalog_path(source_dir: Path, language: str) -> Path:
    return source_dir / CATALOG_FOLDER / f"{language}.po"


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_written_answer(cell) -> bool:
    """A markdown answer cell: nbgrader replaces it by a stub, and its rubric stays in English."""
    return cell.cell_type == "markdown" and _nbgrader(cell).get("solution", False)


def is_given(cell) -> bool:
    """A locked code cell that is neither an answer nor a test (the setup, a checkpoint)."""
    meta = _nbgrader(cell)
    return bool(meta.get("locked")) and not meta.get("solution") and not meta.get("grade")


# ---------------------------------------------------------------------------------------------
# Where the translatable pieces of a cell are


def _blocks(source: str) -> list[str]:
    """The paragraphs of a markdown cell (the text between blank lines)."""
    return BLOCK_SEPARATOR.split(source)


def _char_offsets(source: str) -> list[int]:
    starts, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def _to_char(source: str, starts: list[int], line: int, byte_col: int) -> int:
    text = source.splitlines(keepends=True)[line - 1] if line - 1 < len(source.splitlines()) else ""
    return starts[line - 1] + len(text.encode("utf-8")[:byte_col].decode("utf-8"))


def _protected_spans(source: str) -> list[tuple[int, int]]:
    """Character spans of the solution and hidden-test regions (never translated)."""
    return [(m.start(), m.end()) for m in REGION.finditer(source)]


def _inside(span: tuple[int, int], protected: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in protected)


def _has_words(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{2,}\s+[^\W\d_]", text))


def _shows_text(function: ast.expr) -> bool:
    """print(...), or a figure's title or axis label (ax.set_title(...), fig.suptitle(...))."""
    if isinstance(function, ast.Name):
        return function.id == "print"
    return isinstance(function, ast.Attribute) and function.attr in FIGURE_TEXT


def _literal_nodes(tree: ast.AST, given: bool = False) -> list[ast.expr]:
    """Docstrings, assert messages, the message of a raised exception, the strings passed to print()
    and a figure's title and axis labels; in a ``given`` cell (locked,
    neither an answer nor a test, e.g. the setup) also the text values of a dict (descriptions)."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if given and isinstance(node, ast.Dict):
            found += [v for v in node.values if v is not None]
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.append(first.value)
        elif isinstance(node, ast.Assert) and node.msg is not None:
            found.append(node.msg)
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            found += list(node.exc.args)  # raise AssertionError("...")
        elif isinstance(node, ast.Call) and _shows_text(node.func):
            found += list(node.args)
    return [n for n in found if isinstance(n, (ast.Constant, ast.JoinedStr))]


def code_pieces(source: str, given: bool = False) -> list[tuple[int, int, str, str]]:
    """(start, end, text, kind) of each translatable piece of a code cell, in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    starts = _char_offsets(source)
    protected = _protected_spans(source)
    pieces = []
    for node in _literal_nodes(tree, given):
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = _to_char(source, starts, node.lineno, node.col_offset)
        end = _to_char(source, starts, node.end_lineno, node.end_col_offset)
        text = source[start:end]
        if _has_words(text) and not _inside((start, end), protected):
            pieces.append((start, end, text, "literal"))
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and not MARKER_COMMENT.match(token.string):
            start = _to_char(source, starts, *token.start)
            end = start + len(token.string)
            if _has_words(token.string) and not _inside((start, end), protected):
                pieces.append((start, end, token.string, "comment"))
    return sorted(pieces)


def messages(notebook) -> list[Message]:
    """Every translatable piece of a source notebook, in reading order."""
    found = []
    for cell in notebook.cells:
        grade_id = _nbgrader(cell).get("grade_id", "")
        if cell.cell_type == "markdown" and not _is_written_answer(cell):
            found += [Message(b, grade_id, "markdown") for b in _blocks(cell.source) if b.strip()]
        elif cell.cell_type == "code":
            pieces = code_pieces(cell.source, is_given(cell))
            found += [Message(text, grade_id, kind) for _, _, text, kind in pieces]
    return found


# ---------------------------------------------------------------------------------------------
# Catalogs


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _write_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)


def template(notebook, title: str, language: str) -> Catalog:
    """The messages of a notebook as an empty catalog (what gettext calls a template)."""
    catalog = Catalog(locale=language, project="Digital Diplomacy by the Numbers", fuzzy=False)
    catalog.add(title, context=TITLE_CONTEXT)
    for message in messages(notebook):
        existing = catalog.get(message.text)
        if existing is not None:
            existing.locations.append((message.cell, 0))
            continue
        comments = []
        if message.kind == "literal":
            comments = ["A Python string literal: translate the text inside the quotes, keep the quotes, the f"
                        " prefix and every {...} as they are."]  # fmt: skip
        elif message.kind == "comment":
            comments = ["A Python comment: keep the leading #."]
        catalog.add(message.text, locations=[(message.cell, 0)], auto_comments=comments)
    return catalog


def update_catalog(notebook, title: str, path: Path, language: str) -> Catalog:
    """Merge the notebook's messages into the catalog at ``path`` (created if missing) and write it.

    New messages are empty, messages whose English changed a little are fuzzy (with the old
    translation to start from), messages the notebook no longer has are dropped.
    """
    new = template(notebook, title, language)
    if path.is_file():
        catalog = read_catalog(path)
        new.creation_date = catalog.creation_date  # a catalog whose messages did not change stays as it is
        catalog.update(new, update_header_comment=False)
    else:
        catalog = new
    _write_catalog(catalog, path)
    return catalog


def translations(catalog: Catalog) -> dict[tuple[str, str | None], str]:
    return {
        (str(m.id), m.context): str(m.string)
        for m in catalog
        if m.id and m.string and not m.fuzzy and not isinstance(m.id, tuple)
    }


def problems(notebook, title: str, catalog: Catalog) -> list[str]:
    """What keeps the catalog from translating the notebook: missing, fuzzy or broken entries."""
    known = {(str(m.id), m.context): m for m in catalog if m.id and not isinstance(m.id, tuple)}
    found = []
    wanted = [(title, TITLE_CONTEXT, "title")] + [(m.text, None, m.kind) for m in messages(notebook)]
    for text, context, kind in wanted:
        entry = known.get((text, context))
        where = f"{text[:70]!r}"
        if entry is None or not entry.string:
            found.append(f"{where} is not translated")
        elif entry.fuzzy:
            found.append(f"{where} is fuzzy (its English changed): check the translation, then drop the flag")
        elif kind == "literal":
            found += [f"{where}: {p}" for p in _literal_problems(text, str(entry.string))]
        elif kind == "comment" and not str(entry.string).startswith("#"):
            found.append(f"{where}: a comment's translation must start with #")
    return found


def _literal_problems(english: str, translated: str) -> list[str]:
    try:
        # In parentheses: a message may be implicitly concatenated over several lines.
        old, new = (ast.parse(f"(\n{text}\n)", mode="eval").body for text in (english, translated))
    except SyntaxError:
        return ["the translation is not a Python string literal"]
    if type(old) is not type(new) or not isinstance(new, (ast.Constant, ast.JoinedStr)):
        return ["the translation is not the same kind of literal (plain or f-string)"]
    if isinstance(old, ast.JoinedStr) and sorted(PLACEHOLDER.findall(english)) != sorted(
        PLACEHOLDER.findall(translated)
    ):
        return ["the translation must keep every {...} of the English"]
    return []


# ---------------------------------------------------------------------------------------------
# The translated notebook


def _translate_code(source: str, table: dict[tuple[str, str | None], str], given: bool) -> str:
    out, last = [], 0
    for start, end, text, _ in code_pieces(source, given):
        out += [source[last:start], table[(text, None)]]
        last = end
    return "".join(out) + source[last:]


def _translate_markdown(source: str, table: dict[tuple[str, str | None], str]) -> str:
    parts = BLOCK_SEPARATOR.split(source)
    separators = BLOCK_SEPARATOR.findall(source)
    out = []
    for index, block in enumerate(parts):
        out.append(table[(block, None)] if block.strip() else block)
        if index < len(separators):
            out.append(separators[index])
    return "".join(out)


def translate_notebook(notebook, title: str, catalog: Catalog):
    """The notebook in the catalog's language: only the translatable pieces change."""
    found = problems(notebook, title, catalog)
    if found:
        raise CatalogError(f"{len(found)} message(s) in the way:\n" + "\n".join(found))
    table = translations(catalog)
    translated = copy.deepcopy(notebook)
    for cell in translated.cells:
        if cell.cell_type == "markdown" and not _is_written_answer(cell):
            cell.source = _translate_markdown(cell.source, table)
        elif cell.cell_type == "code":
            cell.source = _translate_code(cell.source, table, is_given(cell))
    return translated


def translated_title(source_dir: Path, title: str, language: str) -> str:
    path = catalog_path(source_dir, language)
    if not path.is_file():
        return title
    message = read_catalog(path).get(title, context=TITLE_CONTEXT)
    return str(message.string) if message is not None and message.string and not message.fuzzy else title


def generate(english_notebook: Path, title: str, catalog_file: Path, target: Path) -> Path:
    """Write the translated source notebook to ``target`` (its folder is created)."""
    notebook = nbformat.read(english_notebook, as_version=4)
    translated = translate_notebook(notebook, title, read_catalog(catalog_file))
    target.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(translated) + "\n"
    if not target.is_file() or target.read_text("utf-8") != text:
        target.write_text(text, "utf-8")
    return target
