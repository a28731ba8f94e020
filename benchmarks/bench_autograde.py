"""Plain `nbgrader autograde` against `course autograde`, side by side on one class.

Builds a class of N submissions of an assignment (default a1, N=60) with a
realistic mix: mostly correct, some with one wrong answer, a few that do not
parse, and one runaway loop. Grades one copy of the course with plain nbgrader
(serial, the notebook's own python3 kernel) and another with the course's
parallel, warm-kernel autograder, checks that every student's every cell got
the same score in both gradebooks, and prints both times and the ratio. Both are timed as
commands (``python -m nbgrader autograde``, ``./course autograde``), from start to exit.

It also prints the compute floor (the solution's own code, tests included, run in one warm
Python process: what grading would cost with no machinery around it) with each contender's ratio
to it; the rendered floor (the same, also rendering its tables and figures as every Jupyter kernel
does) and from it the time a grader with no overhead at all would need for the class on these
cores; the time with ``--no-sandbox`` beside the sandboxed run; and the sandbox's own cost per
notebook: the median time to start a kernel, run one cell and stop it, with and without the
sandbox, through nbclient as each grader runs its kernels.

    .venv/bin/python -m benchmarks.bench_autograde [--students 60] [--assignment a1] [--timeout 10]
                                                   [--workers N] [--cold] [--repeats 3]

With ``--repeats N`` the class is graded in N rounds, each by plain nbgrader and then by each of
the course's contenders; it prints every round's ratio and the medians, since on a shared machine
one run's ratio can be off by a quarter. Each run also prints the CPU time the hypervisor gave to
other guests meanwhile (steal), one cause of such a run, and the time its cores sat idle: plain
nbgrader leaves all cores but one idle, and a parallel grader whose processes wait on each other
(or on the disk) leaves idle time too.

It prints figures; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from diplomacy_course.core import catalog, nbgrader_runner
from diplomacy_course.core.locations import gradebook_url
from diplomacy_course.core.release import release
from diplomacy_course.grading.autograde import usable_cores
from diplomacy_course.grading.gradebook import cell_scores
from diplomacy_course.grading.warm_kernels import draw_figures_once
from tests.support.course import copy_course, submit_notebooks
from tests.support.variants import questions, read, with_answer

REPO = Path(__file__).resolve().parents[1]


def make_class(root: Path, assignment, students: int, seed: int = 7) -> dict[str, str]:
    """Write the submissions; return student -> kind."""
    rng = random.Random(seed)
    solution = read(assignment.source_dir(root) / assignment.notebook)
    qs = questions(solution)
    kinds = {}
    for number in range(students):
        kind = (
            "runaway"
            if number == students // 2
            else rng.choices(["correct", "one_wrong", "syntax_error"], weights=[70, 25, 5])[0]
        )
        notebook = solution
        if kind == "one_wrong":
            notebook = with_answer(solution, rng.choice(qs), rng.choice(["stub", "wrong_value"]))
        elif kind in ("syntax_error", "runaway"):
            broken = with_answer(solution, qs[0], "stub")
            broken.cells[qs[0].answer_cell].source = "while True:\n    pass" if kind == "runaway" else "def (:"
            notebook = broken
        submit_notebooks(root, assignment, f"s{number:03d}", {assignment.notebook: notebook})
        kinds[f"s{number:03d}"] = kind
    return kinds


def scores(root: Path, assignment_id: str) -> dict[tuple[str, str], float]:
    return {(r["student_id"], r["question"]): r["score"] for r in cell_scores(gradebook_url(root), assignment_id)}


def time_plain(root: Path, assignment) -> float:
    """nbgrader as installed (``python -m nbgrader``), with the course's nbgrader_config.py."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "nbgrader", "autograde", assignment.id, "--force"]
    subprocess.run(command, cwd=root, env=nbgrader_runner.environment(), capture_output=True, check=False)
    return time.perf_counter() - start


