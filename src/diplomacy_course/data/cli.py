"""``course data ...``: regenerate and validate the fictional ministry's datasets."""

from __future__ import annotations

from pathlib import Path

import typer

from diplomacy_course.core.console import console, fail

app = typer.Typer(no_args_is_help=True)


@app.command("generate")
def generate(
    out: Path | None = typer.Option(None, "--out", help="Folder to write to (default: datasets/)."),
    seed: int | None = typer.Option(None, "--seed", help="Random seed (default: the committed one)."),
) -> None:
    """Simulate every table and write it (byte-identical for the same seed)."""
    from diplomacy_course.data import parameters
    from diplomacy_course.data.simulate import write_all

    written = write_all(out, seed=parameters.DEFAULT_SEED if seed is None else seed)
    for name, path in written.items():
        typer.echo(f"{name:<10} {path} ({path.stat().st_size / 1024:,.0f} KB)")


@app.command("validate")
def validate(
    dir: Path | None = typer.Option(None, "--dir", help="Folder holding the tables (default: datasets/)."),
) -> None:
    """Check every table against its schema and the keys between tables; exit 1 on problems."""
    from diplomacy_course.data.load import resolve_dir
    from diplomacy_course.data.schema import validate_dir

    folder = resolve_dir(dir)
    problems = validate_dir(folder)
    if problems:
        for problem in problems:
            console.print(f"- {problem}", highlight=False)
        fail(f"{folder}: {len(problems)} problem(s) found (listed above).")
    typer.echo(f"{folder}: all tables valid.")
