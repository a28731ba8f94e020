"""Hostile code against the grading sandbox, in plain Python and through ctypes and libc.

Each attack runs in a ``course-grader`` kernel started as nbgrader starts it, warm (forked by the
server) and cold (started by the launcher), and, as the control, in a plain ipykernel with no
sandbox, where every attack must succeed: that shows each attack is real, and each test fails
when the sandbox is taken away. Every attack prints REACHED when it got what it wanted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from diplomacy_course.grading.sandbox.kernel import KERNEL_LOG_BYTES
from tests.support.kernels import GRADER_TOKEN, SECRET, KernelLab
from tests.support.processes import left_after, live_processes

MODES = ("warm", "cold", "plain")
LIBC = "import ctypes, ctypes.util\nlibc = ctypes.CDLL(None, use_errno=True)\n"


pytestmark = pytest.mark.sandbox


def _world(request, tmp_path_factory):
    world = KernelLab(tmp_path_factory.mktemp(f"sandbox-{request.param}"), request.param).setup()
    request.addfinalizer(world.close)
    return world


@pytest.fixture(scope="module", params=MODES)
def lab(request, tmp_path_factory):
    """Each mode, the control included."""
    return _world(request, tmp_path_factory)


@pytest.fixture(scope="module", params=("warm", "cold"))
def sandboxed(request, tmp_path_factory):
    """For limits, where the control would harm the test machine (a fork bomb, a memory hog)."""
    return _world(request, tmp_path_factory)


@pytest.fixture(scope="module", params=("warm",))
def warm(request, tmp_path_factory):
    return _world(request, tmp_path_factory)


def _attack(lab: KernelLab, code: str) -> str:
    prefix = LIBC if code.startswith(LIBC) else ""
    outcome = lab.run(prefix + textwrap.dedent(code.removeprefix(prefix)) + "\nprint('TRIED')")
    assert "TRIED" in outcome.stdout, f"the attack did not run to its end: {outcome}"
    return outcome.stdout


def _verdict(lab: KernelLab, output: str) -> None:
    if lab.mode == "plain":
        assert "REACHED" in output, f"the attack does not work even without a sandbox: {output}"
    else:
        assert "REACHED" not in output, f"the sandbox let it through: {output}"


# --- 1. files ---------------------------------------------------------------------------------


def test_own_folder_is_readable_and_writable(lab):
    outcome = lab.run("print(open('data.csv').read().split()[0]); open('mine.txt', 'w').write('x'); print('wrote')")
    assert outcome.stdout.split() == ["a,b", "wrote"], outcome


def test_reading_the_solutions_with_open_fails(lab):
    output = _attack(
        lab,
        f"""
        try:
            print('REACHED' if {SECRET!r} in open({str(lab.secret_file)!r}).read() else '')
        except OSError as error:
            print('refused', error.errno)
    """,
    )
    _verdict(lab, output)


def test_reading_the_solutions_with_libc_fails(lab):
    output = _attack(
        lab,
        LIBC
        + f"""
        fd = libc.open({str(lab.secret_file).encode()!r}, 0)
        buffer = ctypes.create_string_buffer(200)
        if fd >= 0 and libc.read(fd, buffer, 200) > 0 and {SECRET.encode()!r} in buffer.value:
            print('REACHED')
        libc.popen.restype = ctypes.c_void_p
        libc.fgets.restype = ctypes.c_char_p
        pipe = libc.popen(b'cat {lab.secret_file} 2>/dev/null', b'r')
        line = ctypes.create_string_buffer(200)
        if pipe and libc.fgets(line, 200, ctypes.c_void_p(pipe)) and {SECRET.encode()!r} in line.value:
            print('REACHED by popen')
    """,
    )
    _verdict(lab, output)


def test_listing_and_writing_other_students_folders_fails(lab):
    output = _attack(
        lab,
        f"""
        import os
        try:
            print('REACHED' if 'work.ipynb' in os.listdir({str(lab.other_student)!r}) else '')
        except OSError:
            pass
        try:
            open({str(lab.other_student / "work.ipynb")!r}, 'w').write('zeroed')
            print('REACHED')
        except OSError:
            pass
    """,
    )
    _verdict(lab, output)
    assert (lab.other_student / "work.ipynb").read_text() == SECRET or lab.mode == "plain"
    (lab.other_student / "work.ipynb").write_text(SECRET)


def test_writing_a_gradebook_with_sqlite_fails(lab):
    gradebook = lab.base / "gradebook.db"
    output = _attack(
        lab,
        f"""
        import sqlite3
        try:
            with sqlite3.connect({str(gradebook)!r}) as db:
                db.execute('create table if not exists grade (score)')
                db.execute('insert into grade values (100)')
            print('REACHED')
        except sqlite3.Error as error:
            print('refused', error)
    """,
    )
    _verdict(lab, output)
    gradebook.unlink(missing_ok=True)


def test_what_it_writes_in_its_folder_never_reaches_the_folder_on_disk(lab):
    """Its folder is a throwaway copy: the notebook sees its own changes, the grader's disk does not."""
    original = (lab.workdir / "data.csv").read_text()
    try:
        output = _attack(
            lab,
            """
            open('left-behind.txt', 'w').write('x')
            open('data.csv', 'w').write('tampered')
            print('it reads back:', open('data.csv').read())
        """,
        )
        assert "it reads back: tampered" in output, output
        on_disk = (lab.workdir / "data.csv").read_text(), (lab.workdir / "left-behind.txt").exists()
        assert on_disk == (("tampered", True) if lab.mode == "plain" else (original, False)), on_disk
    finally:
        (lab.workdir / "data.csv").write_text(original)
        (lab.workdir / "left-behind.txt").unlink(missing_ok=True)


