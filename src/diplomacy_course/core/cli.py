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
    assignment_ids: list[str] | None = typer.Argument(
        None, help="e.g. a1 a2 (each with its Indonesian edition a1-id, a2-id, ...), or a1-id alone; default: all"
    ),
    to_exchange: bool = typer.Option(
        False, "--to-exchange", help="Also put the release in the nbgrader exchange, where students fetch it."
    ),
) -> None:
    """Generate the student release in assignments/ from solutions/ (with its data files).

    The new release replaces assignments/<a>/ only when it was made in full: a failure
    (gradebook unreachable, broken source notebook) leaves the committed release as it was.
    """
    from diplomacy_course.core.editions import CatalogError
    from diplomacy_course.core.release import release as release_one
    from diplomacy_course.core.release import release_to_exchange

    root = locations.repo_root()
    assignments = chosen_assignments(assignment_ids)
    try:
        if to_exchange:  # checked before anything changes
            nbgrader_runner.check_exchange(locations.exchange_root())
        # Each assignment with its translated editions; an edition named on its own ("a1-id") alone.
        editions = [e for a in assignments for e in (catalog.editions_of(a, root) if not a.original_id else [a])]
        for assignment in editions:
            folder = release_one(assignment, root)
            console.print(f"released {assignment.id} -> {folder.relative_to(root)}", highlight=False)
            if to_exchange:
                outbound = release_to_exchange(assignment, root)
                console.print(f"released {assignment.id} to the exchange -> {outbound}", highlight=False)
    except (nbgrader_runner.NbgraderError, FileNotFoundError, CatalogError) as error:
        fail(f"release failed; assignments/ is unchanged for anything not reported above.\n{error}")


@app.command()
def version() -> None:
    """Print the course package's version (written once, in pyproject.toml)."""
    typer.echo(__version__)


@app.command("assignment-translations")
def assignment_translations(
    assignment_ids: list[str] | None = typer.Argument(None, help="e.g. a1 a2; default: all"),
    language: str = typer.Option("id", help="The edition's language."),
) -> None:
    """Merge each assignment's English text into its catalog (solutions/<a>/locales/<language>.po)
    and list what is left to translate: new messages are empty, changed ones fuzzy."""
    import nbformat

    from diplomacy_course.core import editions

    root = locations.repo_root()
    left = 0
    for assignment in chosen_assignments(assignment_ids):
        notebook = nbformat.read(assignment.source_dir(root) / assignment.notebook, as_version=4)
        path = editions.catalog_path(assignment.source_dir(root), language)
        catalog = editions.update_catalog(notebook, assignment.title, path, language)
        problems = editions.problems(notebook, assignment.title, catalog)
        left += len(problems)
        console.print(f"{path.relative_to(root)}: {len(problems)} message(s) to translate", highlight=False)
        for problem in problems:
            console.print(f"  {problem}", highlight=False)
    if left:
        fail(f"{left} message(s) left to translate.")
