"""A chapter's cached execution is dropped when a dataset it reads changes (jupyter-book#705)."""

from __future__ import annotations

import nbformat
from jupyter_cache import get_cache

from diplomacy_course.book.build import invalidate_stale_executions, tables_read_by


def _course(tmp_path):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "datasets" / "posts.csv.gz").write_bytes(b"first version")
    (tmp_path / "datasets" / "meetings.csv").write_text("id\n1\n")
    reads_posts = tmp_path / "book" / "posts-chapter.md"
    reads_posts.write_text('```{code-cell} ipython3\nposts = load_table("posts")\n```\n')
    reads_meetings = tmp_path / "book" / "meetings-chapter.md"
    reads_meetings.write_text("```{code-cell} ipython3\nmeetings = load_table('meetings')\n```\n")
    return reads_posts, reads_meetings


def _cache_page(tmp_path, page):
    cache = get_cache(str(tmp_path / "_build" / ".jupyter_cache"))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(page.name)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cache.cache_notebook_bundle(_bundle(notebook, page), check_validity=False)
    return cache


def _bundle(notebook, page):
    from jupyter_cache.base import CacheBundleIn

    return CacheBundleIn(notebook, str(page))


def test_tables_are_found_in_the_chapter_source(tmp_path):
    reads_posts, reads_meetings = _course(tmp_path)
    assert tables_read_by(reads_posts) == ["posts"] and tables_read_by(reads_meetings) == ["meetings"]


def test_only_the_chapter_whose_data_changed_is_invalidated(tmp_path):
    reads_posts, reads_meetings = _course(tmp_path)
    assert invalidate_stale_executions(tmp_path) == []  # first build: nothing to compare with
    cache = _cache_page(tmp_path, reads_posts)
    _cache_page(tmp_path, reads_meetings)
    assert invalidate_stale_executions(tmp_path) == []  # unchanged data: cache kept
    assert len(cache.list_cache_records()) == 2
    (tmp_path / "datasets" / "posts.csv.gz").write_bytes(b"second version")
    assert invalidate_stale_executions(tmp_path) == [reads_posts]
    assert [r.uri for r in cache.list_cache_records()] == [str(reads_meetings)]
