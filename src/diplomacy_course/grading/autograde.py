"""Autograding a whole class in parallel, with the same scores as ``nbgrader autograde``.

The class is split into small batches; each batch is one ordinary
``nbgrader autograde`` run (so nbgrader's own logic decides every score) with:

- its own copy of the class gradebook, merged back afterwards one batch at a
  time (SQLite has no safe concurrent writers);
- the ``course-grader`` kernel: a fresh process per notebook, forked from a
  server that has already imported pandas and matplotlib (``warm_kernels``),
  inside a sandbox the Linux kernel enforces (``sandbox``): its own files
  only, no network, no grader environment, no other processes, limits;
- nbgrader's cell timeout from nbgrader_config.py for runaway loops.

Batches run on as many workers as the machine has cores. Before anything is
graded, the sandbox is tried on this machine (``sandbox.probe``); without it,
grading stops unless the instructor explicitly asked for ``--no-sandbox``.
A batch whose nbgrader process died is graded again once, one student at a
time, so that one notebook cannot cost the others their grade.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from diplomacy_course.core import locations, nbgrader_runner
from diplomacy_course.core.catalog import Assignment
from diplomacy_course.core.release import release
from diplomacy_course.grading import warm_kernels
from diplomacy_course.grading.gradebook import flag_submissions, merge_submissions, record_ungradable
from diplomacy_course.grading.preprocessors import KERNEL_DIED
from diplomacy_course.grading.sandbox import probe
from diplomacy_course.grading.sandbox.kernel import Limits, kernel_environment

KERNEL_NAME = "course-grader"


class SandboxUnavailable(RuntimeError):
    """This machine cannot run the grading sandbox; the message says what is missing."""


class AutogradeBusy(RuntimeError):
    """Another autograde of the same assignment is running on this grading workspace."""


@contextlib.contextmanager
def only_run_of(assignment: Assignment, root: Path):
    """Hold a lock on the assignment's grading for the duration (released if the process dies)."""
    folder = locations.grading_dir(root) / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"autograde-{assignment.id}.lock"
    with open(path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AutogradeBusy(
                f"Another `autograde {assignment.id}` is running on this grading workspace ({path} is locked): "
                "wait for it to finish, then run this one again."
            ) from None
        yield


@dataclass
class BatchResult:
    students: list[str]
    merged: list[str] = field(default_factory=list)
    without_notebook: list[str] = field(default_factory=list)  # renamed or unreadable: nbgrader gives a silent 0
    kernel_died: list[str] = field(default_factory=list)  # their own notebook ended its kernel: flagged
    log_tail: str = ""

    @property
    def unmerged(self) -> list[str]:
        """Students with a notebook whose grading did not reach the gradebook."""
        return [s for s in self.students if s not in self.merged and s not in self.without_notebook]

    @property
    def ungradable(self) -> list[str]:
        """Students with no notebook nbgrader could grade: recorded with zero and flagged."""
        return [s for s in self.students if s not in self.merged or s in self.without_notebook]


def install_grader_kernel(workspace: Path) -> Path:
    """Write the course-grader kernelspec into a JUPYTER_PATH folder of the workspace."""
    spec_dir = workspace / "jupyter" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            *[sys.executable, "-m", "diplomacy_course.grading.warm_kernels", "-f", "{connection_file}"],
            # No command history on disk: 0.15 s a kernel, and no file shared between students.
            "--HistoryManager.hist_file=:memory:",
        ],
        "display_name": "Python 3 (course grader)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return workspace / "jupyter"


