"""The grading sandbox's memory cap (RLIMIT_DATA): it stops a memory hog, not correct work.

A Python process that runs a notebook has many threads (ipykernel's, zmq's),
and glibc reserves address space for each thread's malloc arena. A cap that
counted that reservation failed correct submissions at random; these tests
run real threads and real allocations in a capped process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.sandbox
CAP_MB = 300

THREADED_WORK = textwrap.dedent(f"""
    import threading
    from diplomacy_course.grading.sandbox.kernel import Limits, apply_limits

    apply_limits(Limits(memory_mb={CAP_MB}))
    barrier = threading.Barrier(24, timeout=20)

    def work():
        barrier.wait()  # all at once, so that glibc gives threads arenas of their own
        # 4 MB a thread, about 100 MB at once. With 8 MB a thread, CI once hit MemoryError on the
        # 100 MB below (not reproduced since); likely cause: pages glibc's thread arenas keep
        # writable after they are freed still count towards the cap.
        chunks = [bytearray(4096) for _ in range(1000)]
        return len(chunks)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = bytearray(100 * 2**20)  # a third of the cap, written
    print("ok", len(data))
""")

HOG = textwrap.dedent(f"""
    from diplomacy_course.grading.sandbox.kernel import Limits, apply_limits

    apply_limits(Limits(memory_mb={CAP_MB}))
    try:
        hog = [bytearray(64 * 2**20) for _ in range(16)]  # 1 GB
    except MemoryError:
        print("stopped")
    else:
        print("not stopped")
""")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_many_threads_and_moderate_data_fit_under_the_cap():
    done = _run(THREADED_WORK)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", str(100 * 2**20)]


def test_a_memory_hog_gets_memory_error():
    done = _run(HOG)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped"
