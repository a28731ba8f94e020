"""The grading commands of ``course``: collect, autograde, feedback, export, item analysis."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from diplomacy_course import paths
from diplomacy_course.grading import catalog, nbgrader_cli
from diplomacy_course.grading.sandbox_kernel import DEFAULT_MEMORY_MB

console = Console(stderr=True)


def _assignment(assignment_id: str) -> catalog.Assignment:
    try:
        return catalog.get(assignment_id)
    except KeyError as error:
        console.print(f"[red]{error.args[0]}")
        raise typer.Exit(1)


def _nbgrader(args: list[str], what: str) -> None:
    try:
        nbgrader_cli.run(args, paths.repo_root())
    except nbgrader_cli.NbgraderError as error:
        console.print(f"[red]{what} failed.[/red]\n{error}")
        raise typer.Exit(1)
    console.print(f"[green]{what}: done.[/green]")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


def collect(assignment_id: str = typer.Argument(..., help="e.g. a1")) -> None:
    """Collect submissions from the nbgrader exchange into grading/submitted (re-runs update)."""
    _assignment(assignment_id)
    _nbgrader(["collect", assignment_id, "--update"], f"collect {assignment_id}")


def zip_collect(assignment_id: str = typer.Argument(..., help="e.g. a1"),
                archive: Path = typer.Argument(..., exists=True, help="The LMS download (.zip of files)")) -> None:
    """Collect an LMS download of submission files with nbgrader's zip-collect."""
    from diplomacy_course.grading.zip_collect import zip_collect as collect_zip

    try:
        students = collect_zip(_assignment(assignment_id), archive, paths.repo_root())
    except (ValueError, nbgrader_cli.NbgraderError) as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1)
    console.print(f"[green]zip-collect {assignment_id}: {len(students)} students collected.")


def autograde(assignment_id: str = typer.Argument(..., help="e.g. a1"),
              workers: int = typer.Option(0, help="Parallel workers (0: one per core)."),
              memory_mb: int = typer.Option(DEFAULT_MEMORY_MB, help="Memory a notebook may write to (RLIMIT_DATA), in MB."),
              cold: bool = typer.Option(False, help="Start every kernel from scratch (no warm fork server).")
              ) -> None:
    """Autograde every submission in parallel; manual grades survive re-runs."""
    from diplomacy_course.grading.autograde import autograde_class
    from diplomacy_course.grading.reports import class_scores

    assignment, root = _assignment(assignment_id), paths.repo_root()
    students = paths.submitted_students(assignment.id, root)
    with _progress() as progress:
        task = progress.add_task(f"autograde {assignment_id}", total=len(students))
        try:
            results = autograde_class(assignment, root, workers=workers or None, memory_mb=memory_mb,
                                      warm=not cold, on_batch_done=lambda r: progress.advance(task, len(r.students)))
        except FileNotFoundError as error:
            console.print(f"[red]{error}")
            raise typer.Exit(1)
    ungradable = sorted(s for r in results for s in r.ungradable)
    _print_scores(class_scores(paths.gradebook_url(root), assignment_id, students), ungradable, results)


def _print_scores(scores, ungraded, results) -> None:
    table = Table(title="Autograde summary")
    for column in ("student", "score", "status"):
        table.add_column(column)
    for s in scores:
        status = "no gradable notebook: 0, flagged (log below)" if s.student_id in ungraded else (
            "needs manual grading" if s.needs_manual_grade else "complete")
        score = "-" if s.score is None else f"{s.score:g} / {s.max_score:g}"
        table.add_row(s.student_id, score, status)
    console.print(table)
    for result in results:
        if result.ungradable:
            console.print(f"[red]nbgrader log for {', '.join(result.students)}:[/red]\n{result.log_tail}")


def feedback(assignment_id: str = typer.Argument(..., help="e.g. a1"),
             release: bool = typer.Option(False, help="Also release feedback to the exchange.")) -> None:
    """Generate HTML feedback (scores and visible tests, never hidden tests) in grading/feedback."""
    _assignment(assignment_id)
    _nbgrader(["generate_feedback", assignment_id, "--force"], f"feedback {assignment_id}")
    if release:
        _nbgrader(["release_feedback", assignment_id], f"release feedback {assignment_id}")


def export(to: Path = typer.Option(None, help="CSV file to write [default: grading/grades.csv]."),
           assignment: list[str] = typer.Option(None, help="Limit to these assignments.")) -> None:
    """Export one row per student (each assignment's score and the total) for Moodle or Canvas."""
    from diplomacy_course.grading.export import DEFAULT_FILE

    to = (to or paths.grading_dir() / DEFAULT_FILE).resolve()
    args = ["export", f"--to={to}"]
    if assignment:
        args.append("--assignment=" + str(list(assignment)))
    to.parent.mkdir(parents=True, exist_ok=True)
    _nbgrader(args, f"export to {to}")


def item_analysis(assignment_id: str = typer.Argument(..., help="e.g. a1"),
                  out: Path = typer.Option(None, help="Folder for the CSV and figure [default: grading/reports].")
                  ) -> None:
    """Per-question mean score, share of full marks and score distribution (CSV + figure)."""
    from diplomacy_course.grading.item_analysis import item_analysis as analyse

    try:
        csv_path, figure = analyse(paths.gradebook_url(), _assignment(assignment_id).id,
                                   out or paths.grading_dir() / "reports")
    except ValueError as error:
        console.print(f"[red]{error}")
        raise typer.Exit(1)
    console.print(f"[green]item analysis: {csv_path} and {figure}")


def register(app: typer.Typer) -> None:
    for command in (collect, zip_collect, autograde, feedback, export, item_analysis):
        app.command(command.__name__.replace("_", "-"))(command)
