"""A bank of broken and hostile submissions, built from an assignment's solution.

Each case says what it does to a correct submission and how many autograded
points it should then earn: the broken part earns nothing, the rest what it
earned, tampering nothing. ``expected`` is a function of the solution's
questions, so the bank works for any assignment.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import nbformat

from tests.support.variants import STUB, Question, is_autograded_test, questions

# The grading root is four levels above a notebook in grading/autograded/<student>/<assignment>/.
OUTSIDE_READ = (
    "import os\n"
    "try:\n"
    "    os.system('cp ../../../../solutions/{assignment}/{notebook} stolen.ipynb')\n"
    "except PermissionError:\n"
    "    pass\n"
    "secret = open('../../../../solutions/{assignment}/{notebook}').read()\n"
)
# Attacks from a class run on the real nbgrader (tests/grading/test_sandbox.py tries each property
# on its own, with a control run that shows the attack works where there is no sandbox).
KILLS_THE_GRADER = (
    "import ctypes, os, signal\n"
    "os.kill(os.getppid(), signal.SIGKILL)  # the launcher or warm kernel server, without a sandbox\n"
    "ctypes.CDLL(None).kill(-1, signal.SIGKILL)  # every process this user may signal\n"
)
WRITES_THE_GRADEBOOK = (
    "import sqlite3\n"
    "try:\n"
    "    with sqlite3.connect('../../../gradebook.db') as db:\n"
    "        db.execute('update grade set auto_score = 0')\n"
    "except sqlite3.Error:\n"
    "    pass\n"
)
READS_HIDDEN_TESTS_WITH_LIBC = (
    "import ctypes\n"
    "libc = ctypes.CDLL(None)\n"
    "libc.popen.restype = ctypes.c_void_p\n"
    "pipe = libc.popen(b'cat ../../../../solutions/{assignment}/{notebook} 2>&1', b'r')\n"
    "line = ctypes.create_string_buffer(4096)\n"
    "libc.fgets.restype = ctypes.c_char_p\n"
    "while pipe and libc.fgets(line, 4096, ctypes.c_void_p(pipe)):\n"
    "    print(line.value.decode(errors='replace'), end='')\n"
)
PRINTS_THE_ENVIRONMENT = "import os\nprint(dict(os.environ))\n"
FILLS_THE_DISK = (
    "try:\n"
    "    for n in range(16):  # 1 GB, in files of 64 MB (each below the file-size limit)\n"
    "        with open(f'fill-{n}', 'wb') as file:\n"
    "            file.write(b'x' * 2**26)\n"
    "except OSError:\n"
    "    pass\n"
)
HOGS_SOCKET_BUFFERS = (
    "import socket\n"
    "pairs = []\n"
    "try:\n"
    "    for _ in range(128):  # 1 GB in unix socket buffers, which the memory limit does not count\n"
    "        a, b = socket.socketpair()\n"
    "        a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * 2**20)\n"
    "        a.setblocking(False)\n"
    "        pairs.append((a, b))\n"
    "        try:\n"
    "            while True:\n"
    "                a.send(b'x' * 65536)\n"
    "        except BlockingIOError:  # this pair's buffer is full\n"
    "            pass\n"
    "except OSError:\n"
    "    print('socket pair refused')\n"
)


@dataclass
class Case:
    name: str
    files: Callable  # (solution notebook, context) -> {filename: notebook or None}
    lost_questions: Callable  # (questions) -> questions whose points are lost; None = nothing graded


def question_points(notebook, question: Question) -> float:
    """The autograded points of a question's tests."""
    return sum(notebook.cells[i].metadata.nbgrader["points"] for i in question.test_cells)


def _edit_answer(notebook, question: Question, prefix: str = "", suffix: str = "", replace=None):
    changed = copy.deepcopy(notebook)
    cell = changed.cells[question.answer_cell]
    cell.source = replace if replace is not None else prefix + cell.source + suffix
    return changed


def _first(qs):
    return qs[0]


def _last(qs):
    return qs[-1]


