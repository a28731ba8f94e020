"""A long-lived nbgrader process that runs nbgrader commands one after another.

Starting nbgrader costs about 1.7 s of a core (its imports pull in much of Jupyter's server).
Grading a class in many short nbgrader runs paid that once a run; a worker pays it once, then
runs each command in-process the way nbgrader's own test suite does (``NbGraderApp.instance()``,
``initialize``, ``start``, ``reset``), with the course's nbgrader_config.py as on the command line.

    python -m diplomacy_course.core.nbgrader_worker   # in the course root; spoken to by NbgraderWorker

Each request is one JSON line on stdin, ``{"args": [...], "env": {...}}``: ``nbgrader ARGS`` with
these variables added to the environment (kernels nbgrader starts inherit them). Each answer is one
JSON line, ``{"exit": code, "log": "..."}``, on the stdout the worker was started with; anything
else printed goes to stderr, the worker's log file.
"""

from __future__ import annotations

import functools
import gc
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from diplomacy_course.core import locations, nbgrader_main, nbgrader_runner


class WorkerDied(subprocess.SubprocessError):
    """The nbgrader worker ended while it ran a command (or could not start)."""


class NbgraderWorker:
    """One nbgrader worker process in the course root, started on first use and again after it died."""

    def __init__(self, root: Path, log_path: Path):
        self.root, self.log_path = root, log_path
        self._process: subprocess.Popen[str] | None = None

    def run(self, args: list[str], *, db_url: str | None = None, extra_env: dict[str, str] | None = None):
        """Run ``nbgrader ARGS``; return ``(exit code, log)``. Raises WorkerDied if the worker ended."""
        if db_url:
            args = [*args, f"--CourseDirectory.db_url={db_url}"]
        process = self.start()._process
        assert process and process.stdin and process.stdout  # started, with both pipes
        try:
            process.stdin.write(json.dumps({"args": args, "env": extra_env or {}}) + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
        except OSError as error:
            answer, reason = "", str(error)
        else:
            reason = "it ended"
        if not answer:
            self.close()
            raise WorkerDied(f"the nbgrader worker stopped during `nbgrader {args[0]}` ({reason}): see {self.log_path}")
        reply = json.loads(answer)
        return reply["exit"], reply["log"]

    def run_checked(self, args: list[str], *, extra_env: dict[str, str] | None = None) -> str:
        """Run ``nbgrader ARGS`` with the course's gradebook, as ``nbgrader_runner.run`` does (its
        errors included); return the log."""
        code, log = self.run(args, extra_env=extra_env)
        if code != 0:
            nbgrader_runner.fail(args, code, log, locations.gradebook_url(self.root))
        return log

    def start(self) -> NbgraderWorker:
        """Start the process now (it imports nbgrader meanwhile), unless it is running."""
        if self._process is None or self._process.poll() is not None:
            with open(self.log_path, "a") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", __name__],
                    cwd=self.root,
                    env=nbgrader_runner.environment(),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
        return self

    def close(self) -> None:
        """Let the worker finish (end of its input), or kill it if it does not."""
        if self._process is None:
            return
        process, self._process = self._process, None
        try:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()
            process.wait()


# --- the worker process ----------------------------------------------------------------------


def _run_in_process(args: list[str], env: dict[str, str]) -> dict:
    """``nbgrader ARGS`` in this process, as nbgrader's tests do; the app is reset afterwards."""
    from jupyter_core.application import NoStart
    from nbgrader.apps.nbgraderapp import NbGraderApp

    saved_environment, saved_path = dict(os.environ), list(sys.path)
    os.environ.update(env)
    app, log = NbGraderApp.instance(), io.StringIO()
    try:
        app.initialize(args)
        app.init_logging(logging.StreamHandler, [log], color=False, subapps=True)
        app.start()
        code = 0
    except NoStart:  # how jupyter_core ends a subcommand that finished
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except Exception as error:  # nbgrader's own crash: reported like a failed command, the worker goes on
        logging.getLogger(__name__).exception("nbgrader %s crashed", args[:1])
        log.write(f"nbgrader crashed: {error!r}\n")
        code = 1
    finally:
        app.reset()
        os.environ.clear()
        os.environ.update(saved_environment)
        sys.path[:] = saved_path  # nbgrader puts the working folder first on every run
    return {"exit": code, "log": log.getvalue()}


def _reuse_database_engines() -> None:
    """nbgrader makes a new SQLAlchemy engine for every Gradebook it opens, several a notebook; a
    new engine starts with an empty statement cache and must first learn its database. Here one
    engine per database URL is lent again. Gradebook.close still disposes of its connections."""
    import nbgrader.api

    nbgrader.api.create_engine = functools.lru_cache(maxsize=8)(nbgrader.api.create_engine)


def serve() -> None:
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints (a kernel's, nbgrader's) go to the log, never into the answers
    nbgrader_main.skip_unused_slow_imports()
    import nbgrader.apps.nbgraderapp  # noqa: F401  (the import this process exists to pay once)

    _reuse_database_engines()
    # The imports are here for good: keep the collector from scanning them again (a full
    # collection of this heap is about 90 ms, and comes every few students).
    gc.freeze()

    for line in sys.stdin:
        request = json.loads(line)
        answers.write(json.dumps(_run_in_process(request["args"], request["env"])) + "\n")
        answers.flush()
    # Every command has closed its gradebooks and kernels; what is left is the interpreter's own
    # teardown of nbgrader's modules (0.4 s, paid at the end of every autograde run): skip it.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    serve()
