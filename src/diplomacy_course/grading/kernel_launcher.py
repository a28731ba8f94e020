"""The course-grader kernel's launcher: what jupyter_client starts for every notebook.

One runs per notebook graded, so it is kept small: it runs as ``python -I -S kernel_launcher.py``
and imports only a few standard modules (about 18 ms of CPU, against about 40 ms for the
package's ``warm_kernels``). It sends the warm kernel server its folder, its pid and the course's kernel
settings from its environment (only those: the server's memory must never hold the grader's
other variables), and the server forks a sandboxed kernel. The launcher then stands in for the
kernel towards jupyter_client: it forwards interrupts and exits when the kernel does; when the
launcher goes, the kernel's supervisor kills the kernel.

When no server answers (``--cold``, or it died) the launcher becomes the package's full launcher
(``python -m diplomacy_course.grading.warm_kernels``), which starts a kernel in the same sandbox.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not imported at run time: every module counts here
    from collections.abc import Callable

SOCKET_ENV = "COURSE_WARM_KERNEL_SOCKET"  # the server's abstract socket name
MEMORY_ENV = "COURSE_GRADER_MEMORY_MB"
WALL_ENV = "COURSE_GRADER_WALL_SECONDS"
SCRATCH_ENV = "COURSE_GRADER_SCRATCH"  # where kernels' private temporary folders go
MPLCONFIG_ENV = "COURSE_GRADER_MPLCONFIG"  # matplotlib's configuration folder, read-only for kernels
SANDBOX_ENV = "COURSE_GRADER_SANDBOX"  # "off" only with autograde --no-sandbox
LOG_ENV = "COURSE_GRADER_LOGS"  # a folder for the kernels' own output (start-up errors)
KERNEL_SETTINGS = (MEMORY_ENV, WALL_ENV, SCRATCH_ENV, MPLCONFIG_ENV, SANDBOX_ENV, LOG_ENV)
FULL_LAUNCHER = "diplomacy_course.grading.warm_kernels"  # also the warm server's module


def kernelspec_argv() -> list[str]:
    """The course-grader kernelspec's ``argv``: this script, isolated (-I) and without
    site-packages (-S), since it needs neither; jupyter_client fills in the connection file."""
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), "-f", "{connection_file}"]


def launch_message(argv: list[str]) -> dict:
    """What the server needs to make this launcher's kernel."""
    return {
        "argv": argv,
        "workdir": os.getcwd(),
        "launcher_pid": os.getpid(),
        "settings": {name: os.environ[name] for name in KERNEL_SETTINGS if name in os.environ},
    }


def launch(argv: list[str], start_cold: Callable[[dict], dict]) -> int:
    """Get a kernel (from the server, else from ``start_cold``) and stand in for it until it exits."""
    message = launch_message(argv)
    reply = _ask_server(os.environ.get(SOCKET_ENV), message)
    if reply is None:
        reply = start_cold(message)
    if "error" in reply:
        print(f"The grading kernel could not start in its sandbox:\n{reply['error']}", file=sys.stderr)
        return 1
    kernel = reply["pid"]
    signal.signal(signal.SIGINT, lambda _s, _f: _interrupt(kernel))
    for signum in (signal.SIGTERM, signal.SIGQUIT):  # the supervisor kills the kernel when we go
        signal.signal(signum, lambda _s, _f: sys.exit(0))
    _wait_for_exit(kernel)
    return 0


def _ask_server(address: str | None, message: dict) -> dict | None:
    if not address:
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect("\0" + address)
            client.sendall(json.dumps(message).encode() + b"\n")
            reply = _receive_all(client)
    except OSError:
        return None  # the server is gone: start the kernel cold, in the same sandbox
    return json.loads(reply) if reply else None


def _receive_all(connection: socket.socket) -> bytes:
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _become_full_launcher(message: dict) -> dict:
    """Exec the package's launcher, which can start a cold kernel; it does not ask the server again."""
    environment = {name: value for name, value in os.environ.items() if name != SOCKET_ENV}
    os.execve(sys.executable, [sys.executable, "-m", FULL_LAUNCHER, *message["argv"]], environment)
    raise AssertionError("unreachable: execve returns only by raising")


def _interrupt(pid: int) -> None:
    try:  # noqa: SIM105 (contextlib is one more import for every notebook)
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass


def _wait_for_exit(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    while True:
        try:
            select.select([handle], [], [])
            return
        except InterruptedError:
            continue


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:], _become_full_launcher))
