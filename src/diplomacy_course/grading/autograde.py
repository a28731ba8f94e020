"""Autograding a whole class in parallel, with the same scores as ``nbgrader autograde``.

The class is split into small batches; each batch is one ordinary
``nbgrader autograde`` run (so nbgrader's own logic decides every score) with:

- its own copy of the class gradebook, merged back afterwards one batch at a
  time (SQLite has no safe concurrent writers);
- the ``course-grader`` kernel: a fresh process per notebook, forked from a
  server that has already imported pandas and matplotlib (``warm_kernels``),
  with a memory cap and a fence around the repository (``sandbox_kernel``);
- nbgrader's cell timeout from nbgrader_config.py for runaway loops.

Batches run on as many workers as the machine has cores.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from diplomacy_course import paths
from diplomacy_course.grading import nbgrader_cli, sandbox_kernel, warm_kernels
from diplomacy_course.grading.catalog import Assignment
from diplomacy_course.grading.gradebook_merge import merge_submissions, record_ungradable
from diplomacy_course.grading.release import sync_data

KERNEL_NAME = "course-grader"
DEFAULT_MEMORY_MB = 1536


@dataclass
class BatchResult:
    students: list[str]
    merged: list[str] = field(default_factory=list)
    log_tail: str = ""

    @property
    def ungradable(self) -> list[str]:
        """Students nbgrader could not grade at all: recorded with zero and flagged."""
        return [s for s in self.students if s not in self.merged]


def class_db_url(root: Path) -> str:
    return os.environ.get("COURSE_GRADEBOOK_URL", "sqlite:///" + str(paths.grading_dir(root) / "gradebook.db"))


def submitted_students(assignment: Assignment, root: Path) -> list[str]:
    submitted = paths.grading_dir(root) / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{assignment.id}") if p.is_dir())


def install_grader_kernel(workspace: Path) -> Path:
    """Write the course-grader kernelspec into a JUPYTER_PATH folder of the workspace."""
    spec_dir = workspace / "jupyter" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "diplomacy_course.grading.warm_kernels", "-f", "{connection_file}"],
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


def _prepare_workspace(assignment: Assignment, root: Path) -> Path:
    """Make sure the class gradebook knows the assignment and its data are in place."""
    sync_data(assignment, root)
    nbgrader_cli.run(["generate_assignment", assignment.id, "--force", "--create"], root)
    workspace = paths.grading_dir(root) / ".workers" / assignment.id
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    return workspace


def _sqlite_path(db_url: str) -> Path | None:
    return Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite:///") else None


@contextlib.contextmanager
def warm_kernel_server(enabled: bool = True):
    """Run the fork server for the duration of a grading run; yield its socket (or None).

    It needs Linux (fork, and pidfd to follow processes that are not one's children);
    elsewhere every kernel starts cold, in the same sandbox."""
    if not enabled or not hasattr(os, "pidfd_open"):
        yield None
        return
    folder = tempfile.mkdtemp(prefix="course-warm-")
    socket_path = os.path.join(folder, "kernels.sock")
    server = subprocess.Popen([sys.executable, "-m", "diplomacy_course.grading.warm_kernels", "serve", socket_path],
                              stdout=subprocess.PIPE, env=nbgrader_cli.environment())
    try:
        if server.stdout.readline().strip() != b"ready":
            raise RuntimeError("The warm kernel server did not start; run with --cold to grade without it.")
        yield socket_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _snapshot_class_gradebook(root: Path, workspace: Path) -> Path | None:
    """Copy an SQLite class gradebook once, before any batch runs: batches copy this snapshot,
    never the class file itself, which finished batches are being merged into meanwhile."""
    class_file = _sqlite_path(class_db_url(root))
    if class_file is None:
        return None
    snapshot = workspace / "class-snapshot.db"
    shutil.copyfile(class_file, snapshot)
    return snapshot


def _run_batch(assignment: Assignment, root: Path, batch: list[str], everyone: list[str],
               number: int, workspace: Path, memory_mb: int, warm_socket: str | None) -> BatchResult:
    snapshot = workspace / "class-snapshot.db"
    db_path = workspace / f"batch-{number}.db"
    if snapshot.exists():
        shutil.copyfile(snapshot, db_path)
    worker_db = f"sqlite:///{db_path}" if snapshot.exists() else class_db_url(root)
    others = ",".join(s for s in everyone if s not in batch)
    env = {"JUPYTER_PATH": str(workspace / "jupyter"),
           sandbox_kernel.MEMORY_ENV: str(memory_mb),
           sandbox_kernel.PROTECTED_ENV: str(root)}
    if warm_socket:
        env[warm_kernels.SOCKET_ENV] = warm_socket
    args = ["autograde", assignment.id, "--force", f"--Execute.kernel_name={KERNEL_NAME}"]
    if others:
        args.append(f"--CourseDirectory.student_id_exclude={others}")
    done = nbgrader_cli.run(args, root, db_url=worker_db, extra_env=env, check=False)
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


def autograde_class(assignment: Assignment, root: Path | None = None, *, workers: int | None = None,
                    memory_mb: int = DEFAULT_MEMORY_MB, warm: bool = True,
                    on_batch_done=None) -> list[BatchResult]:
    """Autograde every submission of an assignment; return one result per batch."""
    root = root or paths.repo_root()
    students = submitted_students(assignment, root)
    if not students:
        raise FileNotFoundError(
            f"No submissions for {assignment.id} in {paths.grading_dir(root) / 'submitted'}: "
            f"collect them first (`./course collect {assignment.id}` or `./course zip-collect`).")
    workspace = _prepare_workspace(assignment, root)
    install_grader_kernel(workspace)
    _snapshot_class_gradebook(root, workspace)
    workers = workers or os.cpu_count() or 1
    results = []
    with warm_kernel_server(warm) as warm_socket, ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_run_batch, assignment, root, batch, students, n, workspace, memory_mb,
                               warm_socket): n
                   for n, batch in enumerate(batches(students, workers))}
        for future in as_completed(futures):
            result = future.result()
            worker_db = workspace / f"batch-{futures[future]}.db"
            if worker_db.exists():
                result.merged = merge_submissions(f"sqlite:///{worker_db}", class_db_url(root),
                                                  assignment.id, result.students)
            else:  # a shared server gradebook (PostgreSQL): nbgrader wrote to it directly
                result.merged = _graded_in(class_db_url(root), assignment.id, result.students)
            record_ungradable(class_db_url(root), assignment.id, result.ungradable)
            results.append(result)
            if on_batch_done:
                on_batch_done(result)
    return results
