"""Running nbgrader's own command line, from any working directory.

nbgrader is run as a subprocess rather than in-process: each run reads this
repository's nbgrader_config.py, keeps its logging to itself, and can be given
its own gradebook (the parallel autograder relies on that).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from diplomacy_course.core import locations

# nbgrader answers every database error with this advice, reachable server or not.
MISLEADING_DB_ADVICE = "nbgrader db upgrade"
GRADEBOOK_TIMEOUT_SECONDS = 10


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries the end of its log."""


class GradebookUnreachable(NbgraderError):
    """The gradebook database cannot be opened: nothing was changed."""


class ExchangeUnusable(NbgraderError):
    """The nbgrader exchange folder is missing or not writable: nothing was changed."""


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: the message below says so
        return url


def check_gradebook(db_url: str) -> None:
    """Open the gradebook once, before any command changes files; raise a clear error if it fails."""
    from sqlalchemy import create_engine, text

    shown = _hide_password(db_url)
    try:
        connect_args = {"connect_timeout": GRADEBOOK_TIMEOUT_SECONDS} if db_url.startswith("postgres") else {}
        engine = create_engine(db_url, connect_args=connect_args)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GradebookUnreachable(
            f"The gradebook {shown} cannot be opened ({reason}). Nothing was changed. "
            "Check COURSE_GRADEBOOK_URL (form: postgresql+psycopg2://user:password@host/database), "
            "that the database server is running and reachable from this machine, and that the database "
            "exists; or unset COURSE_GRADEBOOK_URL to use the SQLite gradebook in the grading folder."
        ) from error


def check_exchange(exchange: Path) -> None:
    """The exchange must exist and be writable before anything is released into it."""
    if not exchange.is_dir():
        raise ExchangeUnusable(
            f"The nbgrader exchange {exchange} does not exist. Create it (`sudo mkdir -p {exchange} && "
            f"sudo chmod 1777 {exchange}`, or mount the shared volume there), or set COURSE_EXCHANGE_ROOT "
            "to the exchange folder every student's server sees."
        )
    try:
        tempfile.TemporaryFile(dir=exchange).close()
    except OSError as error:
        raise ExchangeUnusable(
            f"The nbgrader exchange {exchange} is not writable by this account ({error.strerror}). "
            f"Make it writable for everyone with the sticky bit (`sudo chmod 1777 {exchange}`), "
            "or set COURSE_EXCHANGE_ROOT to the right folder."
        ) from error


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment with this interpreter's bin folder first on PATH.

    nbgrader starts its own console scripts (alembic, jupyter) by name, so they
    must be found on PATH even when the caller did not activate the environment.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONHASHSEED", "0")
    if env.get("COURSE_GRADING_DIR"):  # nbgrader runs in the course root: pass the folder the caller meant
        env["COURSE_GRADING_DIR"] = str(locations.grading_dir())
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
    command = [sys.executable, "-m", "diplomacy_course.core.nbgrader_main", *args]
    if db_url:
        command.append(f"--CourseDirectory.db_url={db_url}")
    done = subprocess.run(
        command, cwd=root, env=environment(extra_env), text=True, capture_output=True, timeout=timeout
    )
    if check and done.returncode != 0:
        fail(args, done.returncode, done.stdout + done.stderr, db_url or locations.gradebook_url(root))
    return done


def fail(args: list[str], code: int, log: str, db_url: str):
    """Raise the error a failed ``nbgrader ARGS`` deserves, with the end of its log."""
    tail = "\n".join(log.strip().splitlines()[-25:])
    if MISLEADING_DB_ADVICE in tail:
        check_gradebook(db_url)  # raises the real cause when it is the database
    raise NbgraderError(f"`nbgrader {' '.join(args)}` failed (exit {code}):\n{tail}")
