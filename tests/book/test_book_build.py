"""The book builds strictly, in every edition: any warning or execution error fails it."""

from __future__ import annotations

import pytest

from diplomacy_course.plotting import LANGUAGES
from tests.support.course import toc_files

pytestmark = pytest.mark.slow


def test_book_builds_with_warnings_as_errors(built_book):
    assert (built_book / "index.html").is_file()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_toc_entry_is_built_in_every_edition(repo, built_book, lang):
    missing = [f for f in toc_files(repo) if not (built_book / lang / f"{f}.html").is_file()]
    assert not missing
    assert (built_book / lang / "index.html").is_file()


def _tiny_book(tmp_path, repo, page_text: str):
    """A one-page book with the course's configuration."""
    (tmp_path / "datasets").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "references.bib").write_text("")
    (tmp_path / "_config.yml").write_text((repo / "_config.yml").read_text())
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/welcome\n")
    (tmp_path / "book" / "welcome.md").write_text(page_text)
    return tmp_path


@pytest.mark.parametrize(
    "page, problem",
    [
        ("# Welcome\n\nSee {doc}`missing-page`.\n", "a broken cross-reference"),
        (
            "---\njupytext:\n  text_representation:\n    format_name: myst\n"
            "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n# Welcome\n\n"
            "```{code-cell} ipython3\n1 / 0\n```\n",
            "an execution error",
        ),
    ],
)
def test_a_warning_or_execution_error_fails_the_build(tmp_path, repo, page, problem):
    from diplomacy_course.book.build import build_book

    root = _tiny_book(tmp_path, repo, page)
    with pytest.raises(RuntimeError, match="book build failed"):
        build_book(root, strict=True)


def test_a_clean_page_builds_with_the_same_configuration(tmp_path, repo):
    """The control for the test above: the failures come from the planted problems."""
    from diplomacy_course.book.build import build_book

    root = _tiny_book(tmp_path, repo, "# Welcome\n\nA page with nothing wrong.\n")
    assert (build_book(root, strict=True) / "index.html").is_file()
