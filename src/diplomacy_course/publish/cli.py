"""The publishing commands of ``course``: student-export and launch-links."""

from __future__ import annotations

from pathlib import Path

import typer

from diplomacy_course import paths


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def student_export(out_dir: Path = typer.Argument(..., help="A new or empty folder.")) -> None:
    """Write the student-facing tree (release, book, data, environment; no solutions) and leak-check it."""
    from diplomacy_course.publish.student_export import LeakError, export

    try:
        export(out_dir.resolve(), paths.repo_root())
    except (LeakError, FileExistsError, FileNotFoundError) as error:
        _fail(str(error))
    typer.echo(f"student export written to {out_dir}; the leak check found nothing.")


def launch_links(check: bool = typer.Option(False, "--check", help="Only report whether they are stale.")) -> None:
    """Write each assignment's 'Open on JupyterHub' link into book/assignments.md from _config.yml."""
    from diplomacy_course.publish.launch import ASSIGNMENTS_PAGE, write_launch_links

    changed = write_launch_links(paths.repo_root(), check=check)
    if check and changed:
        _fail(f"{ASSIGNMENTS_PAGE}'s launch links are stale: run `./course launch-links`.")
    typer.echo(f"{ASSIGNMENTS_PAGE}: {'updated' if changed else 'up to date'}")


def register(app: typer.Typer) -> None:
    for command in (student_export, launch_links):
        app.command(command.__name__.replace("_", "-"))(command)
