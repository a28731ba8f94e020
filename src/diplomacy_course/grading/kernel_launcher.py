"""The course-grader kernel's launcher: what jupyter_client starts for every notebook.

One runs per notebook graded, so it is kept small: it runs as ``python -I -S`` and imports only
modules built into the interpreter (about 8 ms of CPU; ``socket``, ``signal``, ``json`` and
``typing`` would add 15 ms between them, mostly for their enums and regular expressions). It
sends the warm kernel server its folder, its pid and the course's kernel settings from its
environment (only those: the server's memory must never hold the grader's other variables), and
the server forks a sandboxed kernel. The launcher then stands in for the kernel towards
jupyter_client: it forwards interrupts and exits when the kernel does, or when the process that
started it (nbgrader's worker) is gone; when the launcher goes, the kernel's supervisor kills the
kernel.

When no server answers (``--cold``, or it died) the launcher becomes the package's full launcher
(``python -m diplomacy_course.grading.warm_kernels``), which starts a kernel in the same sandbox.
"""

from __future__ import annotations

import _signal
import _socket
import marshal
import os
import select
import sys

TYPE_CHECKING = False  # typing itself is 10 ms to import; type checkers take this name as True
if TYPE_CHECKING:
    from collections.abc import Callable

SOCKET_ENV = "COURSE_WARM_KERNEL_SOCKET"  # the server's abstract socket name
MEMORY_ENV = "COURSE_GRADER_MEMORY_MB"
WALL_ENV = "COURSE_GRADER_WALL_SECONDS"
DISK_ENV = "COURSE_GRADER_DISK_MB"  # all a notebook may write to its folder and temporary folder
SCRATCH_ENV = "COURSE_GRADER_SCRATCH"  # where kernels' private temporary folders go
MPLCONFIG_ENV = "COURSE_GRADER_MPLCONFIG"  # matplotlib's configuration folder, read-only for kernels
SANDBOX_ENV = "COURSE_GRADER_SANDBOX"  # "off" only with autograde --no-sandbox
LOG_ENV = "COURSE_GRADER_LOGS"  # a folder for the kernels' own output (start-up errors)
KERNEL_SETTINGS = (MEMORY_ENV, WALL_ENV, DISK_ENV, SCRATCH_ENV, MPLCONFIG_ENV, SANDBOX_ENV, LOG_ENV)
FULL_LAUNCHER = "diplomacy_course.grading.warm_kernels"  # also the warm server's module


def kernelspec_argv() -> list[str]:
    """The course-grader kernelspec's ``argv``: this module, isolated (-I) and without
    site-packages (-S), since it needs neither; jupyter_client fills in the connection file.
    It is imported rather than run as a script, so that its compiled form is read from
    ``__pycache__`` instead of being compiled again for every notebook."""
    folder = os.path.dirname(os.path.abspath(__file__))
    code = f"import sys; sys.path[:0] = [{folder!r}]; import kernel_launcher; sys.exit(kernel_launcher.main())"
    return [sys.executable, "-I", "-S", "-c", code, "-f", "{connection_file}"]


def main() -> int:
    """What the kernelspec runs: a kernel from the warm server, else from the full launcher."""
    return launch(sys.argv[1:], _become_full_launcher)


def pack(message: dict) -> bytes:
    """A launcher message on the wire. marshal is built in (json is not); only processes of the
    server's own user may connect to it, and sandboxed kernels cannot reach it at all."""
    return marshal.dumps(message)


def unpack(data: bytes) -> dict:
    """The message ``pack`` made; ValueError if ``data`` is not one."""
    try:
        message = marshal.loads(data)
    except (EOFError, TypeError) as error:
        raise ValueError(f"not a launcher message: {error}") from None
    if not isinstance(message, dict):
        raise ValueError("not a launcher message: not a mapping")
    return message


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
    starter = _watch_starter()  # before anything else, so that its end is never missed
    message = launch_message(argv)
    reply = _ask_server(os.environ.get(SOCKET_ENV), message)
    if reply is None:
        reply = start_cold(message)
    if "error" in reply:
        print(f"The grading kernel could not start in its sandbox:\n{reply['error']}", file=sys.stderr)
        return 1
    kernel = reply["pid"]
    _signal.signal(_signal.SIGINT, lambda _s, _f: _interrupt(kernel))
    for signum in (_signal.SIGTERM, _signal.SIGQUIT):  # the supervisor kills the kernel when we go
        _signal.signal(signum, lambda _s, _f: sys.exit(0))
    _wait_for_exit(kernel, starter)
    return 0


def _ask_server(address: str | None, message: dict) -> dict | None:
    if not address:
        return None
    client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        client.connect("\0" + address)
        client.sendall(pack(message))
        client.shutdown(_socket.SHUT_WR)  # the end of the message
        reply = receive_all(client)
    except OSError:
        return None  # the server is gone: start the kernel cold, in the same sandbox
    finally:
        client.close()
    return unpack(reply) if reply else None


def receive_all(connection, limit: int = 1 << 20) -> bytes:
    """Everything the other end sends until it stops sending (at most ``limit`` bytes)."""
    chunks, size = [], 0
    while size < limit and (chunk := connection.recv(65536)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _become_full_launcher(message: dict) -> dict:
    """Exec the package's launcher, which can start a cold kernel; it does not ask the server again."""
    environment = {name: value for name, value in os.environ.items() if name != SOCKET_ENV}
    os.execve(sys.executable, [sys.executable, "-m", FULL_LAUNCHER, *message["argv"]], environment)
    raise AssertionError("unreachable: execve returns only by raising")


def _interrupt(pid: int) -> None:
    try:  # noqa: SIM105 (contextlib is one more import for every notebook)
        os.kill(pid, _signal.SIGINT)
    except ProcessLookupError:
        pass


def _watch_starter() -> int | None:
    """A pidfd of the process that started this launcher (nbgrader's worker). jupyter_client starts
    the launcher in a session of its own, so whatever ends the worker (the grader stopping an
    interrupted run, the out-of-memory killer) does not reach it; without this watch the kernel
    would idle until the notebook's wall-clock cap."""
    starter = os.getppid()
    try:
        handle = os.pidfd_open(starter)
    except ProcessLookupError:
        return None
    if os.getppid() != starter:  # it ended before the pidfd was open; its pid may be another's now
        os.close(handle)
        return None
    return handle


def _wait_for_exit(kernel: int, starter: int | None) -> None:
    """Return when the kernel ends, or when the launcher's starter has (``None``: already gone)."""
    if starter is None:
        return
    try:
        handles = [os.pidfd_open(kernel), starter]
    except ProcessLookupError:
        return
    while True:
        try:
            select.select(handles, [], [])
            return
        except InterruptedError:
            continue
