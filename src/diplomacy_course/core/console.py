"""How every ``course`` command reports: one console on stderr, one way to fail."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console(stderr=True, soft_wrap=True)  # messages stay whole lines, for grep and logs


def fail(message: str) -> NoReturn:
    """Print ``message`` in red and end the command with exit status 1."""
    console.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(1)
