"""How many nbgrader workers a class run starts when the instructor does not say."""

from __future__ import annotations

import subprocess
import sys

PINNED_TO_ONE_CORE = (
    "import os\n"
    "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # as `taskset -c 0` or a one-core cpuset\n"
    "from diplomacy_course.grading.autograde import usable_cores\n"
    "print(usable_cores())\n"
)


def test_a_grader_pinned_to_one_core_starts_one_worker_not_one_per_core_of_the_machine():
    # Two workers fighting over one core would also bring each notebook nearer its wall-clock timeout.
    done = subprocess.run([sys.executable, "-c", PINNED_TO_ONE_CORE], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"
