"""Autograding a whole class in parallel, with the same scores as ``nbgrader autograde``.

Each student is one ordinary ``nbgrader autograde`` command (so nbgrader's own logic decides every
score), run by one of a few long-lived nbgrader workers (``core.nbgrader_worker``: nbgrader is
imported once a run, not once a command or a worker), with:

- a fresh copy of the class gradebook, in a file of the worker's own, merged back one student at
  a time (SQLite has no safe concurrent writers) while the worker grades its next student;
- the ``course-grader`` kernel: a fresh process per notebook, forked from a
  server that has already imported pandas and matplotlib (``warm_kernels``),
  inside a sandbox the Linux kernel enforces (``sandbox``): its own files
  only, no network, no grader environment, no other processes, limits;
- nbgrader's cell timeout from nbgrader_config.py for runaway loops.

There is one worker per core this process may use (``taskset``, a cpuset), and each takes the
next student when it is free, so one slow notebook holds up no one. Before anything is graded,
the sandbox is tried on this machine (``sandbox.probe``); without it, grading stops unless the
instructor explicitly asked for ``--no-sandbox``. A student whose grading did not reach the
gradebook (the worker died, say) is graded once more on a fresh worker, so that one failure
cannot cost anyone their grade.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from diplomacy_course.core import locations, nbgrader_runner
from diplomacy_course.core.catalog import Assignment
from diplomacy_course.core.nbgrader_worker import SCRATCH_GRADEBOOK_ENV, NbgraderWorker, shared_database_engines
from diplomacy_course.grading import kernel_launcher, warm_kernels
from diplomacy_course.grading.kernel_deaths import kernel_died_in
from diplomacy_course.grading.sandbox import probe
from diplomacy_course.grading.sandbox.kernel import Limits, kernel_environment

# nbgrader itself (0.6 s to import) is imported where first needed (``gradebook``, ``nbgrader.api``),
# once a run has started its workers, which import it too: the two imports overlap.

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
class JobResult:
    """What grading one student came to."""

    student: str
    # False when nbgrader or its worker ended mid-way: what it had written (a submission with no
    # scores yet, an unexecuted notebook) would read as a silent 0, so none of it is used.
    finished: bool = True
    reached: bool = False  # its gradebook's rows reached the class gradebook
    merged: bool = False  # the notebook was run and its grading reached the class gradebook
    without_notebook: bool = False  # none under the notebook's name: grading again cannot help
    kernel_died: bool = False  # their own notebook ended its kernel: flagged
    log_tail: str = ""

    @property
    def unmerged(self) -> bool:
        """A notebook was there, but it was not run to the end or its grading did not reach the
        gradebook: graded again once, since the cause may have been the machinery's."""
        return not self.merged and not self.without_notebook

    @property
    def ungradable(self) -> bool:
        """Not graded (no notebook nbgrader could grade, or its grading never arrived): recorded
        with zero and flagged."""
        return not self.merged or self.without_notebook


def install_grader_kernel(workspace: Path) -> Path:
    """Write the course-grader kernelspec into a JUPYTER_PATH folder of the workspace."""
    spec_dir = workspace / "jupyter" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            *kernel_launcher.kernelspec_argv(),
            # No command history on disk: 0.15 s a kernel, and no file shared between students.
            "--HistoryManager.hist_file=:memory:",
            # ipykernel sleeps 0.5 ms before each cell's reply, for front ends that stop listening
            # at the reply. nbclient reads a cell's output until the kernel says it is idle, so
            # nothing is lost without it, and the pauses left a grading core idle about 15 ms a notebook.
            "--IPythonKernel._execute_sleep=0",
        ],
        "display_name": "Python 3 (course grader)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return workspace / "jupyter"


def _fresh_workspace(assignment: Assignment, root: Path) -> Path:
    """A clean folder for this run's kernelspec, kernel folders and each job's gradebook."""
    workspace = locations.grading_dir(root) / ".workers" / assignment.id
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    for folder in ("scratch", "kernel-logs", "home"):
        (workspace / folder).mkdir()
    _mpl_config(workspace).mkdir(exist_ok=True)
    install_grader_kernel(workspace)
    return workspace


def _sqlite_path(db_url: str) -> Path | None:
    return Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None


