"""Warm grading kernels: a fresh process per notebook without paying for imports each time.

Plain nbgrader spends most of a submission's time starting a Python kernel and
importing pandas and matplotlib. Here a *fork server* imports them once; for
every notebook, nbgrader starts the ``course-grader`` kernelspec, whose small
launcher asks the server for a kernel. The server forks a child that enters the
sandbox (memory cap, repository fence), takes the launcher's working folder and
environment, and becomes an ordinary ipykernel: each submission still runs in a
process of its own, sharing nothing writable with the others (fork gives the
child a copy-on-write copy of the already imported modules).

The launcher stands in for the kernel towards jupyter_client: it forwards
interrupts and termination to the child, and exits when the child does. The
child exits when the launcher dies, so no kernel outlives its grading run.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys
import threading

SOCKET_ENV = "COURSE_WARM_KERNEL_SOCKET"
# Imported once in the server, before any fork; the notebooks' own imports then cost nothing.
WARM_MODULES = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "jedi",
    "debugpy",
    "zmq",
    "tornado.ioloop",
)


# --- the server -----------------------------------------------------------------------------


def warm_up() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's warning about frozen modules
    # A forked child inherits no threads, so the parent must not start any (OpenBLAS would).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    for module in WARM_MODULES:
        with contextlib.suppress(ImportError):
            __import__(module)


def serve(socket_path: str) -> None:
    """Accept kernel requests on a unix socket until terminated; fork one kernel per request."""
    warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, no zombies
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(64)
    print("ready", flush=True)
    while True:
        connection, _ = server.accept()
        with connection:
            request = json.loads(_receive(connection))
            pid = os.fork()
            if pid == 0:
                server.close()
                connection.close()
                _become_kernel(request)
            connection.sendall(json.dumps({"pid": pid}).encode())


def _receive(connection: socket.socket) -> bytes:
    chunks: list[bytes] = []
    while not chunks or not chunks[-1].endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _become_kernel(request: dict) -> None:
    """In the forked child: take the launcher's place, enter the sandbox, run the kernel."""
    from diplomacy_course.grading import sandbox_kernel

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _quiet_standard_streams()  # the kernel talks over zmq; its start-up chatter would fill the log
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    _exit_with(request["launcher_pid"])
    try:
        sandbox_kernel.enter_sandbox()
        sys.argv = ["ipykernel", *request["argv"]]
        sandbox_kernel.run_kernel(request["argv"])
    finally:
        os._exit(0)


def _quiet_standard_streams() -> None:
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _exit_with(pid: int) -> None:
    """End this kernel as soon as its launcher is gone (killed by jupyter_client or otherwise)."""
    try:
        handle = os.pidfd_open(pid)
    except (OSError, AttributeError):
        return

    def watch() -> None:
        select.select([handle], [], [])
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="launcher-watch").start()


# --- the launcher (what the kernelspec runs) ---------------------------------------------------


def launch(argv: list[str]) -> int:
    """Ask the server for a kernel and stand in for it until it exits."""
    socket_path = os.environ.get(SOCKET_ENV)
    if not socket_path or not os.path.exists(socket_path):
        from diplomacy_course.grading import sandbox_kernel  # no server: a cold kernel, same sandbox

        sandbox_kernel.enter_sandbox()
        sandbox_kernel.run_kernel(argv)
        return 0
    child = _request_kernel(socket_path, argv)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
        signal.signal(signum, lambda s, _frame: _forward(child, s))
    _wait_for_exit(child)
    return 0


def _request_kernel(socket_path: str, argv: list[str]) -> int:
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "launcher_pid": os.getpid()}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.connect(socket_path)
        client.sendall(json.dumps(request).encode() + b"\n")
        return json.loads(client.recv(4096))["pid"]


def _forward(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
    if signum != signal.SIGINT:
        sys.exit(0)


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


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    else:
        sys.exit(launch(sys.argv[1:]))


if __name__ == "__main__":
    main()
