"""The instructor's command line: ``course --help`` (or ``./course --help`` from a clone)."""

from __future__ import annotations

from pathlib import Path

import typer

from diplomacy_course import paths
from diplomacy_course.data.cli import data_app

app = typer.Typer(
    help="Digital Diplomacy by the Numbers: build the course, release, grade and check it.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(data_app, name="data")


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _assignments(assignment_ids: list[str] | None):
    from diplomacy_course.grading import catalog

    if not assignment_ids:
        return catalog.authored()
    try:
        return [catalog.get(a) for a in assignment_ids]
    except KeyError as error:
        _fail(str(error.args[0]))


@app.command()
def version() -> None:
    """Print the course package's version."""
    from diplomacy_course import __version__

    typer.echo(__version__)


@app.command()
def release(assignment_ids: list[str] = typer.Argument(None, help="e.g. a1 a2; default: all")) -> None:
    """Generate the student release in assignments/ from solutions/ (with its data files)."""
    from diplomacy_course.grading.release import release as release_one

    root = paths.repo_root()
    for assignment in _assignments(assignment_ids):
        folder = release_one(assignment, root)
        typer.echo(f"released {assignment.id} -> {folder.relative_to(root)}")


@app.command("build-book")
def build_book(lenient: bool = typer.Option(False, help="Do not turn warnings into errors.")) -> None:
    """Build the book into _build/html (warnings and execution errors fail the build)."""
    from diplomacy_course.book.build import build_book as build

    try:
        out = build(strict=not lenient)
    except RuntimeError as error:
        _fail(str(error))
    typer.echo(f"book built: {out / 'index.html'}")


@app.command()
def build() -> None:
    """Release every assignment, build the book, then run the leak check on both."""
    release(None)
    build_book(lenient=False)
    leak_check([])


@app.command("leak-check")
def leak_check(
    trees: list[Path] = typer.Argument(None, help="Folders to scan; default: the release and the built book."),
) -> None:
    """Fail if solutions, hidden tests or rubric text appear in what students or readers see."""
    from diplomacy_course.grading.leaks import scan

    root = paths.repo_root()
    trees = trees or [paths.release_dir(root), paths.built_book_dir(root)]
    leaks = scan(trees, paths.solutions_dir(root))
    for leak in leaks:
        typer.echo(str(leak), err=True)
    if leaks:
        _fail(f"{len(leaks)} leak(s) found: remove them and regenerate with `./course release`.")
    typer.echo(f"no leaks in: {', '.join(str(t) for t in trees)}")


def _register_subcommands() -> None:
    from diplomacy_course.grading import cli as grading
    from diplomacy_course.publish import cli as publish

    grading.register(app)
    publish.register(app)


_register_subcommands()
