"""No innocent zeros: when the machinery around a notebook fails, its students are graded again.

Two failures are made on purpose around a real class: an nbgrader worker killed while it grades
a student, and a warm kernel server that is not there. Every correct student still
gets full marks, and nobody is flagged.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core import locations
from diplomacy_course.grading import autograde, kernel_launcher
from tests.support.course import copy_course, submit_notebooks
from tests.support.hostile_bank import auto_total
from tests.support.processes import command_line, left_after, live_processes
from tests.support.variants import read

pytestmark = pytest.mark.slow
STUDENTS = ["ana", "budi", "citra", "dewi"]


@pytest.fixture
def klass(tmp_path, authored_assignments):
    assignment = authored_assignments[0]
    root = copy_course(tmp_path / "course")
    solution = read(assignment.source_dir(root) / assignment.notebook)
    for student in STUDENTS:
        submit_notebooks(root, assignment, student, {assignment.notebook: solution})
    return root, assignment, auto_total(solution)


def _totals_and_flags(root, assignment) -> dict[str, tuple[float, bool]]:
    with Gradebook(locations.gradebook_url(root)) as gb:
        result = {}
        for student in STUDENTS:
            submission = gb.find_submission(assignment.id, student)
            flagged = any(nb.flagged for nb in submission.notebooks)
            result[student] = (submission.score, flagged)
        return result


def _grade_through(run, root, assignment, monkeypatch) -> list:
    """Autograde the class with every nbgrader command passed through ``run``, which calls the real one."""
    monkeypatch.setattr(autograde.NbgraderWorker, "run", run)
    return autograde.autograde_class(assignment, root, workers=2)


def _assert_everyone_has_full_marks(root, assignment, full, results) -> None:
    assert not [r.student for r in results if r.ungradable]
    assert _totals_and_flags(root, assignment) == {s: (full, False) for s in STUDENTS}


def test_a_student_whose_nbgrader_worker_died_is_graded_again_on_a_fresh_one(klass, monkeypatch):
    root, assignment, full = klass
    real_run, killed = autograde.NbgraderWorker.run, []

    # Killed once nbgrader has recorded budi's submission (in budi's job's gradebook, the one the
    # worker is given) and begun to run the notebook: what it leaves behind then looks like a graded
    # notebook that scored 0.
    def budi_recorded(job_gradebook: str) -> bool:
        with (
            contextlib.suppress(sqlite3.Error),
            contextlib.closing(sqlite3.connect(f"file:{job_gradebook}?mode=ro", uri=True)) as db,
        ):
            return bool(db.execute("SELECT 1 FROM submitted_assignment WHERE student_id = 'budi'").fetchall())
        return False

    def kill_when_half_graded(pid: int, job_gradebook: str) -> None:
        deadline = time.monotonic() + 120
        while not budi_recorded(job_gradebook) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)

    def killed_while_grading_budi(worker, args, **kwargs):
        if args[0] == "autograde" and "--CourseDirectory.student_id=budi" in args and not killed:
            killed.append(worker.start()._process.pid)
            job_gradebook = kwargs["db_url"].removeprefix("sqlite:///")
            threading.Thread(target=kill_when_half_graded, args=(killed[0], job_gradebook)).start()
        return real_run(worker, args, **kwargs)

    results = _grade_through(killed_while_grading_budi, root, assignment, monkeypatch)
    assert killed, "no worker was killed: the test is void"
    _assert_everyone_has_full_marks(root, assignment, full, results)


def test_a_student_whose_kernel_would_not_start_is_graded_again(klass, monkeypatch):
    # nbgrader gives up on such a notebook and records the submission with no scores: before any
    # cell ran, so the student's work had nothing to do with it (CI once met it without help).
    root, assignment, full = klass
    real_run, spoiled = autograde.NbgraderWorker.run, []

    def citras_first_kernel_cannot_start(worker, args, **kwargs):
        if "--CourseDirectory.student_id=citra" in args and not spoiled:
            spoiled.append(args)
            # With 1 MB of memory the kernel dies while it enters its sandbox.
            kwargs["extra_env"] = {**kwargs["extra_env"], kernel_launcher.MEMORY_ENV: "1"}
        return real_run(worker, args, **kwargs)

    results = _grade_through(citras_first_kernel_cannot_start, root, assignment, monkeypatch)
    assert spoiled, "citra's kernel was never kept from starting: the test is void"
    _assert_everyone_has_full_marks(root, assignment, full, results)


def test_without_the_warm_server_kernels_start_cold_in_the_same_sandbox(klass, monkeypatch):
    root, assignment, full = klass

    @contextlib.contextmanager
    def gone(workspace, enabled=True):
        autograde._build_font_cache(workspace)  # as the server did when it imported, before it went
        yield lambda: "course-warm-kernels-nobody-listens-here"

    monkeypatch.setattr(autograde, "warm_kernel_server", gone)
    autograde.autograde_class(assignment, root, workers=2)
    assert _totals_and_flags(root, assignment) == {s: (full, False) for s in STUDENTS}
    logs = list((locations.grading_dir(root) / ".workers" / assignment.id / "kernel-logs").glob("*.log"))
    assert logs, "no kernel started in the sandbox"


def test_a_second_autograde_of_the_same_assignment_is_refused(klass):
    root, assignment, _ = klass
    with autograde.only_run_of(assignment, root), pytest.raises(autograde.AutogradeBusy, match="wait for it"):
        autograde.autograde_class(assignment, root, workers=1)
    assert not (locations.grading_dir(root) / "autograded").exists(), "the second run graded anyway"


def test_one_late_student_can_be_graded_alone(klass):
    root, assignment, full = klass
    autograde.autograde_class(assignment, root, workers=1, only=["citra"])
    with Gradebook(locations.gradebook_url(root)) as gb:
        assert gb.find_submission(assignment.id, "citra").score == full
        graded = {s.student.id for s in gb.assignment_submissions(assignment.id)}
    assert graded == {"citra"}, "only the student asked for is graded"
    autograded = {p.name for p in (locations.grading_dir(root) / "autograded").iterdir()}
    assert autograded == {"citra"}, "the others' notebooks were run again"
    with pytest.raises(FileNotFoundError, match="nobody"):
        autograde.autograde_class(assignment, root, only=["nobody"])


def test_a_corrupt_notebook_is_named_never_a_silent_zero(klass):
    root, assignment, full = klass
    broken = locations.grading_dir(root) / "submitted" / "dewi" / assignment.id / assignment.notebook
    broken.write_text('{"cells": [ this is not json')
    results = autograde.autograde_class(assignment, root, workers=2)
    assert sorted(r.student for r in results if r.ungradable) == ["dewi"]
    totals = _totals_and_flags(root, assignment)
    assert totals.pop("dewi")[1], "the corrupt submission is flagged for a grader"
    assert totals == {s: (full, False) for s in STUDENTS if s != "dewi"}


def test_the_command_names_who_could_not_be_graded_and_whose_notebook_ended_its_kernel(klass):
    root, assignment, _ = klass
    submitted = locations.grading_dir(root) / "submitted"
    (submitted / "dewi" / assignment.id / assignment.notebook).write_text('{"cells": [ this is not json')
    ends_its_kernel = read(assignment.source_dir(root) / assignment.notebook)
    ends_its_kernel.cells.insert(0, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    submit_notebooks(root, assignment, "budi", {assignment.notebook: ends_its_kernel})
    command = [str(Path(sys.executable).parent / "course"), "autograde", assignment.id, "--workers", "2"]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600)
    said = " ".join((done.stdout + done.stderr).split())  # the terminal's line breaks fall anywhere
    assert done.returncode != 0, said
    assert "1 student(s) could not be graded: dewi" in said, said
    assert "nbgrader log for dewi" in said, said
    assert "Kernel ended by the student's own notebook: budi" in said, said


def test_ctrl_c_stops_at_once_leaves_nothing_running_and_the_next_run_grades_everyone(klass):
    """Ctrl-C while a student's cell runs: the command stops at once with one line, no
    process of the grader's is left (jupyter_client starts kernel launchers away from the
    terminal's signals), the interrupted notebook is not graded as crashed, and a second run
    grades everyone."""
    root, assignment, full = klass
    first = locations.grading_dir(root) / "submitted" / STUDENTS[0] / assignment.id / assignment.notebook
    as_submitted = first.read_bytes()
    sleeper = read(first)
    sleeper.cells.insert(0, nbformat.v4.new_code_cell("import time\ntime.sleep(600)"))
    nbformat.write(sleeper, first)
    command = [str(Path(sys.executable).parent / "course"), "autograde", assignment.id, "--workers", "1"]
    run = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           start_new_session=True)  # fmt: skip
    kernel_logs = locations.grading_dir(root) / ".workers" / assignment.id / "kernel-logs"
    deadline = time.monotonic() + 120
    while not (kernel_logs.is_dir() and any(kernel_logs.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # into the sleeping cell
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    interrupted_at = time.monotonic()
    output, _ = run.communicate(timeout=60)  # the first student's cell alone would take ten minutes
    # Not a speed claim: a worker left to finish its notebook is killed only after 10 s.
    assert time.monotonic() - interrupted_at < 8, "the grader waited for the notebook it was grading"
    assert run.returncode == 130, output
    assert "Interrupted" in output and "Traceback" not in output, output
    left = left_after(lambda: _processes_working_in(root.resolve()), wait=10)
    assert not left, f"Ctrl-C left processes of the run behind: {[command_line(pid) for pid in left]}"
    with Gradebook(locations.gradebook_url(root)) as gb:
        interrupted = {s.student.id for s in gb.assignment_submissions(assignment.id)}
    assert STUDENTS[0] not in interrupted, "the interrupted notebook was graded"
    first.write_bytes(as_submitted)
    autograde.autograde_class(assignment, root, workers=2)
    assert _totals_and_flags(root, assignment) == {s: (full, False) for s in STUDENTS}


def _processes_working_in(folder: Path) -> list[int]:
    return live_processes(lambda process: Path(os.readlink(process / "cwd")).is_relative_to(folder))


def test_a_course_folder_given_relative_to_the_current_one_is_graded_alike(klass, monkeypatch):
    """Kernels, nbgrader and the release each run in folders of their own: a relative course folder
    must mean the same course to all of them."""
    root, assignment, full = klass
    monkeypatch.chdir(root.parent)
    results = autograde.autograde_class(assignment, Path(root.name), workers=1, only=["citra"])
    assert [(r.student, r.ungradable) for r in results] == [("citra", False)]
    with Gradebook(locations.gradebook_url(root)) as gb:
        assert gb.find_submission(assignment.id, "citra").score == full