# --- 2. network -------------------------------------------------------------------------------


def test_tcp_connections_fail_loopback_included(lab):
    port = lab.tcp_listener()
    output = _attack(
        lab,
        LIBC
        + f"""
        import socket
        try:
            socket.create_connection(('127.0.0.1', {port}), timeout=3).close()
            print('REACHED')
        except OSError as error:
            print('refused', error)
        address = (ctypes.c_ubyte * 16)(2, 0, {port >> 8}, {port & 255}, 127, 0, 0, 1)
        fd = libc.socket(2, 1, 0)
        if fd >= 0 and libc.connect(fd, address, 16) == 0:
            print('REACHED by libc')
    """,
    )
    _verdict(lab, output)


def test_udp_unix_and_abstract_sockets_fail(lab):
    path, abstract = lab.unix_listener(), lab.unix_listener(abstract=True)
    output = _attack(
        lab,
        f"""
        import socket
        for family, kind, address in ((socket.AF_UNIX, socket.SOCK_STREAM, {path!r}),
                                      (socket.AF_UNIX, socket.SOCK_STREAM, {abstract!r})):
            try:
                with socket.socket(family, kind) as s:
                    s.connect(address)
                    print('REACHED', address[-12:])
            except OSError as error:
                print('refused', error)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.sendto(b'x', ('127.0.0.1', 9))
                print('REACHED udp')
        except OSError as error:
            print('refused', error)
    """,
    )
    _verdict(lab, output)


def test_the_fork_server_is_out_of_reach(warm):
    """The control for this attack is the abstract socket of the test above, reached without a sandbox."""
    output = _attack(
        warm,
        f"""
        import socket
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect('\\0' + {warm.address!r})
                print('REACHED')
        except OSError as error:
            print('refused', error)
    """,
    )
    assert "REACHED" not in output


# --- 3. environment ---------------------------------------------------------------------------


def test_the_graders_environment_does_not_reach_student_code(lab):
    output = _attack(
        lab,
        LIBC
        + f"""
        import os
        libc.getenv.restype = ctypes.c_char_p
        seen = [str(dict(os.environ)), str(libc.getenv(b'JUPYTERHUB_API_TOKEN'))]
        for path in ('/proc/self/environ', f'/proc/{{os.getppid()}}/environ'):
            try:
                seen.append(open(path, 'rb').read().decode(errors='replace'))
            except OSError:
                pass
        print('REACHED' if any({GRADER_TOKEN!r} in text for text in seen) else 'clean')
    """,
    )
    _verdict(lab, output)


