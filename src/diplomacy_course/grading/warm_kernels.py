"""Warm grading kernels: a fresh, sandboxed process per notebook without paying for imports.

Plain nbgrader spends most of a submission's time starting a Python kernel and importing pandas
and matplotlib. Here a *fork server* imports them once; for every notebook, nbgrader starts the
``course-grader`` kernelspec, whose small launcher (``kernel_launcher``) asks the server for a
kernel. The server forks a supervisor, which forks the kernel into its sandbox
(``sandbox.kernel``): each submission runs in a process of its own, fenced in by the Linux
kernel, with a copy-on-write copy of the modules already imported.

The server listens on an abstract unix socket: Landlock's scope keeps sandboxed kernels from
reaching it, and it serves only processes of its own user. It is started with the kernels' own
short environment, so nothing of the grader's (tokens, database URLs) is in its memory for a
forked kernel to find. When it is not there (``--cold``, or it died), the launcher execs this
module as the full launcher, which starts the kernel itself, in the same sandbox; the kernel
process then execs a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import socket
import struct
import sys
from functools import partial

from diplomacy_course.grading import kernel_launcher
from diplomacy_course.grading.kernel_launcher import (
    DISK_ENV,
    LOG_ENV,
    MEMORY_ENV,
    MPLCONFIG_ENV,
    SANDBOX_ENV,
    SCRATCH_ENV,
    WALL_ENV,
)
from diplomacy_course.grading.sandbox.kernel import INLINE_FIGURES, KernelRequest, Limits, supervise

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
    # What ipykernel imports only while a kernel initialises (found with sys.modules before/after).
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "psutil",
    "sqlite3",
    "tornado.platform.asyncio",
    "zmq",
    "tornado.ioloop",
    "pyseccomp",
    "diplomacy_course.grading.kernel_streams",
    "diplomacy_course.grading.kernel_app",
    # What a kernel still imported for itself as it started (tests/grading/test_warm_kernels.py).
    "diplomacy_course.grading.sandbox.syscalls",
    "IPython.core.logger",
    "runpy",
    "faulthandler",
    "encodings.utf_16_be",
)


# Left out of the server, so that no kernel starts with them: ipykernel's debugger (debugpy) and
# IPython's completions (jedi) serve a front end, which a grading kernel never has. Without them a
# kernel starts with 210 modules fewer (of 1330), each of which it touched once as it started.
# Only while the server imports: a notebook may still import either.
FRONT_END_ONLY = ("debugpy", "jedi")


# --- the server -----------------------------------------------------------------------------

REQUEST_SECONDS = 5  # for a launcher to send its request, so that one which never does cannot stall the server


def warm_up() -> None:
    # Whatever the caller's setting: matplotlib fixes its backend at import, and a kernel must draw
    # inline as Jupyter's do (with Agg a graded notebook would lose every figure).
    os.environ["MPLBACKEND"] = INLINE_FIGURES
    # A forked child inherits no threads, so the parent must not start any (OpenBLAS would).
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    with _unavailable(FRONT_END_ONLY):
        for module in WARM_MODULES:
            with contextlib.suppress(ImportError):
                __import__(module)
    # Decided here, where the folder is writable; a sandboxed kernel asking again would find it
    # read-only and warn on stderr in the student's first cell.
    with contextlib.suppress(ImportError):
        import matplotlib

        matplotlib.get_configdir()
        matplotlib.get_cachedir()
    # jupyter_client lists the machine's network interfaces once per process (0.1 s); list them
    # here so every forked kernel inherits the answer.
    with contextlib.suppress(ImportError):
        from jupyter_client import localinterfaces

        localinterfaces.localhost()
    with contextlib.suppress(ImportError):
        _first_uses()


@contextlib.contextmanager
def _unavailable(modules: tuple[str, ...]):
    """``import`` of these fails meanwhile (as if not installed), unless one is imported already."""
    blocked = [name for name in modules if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # what import reads as "not found"
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def _first_uses() -> None:
    """What any notebook's first table and first figure load once per process (parsers, fonts,
    text layout, the PNG writer), done here so that each kernel starts with them loaded. Nothing
    of an assignment is run: every student's kernel inherits the same state."""
    import gzip
    import io

    import pandas as pd
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure

    table = pd.read_csv(io.BytesIO(gzip.compress(b"k,v,t\na,1.5,2020-01-02T03:04:05Z\n")), compression="gzip")
    table["t"] = pd.to_datetime(table["t"], utc=True)
    table.groupby("k")[["v"]].median().style.format("{:.4g}").to_html()
    table._repr_html_()
    # pyplot's backend stays unresolved: the inline backend must first be loaded inside the kernel.
    figure = Figure(figsize=(2, 1.5))
    axes = figure.subplots()
    axes.barh(["a", "b"], [1, 2])
    axes.set(title="t", xlabel="x", ylabel="y")
    figure.tight_layout()
    print_figure(figure, "png", bbox_inches="tight")
    _shell_colours()


