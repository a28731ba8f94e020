"""The kernel that runs student code at grading time: capped and fenced in.

nbgrader starts it (through the ``course-grader`` kernelspec that the
autograder writes) instead of the notebook's own kernel, so a submission

- may hold at most ``COURSE_GRADER_MEMORY_MB`` of private writable memory
  (RLIMIT_DATA): a memory hog fails with MemoryError in its own cell instead
  of taking the machine down. Not address space (RLIMIT_AS): glibc reserves
  64 MB of address space per thread arena, so a kernel running the course's
  solutions reaches 1.2 GB of address space with 220 MB in use, and how much it
  reserves depends on thread timing, which made correct work fail at random;
- cannot open, list or run anything inside the course repository except its
  own folder (solutions, the gradebook, other students' work are out of reach)
  and the Python environment it runs from. An audit hook cannot be removed from
  Python code, though a determined attacker with ctypes could still get round
  it: grade untrusted classes in a container as well (see the instructor guide).
"""

from __future__ import annotations

import os
import resource
import sys

MEMORY_ENV = "COURSE_GRADER_MEMORY_MB"
PROTECTED_ENV = "COURSE_GRADER_PROTECTED"
DEFAULT_MEMORY_MB = 1536
_PATH_EVENTS = {
    "open",
    "os.listdir",
    "os.scandir",
    "os.remove",
    "os.rename",
    "os.mkdir",
    "os.rmdir",
    "shutil.rmtree",
    "os.chmod",
    "os.truncate",
    "glob.glob",
}
_SPAWN_EVENTS = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen", "pty.spawn"}


def cap_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def make_fence(protected: str, allowed: list[str]):
    """An audit hook refusing paths under ``protected`` unless under one of ``allowed``."""

    def hook(event: str, args: tuple) -> None:
        if event in _SPAWN_EVENTS:
            raise PermissionError("Starting other programs is not allowed while grading.")
        if event not in _PATH_EVENTS or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        path = os.path.realpath(os.fsdecode(args[0]))
        if _inside(path, protected) and not any(_inside(path, a) for a in allowed):
            raise PermissionError(
                f"Reading or writing {path} is not allowed while grading: use only the files in your assignment folder."
            )

    return hook


def enter_sandbox() -> None:
    """Cap memory and fence the repository off, for the rest of this process's life."""
    cap_memory(int(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB)))
    protected = os.environ.get(PROTECTED_ENV)
    if protected:
        protected = os.path.realpath(protected)
        allowed = [os.path.realpath(os.getcwd()), os.path.realpath(sys.prefix)]
        sys.addaudithook(make_fence(protected, allowed))


def run_kernel(argv: list[str]) -> None:
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)


def main() -> None:
    enter_sandbox()
    run_kernel(sys.argv[1:])


if __name__ == "__main__":
    main()
