"""The grading commands of ``course``: collect, autograde, feedback, export, item analysis."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from diplomacy_course.core import catalog, locations, nbgrader_runner
from diplomacy_course.core.console import console, fail
from diplomacy_course.grading.sandbox.kernel import Limits

app = typer.Typer()


def _assignment(assignment_id: str) -> catalog.Assignment:
    try:
        return catalog.get(assignment_id)
    except KeyError as error:
        fail(error.args[0])


def _nbgrader(args: list[str], what: str) -> None:
    try:
        nbgrader_runner.run(args, locations.repo_root())
    except nbgrader_runner.NbgraderError as error:
        fail(f"{what} failed.\n{error}")
    console.print(f"[green]{what}: done.[/green]")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    )


@app.command("collect")
def collect(assignment_id: str = typer.Argument(..., help="e.g. a1")) -> None:
    """Collect submissions from the nbgrader exchange into grading/submitted (re-runs update)."""
    _assignment(assignment_id)
    _nbgrader(["collect", assignment_id, "--update"], f"collect {assignment_id}")


@app.command("zip-collect")
def zip_collect(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    archive: Path = typer.Argument(..., exists=True, help="The LMS download (.zip of files)"),
) -> None:
    """Collect an LMS download of submission files with nbgrader's zip-collect."""
    from diplomacy_course.grading.zip_collect import zip_collect as collect_zip

    try:
        students = collect_zip(_assignment(assignment_id), archive, locations.repo_root())
    except (ValueError, nbgrader_runner.NbgraderError) as error:
        fail(str(error))
    console.print(f"[green]zip-collect {assignment_id}: {len(students)} students collected.")


@app.command("autograde")
def autograde(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    workers: int = typer.Option(0, help="Parallel workers (0: one per core)."),
    memory_mb: int = typer.Option(Limits.memory_mb, help="Memory a notebook may write to (RLIMIT_DATA), in MB."),
    wall_seconds: int = typer.Option(Limits.wall_seconds, help="Time a whole notebook may take, in seconds."),
    cold: bool = typer.Option(False, help="Start every kernel from scratch (no warm fork server)."),
    no_sandbox: bool = typer.Option(
        False,
        "--no-sandbox",
        help="UNSAFE: run student code without the kernel-enforced sandbox (it could read hidden tests, "
        "other students' work and the grader's credentials). Only for notebooks you trust.",
    ),
) -> None:
    """Autograde every submission in parallel, each notebook in a sandbox; manual grades survive
    re-runs. Exits with status 1 if any student could not be graded (they are named)."""
    from diplomacy_course.grading.autograde import AutogradeBusy, SandboxUnavailable, autograde_class
    from diplomacy_course.grading.gradebook import class_scores

    assignment, root = _assignment(assignment_id), locations.repo_root()
    students = locations.submitted_students(assignment.id, root)
    with _progress() as progress:
        task = progress.add_task(f"autograde {assignment_id}", total=len(students))
        try:
            results = autograde_class(
                assignment,
                root,
                workers=workers or None,
                limits=Limits(memory_mb=memory_mb, wall_seconds=wall_seconds),
                warm=not cold,
                sandbox=not no_sandbox,
                on_batch_done=lambda r: progress.advance(task, len(r.students)),
            )
        except (FileNotFoundError, SandboxUnavailable, AutogradeBusy) as error:
            fail(str(error))
        except KeyboardInterrupt:
            console.print(
                f"[yellow]Interrupted. Students graded so far are in the gradebook; "
                f"run `./course autograde {assignment_id}` again to grade the rest."
            )
            raise typer.Exit(130) from None
    if no_sandbox:
        console.print(
            "[yellow]Graded WITHOUT the sandbox (--no-sandbox): trust these grades only for trusted notebooks."
        )
    ungradable = sorted(s for r in results for s in r.ungradable)
    _print_scores(class_scores(locations.gradebook_url(root), assignment_id, students), ungradable, results)
    if ungradable:
        fail(f"{len(ungradable)} student(s) could not be graded: {', '.join(ungradable)} (flagged; see the log above).")


def _print_scores(scores, ungraded, results) -> None:
    table = Table(title="Autograde summary")
    for column in ("student", "score", "status"):
        table.add_column(column)
    crashed = {s for r in results for s in r.kernel_died}
    for s in scores:
        if s.student_id in ungraded:
            status = "no gradable notebook: 0, flagged (log below)"
        elif s.student_id in crashed:
            status = "their notebook ended its kernel: later cells not run, flagged"
        else:
            status = "needs manual grading" if s.needs_manual_grade else "complete"
        score = "-" if s.score is None else f"{s.score:g} / {s.max_score:g}"
        table.add_row(s.student_id, score, status)
    console.print(table)
    for result in results:
        if result.ungradable:
            console.print(f"[red]nbgrader log for {', '.join(result.students)}:[/red]\n{result.log_tail}")
    if crashed:
        console.print(f"[yellow]Kernel ended by the student's own notebook: {', '.join(sorted(crashed))}")


@app.command("feedback")
def feedback(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    release: bool = typer.Option(False, help="Also release feedback to the exchange."),
) -> None:
    """Generate HTML feedback (scores and visible tests, never hidden tests) in grading/feedback."""
    _assignment(assignment_id)
    _nbgrader(["generate_feedback", assignment_id, "--force"], f"feedback {assignment_id}")
    if release:
        _nbgrader(["release_feedback", assignment_id], f"release feedback {assignment_id}")


@app.command("export")
def export(
    to: Path = typer.Option(None, help="CSV file to write [default: grading/grades.csv]."),
    assignment: list[str] = typer.Option(None, help="Limit to these assignments."),
) -> None:
    """Export one row per student (each assignment's score and the total) for Moodle or Canvas."""
    from diplomacy_course.grading.export import DEFAULT_FILE

    to = (to or locations.grading_dir() / DEFAULT_FILE).resolve()
    args = ["export", f"--to={to}"]
    if assignment:
        args.append("--assignment=" + str(list(assignment)))
    to.parent.mkdir(parents=True, exist_ok=True)
    _nbgrader(args, f"export to {to}")


@app.command("item-analysis")
def item_analysis(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    out: Path = typer.Option(None, help="Folder for the CSV and figure [default: grading/reports]."),
) -> None:
    """Per-question mean score, share of full marks and score distribution (CSV + figure)."""
    from diplomacy_course.grading.item_analysis import item_analysis as analyse

    try:
        csv_path, figure = analyse(
            locations.gradebook_url(), _assignment(assignment_id).id, out or locations.grading_dir() / "reports"
        )
    except ValueError as error:
        fail(str(error))
    console.print(f"[green]item analysis: {csv_path} and {figure}")
