"""The book's commands of ``course``: build-book, translations and launch-links."""

from __future__ import annotations

import typer

from diplomacy_course.core import locations
from diplomacy_course.core.console import console, fail

app = typer.Typer()


@app.command("build-book")
def build_book(lenient: bool = typer.Option(False, help="Do not turn warnings into errors.")) -> None:
    """Build the English and Indonesian books into _build/html/en and _build/html/id (warnings fail it)."""
    from diplomacy_course.book.build import build_book as build

    try:
        out = build(strict=not lenient)
    except RuntimeError as error:
        fail(str(error))
    console.print(f"book built: {out / 'index.html'}", highlight=False)


@app.command("translations")
def translations() -> None:
    """Bring book/locales up to date with the sources, then list what is left to translate."""
    from diplomacy_course.book.build import update_catalogs
    from diplomacy_course.book.catalogs import catalog_problems, headwords, read_catalog
    from diplomacy_course.book.editions import TRANSLATED_PAGES, catalog_path

    root = locations.repo_root()
    try:
        update_catalogs(root, quiet=True)
    except RuntimeError as error:
        fail(str(error))
    keep = headwords((root / "book" / "appendices" / "glossary.md").read_text("utf-8"))
    for page in TRANSLATED_PAGES:
        for problem in catalog_problems(read_catalog(catalog_path(root, page), page), keep):
            console.print(problem, highlight=False)
    console.print(f"catalogs updated in {root / 'book' / 'locales'}", highlight=False)


@app.command("launch-links")
def launch_links(check: bool = typer.Option(False, "--check", help="Only report whether they are stale.")) -> None:
    """Write each assignment's 'Open on JupyterHub' link into book/assignments.md from _config.yml."""
    from diplomacy_course.book.launch import ASSIGNMENTS_PAGE, write_launch_links

    changed = write_launch_links(locations.repo_root(), check=check)
    if check and changed:
        fail(f"{ASSIGNMENTS_PAGE}'s launch links are stale: run `./course launch-links`.")
    console.print(f"{ASSIGNMENTS_PAGE}: {'updated' if changed else 'up to date'}", highlight=False)