# --- 4. other processes -----------------------------------------------------------------------


@pytest.fixture
def victim():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield process
    process.kill()
    process.wait()


def test_signalling_or_tracing_other_processes_fails(lab, victim):
    output = _attack(
        lab,
        LIBC
        + f"""
        import os, signal
        for attempt in (lambda: os.kill({victim.pid}, signal.SIGSTOP), lambda: libc.kill({victim.pid}, 19)):
            try:
                print('REACHED' if attempt() in (None, 0) else 'refused')
            except OSError as error:
                print('refused', error)
        if libc.ptrace(16, {victim.pid}, None, None) == 0:  # PTRACE_ATTACH
            print('REACHED by ptrace')
        try:
            open('/proc/{victim.pid}/cmdline').read()
            print('REACHED /proc')
        except OSError:
            pass
    """,
    )
    _verdict(lab, output)
    os.kill(victim.pid, signal.SIGCONT)


# --- 5. limits --------------------------------------------------------------------------------


def test_a_fork_bomb_stops_at_the_cap(sandboxed):
    outcome = sandboxed.run(
        textwrap.dedent("""
        import os, time
        children = []
        try:
            for _ in range(2000):
                pid = os.fork()
                if pid == 0:
                    time.sleep(30)
                    os._exit(0)
                children.append(pid)
        except OSError as error:
            print('stopped after', len(children), error.errno)
    """)
    )
    words = outcome.stdout.split()
    assert words[:2] == ["stopped", "after"], outcome
    assert int(words[2]) < 128, outcome


@pytest.fixture(scope="module", params=MODES)
def small_disk(request, tmp_path_factory):
    """Each mode, with notebooks that may write 16 MB in all."""
    world = KernelLab(tmp_path_factory.mktemp(f"disk-{request.param}"), request.param, disk_mb=16).setup()
    request.addfinalizer(world.close)
    return world


def test_a_notebook_cannot_fill_the_disk(small_disk):
    """Many files, each far below the file-size limit, in its folder with Python and in its
    temporary folder with libc: together they stop at the notebook's 16 MB."""
    output = _attack(
        small_disk,
        LIBC
        + """
        import os, tempfile
        written, chunk = 0, b'x' * 2**20
        try:
            for n in range(24):
                with open(f'fill-{n}', 'wb') as file:
                    file.write(chunk)
                written += 1
        except OSError as error:
            print('its folder refused', error.errno)
        temporary = tempfile.gettempdir().encode()
        for n in range(24):
            fd = libc.open(temporary + b'/fill-%d' % n, os.O_WRONLY | os.O_CREAT, 0o600)
            if fd < 0 or libc.posix_fallocate(fd, 0, 2**20) != 0:  # 0, or the error number
                print('its temporary folder refused')
                break
            libc.close(fd)
            written += 1
        print('megabytes written:', written)
        if written >= 32:
            print('REACHED')
        for folder in (b'.', temporary):
            for n in range(24):
                try:
                    os.remove(folder + b'/fill-%d' % n)
                except OSError:
                    pass
    """,
    )
    _verdict(small_disk, output)


def test_a_notebook_cannot_fill_the_disk_through_its_kernels_own_output(lab):
    """A kernel's own stdout and stderr (where start-up errors go) end up in the grader's log
    folder; ipykernel keeps a descriptor of each, which student code can write to directly."""
    logs = lab.base / "logs"

    def logged() -> int:
        return sum(file.stat().st_size for file in logs.iterdir())

    before = logged()
    _attack(
        lab,
        LIBC
        + """
        import os, sys
        fd = getattr(sys.stderr, '_original_stdstream_copy', 2)  # fd 2 itself where ipykernel leaves it
        for _ in range(4):
            os.write(fd, b'x' * 2**20)
            libc.write(fd, b'y' * 2**20, 2**20)
    """,
    )
    grown = logged() - before
    if lab.mode == "plain":
        assert grown >= 8 * 2**20, f"the attack does not work even without a sandbox: {grown} bytes"
    else:
        assert grown <= KERNEL_LOG_BYTES, f"{grown} bytes reached the log folder"


