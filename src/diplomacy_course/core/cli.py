"""``course release`` (the student version of each assignment) and ``course version``."""

from __future__ import annotations

import typer

from diplomacy_course import __version__
from diplomacy_course.core import catalog, locations
from diplomacy_course.core.console import console, fail

app = typer.Typer()


def chosen_assignments(assignment_ids: list[str] | None) -> list[catalog.Assignment]:
    """The assignments named on the command line, or every authored one."""
    if not assignment_ids:
        return catalog.authored()
    try:
        return [catalog.get(a) for a in assignment_ids]
    except KeyError as error:
        fail(str(error.args[0]))


@app.command()
def release(assignment_ids: list[str] | None = typer.Argument(None, help="e.g. a1 a2; default: all")) -> None:
    """Generate the student release in assignments/ from solutions/ (with its data files)."""
    from diplomacy_course.core.release import release as release_one

    root = locations.repo_root()
    for assignment in chosen_assignments(assignment_ids):
        folder = release_one(assignment, root)
        console.print(f"released {assignment.id} -> {folder.relative_to(root)}", highlight=False)


@app.command()
def version() -> None:
    """Print the course package's version (written once, in pyproject.toml)."""
    typer.echo(__version__)
