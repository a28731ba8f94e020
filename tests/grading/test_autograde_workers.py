"""How a class run uses its nbgrader workers: how many it starts when the instructor does not say,
and that a worker never waits for the class gradebook."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from diplomacy_course.core import catalog
from diplomacy_course.grading import autograde
from diplomacy_course.grading.sandbox.kernel import Limits

PINNED_TO_ONE_CORE = (
    "import os\n"
    "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # as `taskset -c 0` or a one-core cpuset\n"
    "from diplomacy_course.grading.autograde import usable_cores\n"
    "print(usable_cores())\n"
)


def test_a_grader_pinned_to_one_core_starts_one_worker_not_one_per_core_of_the_machine():
    # Two workers fighting over one core would also bring each notebook nearer its wall-clock timeout.
    done = subprocess.run([sys.executable, "-c", PINNED_TO_ONE_CORE], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"


class _WorkerThatGradesAtOnce:
    """Stands in for an nbgrader worker: notes which student it graded into which gradebook."""

    def __init__(self, on_grading):
        self.graded: dict[str, str] = {}
        self._on_grading = on_grading

    def run(self, args: list[str], *, db_url: str, extra_env: dict[str, str]) -> tuple[int, str]:
        student = next(a for a in args if a.startswith("--CourseDirectory.student_id=")).split("=", 1)[1]
        self.graded[student] = db_url
        self._on_grading(student)
        return 0, "graded"


def test_a_worker_grades_its_next_student_while_the_last_one_is_merged(tmp_path, monkeypatch):
    """Merging into the class gradebook waits for the disk (SQLite's fsyncs); the worker does not
    wait with it. Here the first student's merge cannot end before the worker has started on the
    second, so with one worker that waited for each merge the run would never get there."""
    second_started = threading.Event()

    def note_the_second_student(student):
        if student == "s2":
            second_started.set()

    worker = _WorkerThatGradesAtOnce(note_the_second_student)

    def merge_once_the_worker_has_moved_on(run, job_db, student):
        return student == "s2" or second_started.wait(timeout=30)

    monkeypatch.setattr(autograde, "_reached", merge_once_the_worker_has_moved_on)
    snapshot = tmp_path / "class-snapshot.db"
    snapshot.write_bytes(b"")
    graders: queue.Queue = queue.Queue()
    graders.put(autograde._Grader.of(worker, tmp_path, 0))
    run = autograde._ClassRun(
        assignment=catalog.get("a1"),
        root=tmp_path,
        students=["s1", "s2"],
        workspace=tmp_path,
        limits=Limits(),
        sandbox=False,
        warm_socket=None,
        snapshot=snapshot,
        graders=graders,
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = (pool.submit(autograde._grade_student, run, student) for student in ("s1", "s2"))
        assert first.result(timeout=60).reached, "the worker waited for the first student's merge before the next"
        assert second.result(timeout=60).reached
    assert worker.graded["s1"] != worker.graded["s2"], "the second job wrote into the file still being merged"


def test_a_new_run_keeps_the_kernels_font_cache_and_wipes_the_rest_of_the_last_runs_workspace(tmp_path):
    # Building matplotlib's font list again held up the warm server's start by 0.1-0.4 s a run.
    assignment = catalog.get("a1")
    first = autograde._fresh_workspace(assignment, tmp_path)
    font_cache = autograde._mpl_config(first) / "fontlist-v390.json"
    font_cache.write_text("{}")
    (first / "scratch" / "left-over").write_text("a kernel's file")

    second = autograde._fresh_workspace(assignment, tmp_path)

    assert font_cache.read_text() == "{}"
    assert not (second / "scratch" / "left-over").exists()
    assert not autograde._mpl_config(second).is_relative_to(second), "a kernel's folders are wiped at each run"
