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
    students = locations.submitted_students(assignment_id)
    submitted = locations.grading_dir() / "submitted"
    console.print(f"{len(students)} students have a submission of {assignment_id} in {submitted}.", highlight=False)


@app.command("zip-collect")
def zip_collect(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    archive: Path = typer.Argument(..., exists=True, dir_okay=False, help="The LMS download (.zip), Moodle or Canvas"),
    roster: Path = typer.Option(
        None, help="Roster CSV tying LMS names and ids to student ids [default: grading/roster.csv]."
    ),
) -> None:
    """Import an LMS download (Moodle or Canvas "download all submissions") into grading/submitted.

    Every file is imported under a roster identity or listed with the reason it was not; exit status 1
    when any file needs your attention.
    """
    from diplomacy_course.grading import roster as rosters
    from diplomacy_course.grading.zip_collect import zip_collect as collect_zip

    assignment, root = _assignment(assignment_id), locations.repo_root()
    try:
        students = rosters.load(roster or rosters.default_path(root))
        report = collect_zip(assignment, archive, root, students)
    except ValueError as error:
        fail(str(error))
    _print_import(assignment_id, report)
    if report.skipped:
        fail(f"zip-collect {assignment_id}: {len(report.skipped)} file(s) not imported (listed above).")


def _print_import(assignment_id: str, report) -> None:
    console.print(
        f"zip-collect {assignment_id}: imported {len(report.imported)} students"
        + (f": {', '.join(sorted(report.imported))}" if report.imported else ""),
        highlight=False,
    )
    for note in report.notes:
        console.print(f"  note: {note}", highlight=False)
    for path, why in report.superseded:
        console.print(f"  superseded: {path}: {why}", highlight=False)
    for path, why in report.skipped:
        console.print(f"[yellow]  not imported: {path}: {why}[/yellow]", highlight=False)
    if report.junk:
        console.print(f"  ignored {len(report.junk)} system entries (__MACOSX, .DS_Store, folders)", highlight=False)


@app.command("roster-template")
def roster_template(
    to: Path = typer.Argument(None, help="Where to write it [default: grading/roster.csv]."),
) -> None:
    """Write an example roster (one row per student, every column) to fill from the LMS's exports."""
    from diplomacy_course.grading import roster as rosters

    try:
        path = rosters.write_template(to or rosters.default_path())
    except rosters.RosterError as error:
        fail(str(error))
    console.print(f"roster template written to {path}; replace the example row by your class.", highlight=False)


def _warn_of_limits_students_were_not_told(limits: Limits) -> None:
    from diplomacy_course.grading.autograde import stricter_than_students_were_told

    if stricter := stricter_than_students_were_told(limits, locations.cell_timeout()):
        console.print(
            "[yellow]This run grades under stricter limits than the assignments tell students: "
            f"{'; '.join(stricter)}. A notebook within what they were told may lose points: tell the "
            'class, or change the "When it is graded" paragraph and release again (instructor guide).',
            highlight=False,
        )