@contextlib.contextmanager
def warm_kernel_server(workspace: Path, enabled: bool = True):
    """Run the fork server for the duration of a grading run. Yield a function that waits until
    it is ready and returns its address (or None).

    It starts with the kernels' own short environment (nothing of the grader's is in its memory
    for a forked kernel to find) and in a session of its own, away from the terminal's Ctrl-C.
    Importing matplotlib, it builds the font cache that sandboxed kernels may only read."""
    if not enabled or not hasattr(os, "pidfd_open"):
        _build_font_cache(workspace)  # the server builds it when it imports matplotlib
        yield lambda: None
        return
    address = f"course-warm-kernels-{os.getpid()}-{secrets.token_hex(8)}"
    env = kernel_environment(str(workspace / "home"), str(_mpl_config(workspace)))
    with open(workspace / "kernel-server.log", "wb") as log:
        server = subprocess.Popen(
            warm_kernels.server_command(address),
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            start_new_session=True,
        )

    def ready_address() -> str:
        assert server.stdout is not None  # stdout=PIPE
        if server.stdout.readline().strip() != b"ready":
            raise RuntimeError(
                f"The warm kernel server did not start (see {workspace / 'kernel-server.log'}); "
                "run with --cold to grade without it."
            )
        return address

    try:
        yield ready_address
    finally:
        server.terminate()
        server.wait(timeout=30)


def _mpl_config(workspace: Path) -> Path:
    """matplotlib's configuration folder for the kernels (read-only to them): its font cache.
    Outside the run's workspace, so that it is kept from run to run: building it again cost the
    warm server 0.1-0.4 s of its start, before any notebook could be graded."""
    return workspace.parent / "mplconfig"