def batches(students: list[str], workers: int, size: int | None = None) -> list[list[str]]:
    """Round-robin batches small enough that one slow submission cannot idle a core for long."""
    size = size or max(1, min(8, -(-len(students) // (workers * 3))))
    count = -(-len(students) // size)
    return [students[i::count] for i in range(count)] if students else []


def _fresh_workspace(assignment: Assignment, root: Path) -> Path:
    """A clean folder for this run's kernelspec, kernel folders and batch gradebooks."""
    workspace = locations.grading_dir(root) / ".workers" / assignment.id
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    for folder in ("scratch", "kernel-logs", "home", _mpl_config(workspace).name):
        (workspace / folder).mkdir()
    install_grader_kernel(workspace)
    return workspace


def _sqlite_path(db_url: str) -> Path | None:
    return Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None


@contextlib.contextmanager
def warm_kernel_server(workspace: Path, enabled: bool = True):
    """Run the fork server for the duration of a grading run; yield its address (or None).

    It starts with the kernels' own short environment (nothing of the grader's is in its memory
    for a forked kernel to find) and in a session of its own, away from the terminal's Ctrl-C."""
    if not enabled or not hasattr(os, "pidfd_open"):
        yield None
        return
    address = f"course-warm-kernels-{os.getpid()}-{secrets.token_hex(8)}"
    env = kernel_environment(str(workspace / "home"), str(_mpl_config(workspace)))
    with open(workspace / "kernel-server.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "diplomacy_course.grading.warm_kernels", "serve", address],
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    try:
        assert server.stdout is not None  # stdout=PIPE
        if server.stdout.readline().strip() != b"ready":
            raise RuntimeError(
                f"The warm kernel server did not start (see {workspace / 'kernel-server.log'}); "
                "run with --cold to grade without it."
            )
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def _mpl_config(workspace: Path) -> Path:
    return workspace / "mplconfig"


def _build_font_cache(workspace: Path) -> None:
    """Kernels may only read matplotlib's configuration folder: build its font cache first."""
    folder = _mpl_config(workspace)
    env = {**nbgrader_runner.environment(), "MPLCONFIGDIR": str(folder), "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], env=env, check=True)


def check_sandbox(sandbox: bool) -> None:
    """Refuse to grade when the sandbox was asked for and cannot work here."""
    if not sandbox:
        return
    found = probe.problems()
    if found:
        raise SandboxUnavailable(
            "The grading sandbox cannot run on this machine:\n- "
            + "\n- ".join(found)
            + "\nWithout it a submission could read the hidden tests and other students' work, reach the "
            "network and read the grader's credentials. Fix the above, or grade notebooks you trust "
            "with `--no-sandbox` (unsafe: see the instructor guide)."
        )


def _snapshot_class_gradebook(root: Path, workspace: Path) -> Path | None:
    """Copy an SQLite class gradebook once, before any batch runs: batches copy this snapshot,
    never the class file itself, which finished batches are being merged into meanwhile."""
    class_file = _sqlite_path(locations.gradebook_url(root))
    if class_file is None:
        return None
    snapshot = workspace / "class-snapshot.db"
    shutil.copyfile(class_file, snapshot)
    return snapshot


@dataclass(frozen=True)
class _ClassRun:
    """What every batch of one grading run shares."""

    assignment: Assignment
    root: Path
    students: list[str]
    workspace: Path
    limits: Limits
    sandbox: bool
    warm_socket: str | None
    snapshot: Path | None  # the SQLite class gradebook as it was; None on a server gradebook

    def batch_db_url(self, number: int) -> str:
        """Each batch's own copy of an SQLite gradebook; a server gradebook is shared."""
        if self.snapshot is None:
            return locations.gradebook_url(self.root)
        return f"sqlite:///{self.workspace / f'batch-{number}.db'}"

    def start_batch_db(self, number: int) -> str:
        """A batch's gradebook as the class gradebook was when grading began."""
        url = self.batch_db_url(number)
        batch_file = _sqlite_path(url)
        if self.snapshot is not None and batch_file is not None:
            shutil.copyfile(self.snapshot, batch_file)
        return url

    def kernel_environment(self) -> dict[str, str]:
        env = {
            "JUPYTER_PATH": str(self.workspace / "jupyter"),
            warm_kernels.MEMORY_ENV: str(self.limits.memory_mb),
            warm_kernels.WALL_ENV: str(self.limits.wall_seconds),
            warm_kernels.SCRATCH_ENV: str(self.workspace / "scratch"),
            warm_kernels.READABLE_ENV: str(_mpl_config(self.workspace)),
            warm_kernels.LOG_ENV: str(self.workspace / "kernel-logs"),
            warm_kernels.SANDBOX_ENV: "on" if self.sandbox else "off",
        }
        if self.warm_socket:
            env[warm_kernels.SOCKET_ENV] = self.warm_socket
        return env


_KERNEL_SETTINGS = (
    f"--Execute.kernel_name={KERNEL_NAME}",
    # Once its last cell has answered, a grading kernel has nothing left to say: stop it at once
    # rather than ask it to shut down and poll until it has.
    "--Execute.shutdown_kernel=immediate",
    "--AsyncKernelManager.client_class=diplomacy_course.grading.kernel_client.QuickReadyKernelClient",
)


def _run_batch(run: _ClassRun, batch: list[str], number: int) -> BatchResult:
    # Everyone else who submitted, not only the others of this run (``only`` a late student).
    others = ",".join(s for s in locations.submitted_students(run.assignment.id, run.root) if s not in batch)
    args = ["autograde", run.assignment.id, "--force", *_KERNEL_SETTINGS]
    if others:
        args.append(f"--CourseDirectory.student_id_exclude={others}")
    try:
        done = nbgrader_runner.run(
            args, run.root, db_url=run.start_batch_db(number), extra_env=run.kernel_environment(), check=False
        )
    except (OSError, subprocess.SubprocessError) as error:  # nbgrader could not even run: graded again
        return BatchResult(batch, log_tail=f"nbgrader did not run: {error}")
    log_tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return BatchResult(batch, log_tail=log_tail)


def _graded_in(db_url: str, assignment_id: str, students: list[str]) -> list[str]:
    from nbgrader.api import Gradebook, MissingEntry

    graded = []
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                gb.find_submission(assignment_id, student)
                graded.append(student)
            except MissingEntry:
                pass
    return graded


def _record_batch(run: _ClassRun, result: BatchResult, number: int, *, final: bool = True) -> None:
    """Bring one finished batch into the class gradebook; flag who could not be graded (only
    on the ``final`` attempt: others are graded again first)."""
    class_db = locations.gradebook_url(run.root)
    if run.snapshot is not None:
        result.merged = merge_submissions(run.batch_db_url(number), class_db, run.assignment.id, result.students)
    else:  # nbgrader wrote to the shared server gradebook directly
        result.merged = _graded_in(class_db, run.assignment.id, result.students)
    submitted = locations.grading_dir(run.root) / "submitted"
    autograded = locations.grading_dir(run.root) / "autograded"
    # No gradable notebook: none under the expected name, or one nbgrader could not read (it then
    # records the submission with no autograded copy, which would read as a silent 0).
    result.without_notebook = [
        s
        for s in result.students
        if not (submitted / s / run.assignment.id / run.assignment.notebook).is_file()
        or (s in result.merged and not (autograded / s / run.assignment.id / run.assignment.notebook).is_file())
    ]
    # No notebook is final at once; a grading that did not arrive is final only on the last attempt.
    record_ungradable(class_db, run.assignment.id, result.without_notebook + (result.unmerged if final else []))
    result.kernel_died = [
        s for s in result.merged if _kernel_died_in(autograded / s / run.assignment.id / run.assignment.notebook)
    ]
    flag_submissions(class_db, run.assignment.id, result.kernel_died)


def _kernel_died_in(notebook: Path) -> bool:
    """Did the student's own code end the kernel (CrashSafeExecute marks the cell)?"""
    if not notebook.is_file():
        return False
    try:
        cells = json.loads(notebook.read_text())["cells"]
    except (ValueError, KeyError):
        return False
    return any(o.get("ename") == KERNEL_DIED[0] for c in cells for o in c.get("outputs", []))


def autograde_class(
    assignment: Assignment,
    root: Path | None = None,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    warm: bool = True,
    sandbox: bool = True,
    only: list[str] | None = None,
    on_batch_done=None,
) -> list[BatchResult]:
    """Autograde every submission of an assignment (or ``only`` these students', e.g. a late
    one); return one result per batch.

    Raises SandboxUnavailable before grading anything if ``sandbox`` is asked for and this
    machine cannot provide it."""
    root = root or locations.repo_root()
    students = locations.submitted_students(assignment.id, root)
    if only:
        missing = sorted(set(only) - set(students))
        if missing:
            raise FileNotFoundError(
                f"No submission of {assignment.id} for {', '.join(missing)} in "
                f"{locations.grading_dir(root) / 'submitted'}: collect it first."
            )
        students = [s for s in students if s in only]
    if not students:
        raise FileNotFoundError(
            f"No submissions for {assignment.id} in {locations.grading_dir(root) / 'submitted'}: "
            f"collect them first (`./course collect {assignment.id}` or `./course zip-collect`)."
        )
    check_sandbox(sandbox)
    with only_run_of(assignment, root):
        return _grade_class(assignment, root, students, workers, limits or Limits(), warm, sandbox, on_batch_done)


def _grade_class(assignment, root, students, workers, limits, warm, sandbox, on_batch_done) -> list[BatchResult]:
    workspace = _fresh_workspace(assignment, root)
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # Released (so the class gradebook knows the assignment and its data are in place), and
        # matplotlib's font cache built, while the warm server imports.
        released = pool.submit(release, assignment, root)
        font_cache = pool.submit(_build_font_cache, workspace)
        with warm_kernel_server(workspace, warm) as warm_socket:
            released.result()
            font_cache.result()
            snapshot = _snapshot_class_gradebook(root, workspace)
            run = _ClassRun(assignment, root, students, workspace, limits, sandbox, warm_socket, snapshot)
            return _grade_batches(run, pool, batches(students, workers), on_batch_done)


def _grade_batches(
    run: _ClassRun, pool: ThreadPoolExecutor, planned: list[list[str]], on_batch_done
) -> list[BatchResult]:
    """Grade the planned batches; a batch that did not get everyone graded (its nbgrader died,
    say) is graded again one student at a time, so one notebook cannot cost the others their grade."""
    results, next_number = [], len(planned)
    futures = {pool.submit(_run_batch, run, batch, number): number for number, batch in enumerate(planned)}
    while futures:
        future = next(as_completed(futures))
        number = futures.pop(future)
        result = future.result()
        retry = number < len(planned) and len(result.students) > 1
        _record_batch(run, result, number, final=not retry)
        for student in result.unmerged if retry else []:
            futures[pool.submit(_run_batch, run, [student], next_number)] = next_number
            next_number += 1
        result.students = [s for s in result.students if not retry or s not in result.unmerged]
        results.append(result)
        if on_batch_done and result.students:
            on_batch_done(result)
    return results
