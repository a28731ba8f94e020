"""Running nbgrader's own command line, from any working directory.

nbgrader is run as a subprocess rather than in-process: each run reads this
repository's nbgrader_config.py, keeps its logging to itself, and can be given
its own gradebook (the parallel autograder relies on that).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries the end of its log."""


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with this interpreter's bin folder first on PATH.

    nbgrader starts its own console scripts (alembic, jupyter) by name, so they
    must be found on PATH even when the caller did not activate the environment.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONHASHSEED", "0")
    env.update(extra or {})
    return env


def run(
    args: list[str],
    root: Path,
    *,
    db_url: str | None = None,
    extra_env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` in the course root and return the finished process."""
    command = [sys.executable, "-m", "nbgrader", *args]
    if db_url:
        command.append(f"--CourseDirectory.db_url={db_url}")
    done = subprocess.run(
        command, cwd=root, env=environment(extra_env), text=True, capture_output=True, timeout=timeout
    )
    if check and done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise NbgraderError(f"`nbgrader {' '.join(args)}` failed (exit {done.returncode}):\n{tail}")
    return done