def test_a_memory_hog_gets_memory_error(sandboxed):
    outcome = sandboxed.run("hog = [bytearray(256 * 2**20) for _ in range(64)]")
    assert outcome.error == "MemoryError", outcome


def _processes_named(name: str) -> list[int]:
    return live_processes(lambda process: (process / "comm").read_text().strip() == name)


def test_shared_memory_cannot_get_past_the_memory_limit(sandboxed):
    """The memory limit (RLIMIT_DATA) counts private memory only. Shared anonymous mappings (also
    through /dev/zero), memfd files and System V shared memory would each let a notebook take 2 GB
    past its 1.5 GB, and as much more as the machine has."""
    output = _attack(
        sandboxed,
        LIBC
        + """
        import mmap, os
        size = 2 * 2**30
        shared_mappings = {  # both MAP_SHARED
            'a shared mapping': lambda: mmap.mmap(-1, size),
            'a shared mapping of /dev/zero': lambda: mmap.mmap(os.open('/dev/zero', os.O_RDWR), size),
        }
        for way, mapped in shared_mappings.items():
            try:
                block = mapped()
                for offset in range(0, size, 4096):
                    block[offset] = 1
                print('REACHED by', way)
            except OSError as error:
                print(way, 'refused', error.errno)
        try:
            files = [os.memfd_create(f'hog-{n}') for n in range(8)]
            for fd in files:
                os.posix_fallocate(fd, 0, size // 8)  # each below the file-size limit
            print('REACHED by memfd files')
        except OSError as error:
            print('memfd refused', error.errno)
        libc.shmat.restype = ctypes.c_void_p
        segment = libc.shmget(0, ctypes.c_size_t(size), 0o1600)  # IPC_PRIVATE, IPC_CREAT | 0600
        if segment >= 0:
            address = libc.shmat(segment, None, 0)
            if address and address != ctypes.c_void_p(-1).value:
                ctypes.memset(address, 1, size)
                print('REACHED by System V shared memory')
            libc.shmctl(segment, 0, None)  # IPC_RMID
        else:
            print('System V shared memory refused', ctypes.get_errno())
    """,
    )
    assert "REACHED" not in output, f"the sandbox let it through: {output}"
    assert output.count("refused") == 4, output


def test_socket_buffers_cannot_get_past_the_memory_limit(sandboxed):
    """Socket buffers are the kernel's memory, which RLIMIT_DATA does not count: unix socket pairs,
    each buffer raised to 4 MB, held 3 GB past the limit. Each way tries 2 GB: from the notebook's
    thread (Python and libc), from a thread it starts, on one of the kernel's own threads, and
    from a forked child."""
    output = _attack(
        sandboxed,
        LIBC
        + """
        import os, socket, threading
        size, chunk, big = 2 * 2**30, b'x' * 65536, 4 * 2**20

        def python_pair():
            a, b = socket.socketpair()
            a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, big)
            return a, b

        def libc_pair():
            fds, size_wanted = (ctypes.c_int * 2)(), ctypes.c_int(big)
            if libc.socketpair(socket.AF_UNIX, socket.SOCK_STREAM, 0, fds) != 0:
                raise OSError(ctypes.get_errno(), 'socketpair')
            pair = socket.socket(fileno=fds[0]), socket.socket(fileno=fds[1])
            if libc.setsockopt(fds[0], socket.SOL_SOCKET, socket.SO_SNDBUF, ctypes.byref(size_wanted), 4) != 0:
                raise OSError(ctypes.get_errno(), 'setsockopt')
            return pair

        def hog(new_pair):
            pairs, held = [], 0
            try:
                while held < size:
                    a, b = new_pair()
                    pairs.append((a, b))
                    a.setblocking(False)
                    try:
                        while True:
                            held += a.send(chunk)
                    except BlockingIOError:
                        pass
                return 'REACHED'
            except OSError as error:
                return f'refused {error.errno}'
            finally:
                for pair in pairs:
                    for end in pair:
                        end.close()

        def on_new_thread():
            result = []
            worker = threading.Thread(target=lambda: result.append(hog(libc_pair)))
            worker.start()
            worker.join()
            return result[0]

        def on_kernel_thread():
            result, done = [], threading.Event()

            def there():
                result.append(hog(python_pair))
                done.set()

            get_ipython().kernel.control_thread.io_loop.add_callback(there)
            done.wait(120)
            return result[0]

        def in_child():
            read_end, write_end = os.pipe()
            if os.fork() == 0:
                os.write(write_end, hog(python_pair).encode())
                os._exit(0)
            os.close(write_end)
            answer = os.read(read_end, 100).decode()
            os.wait()
            return answer

        ways = {
            'Python': lambda: hog(python_pair),
            'libc': lambda: hog(libc_pair),
            'a new thread': on_new_thread,
            'a kernel thread': on_kernel_thread,
            'a child': in_child,
        }
        for way, attempt in ways.items():
            print(way, attempt())
        try:
            socket.socket().setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, big)
            print('a larger TCP buffer: REACHED')
        except OSError as error:
            print('a larger TCP buffer refused', error.errno)
    """,
    )
    assert "REACHED" not in output, f"the sandbox let it through: {output}"
    assert output.count("refused") == 6, output


