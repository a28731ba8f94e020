"""One grading kernel in a sandbox the Linux kernel enforces.

For every notebook, a *supervisor* process forks the kernel process into new PID, IPC and UTS
namespaces (and, for a grader that is not root, a new user namespace). Before the kernel runs
any student code, the kernel process

- becomes an identity of its own: a fresh unprivileged uid when the grader is root (keeping
  only the right to read and write past file modes, inside what Landlock allows), or the
  grader's uid with no capabilities in its own user namespace otherwise;
- takes resource limits: writable memory, processes, CPU time, file size, no core dumps;
- gets its submission folder and a private temporary folder as throwaway copies, in a mount
  namespace of its own: whatever it writes to them lands in a size-limited tmpfs that is gone
  with the kernel, so a notebook can neither fill the grader's disk nor leave files behind;
- is fenced in by Landlock: it may read the Python environment, system libraries and its own
  connection file, read and write those two folders, and nothing else; it may bind only its own
  five TCP ports and connect to none; it may not signal,
  or reach the abstract unix sockets of, any process outside its sandbox (ptrace and
  /proc/<pid> of such processes are refused by Landlock too);
- loads a seccomp filter (``syscalls``) and keeps a short allow-list of environment variables;
  just before its first cell it loads a second one (``first_cell``), which refuses new socket
  pairs once its own event loops have made theirs.

The supervisor stays outside: it reports the kernel's pid (or why it could not start) to the
launcher that jupyter_client started, keeps the start of the kernel's own output in its log,
kills the kernel at the wall-clock limit or when the launcher goes, and removes the private
folder. The kernel is PID 1 of its namespace, so when it ends every process it started ends with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from diplomacy_course.grading.sandbox import landlock, linux

ROOT_KERNEL_UID_BASE = 2_000_000_000  # kernel uid = base + the supervisor's pid: unique while it runs
KERNEL_LOG_BYTES = 1 << 20  # what is kept of a kernel's own output; the rest is read and dropped
SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives", "/etc/ssl/certs")
SYSTEM_FILES = (
    "/etc/localtime",
    "/etc/timezone",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/ld.so.cache",
    "/etc/mime.types",
)
DEVICES = ("/dev/null", "/dev/full", "/dev/random", "/dev/urandom")
# Read only: opened for writing, /dev/zero maps as shared memory, which the memory limit does not count.
READ_ONLY_DEVICES = ("/dev/zero",)
CPU_INFORMATION = "/sys/devices/system/cpu"  # how many cores (numpy, os.cpu_count)
FIRST_CELL_FENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "first_cell.py")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1536  # RLIMIT_DATA: writable memory (not address space, which glibc over-reserves)
    processes: int = 128  # tasks, threads included: a fork bomb stops here
    # Each pipe holds kernel memory that no other limit counts: this bounds how many (the usual
    # default, far above what a kernel uses).
    open_files: int = 1024
    cpu_seconds: int = 600
    wall_seconds: int = 900  # the whole notebook
    file_mb: int = 256  # largest file it may write
    # All it may write, to its folder and its temporary folder together: a tmpfs of this size
    # (memory, not disk), dropped with the kernel.
    disk_mb: int = 512


@dataclass
class KernelRequest:
    """What a launcher asks for: a kernel for this connection file, in this folder."""

    argv: list[str]  # ipykernel arguments: -f <connection file>
    workdir: str
    launcher_pid: int
    scratch_root: str  # where private temporary folders are made
    mpl_config: str | None = None  # matplotlib's configuration folder (its font cache): read-only
    limits: Limits = field(default_factory=Limits)
    sandbox: bool = True
    log_folder: str | None = None  # the kernel's own stdout and stderr go to a file here

    def connection_file(self) -> str:
        return self.argv[self.argv.index("-f") + 1]

    def kernel_argv(self) -> list[str]:
        """ipykernel's arguments: a sandboxed kernel also loads the second seccomp filter before
        its first cell (``first_cell``)."""
        if not self.sandbox:
            return self.argv
        return [*self.argv, f"--IPKernelApp.exec_files={FIRST_CELL_FENCE}"]


def python_folders() -> list[str]:
    """The interpreter, its standard library and installed packages (read-only for kernels)."""
    import diplomacy_course

    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    folders.add(os.path.dirname(os.path.abspath(diplomacy_course.__file__)))  # an editable install: the package only
    for entry in sys.path:  # site-packages and the standard library, never the current folder
        if (
            entry
            and os.path.isdir(entry)
            and any(part in entry for part in ("site-packages", "lib/python", "lib-dynload"))
        ):
            folders.add(entry)
    return sorted({os.path.realpath(f) for f in folders} | folders)


# Jupyter's own default: figures appear under the cell that drew them, so a TA grading a figure
# (or its caption) by hand sees it, and so does the student in the feedback.
INLINE_FIGURES = "module://matplotlib_inline.backend_inline"


def kernel_environment(scratch: str, mpl_config: str | None = None) -> dict[str, str]:
    """The whole environment of a grading kernel: nothing of the grader's is passed on."""
    env = {
        "MPLBACKEND": INLINE_FIGURES,
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": scratch,
        "TMPDIR": scratch,
        "IPYTHONDIR": os.path.join(scratch, ".ipython"),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    if mpl_config:
        env["MPLCONFIGDIR"] = mpl_config
    return env


def kernel_ports(connection_file: str) -> list[int]:
    with open(connection_file) as f:
        info = json.load(f)
    if info.get("transport", "tcp") != "tcp":
        raise ValueError("grading kernels talk over TCP on loopback (Landlock allows them their own ports)")
    return [int(info[name]) for name in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")]


# --- the supervisor (outside the sandbox) ------------------------------------------------------


def supervise(request: KernelRequest, report: Callable[[dict], None], run_kernel: Callable[[], None]) -> int:
    """Start the kernel in its sandbox, report {"pid"} or {"error"}, and watch it until it ends.

    Runs in a process of its own (forked for this kernel) and returns the kernel's exit status."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # jupyter_client interrupts and kills the launcher's whole process group: the supervisor
    # leaves it, or it would die before it could end the kernel.
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    launcher = os.pidfd_open(request.launcher_pid)
    scratch = tempfile.mkdtemp(prefix="kernel-", dir=request.scratch_root)
    ready_read, ready_write = os.pipe()
    output_read, output_write = os.pipe()  # the kernel's stdout and stderr, for its log
    try:
        if request.sandbox:
            _enter_namespaces()
        kernel_uid = ROOT_KERNEL_UID_BASE + os.getpid()
        kernel = os.fork()
        if kernel == 0:
            os.close(ready_read)
            _become_kernel(request, scratch, ready_write, output_write, run_kernel, kernel_uid)
        os.close(ready_write)
        os.close(output_write)
        log = _KernelLog(output_read, request.log_folder, kernel)
        problem = _read_all(ready_read)
        if problem != "ok":
            os.waitpid(kernel, 0)
            log.drain()
            report({"error": problem or "the kernel process ended while entering its sandbox"})
            return 1
        report({"pid": kernel})
        return _watch(kernel, launcher, request.limits.wall_seconds, log)
    except Exception as error:  # noqa: BLE001 (the launcher must hear why, whatever it was)
        report({"error": f"{type(error).__name__}: {error}"})
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _enter_namespaces() -> None:
    """New PID, IPC and UTS namespaces for the kernel about to be forked (and a user namespace
    first, which is what gives a grader that is not root the right to make them)."""
    flags = linux.CLONE_NEWPID | linux.CLONE_NEWIPC | linux.CLONE_NEWUTS
    if os.geteuid() == 0:
        linux.unshare(flags)
    else:
        linux.enter_new_user_namespace()
        linux.unshare(flags)


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode(errors="replace").strip()


def _watch(kernel: int, launcher: int, wall_seconds: int, log: _KernelLog) -> int:
    """Wait for the kernel, keeping its output in its log; kill it (and with it its whole PID
    namespace) at the wall-clock limit or as soon as the launcher that jupyter_client holds has gone."""
    kernel_fd = os.pidfd_open(kernel)
    deadline = time.monotonic() + wall_seconds
    while True:
        remaining = deadline - time.monotonic()
        watched = [kernel_fd, launcher, log.pipe] if log.open else [kernel_fd, launcher]
        try:
            ready, _, _ = select.select(watched, [], [], max(remaining, 0))
        except InterruptedError:
            continue
        if kernel_fd in ready:
            break
        if log.pipe in ready:
            log.take()
            continue
        signal.pidfd_send_signal(kernel_fd, signal.SIGKILL)  # launcher gone, or out of time
        break
    _, status = os.waitpid(kernel, 0)
    log.drain()
    return os.waitstatus_to_exitcode(status)


class _KernelLog:
    """The kernel's own standard output and error (start-up errors, mostly), read from a pipe:
    the first KERNEL_LOG_BYTES go to its file in the log folder, the rest is dropped, so that a
    notebook cannot fill the grader's disk through it."""

    def __init__(self, pipe: int, folder: str | None, kernel: int):
        self.pipe, self.open = pipe, True
        self.path = os.path.join(folder, f"kernel-{kernel}.log") if folder else None
        self.room = KERNEL_LOG_BYTES if folder else 0
        if self.path:
            open(self.path, "ab").close()  # one for every kernel started, even a silent one

    def take(self) -> None:
        """Read what is there (the caller knows something is)."""
        data = os.read(self.pipe, 65536)
        self.open = bool(data)
        if data and self.path and self.room > 0:
            with open(self.path, "ab") as file:
                file.write(data[: self.room])
            self.room -= len(data)

    def drain(self) -> None:
        """Read what is left, without waiting for writers that may live on (without a sandbox,
        a process the notebook started can outlive its kernel)."""
        os.set_blocking(self.pipe, False)
        with contextlib.suppress(BlockingIOError):
            while self.open:
                self.take()
        os.close(self.pipe)


# --- the kernel process (inside) -----------------------------------------------------------------


def _become_kernel(
    request: KernelRequest, scratch: str, ready: int, output: int, run_kernel: Callable[[], None], kernel_uid: int
) -> None:
    try:
        _redirect_and_close_inherited(output, keep=ready)
        _make_room_for_descriptors()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupts are for the kernel
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        if request.sandbox:
            confine(request, scratch, kernel_uid)
        else:
            apply_limits(request.limits)
            os.chdir(request.workdir)
            _replace_environment(kernel_environment(scratch, request.mpl_config))
        os.write(ready, b"ok")
        os.close(ready)
    except BaseException:  # noqa: BLE001 (reported to the supervisor, then this process ends)
        with contextlib.suppress(OSError):
            os.write(ready, traceback.format_exc().encode())
        os._exit(1)
    try:
        run_kernel()
    finally:
        os._exit(0)


# Descriptors a kernel may hold before its table must grow: a warm kernel holds about 60 once
# started (ZeroMQ's sockets, its threads' pipes), and a notebook opens files on top of that.
DESCRIPTOR_ROOM = 256


def _make_room_for_descriptors() -> None:
    """Grow this process's table of file descriptors now, while it has one thread. A fork's table
    is only as large as its parent's highest descriptor (64 here); when a process with threads
    outgrows it, Linux waits for an RCU grace period before the new descriptor is handed out,
    and the thread holding Python's lock stalls all the others: 5-15 ms of a grading core doing
    nothing, once a notebook. A table never shrinks, so one descriptor placed high and closed at
    once is enough."""
    os.dup2(2, DESCRIPTOR_ROOM - 1, inheritable=False)
    os.close(DESCRIPTOR_ROOM - 1)


def confine(request: KernelRequest, scratch: str, kernel_uid: int) -> None:
    """Everything that fences this process in, in the order the kernel requires."""
    from diplomacy_course.grading.sandbox import syscalls

    root_grader = os.geteuid() == 0
    throwaway_folders(request.workdir, scratch, request.limits.disk_mb, owner=kernel_uid if root_grader else None)
    ports = kernel_ports(request.connection_file())
    rules = _landlock_rules(request, scratch, ports)  # after the mounts: Landlock rules follow the folders seen
    last_cap = linux.last_capability()
    os.setsid()
    if root_grader:
        _become_unprivileged_uid(kernel_uid, last_cap)
    else:
        linux.keep_only_capabilities((), last_cap)  # all of them were only ours in our user namespace
    # A change of uid clears the parent-death signal (_become_kernel's): without it, a kernel whose
    # supervisor was killed would live on unwatched. A supervisor that died before this line is
    # caught when the kernel reports ready to it (the pipe is broken).
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    apply_limits(request.limits)
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    os.chdir(request.workdir)
    _replace_environment(kernel_environment(scratch, request.mpl_config))
    rules.restrict_self()
    syscalls.install()


def throwaway_folders(workdir: str, scratch: str, disk_mb: int, owner: int | None = None) -> None:
    """Make ``workdir`` and ``scratch`` throwaway copies for this process and its children, in a
    mount namespace of their own: ``workdir`` shows what is on disk, but what is written to either
    goes to one tmpfs of ``disk_mb`` megabytes (ENOSPC past it), which is gone when they are.
    ``owner`` is given the temporary folder (a root grader's kernel uid, as programs expect a home
    of their own)."""
    linux.unshare(linux.CLONE_NEWNS)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)  # nothing mounted here shows outside
    fenced = linux.MS_NOSUID | linux.MS_NODEV
    linux.mount("tmpfs", scratch, "tmpfs", fenced, f"size={disk_mb}m,mode=0700")
    upper, work, temporary = (os.path.join(scratch, name) for name in ("upper", "work", "temporary"))
    for folder in (upper, work, temporary):
        os.mkdir(folder, 0o700)
    # Folders named by descriptor: overlayfs options cannot carry a path with a comma or colon.
    with _folder_handles(workdir, upper, work) as (lower, upper_fd, work_fd):
        layers = f"lowerdir=/proc/self/fd/{lower},upperdir=/proc/self/fd/{upper_fd},workdir=/proc/self/fd/{work_fd}"
        linux.mount("overlay", workdir, "overlay", fenced, layers)
    linux.mount(temporary, scratch, None, linux.MS_BIND)  # hides the overlay's own two folders
    if owner is not None:
        os.chown(scratch, owner, owner)


@contextlib.contextmanager
def _folder_handles(*folders: str):
    """Descriptors of these folders (O_PATH: they only name them), closed afterwards."""
    handles = [os.open(folder, os.O_PATH | os.O_DIRECTORY) for folder in folders]
    try:
        yield handles
    finally:
        for handle in handles:
            os.close(handle)


def _landlock_rules(request: KernelRequest, scratch: str, ports: list[int]) -> landlock.Ruleset:
    rules = landlock.Ruleset(bind_ports=ports)
    readable = [request.mpl_config] if request.mpl_config else []
    for folder in (*SYSTEM_FOLDERS, *SYSTEM_FILES, *python_folders(), *readable, CPU_INFORMATION):
        rules.allow(folder, landlock.READ)
    rules.allow(request.connection_file(), landlock.READ_FILE)
    for device in DEVICES:
        rules.allow(device, landlock.READ_FILE | landlock.WRITE_FILE)
    for device in READ_ONLY_DEVICES:
        rules.allow(device, landlock.READ_FILE)
    rules.allow(request.workdir, landlock.READ_WRITE)
    rules.allow(scratch, landlock.READ_WRITE)
    return rules


def _become_unprivileged_uid(uid: int, last_cap: int) -> None:
    """Root grader: run as a uid no other process has (so the process limit counts this kernel
    alone and no other process is ours to signal), keeping only the right to pass file modes
    (the interpreter may live under /root); where files may be read or written is Landlock's
    to say."""
    keep = (linux.CAP_DAC_OVERRIDE, linux.CAP_DAC_READ_SEARCH)
    linux.drop_from_bounding_set(keep, last_cap)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    linux.prctl(linux.PR_SET_KEEPCAPS, 1)
    os.setresuid(uid, uid, uid)
    linux.set_capabilities(keep, inheritable=True)
    linux.raise_ambient(keep)  # so that a cold kernel (exec'd) and student subprocesses keep them


def apply_limits(limits: Limits) -> None:
    megabyte = 1024 * 1024
    for limit, value in (
        (resource.RLIMIT_DATA, limits.memory_mb * megabyte),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_FSIZE, limits.file_mb * megabyte),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def _replace_environment(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)


def _redirect_and_close_inherited(output: int, keep: int) -> None:
    """Standard output and error to the supervisor (which keeps their start in the kernel's log),
    and no descriptor of the grader's left open."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    for fd in (1, 2):
        os.dup2(output, fd)
    os.closerange(3, keep)
    os.closerange(keep + 1, 65536)
