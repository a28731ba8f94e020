"""What the warm grading kernel does differently from Jupyter's own, beyond the sandbox."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from diplomacy_course.grading import kernel_launcher, warm_kernels
from diplomacy_course.grading.sandbox import kernel as sandbox_kernel
from tests.support.kernels import KernelLab, run_in_new_lab

# Objects a warm kernel inherits frozen from the fork server (a cold one has none): pandas,
# matplotlib and IPython alone are far more.
FROZEN_BY_THE_SERVER = 100_000

FIGURE_THAT_COUNTS_ITS_DRAWS = """
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([1, 3, 2])
fig.canvas.mpl_connect("draw_event", lambda event: print("DRAWN"))
"""


@pytest.mark.parametrize(("mode", "draws"), [("warm", 2), ("plain", 3)])
def test_a_figure_is_drawn_once_less_than_in_jupyter_and_still_shown(tmp_path, mode, draws):
    """The inline PNG takes two draws (one without rendering, to measure the figure's tight box).
    Jupyter's own kernel, the control, renders it once more before: pyplot's hook after a cell."""
    outcome = run_in_new_lab(tmp_path, FIGURE_THAT_COUNTS_ITS_DRAWS, mode)
    assert outcome.error is None, outcome
    assert "image/png" in outcome.shown
    assert outcome.stdout.count("DRAWN") == draws, outcome.stdout


LAST_WORDS = """
import sys, threading
for number in range(2000):
    print(number)
sys.stdout.write("the last line, without its newline")
writer = threading.Thread(target=lambda: sys.stderr.write("and a word from a thread"))
writer.start()
writer.join()
"""


@pytest.mark.parametrize(("mode", "streams"), [("warm", "PromptFlushOutStream"), ("cold", "OutStream")])
def test_a_cells_last_output_is_that_cells_though_the_kernel_does_not_pause_before_replying(tmp_path, mode, streams):
    """ipykernel pauses 0.5 ms before each cell's reply, for front ends that stop reading at the
    reply; the course's kernels do not, and a warm one's streams do not wait for its IOPub thread
    when nothing is pending. nbclient reads a cell's output until the kernel says it is idle, so
    the last words of a cell still land in that cell, and none in the next one."""
    lab = KernelLab(tmp_path, mode).setup()
    try:
        settings = "import sys; print(get_ipython().kernel._execute_sleep, type(sys.stdout).__name__)"
        notebook = lab.execute(lab.notebook_client([LAST_WORDS, settings]))
    finally:
        lab.close()
    first, second = ("".join(output.get("text", "") for output in cell.outputs) for cell in notebook.cells)
    assert first.startswith("0\n1\n2\n") and "1999\nthe last line, without its newline" in first
    assert "and a word from a thread" in first
    assert second == f"0.0 {streams}\n", "the grading kernel still pauses before each reply, or has other streams"


def test_a_warm_kernel_leaves_what_it_inherited_to_the_fork_server(tmp_path):
    """The fork server freezes its heap before forking: a kernel's garbage collector then never
    scans (and so never writes to, copying its pages) the modules every kernel shares."""
    outcome = run_in_new_lab(tmp_path, "import gc; print(gc.get_freeze_count())")
    assert outcome.error is None, outcome
    assert int(outcome.stdout) > FROZEN_BY_THE_SERVER


def test_the_launcher_tells_the_server_the_kernel_settings_and_nothing_else_of_the_grader(tmp_path, monkeypatch):
    """Whatever the launcher sends stays in the warm server's memory, which every later kernel
    inherits: the grader's tokens must not be in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "grader-token")
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", "postgresql://grader:secret@db/gradebook")
    monkeypatch.setenv(kernel_launcher.MEMORY_ENV, "123")
    monkeypatch.setenv(kernel_launcher.SANDBOX_ENV, "off")
    monkeypatch.setenv(kernel_launcher.SOCKET_ENV, "course-warm-kernels-test")
    message = kernel_launcher.launch_message(["-f", "kernel.json"])
    assert "grader-token" not in str(message) and "secret" not in str(message)
    assert message["settings"] == {kernel_launcher.MEMORY_ENV: "123", kernel_launcher.SANDBOX_ENV: "off"}
    request = warm_kernels.request_from_launcher(message)
    assert (request.limits.memory_mb, request.sandbox, request.workdir) == (123, False, str(tmp_path))
    assert request.scratch_root == str(tmp_path / "..")  # the default beside the submission folder
    assert request.connection_file() == "kernel.json"


@pytest.mark.parametrize("request_bytes", [b"{not a launcher's message", b"", None], ids=["garbage", "empty", "silent"])
def test_a_request_the_server_cannot_read_is_refused_and_the_next_kernel_still_starts(tmp_path, request_bytes):
    """Only the grader's own processes can reach the server, but one of them sending something
    else (or nothing, and never closing) must cost no student a warm kernel."""
    lab = KernelLab(tmp_path, "warm").setup()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect("\0" + lab.address)
            if request_bytes is not None:
                client.sendall(request_bytes)
                client.shutdown(socket.SHUT_WR)
                assert "unreadable kernel request" in _answer(client)["error"]
            outcome = lab.run("import gc; print(gc.get_freeze_count())")  # the silent one still connected
            if request_bytes is None:  # the server gave up waiting for it, and said so
                assert "unreadable kernel request" in _answer(client)["error"]
    finally:
        lab.close()
    assert outcome.error is None, outcome
    assert int(outcome.stdout) > FROZEN_BY_THE_SERVER, "the kernel was started cold: the server is gone"


def _answer(client: socket.socket) -> dict:
    client.settimeout(warm_kernels.REQUEST_SECONDS + 10)
    return kernel_launcher.unpack(kernel_launcher.receive_all(client))


READ_DESCRIPTOR_TABLE_SIZE = "print(next(line.split()[1] for line in open('/proc/self/status') if 'FDSize' in line))"


def test_a_kernel_starts_with_room_for_its_descriptors(tmp_path):
    """A process with threads that outgrows its table of file descriptors waits for an RCU grace
    period (milliseconds, every thread stalled); a fork inherits a table sized to its parent's
    highest descriptor. A grading kernel's is grown while it still has one thread. (Unsandboxed
    here only so that the kernel may read its own /proc status; both go the same way.)"""
    outcome = run_in_new_lab(tmp_path, READ_DESCRIPTOR_TABLE_SIZE, "warm", sandbox=False)
    assert outcome.error is None, outcome
    assert int(outcome.stdout) >= sandbox_kernel.DESCRIPTOR_ROOM


SERVERS_MODULES = (
    "import json, sys\n"
    "from diplomacy_course.grading import warm_kernels\n"
    "warm_kernels.warm_up()\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


@pytest.mark.parametrize("sandbox", [True, False])
def test_a_warm_kernel_imports_nothing_for_itself_as_it_starts(tmp_path, sandbox):
    # Each module a kernel imports after the fork costs every notebook its search and load.
    outcome = run_in_new_lab(
        tmp_path, "import json, sys; print(json.dumps(sorted(sys.modules)))", "warm", sandbox=sandbox
    )
    assert outcome.error is None, outcome
    server = subprocess.run([sys.executable, "-c", SERVERS_MODULES], capture_output=True, text=True, check=True)
    assert set(json.loads(outcome.stdout)) - set(json.loads(server.stdout)) == set()


FRONT_END_MODULES = (
    "import sys\n"
    "print(*(name in sys.modules for name in ('debugpy', 'jedi')))\n"
    "import debugpy, jedi  # a notebook may still use them\n"
    "print('imported')\n"
)


def test_a_warm_kernel_starts_without_what_only_a_front_end_uses_which_a_notebook_may_still_import(tmp_path):
    outcome = run_in_new_lab(tmp_path, FRONT_END_MODULES, "warm", sandbox=False)
    assert outcome.error is None, outcome
    assert outcome.stdout.split() == ["False", "False", "imported"], outcome.stdout