def test_processes_it_started_are_gone_when_its_kernel_is(sandboxed):
    """A daemon the notebook starts (its own session, its parent gone) is seen running while the
    kernel runs, by its process name, and is gone once the kernel is."""
    name = f"daemon-{sandboxed.mode[0]}{os.getpid() % 100000}"  # a process name holds 15 characters at most
    seen, done = threading.Event(), threading.Event()

    def watch() -> None:
        while not done.is_set():
            if _processes_named(name):
                seen.set()
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        sandboxed.run(
            textwrap.dedent(f"""
            import ctypes, os, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    ctypes.CDLL(None).prctl(15, {name.encode()!r}, 0, 0, 0)  # PR_SET_NAME
                    while True:
                        time.sleep(0.1)
                os._exit(0)
            time.sleep(1)
        """)
        )
    finally:
        done.set()
        watcher.join()
    assert seen.is_set(), "the notebook's daemon never ran"
    assert not left_after(lambda: _processes_named(name), wait=5), "a process of the notebook outlived its kernel"


def _pid_namespace_inits() -> dict[int, int]:
    """Processes that are PID 1 of a namespace below this one (sandboxed kernels), with their parents."""
    found = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/status") as file:
                status = dict(line.split(":\t", 1) for line in file.read().splitlines())
        except (OSError, ValueError):
            continue  # not a process, or gone meanwhile
        pids = status.get("NSpid", "").split()
        if len(pids) > 1 and pids[-1] == "1" and status["State"][0] != "Z":
            found[int(entry)] = int(status["PPid"])
    return found


def test_a_kernel_ends_when_its_supervisor_is_killed(sandboxed):
    """The supervisor outside the sandbox ends the kernel when its notebook is done; if the
    supervisor itself is killed, the kernel must not live on unwatched (and without its wall-clock cap)."""
    before = _pid_namespace_inits().items()
    manager = sandboxed.start_kernel()
    try:
        deadline = time.monotonic() + 30  # the launcher asks for the kernel after start_kernel returns
        while not (started := _pid_namespace_inits().items() - before) and time.monotonic() < deadline:
            time.sleep(0.1)
        (kernel, supervisor), *others = started
        assert not others, "one kernel was asked for"
        os.kill(supervisor, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while kernel in _pid_namespace_inits() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert kernel not in _pid_namespace_inits(), "the kernel outlived its supervisor"
    finally:
        manager.shutdown_kernel(now=True)


def test_the_wall_clock_cap_ends_a_sleeping_notebook(tmp_path):
    lab = KernelLab(tmp_path, "warm", wall_seconds=3).setup()
    try:
        started = time.monotonic()
        outcome = lab.run("import time; time.sleep(60)", timeout=8)
        assert outcome.died and time.monotonic() - started < 30, outcome
    finally:
        lab.close()
