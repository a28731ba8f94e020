"""The grading kernel manager's wait for a stopped kernel's process."""

import asyncio
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from diplomacy_course.grading.kernel_client import POLL_SECONDS, QuickKernelManager


class _Provisioner:
    """What QuickKernelManager's wait uses of jupyter_client's provisioner: the kernel's process."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.polls = 0

    @property
    def has_process(self) -> bool:
        return self.process is not None

    async def poll(self):
        self.polls += 1
        return self.process.poll()


def test_the_wait_for_a_kernels_end_is_woken_by_the_end_not_by_polling():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
    manager = QuickKernelManager()
    manager.provisioner = _Provisioner(process)
    started = time.monotonic()
    # In a thread of its own: an earlier test may have left an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, manager._async_wait()).result()
    waited = time.monotonic() - started
    assert process.returncode == 0  # ended and reaped
    # Polled every POLL_SECONDS, 0.3 s would take some 60 polls; woken by its end, one.
    assert waited >= 0.2
    polls = manager.provisioner.polls
    assert polls <= 2, f"{polls} polls in {waited:.2f} s (every {POLL_SECONDS} s)"
