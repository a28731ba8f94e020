"""Finding processes through /proc: what a test looks for when nothing may be left running."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path


def live_processes(matches: Callable[[Path], bool]) -> list[int]:
    """The pids of other processes whose /proc folder ``matches``; one that is gone meanwhile (or
    not ours to read) is no match."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if matches(entry):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def left_after(find: Callable[[], list], wait: float):
    """What ``find()`` still returns after up to ``wait`` seconds of waiting for it to be empty
    (a killed process takes a moment to go)."""
    deadline = time.monotonic() + wait
    while (left := find()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return f"(process {pid}, gone)"
