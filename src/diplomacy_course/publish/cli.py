"""The publishing commands of ``course``: leak-check and student-export."""

from __future__ import annotations

from pathlib import Path

import typer

from diplomacy_course.core import locations
from diplomacy_course.core.console import console, fail

app = typer.Typer()


@app.command("leak-check")
def leak_check(
    trees: list[Path] | None = typer.Argument(None, help="Folders to scan; default: the release and the built book."),
) -> None:
    """Fail if solutions, hidden tests or rubric text appear in what students or readers see."""
    from diplomacy_course.publish.leaks import scan

    root = locations.repo_root()
    trees = trees or [locations.release_dir(root), locations.built_book_dir(root)]
    leaks = scan(trees, locations.solutions_dir(root))
    for leak in leaks:
        console.print(str(leak), highlight=False)
    if leaks:
        fail(f"{len(leaks)} leak(s) found: remove them and regenerate with `./course release`.")
    console.print(f"no leaks in: {', '.join(str(t) for t in trees)}", highlight=False)


@app.command("student-export")
def student_export(out_dir: Path = typer.Argument(..., help="A new or empty folder.")) -> None:
    """Write the student-facing tree (release, book, data, environment; no solutions) and leak-check it."""
    from diplomacy_course.publish.student_export import LeakError, export

    try:
        export(out_dir.resolve(), locations.repo_root())
    except (LeakError, FileExistsError, FileNotFoundError) as error:
        fail(str(error))
    console.print(f"student export written to {out_dir}; the leak check found nothing.", highlight=False)