def _shell_colours() -> None:
    """The shell's colour theme, which IPython (9.19 on) reads from a JSON file when first asked."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.PyColorize import theme_table

    with contextlib.suppress(LookupError):  # a theme IPython no longer has: each kernel then says so
        theme_table[InteractiveShell.class_traits()["colors"].default_value]


# mallopt's parameters (glibc's malloc.h), and the values that glibc's own adjustment of the first
# two ends at on a 64-bit machine (DEFAULT_MMAP_THRESHOLD_MAX, and twice that).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024


def keep_freed_memory() -> None:
    """Let every kernel forked from here reuse the memory it frees. By default glibc gives each
    freed block above 128 KB back to the system, and maps fresh pages for the next one, which
    the Linux kernel must zero on first touch: a notebook's tables and figures cost about 6,000
    such page faults a kernel. glibc raises these thresholds itself as blocks are freed, up to
    the values set here, but a kernel lives too short a time to get there. (A kernel's memory
    limit counts the same bytes either way.) Without glibc, nothing changes."""
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)
        mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_MAX)


def server_command(address: str) -> list[str]:
    """The command that runs a server on the abstract socket ``address``."""
    return [sys.executable, "-m", kernel_launcher.FULL_LAUNCHER, "serve", address]


def serve(address: str) -> None:
    """Accept kernel requests until terminated; fork one supervised kernel per request."""
    warm_up()
    from diplomacy_course.grading.kernel_app import GradingKernelApp

    keep_freed_memory()
    # What every kernel inherits is never garbage: no kernel's collector scans it (or writes to
    # its pages, which the fork shares until written to). Python's advice for fork servers.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel, no zombies
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("\0" + address)
    server.listen(64)
    print("ready", flush=True)
    while True:
        connection, _ = server.accept()
        with connection:
            if not _from_own_user(connection):
                continue
            connection.settimeout(REQUEST_SECONDS)
            try:
                request = request_from_launcher(kernel_launcher.unpack(kernel_launcher.receive_all(connection)))
            except (OSError, ValueError, KeyError, TypeError) as error:  # not our launcher's: go on serving
                _reply_on(connection)({"error": f"unreadable kernel request ({error})"})
                continue
            argv = _warm_kernel_argv(request.kernel_argv())
            GradingKernelApp.read_once(argv)  # here, so that only the first kernel pays for it
            if os.fork() == 0:
                server.close()
                status = supervise(request, _reply_on(connection), partial(_run_warm_kernel, argv))
                os._exit(status)


def _from_own_user(connection: socket.socket) -> bool:
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", credentials)
    return uid == os.geteuid()


def _reply_on(connection: socket.socket):
    def reply(message: dict) -> None:
        with contextlib.suppress(OSError):
            connection.sendall(kernel_launcher.pack(message))
        connection.close()

    return reply


def _warm_kernel_argv(argv: list[str]) -> list[str]:
    from diplomacy_course.grading import kernel_streams

    # Only warm kernels: a cold one runs a fresh interpreter, which cannot import the course.
    return [*argv, kernel_streams.kernel_option()]


def _run_warm_kernel(argv: list[str]) -> None:
    from diplomacy_course.grading.kernel_app import GradingKernelApp

    draw_figures_once()
    sys.argv = ["ipykernel", *argv]
    GradingKernelApp.launch_instance(argv=argv)


def draw_figures_once() -> None:
    """After each cell pyplot draws every changed figure on its canvas (its REPL hook); then the
    inline backend draws each again into the PNG it shows, and closes it. The first draw, which
    nothing shows, is a third of a figure's cost: skip it while the backend is inline. The PNG is
    the same bytes. (A cold kernel cannot import the course, so it draws twice, as Jupyter does.)"""
    import matplotlib
    import matplotlib.pyplot as pyplot

    draw_all = pyplot._draw_all_if_interactive  # what pyplot registers on IPython's post_execute

    def draw_all_unless_inline() -> None:
        if "inline" not in str(matplotlib.rcParams["backend"]):  # INLINE_FIGURES, or %matplotlib inline
            draw_all()

    pyplot._draw_all_if_interactive = draw_all_unless_inline


def _exec_cold_kernel(argv: list[str]) -> None:
    os.execve(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv], dict(os.environ))


# --- the launcher's request, and the cold path -------------------------------------------------


def request_from_launcher(message: dict) -> KernelRequest:
    """The kernel a launcher asks for (``kernel_launcher.launch_message``), with the course's
    defaults for settings its environment lacked."""
    settings = message["settings"]
    defaults = Limits()
    return KernelRequest(
        argv=message["argv"],
        workdir=message["workdir"],
        launcher_pid=message["launcher_pid"],
        scratch_root=settings.get(SCRATCH_ENV) or os.path.join(message["workdir"], ".."),
        mpl_config=settings.get(MPLCONFIG_ENV) or None,
        limits=Limits(
            memory_mb=int(settings.get(MEMORY_ENV, defaults.memory_mb)),
            wall_seconds=int(settings.get(WALL_ENV, defaults.wall_seconds)),
            disk_mb=int(settings.get(DISK_ENV, defaults.disk_mb)),
        ),
        sandbox=settings.get(SANDBOX_ENV) != "off",
        log_folder=settings.get(LOG_ENV) or None,
    )


def launch(argv: list[str]) -> int:
    """The full launcher, which the small one execs when no server answered. It is given no
    server address, so it starts the kernel here, cold, and then stands in for it as the small
    launcher does for a warm one."""
    return kernel_launcher.launch(argv, lambda message: _start_here(request_from_launcher(message)))


def _start_here(request: KernelRequest) -> dict:
    """The cold path: this launcher forks the supervisor; the kernel execs a fresh interpreter
    (so none of this process's memory, the grader's environment included, reaches it)."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.close(read_end)

        def reply(message: dict) -> None:
            os.write(write_end, kernel_launcher.pack(message))
            os.close(write_end)

        os._exit(supervise(request, reply, partial(_exec_cold_kernel, request.kernel_argv())))
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read()
    return kernel_launcher.unpack(answer) if answer else {"error": "the kernel supervisor ended without a word"}


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    else:
        sys.exit(launch(sys.argv[1:]))


if __name__ == "__main__":
    main()
