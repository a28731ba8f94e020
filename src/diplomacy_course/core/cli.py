"""``course release`` (the student version of each assignment, and its release to students) and
``course version``."""

from __future__ import annotations

import typer

from diplomacy_course import __version__
from diplomacy_course.core import catalog, locations, nbgrader_runner
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
def release(
    assignment_ids: list[str] | None = typer.Argument(None, help="e.g. a1 a2; default: all"),
    to_exchange: bool = typer.Option(
        False, "--to-exchange", help="Also put the release in the nbgrader exchange, where students fetch it."
    ),
) -> None:
    """Generate the student release in assignments/ from solutions/ (with its data files).

    The new release replaces assignments/<a>/ only when it was made in full: a failure
    (gradebook unreachable, broken source notebook) leaves the committed release as it was.
    """
    from diplomacy_course.core.release import release as release_one
    from diplomacy_course.core.release import release_to_exchange

    root = locations.repo_root()
    assignments = chosen_assignments(assignment_ids)
    try:
        if to_exchange:  # checked before anything changes
            nbgrader_runner.check_exchange(locations.exchange_root())
        for assignment in assignments:
            folder = release_one(assignment, root)
            console.print(f"released {assignment.id} -> {folder.relative_to(root)}", highlight=False)
            if to_exchange:
                outbound = release_to_exchange(assignment, root)
                console.print(f"released {assignment.id} to the exchange -> {outbound}", highlight=False)
    except (nbgrader_runner.NbgraderError, FileNotFoundError) as error:
        fail(f"release failed; assignments/ is unchanged for anything not reported above.\n{error}")


@app.command()
def version() -> None:
    """Print the course package's version (written once, in pyproject.toml)."""
    typer.echo(__version__)