@app.command("autograde")
def autograde(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    workers: int = typer.Option(0, help="Parallel workers (0: one per core this process may use)."),
    memory_mb: int = typer.Option(Limits.memory_mb, help="Memory a notebook may write to (RLIMIT_DATA), in MB."),
    wall_seconds: int = typer.Option(Limits.wall_seconds, help="Time a whole notebook may take, in seconds."),
    disk_mb: int = typer.Option(
        Limits.disk_mb, help="What a notebook may write to its folder and temporary folder, in MB (held in memory)."
    ),
    cold: bool = typer.Option(False, help="Start every kernel from scratch (no warm fork server)."),
    student: list[str] = typer.Option(None, "--student", help="Grade only this student (repeatable), e.g. a late one."),
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

    assignment, root = _assignment(assignment_id), locations.repo_root()
    limits = Limits(memory_mb=memory_mb, wall_seconds=wall_seconds, disk_mb=disk_mb)
    _warn_of_limits_students_were_not_told(limits)
    students = [s for s in locations.submitted_students(assignment.id, root) if not student or s in student]
    with _progress() as progress:
        task = progress.add_task(f"autograde {assignment_id}", total=len(students))
        try:
            results = autograde_class(
                assignment,
                root,
                workers=workers or None,
                limits=limits,
                warm=not cold,
                sandbox=not no_sandbox,
                only=student or None,
                on_student_done=lambda _result: progress.advance(task),
            )
        except (FileNotFoundError, SandboxUnavailable, AutogradeBusy, nbgrader_runner.NbgraderError) as error:
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
    from diplomacy_course.grading.gradebook import class_scores  # after the run, which imports it

    ungradable = sorted(r.student for r in results if r.ungradable)
    _print_scores(class_scores(locations.gradebook_url(root), assignment_id, students), ungradable, results)
    if ungradable:
        fail(f"{len(ungradable)} student(s) could not be graded: {', '.join(ungradable)} (flagged; see the log above).")


def _print_scores(scores, ungraded, results) -> None:
    table = Table(title="Autograde summary")
    for column in ("student", "score", "status"):
        table.add_column(column)
    crashed = {r.student for r in results if r.kernel_died}
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
            console.print(f"[red]nbgrader log for {result.student}:[/red]\n{result.log_tail}")
    if crashed:
        console.print(f"[yellow]Kernel ended by the student's own notebook: {', '.join(sorted(crashed))}")


@app.command("feedback")
def feedback(
    assignment_id: str = typer.Argument(..., help="e.g. a1"),
    release: bool = typer.Option(
        False,
        help="Also return it: to the exchange for students who submitted there (they fetch it in the "
        "Assignments tab); students imported from an LMS zip are listed, to upload their HTML to the LMS.",
    ),
) -> None:
    """Generate HTML feedback (scores and visible tests, never hidden tests) in grading/feedback."""
    from diplomacy_course.grading.returns import feedback_folders, release_feedback, ungraded_written_answers

    assignment, root = _assignment(assignment_id), locations.repo_root()
    try:
        _warn_ungraded_feedback(ungraded_written_answers(locations.gradebook_url(root), assignment.id))
    except (FileNotFoundError, nbgrader_runner.NbgraderError) as error:
        fail(str(error))
    _nbgrader(["generate_feedback", assignment_id, "--force"], f"feedback {assignment_id}")
    folder = locations.grading_dir(root) / "feedback"
    console.print(f"feedback for {len(feedback_folders(assignment, root))} students in {folder}.", highlight=False)
    if not release:
        return
    try:
        done = release_feedback(assignment, root)
    except (FileNotFoundError, nbgrader_runner.NbgraderError) as error:
        fail(f"release feedback {assignment_id} failed.\n{error}")
    console.print(f"feedback released to the exchange for {len(done.through_exchange)} students", highlight=False)
    if done.through_lms:
        console.print(
            f"{len(done.through_lms)} students submitted through an LMS; upload their feedback there:", highlight=False
        )
        for student, folder in sorted(done.through_lms.items()):
            console.print(f"  {student}: {folder}", highlight=False)


def _warn_ungraded_feedback(students: list[str]) -> None:
    if students:
        console.print(
            f"[yellow]warning: written answers not graded yet for {len(students)} student(s): "
            f"{', '.join(students)}; their feedback shows those answers at 0 until you grade them "
            "in the formgrader and run this again.[/yellow]",
            highlight=False,
        )


@app.command("export")
def export(
    to: Path = typer.Option(
        None, help="File to write, relative to the current folder [default: grading/grades-<for>.csv]."
    ),
    for_lms: str = typer.Option("plain", "--for", help="plain, canvas or moodle: the layout the LMS imports."),
    assignment: list[str] = typer.Option(None, help="Limit to these assignments."),
    roster: Path = typer.Option(None, help="Roster CSV with the LMS identities [default: grading/roster.csv]."),
    complete_only: bool = typer.Option(
        False, "--complete-only", help="Refuse (write nothing) while any written answer is still ungraded."
    ),
) -> None:
    """Export grades: one row per student, one column per assignment with submissions, blanks where
    nothing was submitted. --for canvas / --for moodle write the LMS's own import layout."""
    from nbgrader.api import Gradebook

    from diplomacy_course.grading import export as exports
    from diplomacy_course.grading import roster as rosters

    if for_lms not in exports.FORMATS:
        fail(f"--for {for_lms}: choose one of {', '.join(exports.FORMATS)}.")
    root = locations.repo_root()
    students = _roster_for_export(for_lms, roster or rosters.default_path(root), roster is not None)
    url = locations.gradebook_url(root)
    try:
        nbgrader_runner.check_gradebook(url)
    except nbgrader_runner.GradebookUnreachable as error:
        fail(str(error))
    with Gradebook(url) as gradebook:
        columns, rows = exports.collect(gradebook, students, list(assignment) if assignment else None)
    _warn_ungraded(exports.ungraded_students(rows), refuse=complete_only)
    unmatched = exports.missing_identities(for_lms, rows)
    if unmatched:
        fail(f"{for_lms} could not match these students (no LMS id in the roster): {', '.join(unmatched)}.")
    default_name = exports.DEFAULT_FILE if for_lms == "plain" else f"grades-{for_lms}.csv"
    path = (to.expanduser().absolute() if to else locations.grading_dir(root) / default_name).resolve()
    exports.write(path, exports.TABLES[for_lms](columns, rows), for_lms)
    console.print(
        f"export: {len(rows)} students, {len(columns)} assignments ({', '.join(c.assignment_id for c in columns)})"
        f" -> {path}",
        highlight=False,
    )
    _warn_if_tracked(path, root)


def _roster_for_export(for_lms: str, path: Path, named: bool):
    """The roster: required for an LMS layout, optional (names and e-mails) for the plain file."""
    from diplomacy_course.grading import roster as rosters

    if for_lms == "plain" and not named and not path.is_file():
        return []
    try:
        return rosters.load(path)
    except rosters.RosterError as error:
        fail(str(error))


def _warn_ungraded(ungraded: dict[str, list[str]], refuse: bool) -> None:
    """Name every student whose written answers still count as 0 because nobody graded them."""
    if not ungraded:
        return
    for student, assignments in sorted(ungraded.items()):
        console.print(f"[yellow]  {student}: written answers not graded yet in {', '.join(assignments)}[/yellow]")
    summary = f"{len(ungraded)} student(s) have ungraded written answers, counted as 0 until graded in the formgrader."
    if refuse:
        fail(f"{summary} Nothing written (--complete-only).")
    console.print(f"[yellow]warning: {summary}[/yellow]", highlight=False)


def _warn_if_tracked(path: Path, root: Path) -> None:
    """Student grades inside the repository must be git-ignored; say so when they are not."""
    import subprocess

    if not path.is_relative_to(root):
        return
    done = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=root, capture_output=True)
    if done.returncode == 1:  # 0: ignored; 128: not a git repository
        console.print(
            f"[yellow]warning: {path} is inside the repository and not git-ignored: move it, "
            "or add it to .gitignore, before you commit.[/yellow]",
            highlight=False,
        )


@app.command("rubric")
def rubric(
    assignment_id: str = typer.Argument(None, help="e.g. a1; leave out with --all."),
    every: bool = typer.Option(False, "--all", help="Every assignment with a source notebook."),
) -> None:
    """Write the graders' rubric (one printable HTML page per assignment: each written answer's question,
    points, criteria and model answer) into the git-ignored grading/rubrics/. Never publish it."""
    from diplomacy_course.grading.rubric import write_rubric

    if every == (assignment_id is not None):
        fail("name one assignment (e.g. `course rubric a1`) or use --all.")
    root = locations.repo_root()
    assignments = catalog.authored(root) if every else [_assignment(assignment_id)]
    for assignment in assignments:
        try:
            path = write_rubric(assignment, root)
        except (FileNotFoundError, ValueError) as error:
            fail(str(error))
        console.print(f"rubric {assignment.id}: {path}", highlight=False)
    console.print("[yellow]For graders only: print it or keep it in grading/; never publish it.[/yellow]")


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