def _middle(qs):
    return qs[len(qs) // 2]


def _delete_question(notebook, question: Question):
    changed = copy.deepcopy(notebook)
    doomed = {question.answer_cell, *question.test_cells}
    changed.cells = [c for i, c in enumerate(changed.cells) if i not in doomed]
    return changed


def _edit_tests(notebook, question: Question):
    changed = _edit_answer(notebook, question, replace=STUB)
    for index in question.test_cells:
        changed.cells[index].source = "pass  # all good, promise"
    return changed


def _tamper_metadata(notebook, question: Question):
    changed = _edit_answer(notebook, question, replace=STUB)
    first, *rest = question.test_cells
    changed.cells[first].metadata.nbgrader["points"] = 100
    changed.cells[first].source = "pass"
    for index in rest:
        changed.cells[index].metadata.nbgrader["grade_id"] += "_renamed"
    return changed


def bank(assignment_id: str, notebook_name: str) -> list[Case]:
    outside = OUTSIDE_READ.format(assignment=assignment_id, notebook=notebook_name)
    libc_read = READS_HIDDEN_TESTS_WITH_LIBC.format(assignment=assignment_id, notebook=notebook_name)
    same = lambda nb: {notebook_name: nb}  # noqa: E731
    return [
        Case(
            "infinite_loop",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), "while True:\n    pass\n")),
            lambda qs: [_first(qs)],
        ),
        Case(
            "kernel_crash",
            lambda nb, qs: same(_edit_answer(nb, _last(qs), "import os\nos._exit(1)\n")),
            lambda qs: [_last(qs)],
        ),
        Case(
            "memory_hog",
            lambda nb, qs: same(_edit_answer(nb, _middle(qs), "hog = [bytearray(256 * 2**20) for _ in range(64)]\n")),
            lambda qs: [_middle(qs)],
        ),
        Case(
            "syntax_error",
            lambda nb, qs: same(_edit_answer(nb, _middle(qs), "def broken(:\n    pass\n")),
            lambda qs: [_middle(qs)],
        ),
        Case("deleted_cells", lambda nb, qs: same(_delete_question(nb, _first(qs))), lambda qs: [_first(qs)]),
        Case("edited_test_cell", lambda nb, qs: same(_edit_tests(nb, _first(qs))), lambda qs: [_first(qs)]),
        Case("tampered_metadata", lambda nb, qs: same(_tamper_metadata(nb, _first(qs))), lambda qs: [_first(qs)]),
        Case("renamed_notebook", lambda nb, qs: {"my-final-version.ipynb": nb}, lambda qs: None),
        Case("missing_notebook", lambda nb, qs: {}, lambda qs: None),
        Case(
            "extra_notebook",
            lambda nb, qs: {notebook_name: nb, "scratch.ipynb": nbformat.v4.new_notebook()},
            lambda qs: [],
        ),
        Case(
            "gigantic_output",
            lambda nb, qs: same(
                _edit_answer(nb, _first(qs), suffix="\nfor _ in range(200):\n    print('x' * 100_000)\n")
            ),
            lambda qs: [],
        ),
        Case(  # in its sandbox the kernel is PID 1 of its namespace: these signals reach no one
            "kills_the_grader",
            lambda nb, qs: same(_edit_answer(nb, _last(qs), KILLS_THE_GRADER)),
            lambda qs: [],
        ),
        Case(
            "writes_the_gradebook",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), WRITES_THE_GRADEBOOK)),
            lambda qs: [],
        ),
        Case(
            "reads_hidden_tests_with_libc",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), libc_read)),
            lambda qs: [],
        ),
        Case(
            "prints_the_environment",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), PRINTS_THE_ENVIRONMENT)),
            lambda qs: [],
        ),
        Case(  # in its sandbox the notebook writes to a throwaway copy of its folder, 512 MB at most
            "fills_the_disk",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), suffix="\n" + FILLS_THE_DISK)),
            lambda qs: [],
        ),
        Case(  # in its sandbox no new socket pair can be made once the first cell runs
            "hogs_socket_buffers",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), suffix="\n" + HOGS_SOCKET_BUFFERS)),
            lambda qs: [],
        ),
        Case(
            "reads_outside_its_folder",
            lambda nb, qs: same(_edit_answer(nb, _first(qs), outside)),
            lambda qs: [_first(qs)],
        ),
    ]


def auto_total(solution) -> float:
    """All the autograded points of a notebook: what a correct submission earns."""
    return sum(c.metadata.nbgrader["points"] for c in solution.cells if is_autograded_test(c))


def expected_auto_score(solution, case: Case) -> float | None:
    """Autograded points the case should earn; None when no notebook can be graded."""
    lost = case.lost_questions(questions(solution))
    if lost is None:
        return None
    return auto_total(solution) - sum(question_points(solution, q) for q in lost)