def _build_font_cache(workspace: Path) -> None:
    """Kernels may only read matplotlib's configuration folder: build its font cache first."""
    folder = _mpl_config(workspace)
    env = {**nbgrader_runner.environment(), "MPLCONFIGDIR": str(folder), "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], env=env, check=True)


def check_sandbox(sandbox: bool, grading_folder: Path | None = None) -> None:
    """Refuse to grade when the sandbox was asked for and cannot work here (with notebooks in
    ``grading_folder``)."""
    if not sandbox:
        return
    found = probe.problems(str(grading_folder) if grading_folder else None)
    if found:
        raise SandboxUnavailable(
            "The grading sandbox cannot run on this machine:\n- "
            + "\n- ".join(found)
            + "\nWithout it a submission could read the hidden tests and other students' work, reach the "
            "network and read the grader's credentials. Fix the above, or grade notebooks you trust "
            "with `--no-sandbox` (unsafe: see the instructor guide)."
        )


def _snapshot_class_gradebook(root: Path, workspace: Path) -> Path | None:
    """Copy an SQLite class gradebook once, before any job runs: jobs copy this snapshot, never
    the class file itself, which finished jobs are being merged into meanwhile."""
    class_file = _sqlite_path(locations.gradebook_url(root))
    if class_file is None:
        return None
    snapshot = workspace / "class-snapshot.db"
    shutil.copyfile(class_file, snapshot)
    return snapshot


@dataclass(frozen=True)
class _Grader:
    """An nbgrader worker and the two files its jobs' copies of an SQLite gradebook live in, taken
    in turn: the worker grades its next student while its last one's file is merged. The same two
    files serve the whole run, so that the worker's database engines (and their caches of compiled
    SQL) serve every job."""

    worker: NbgraderWorker
    job_files: queue.Queue[Path]  # the ones neither written nor being merged

    @classmethod
    def of(cls, worker: NbgraderWorker, workspace: Path, number: int) -> _Grader:
        files: queue.Queue[Path] = queue.Queue()
        for turn in ("a", "b"):
            files.put(workspace / f"job-{number}{turn}.db")
        return cls(worker, files)


@dataclass(frozen=True)
class _ClassRun:
    """What every job of one grading run shares."""

    assignment: Assignment
    root: Path
    students: list[str]
    workspace: Path
    limits: Limits
    sandbox: bool
    warm_socket: str | None
    snapshot: Path | None  # the SQLite class gradebook as it was; None on a server gradebook
    graders: queue.Queue[_Grader]  # the free ones, one taken for each job
    # Jobs merge into the class gradebook from their own threads; SQLite takes one writer at a time.
    class_gradebook_lock: threading.Lock = field(default_factory=threading.Lock)

    def start_job_db(self, job_file: Path) -> str:
        """The gradebook a job writes to: on SQLite, ``job_file`` as a fresh copy of the class
        gradebook as it was when grading began (nothing of an earlier job is left in it); a server
        gradebook is shared."""
        if self.snapshot is None:
            return locations.gradebook_url(self.root)
        shutil.copyfile(self.snapshot, job_file)
        return f"sqlite:///{job_file}"

    def job_environment(self, job_db: str) -> dict[str, str]:
        """What a job's nbgrader command adds to its environment: the kernels' settings, and the
        job's copy of an SQLite gradebook named as a throwaway one."""
        scratch = {SCRATCH_GRADEBOOK_ENV: job_db} if self.snapshot is not None else {}
        return {**self.kernel_environment(), **scratch}

    def kernel_environment(self) -> dict[str, str]:
        env = {
            "JUPYTER_PATH": str(self.workspace / "jupyter"),
            kernel_launcher.MEMORY_ENV: str(self.limits.memory_mb),
            kernel_launcher.WALL_ENV: str(self.limits.wall_seconds),
            kernel_launcher.DISK_ENV: str(self.limits.disk_mb),
            kernel_launcher.SCRATCH_ENV: str(self.workspace / "scratch"),
            kernel_launcher.MPLCONFIG_ENV: str(_mpl_config(self.workspace)),
            kernel_launcher.LOG_ENV: str(self.workspace / "kernel-logs"),
            kernel_launcher.SANDBOX_ENV: "on" if self.sandbox else "off",
        }
        if self.warm_socket:
            env[kernel_launcher.SOCKET_ENV] = self.warm_socket
        return env


# Once its last cell has answered, a grading kernel has nothing left to say: stop it at once
# rather than ask it to shut down and poll until it has.
KERNEL_SHUTDOWN = "immediate"


@functools.cache  # the same for every student
def _kernel_settings() -> tuple[str, ...]:
    # Imported here, while grading: jupyter_client (45 ms) would otherwise delay the workers' start.
    from diplomacy_course.grading.kernel_client import QuickKernelManager

    return (
        f"--Execute.kernel_name={KERNEL_NAME}",
        f"--Execute.shutdown_kernel={KERNEL_SHUTDOWN}",
        f"--Execute.kernel_manager_class={QuickKernelManager.__module__}.{QuickKernelManager.__qualname__}",
    )


def _grade_student(run: _ClassRun, student: str) -> JobResult:
    """``nbgrader autograde`` for one student, on a free worker, into a gradebook of the job's own,
    which is then merged into the class gradebook while the worker grades its next student (the
    merge's waits for the disk would otherwise leave the worker's core idle)."""
    grader = run.graders.get()
    job_file = grader.job_files.get()  # free unless the merge of the worker's job before last is still on
    try:
        try:
            job_db = run.start_job_db(job_file)
            result = _run_nbgrader_autograde(grader.worker, run, student, job_db)
        finally:
            run.graders.put(grader)
        if result.finished:
            with run.class_gradebook_lock:
                result.reached = _reached(run, job_db, student)
        return result
    finally:
        grader.job_files.put(job_file)


def _run_nbgrader_autograde(worker: NbgraderWorker, run: _ClassRun, student: str, job_db: str) -> JobResult:
    args = ["autograde", run.assignment.id, "--force", f"--CourseDirectory.student_id={student}", *_kernel_settings()]
    try:
        _, log = worker.run(args, db_url=job_db, extra_env=run.job_environment(job_db))
    except (OSError, subprocess.SubprocessError) as error:  # nbgrader died or could not run: graded again
        return JobResult(student, finished=False, log_tail=f"nbgrader did not run to the end: {error}")
    return JobResult(student, log_tail="\n".join(log.strip().splitlines()[-15:]))


def _record_job(run: _ClassRun, result: JobResult, *, final: bool = True) -> None:
    """Bring one finished job into the class gradebook; flag who could not be graded (only
    on the ``final`` attempt: others are graded again first)."""
    from diplomacy_course.grading.gradebook import flag_submissions, record_ungradable

    class_db, student = locations.gradebook_url(run.root), result.student

    def notebook_in(stage: str) -> Path:
        return locations.grading_dir(run.root) / stage / student / run.assignment.id / run.assignment.notebook

    submitted, autograded = notebook_in("submitted"), notebook_in("autograded")
    result.without_notebook = not submitted.is_file()
    # Without an autograded copy nbgrader gave up on the notebook (unreadable, or its kernel would
    # not start): the submission it recorded has no scores, which would read as a silent 0.
    result.merged = result.finished and result.reached and autograded.is_file()
    with run.class_gradebook_lock:
        # No notebook is final at once; a grading that did not arrive is final only on the last attempt.
        if result.without_notebook or (result.unmerged and final):
            record_ungradable(class_db, run.assignment.id, [student])
        result.kernel_died = result.merged and kernel_died_in(autograded)
        if result.kernel_died:
            flag_submissions(class_db, run.assignment.id, [student])


def _reached(run: _ClassRun, job_db: str, student: str) -> bool:
    """Did the job's grading reach the class gradebook? Merge the job's copy of an SQLite
    gradebook; nbgrader wrote to a server gradebook itself."""
    from diplomacy_course.grading.gradebook import has_submission, merge_submissions

    class_db = locations.gradebook_url(run.root)
    if run.snapshot is not None:
        return bool(merge_submissions(job_db, class_db, run.assignment.id, [student]))
    return has_submission(class_db, run.assignment.id, student)


def autograde_class(
    assignment: Assignment,
    root: Path | None = None,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    warm: bool = True,
    sandbox: bool = True,
    only: list[str] | None = None,
    on_student_done=None,
) -> list[JobResult]:
    """Autograde every submission of an assignment (or ``only`` these students', e.g. a late
    one); return one result per student.

    Raises SandboxUnavailable before grading anything if ``sandbox`` is asked for and this
    machine cannot provide it."""
    root = (root or locations.repo_root()).resolve()  # kernels and nbgrader run in other folders
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
    check_sandbox(sandbox, locations.grading_dir(root))
    with only_run_of(assignment, root):
        return _grade_class(assignment, root, students, workers, limits or Limits(), warm, sandbox, on_student_done)


def stricter_than_students_were_told(limits: Limits, cell_timeout: int) -> list[str]:
    """This run's limits that are stricter than the defaults, which every assignment's first
    cell states ("When it is graded"); each says what set it and what students were told."""
    told, told_cell = Limits(), locations.DEFAULT_CELL_TIMEOUT
    stricter = []
    if cell_timeout < told_cell:
        stricter.append(f"{cell_timeout} s a cell (COURSE_CELL_TIMEOUT; they were told {told_cell} s)")
    if limits.wall_seconds < told.wall_seconds:
        told_minutes = told.wall_seconds // 60
        stricter.append(f"{limits.wall_seconds} s a notebook (--wall-seconds; they were told {told_minutes} minutes)")
    if limits.memory_mb < told.memory_mb:
        stricter.append(f"{limits.memory_mb} MB of memory (--memory-mb; they were told {told.memory_mb / 1024:g} GB)")
    return stricter


def usable_cores() -> int:
    """The cores this process may run on (``taskset``, a container's cpuset), not the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _grade_class(assignment, root, students, workers, limits, warm, sandbox, on_student_done) -> list[JobResult]:
    workspace = _fresh_workspace(assignment, root)
    workers = workers or usable_cores()
    # Before grading: the workers import nbgrader, one of them releases the assignment (so that the
    # class gradebook knows it and its data are in place), and the warm server imports pandas and
    # matplotlib, all at once.
    with (
        # Two threads a worker: one grades a student on it while the other merges its last student.
        ThreadPoolExecutor(max_workers=2 * workers) as pool,
        _graders(root, workspace, workers) as graders,
        warm_kernel_server(workspace, warm) as warm_server_address,
    ):
        from diplomacy_course.core.release import release  # nbformat (70 ms), as the workers import theirs

        releaser = graders.get()
        released = pool.submit(release, assignment, root, releaser.worker.run_checked)
        try:
            released.result()
            graders.put(releaser)
            snapshot = _snapshot_class_gradebook(root, workspace)
            warm_socket = warm_server_address()
            run = _ClassRun(assignment, root, students, workspace, limits, sandbox, warm_socket, snapshot, graders)
            return _grade_students(run, pool, on_student_done)
        except BaseException:  # Ctrl-C (or a bug): no student is started after it; _graders stops the rest
            pool.shutdown(wait=False, cancel_futures=True)
            raise


@contextlib.contextmanager
def _graders(root: Path, workspace: Path, count: int):
    """``count`` nbgrader workers, started now so that their imports overlap the rest."""
    graders: queue.Queue[_Grader] = queue.Queue()
    logs = [workspace / f"nbgrader-worker-{n}.log" for n in range(count)]
    started = [_Grader.of(worker, workspace, n) for n, worker in enumerate(NbgraderWorker.start_several(root, logs))]
    for grader in started:
        graders.put(grader)
    try:
        yield graders
    except BaseException:
        for grader in started:  # mid-notebook, at once: an interrupted run records no more jobs
            grader.worker.stop()
        raise
    finally:
        for grader in started:
            grader.worker.close()


def _grade_students(run: _ClassRun, pool: ThreadPoolExecutor, on_student_done) -> list[JobResult]:
    """Grade each student as a job of its own; one whose grading did not reach the gradebook (its
    worker died, say) is graded once more, on a fresh worker, and is named if that fails too."""
    results: list[JobResult] = []
    first_try_of = {pool.submit(_grade_student, run, s): True for s in run.students}  # future -> first try?
    # This process's nbgrader (0.6 s to import), for merging finished jobs: imported once the
    # first students are being graded, where it delays nobody.
    with shared_database_engines():
        while first_try_of:
            future = next(as_completed(first_try_of))
            first_try = first_try_of.pop(future)
            result = future.result()
            _record_job(run, result, final=not first_try)
            if first_try and result.unmerged:
                first_try_of[pool.submit(_grade_student, run, result.student)] = False
                continue
            results.append(result)
            if on_student_done:
                on_student_done(result)
    return results
