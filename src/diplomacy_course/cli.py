"""The instructor's command line: ``course --help`` (or ``./course --help`` from a clone).

Each package defines its own commands on a ``typer.Typer`` in its ``cli`` module; this
module only puts them together (``data`` as a group: ``course data generate``).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

import typer

from diplomacy_course.book.cli import app as book_app
from diplomacy_course.book.cli import build_book
from diplomacy_course.core.cli import app as core_app
from diplomacy_course.core.cli import release
from diplomacy_course.data.cli import app as data_app
from diplomacy_course.grading.cli import app as grading_app
from diplomacy_course.publish.cli import app as publish_app
from diplomacy_course.publish.cli import leak_check

app = typer.Typer(
    help="Digital Diplomacy by the Numbers: build the course, release, grade and check it.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def build() -> None:
    """Release every assignment, build the book, then run the leak check on both."""
    release(None, to_exchange=False)
    build_book(lenient=False)
    leak_check([])


for package_app in (core_app, book_app, grading_app, publish_app):
    app.add_typer(package_app)
app.add_typer(data_app, name="data", help="The simulated ministry's datasets: generate and validate them.")


def main() -> None:
    """The ``course`` command: the app, then a quick exit. Most commands import nbgrader, and an
    interpreter that frees all of its modules on the way out spends 0.2-0.3 s doing so after the
    work is done. What an exit must do still happens first: threads are waited for, exit handlers
    run (logging, temporary folders) and the output is flushed."""
    try:
        app()
        code: int | str | None = 0
    except SystemExit as stop:
        code = stop.code
    if isinstance(code, str):  # as the interpreter reports a message given to sys.exit
        print(code, file=sys.stderr)
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter does before atexit
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