def time_course(root: Path, assignment, warm: bool, sandbox: bool = True, workers: int | None = None) -> float:
    """``./course autograde`` as an instructor runs it: a command, like plain nbgrader's, so that
    both times include starting Python and importing what each needs."""
    options = [*([] if warm else ["--cold"]), *([] if sandbox else ["--no-sandbox"])]
    options += [f"--workers={workers}"] if workers else []
    start = time.perf_counter()
    finished = subprocess.run(
        [str(REPO / "course"), "autograde", assignment.id, *options],
        cwd=root,
        env={**nbgrader_runner.environment(), "COURSE_ROOT": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if finished.returncode != 0:
        output = finished.stdout[-2000:] + finished.stderr[-2000:]
        raise RuntimeError(f"course autograde failed ({finished.returncode}):\n{output}")
    return seconds


def _median_run(root: Path, assignment, run_once, repeats: int = 7, prepare=lambda: None) -> float:
    """Median seconds of ``run_once(cells)`` over the solution's code cells, run where a student's
    notebook runs (the released assignment's folder), with their printing discarded; ``prepare()``
    runs before each, untimed."""
    solution = read(assignment.source_dir(root) / assignment.notebook)
    cells = [c.source for c in solution.cells if c.cell_type == "code"]
    here = os.getcwd()
    os.chdir(root / "assignments" / assignment.id)
    try:
        times = []
        for _ in range(repeats):
            prepare()
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                run_once(cells)
            times.append(time.perf_counter() - start)
    finally:
        os.chdir(here)
    return statistics.median(times)


def compute_floor(root: Path, assignment, repeats: int = 7) -> float:
    """Median seconds to run the solution's code cells, hidden tests included, in this process."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from IPython.display import display

    def run_once(cells: list[str]) -> None:
        namespace: dict = {"display": display}  # what IPython gives a notebook's cells
        for source in cells:
            if not source.lstrip().startswith("%"):  # magics are IPython's, not Python
                exec(compile(source, assignment.notebook, "exec"), namespace)  # noqa: S102 (our own solution)
        plt.close("all")

    return _median_run(root, assignment, run_once, repeats)


def rendered_floor(root: Path, assignment, repeats: int = 7) -> float:
    """Median seconds for the same cells in one warm IPython shell that also renders what a notebook
    shows, as every Jupyter kernel does: tables as HTML and text, figures as PNG (inline backend).
    No grader can do a notebook's work for less; plain nbgrader does this work too."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import activate_matplotlib
    from matplotlib_inline.backend_inline import configure_inline_support

    backend = "module://matplotlib_inline.backend_inline"
    shell = InteractiveShell.instance()
    draw_figures_once()  # as grading kernels do: no unseen draw of each figure before its PNG
    activate_matplotlib(backend)  # what %matplotlib inline does in a kernel
    configure_inline_support(shell, backend)

    def run_once(cells: list[str]) -> None:
        for source in cells:
            shell.run_cell(source, store_history=False)

    # A fresh namespace for each run, untimed: a kernel starts with one. (The reset's full garbage
    # collection of this process, which has nbgrader imported, is a third of a second.)
    return _median_run(root, assignment, run_once, repeats, prepare=lambda: shell.reset(new_session=False))


def kernel_round_trip(mode: str, sandbox: bool, repeats: int = 15) -> float:
    """Median seconds to start a kernel, run one cell and stop it, the way each grader does."""
    from tests.support.kernels import KernelLab

    lab = KernelLab(Path(tempfile.mkdtemp(prefix="bench-kernel-")), mode, sandbox=sandbox).setup()
    try:
        with open(lab.base / "logs" / "kernels.log", "ab") as log:  # a plain kernel's warnings: not the terminal
            return statistics.median(_one_cell_notebook_seconds(lab, log) for _ in range(repeats))
    finally:
        lab.close()
        shutil.rmtree(lab.base, ignore_errors=True)


def _one_cell_notebook_seconds(lab, log) -> float:
    """A one-cell notebook through nbclient, with each grader's kernel manager (``KernelLab``)."""
    client = lab.notebook_client(["x = 1"])
    start = time.perf_counter()
    notebook = lab.execute(client, log)
    seconds = time.perf_counter() - start
    assert notebook.cells[0].execution_count == 1, "the cell did not run: its time means nothing"
    return seconds


def print_sandbox_cost() -> None:
    warm_on, warm_off = kernel_round_trip("warm", True), kernel_round_trip("warm", False)
    cold_on, plain = kernel_round_trip("cold", True), kernel_round_trip("plain", False)
    print(
        f"kernel start + one cell + stop, through nbclient (median of 15): warm sandboxed {warm_on * 1000:.0f} ms, "
        f"warm unsandboxed {warm_off * 1000:.0f} ms (sandbox cost {1000 * (warm_on - warm_off):+.0f} ms a notebook); "
        f"cold sandboxed {cold_on * 1000:.0f} ms; plain ipykernel {plain * 1000:.0f} ms"
    )


@dataclass
class Rounds:
    """What grading a class in rounds found."""

    times: dict[str, list[float]]  # each contender's seconds, one per round
    same_scores: dict[str, bool]  # every round's cell scores the same as plain nbgrader's
    kinds: dict[str, str]  # student -> kind of submission
    cell_count: int


def idle_and_stolen_core_seconds() -> tuple[float, float]:
    """Core-seconds since boot, over the cores this process may run on (/proc/stat): idle (or
    waiting for the disk), and given by the hypervisor to other guests (steal; 0 where there is
    none), since a round that lost many of those ran on a busy host."""
    cores = {f"cpu{number}" for number in os.sched_getaffinity(0)}
    idle = stolen = 0
    with contextlib.suppress(OSError, IndexError, ValueError):
        for line in Path("/proc/stat").read_text().splitlines():
            name, *ticks = line.split()
            if name in cores:
                idle += int(ticks[3]) + int(ticks[4])
                stolen += int(ticks[7])
    ticks_per_second = os.sysconf("SC_CLK_TCK")
    return idle / ticks_per_second, stolen / ticks_per_second


def grade_in_rounds(contenders: dict, assignment, students: int, repeats: int, work: Path) -> Rounds:
    """Grade the same class with every contender in turn, ``repeats`` times. A round's ratios then
    compare runs minutes apart, not a quiet hour with a busy one: the machine's speed drifts."""
    rounds = Rounds({name: [] for name in contenders}, dict.fromkeys(contenders, True), {}, 0)
    for round_number in range(1, repeats + 1):
        baseline_scores = None
        for name, grade in contenders.items():
            root = copy_course(work / name.replace(" ", "-"))
            release(assignment, root)
            rounds.kinds = make_class(root, assignment, students)
            idle_before, stolen_before = idle_and_stolen_core_seconds()
            seconds = grade(root)
            idle_after, stolen_after = idle_and_stolen_core_seconds()
            idle, stolen = idle_after - idle_before, stolen_after - stolen_before
            graded = scores(root, assignment.id)
            shutil.rmtree(root, ignore_errors=True)
            baseline_scores = graded if baseline_scores is None else baseline_scores
            rounds.same_scores[name] &= graded == baseline_scores
            rounds.cell_count = len(graded)
            rounds.times[name].append(seconds)
            label = f"round {round_number}/{repeats}  {name:30s}"
            print(
                f"{label} {seconds:8.1f} s  ({seconds / students:.2f} s per submission; idle: {idle:.1f} core-s; "
                f"stolen by the hypervisor: {stolen:.1f} core-s)",
                flush=True,
            )
    return rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="a1")
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--timeout", type=int, default=10, help="cell timeout for both (s)")
    parser.add_argument("--cold", action="store_true", help="also time the parallel grader without warm kernels")
    parser.add_argument("--workers", type=int, help="course autograde's workers (default: its own default)")
    parser.add_argument(
        "--repeats", type=int, default=1, help="rounds of every contender, one after the other (medians are printed)"
    )
    args = parser.parse_args()
    os.environ["COURSE_CELL_TIMEOUT"] = str(args.timeout)
    assignment = catalog.get(args.assignment)
    work = Path(tempfile.mkdtemp(prefix="bench-autograde-"))
    contenders = {
        "plain nbgrader": lambda r: time_plain(r, assignment),
        "course autograde": lambda r: time_course(r, assignment, warm=True, workers=args.workers),
        "course autograde --no-sandbox": lambda r: time_course(
            r, assignment, warm=True, sandbox=False, workers=args.workers
        ),
    }
    if args.cold:
        contenders["course autograde --cold"] = lambda r: time_course(r, assignment, warm=False, workers=args.workers)
    rounds = grade_in_rounds(contenders, assignment, args.students, args.repeats, work)
    mix = {k: list(rounds.kinds.values()).count(k) for k in sorted(set(rounds.kinds.values()))}
    cores = min(usable_cores(), args.workers or usable_cores())
    baseline_times = rounds.times["plain nbgrader"]
    print(
        f"class: {args.students} submissions of {assignment.id}: {mix}; cores: {cores}; "
        f"cell timeout {args.timeout} s; rounds: {args.repeats}"
    )
    floor = compute_floor(REPO, assignment)
    print(f"compute floor: {floor:.2f} s per notebook (the solution's code and tests in one warm process)")
    rendered = rendered_floor(REPO, assignment)
    # Every notebook costs about the floor (broken ones a little less); the runaway one also holds
    # a core for the whole cell timeout, whoever grades it.
    no_overhead = (args.students * rendered + args.timeout) / cores
    print(
        f"rendered floor: {rendered:.2f} s per notebook (the same, rendering its tables and figures as Jupyter "
        f"does); a grader with no overhead at all would need about {no_overhead:.1f} s for this class on "
        f"{cores} core{'s' if cores > 1 else ''}: {statistics.median(baseline_times) / no_overhead:.2f}x plain nbgrader"
    )
    for name, seconds in rounds.times.items():
        ratios = [plain / own for plain, own in zip(baseline_times, seconds, strict=True)]
        each = ", ".join(f"{r:.2f}x" for r in ratios)
        print(
            f"{name:30s} median {statistics.median(seconds):6.1f} s   speed-up vs plain nbgrader: median "
            f"{statistics.median(ratios):5.2f}x (rounds: {each})   wall x cores per notebook / floor: "
            f"{statistics.median(seconds) * cores / args.students / floor:5.1f}   "
            f"identical scores: {rounds.same_scores[name]} ({rounds.cell_count} cell scores)"
        )
    print_sandbox_cost()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
