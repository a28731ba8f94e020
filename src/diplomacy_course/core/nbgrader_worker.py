"""A long-lived nbgrader process that runs nbgrader commands one after another.

Starting nbgrader costs about 1.7 s of a core (its imports pull in much of Jupyter's server).
Grading a class in many short nbgrader runs paid that once a run; a worker pays it once, then
runs each command in-process the way nbgrader's own test suite does (``NbGraderApp.instance()``,
``initialize``, ``start``, ``reset``), with the course's nbgrader_config.py as on the command line.

    python -m diplomacy_course.core.nbgrader_worker [CLONE...]   # in the course root; spoken to by NbgraderWorker

Several workers (``NbgraderWorker.start_several``) pay the import once: the first worker forks the
others once it has imported nbgrader, each CLONE naming the pipes the grader gave for one of them.

Each request is one JSON line on stdin, ``{"args": [...], "env": {...}}``: ``nbgrader ARGS`` with
these variables added to the environment (kernels nbgrader starts inherit them). Each answer is one
JSON line, ``{"exit": code, "log": "..."}``, on the stdout the worker was started with; anything
else printed goes to stderr, the worker's log file.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from diplomacy_course.core import locations, nbgrader_main, nbgrader_runner

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# A gradebook URL that is a throwaway copy (an autograde job's), named in a command's environment.
SCRATCH_GRADEBOOK_ENV = "COURSE_SCRATCH_GRADEBOOK"


class WorkerDied(subprocess.SubprocessError):
    """The nbgrader worker ended while it ran a command (or could not start)."""


class NbgraderWorker:
    """One nbgrader worker process in the course root, started on first use and again after it died."""

    def __init__(self, root: Path, log_path: Path):
        self.root, self.log_path = root, log_path
        self._process: subprocess.Popen[str] | _ClonedWorker | None = None
        self._stopped = False  # by stop(): it is not started again

    @classmethod
    def start_several(cls, root: Path, log_paths: list[Path]) -> list[NbgraderWorker]:
        """Start one worker per log file, paying nbgrader's import once: the first worker imports
        it, then forks the others (which share its memory until they write to it). One that dies
        later is started again on its own."""
        first, *others = workers = [cls(root, path) for path in log_paths]
        if not hasattr(os, "pidfd_open"):  # how the grader watches a worker it did not start
            return [worker.start() for worker in workers]
        channels = [_CloneChannel(worker.log_path) for worker in others]
        first._spawn(clones=channels)
        for worker, channel in zip(others, channels, strict=True):
            worker._process = channel.graders_end()
        return workers

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
        if self._stopped:
            raise WorkerDied(f"the nbgrader worker was stopped (see {self.log_path})")
        if self._process is None or self._process.poll() is not None:
            self._spawn()
        return self

    def _spawn(self, clones: Sequence[_CloneChannel] = ()) -> None:
        """Start the process; once it has imported nbgrader, it forks a worker for each of ``clones``
        (only a new process can: the clones' pipes are handed over at its start)."""
        fds = [fd for channel in clones for fd in channel.workers_end]
        with open(self.log_path, "a") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, *(json.dumps(channel.workers_end) for channel in clones)],
                cwd=self.root,
                env=nbgrader_runner.environment(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                pass_fds=fds,
                # Away from the terminal's Ctrl-C, which is the grader's to handle: nbclient would
                # take it for the end of the student's kernel and grade the notebook as crashed.
                start_new_session=True,
            )
        for fd in fds:
            os.close(fd)

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

    def stop(self) -> None:
        """Kill the worker now, even mid-command, and never start it again (the run was
        interrupted). The kernel it was running goes too: its launcher watches the worker."""
        self._stopped = True
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()


class _CloneChannel:
    """The pipes between the grader and a worker that another worker forks: its requests, its
    answers (the first of which is its process id) and its log."""

    def __init__(self, log_path: Path):
        self._requests_read, self._requests_write = os.pipe()
        self._answers_read, self._answers_write = os.pipe()
        self._log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    @property
    def workers_end(self) -> list[int]:
        """What the forking worker passes on to its clone: requests, answers, log."""
        return [self._requests_read, self._answers_write, self._log]

    def graders_end(self) -> _ClonedWorker:
        return _ClonedWorker(os.fdopen(self._requests_write, "w"), os.fdopen(self._answers_read))


class _ClonedWorker:
    """What NbgraderWorker uses of a Popen, for a worker that is not the grader's child: it is
    watched through a pidfd and reaped by init once the worker that forked it has gone."""

    def __init__(self, stdin, answers):
        self.stdin, self._answers = stdin, answers
        self.returncode: int | None = None
        self._pid: int | None = None

    @property
    def pid(self) -> int:
        """Its process id, the first line it writes (0 if it never started)."""
        if self._pid is None:
            hello = self._answers.readline()
            self._pid = json.loads(hello)["pid"] if hello else 0
        return self._pid

    @property
    def stdout(self):
        """Its answers, after the line with its process id."""
        _ = self.pid
        return self._answers

    def poll(self) -> int | None:
        if self.returncode is None and _has_exited(self.pid):
            self.returncode = -1  # its parent, not the grader, learns the real status
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not _has_exited(self.pid, timeout):
            raise subprocess.TimeoutExpired(f"nbgrader worker {self.pid}", timeout or 0)
        self.returncode = -1
        return self.returncode

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            if self.pid:
                os.kill(self.pid, signal.SIGKILL)


def _has_exited(pid: int, timeout: float | None = 0) -> bool:
    if not pid:
        return True
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], timeout)[0])
    finally:
        os.close(handle)


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


@contextlib.contextmanager
def shared_database_engines():
    """nbgrader makes a new SQLAlchemy engine for every Gradebook it opens, nine a notebook; a
    new engine starts with an empty cache of compiled SQL and must first learn its database.
    Meanwhile one engine per database URL is lent again; afterwards they are disposed of.

    - On SQLite, Gradebook.close still closes the file, so that one replaced in between (a job's
      fresh copy) is opened afresh. The gradebook named in ``COURSE_SCRATCH_GRADEBOOK`` is
      written without an fsync per commit, and its tables are looked for once per job (until
      ``new_job``): a job's copy is replaced only between jobs.
    - On a server (PostgreSQL), Gradebook.close leaves the connections open for the next
      Gradebook: each new one is a login and a new process on the server (with 20 students, 205
      connections against 5). Once nbgrader's tables have been found there, a Gradebook no
      longer asks the server's catalog again whether its tables and types exist (three of the
      five queries each Gradebook made)."""
    import nbgrader.api

    engines, tables = _SharedEngines(nbgrader.api.create_engine), nbgrader.api.Base.metadata
    nbgrader.api.create_engine = engines.lend
    tables.create_all = engines.create_tables_once(tables.create_all)
    try:
        yield engines
    finally:
        nbgrader.api.create_engine = engines.create_engine
        del tables.create_all  # the method of its class again
        engines.dispose()


class _SharedEngines:
    """The engines lent to nbgrader's Gradebooks meanwhile, one per database URL and options."""

    def __init__(self, create_engine):
        self.create_engine = create_engine
        self._engines: dict[tuple, Engine] = {}
        self._with_tables: set[Engine] = set()  # engines whose tables are known to be there
        self._job_copies: set[Engine] = set()  # engines of the throwaway SQLite copies
        self._lock = threading.Lock()

    def lend(self, url, **options):
        """What nbgrader calls as ``create_engine``."""
        import sqlalchemy.event

        with self._lock:
            key = (url, tuple(sorted(options.items())))
            if key not in self._engines:
                if url.startswith("sqlite:"):
                    self._engines[key] = engine = self.create_engine(url, **options)
                    if url == os.environ.get(SCRATCH_GRADEBOOK_ENV):
                        sqlalchemy.event.listen(engine, "connect", _without_waiting_for_the_disk)
                        self._job_copies.add(engine)
                else:  # a pooled connection is tested before each use: the server may have restarted
                    self._engines[key] = engine = self.create_engine(url, **{"pool_pre_ping": True, **options})
                    engine.dispose = _keep_connections
            return self._engines[key]

    def create_tables_once(self, create_all):
        """nbgrader's ``Base.metadata.create_all``, which looks for a server's tables only once,
        and for a job copy's once per job."""

        def create_all_once(bind, tables=None, checkfirst=True):
            if bind in self._with_tables and tables is None and checkfirst:
                return
            create_all(bind=bind, tables=tables, checkfirst=checkfirst)
            # Any other file may be replaced meanwhile; a server's tables stay.
            if bind.dialect.name != "sqlite" or bind in self._job_copies:
                self._with_tables.add(bind)

        return create_all_once

    def new_job(self) -> None:
        """The job copies are about to be replaced: look for their tables again."""
        self._with_tables -= self._job_copies

    def dispose(self) -> None:
        for engine in self._engines.values():
            type(engine).dispose(engine)


def _keep_connections(close: bool = True) -> None:
    """What Gradebook.close's ``engine.dispose()`` does to a shared server engine: nothing (its
    session has already handed its connection back to the engine's pool)."""


def _without_waiting_for_the_disk(connection, _record) -> None:
    """A throwaway copy needs no fsync per commit (a few dozen a notebook): if the machine went
    down, the whole run would be graded again. A killed worker still leaves it consistent."""
    connection.execute("PRAGMA synchronous = OFF")


def serve(clones: list[list[int]]) -> None:
    """Answer requests until the end of stdin; first, once nbgrader is imported, fork a worker
    for each of ``clones`` (requests, answers and log file descriptors)."""
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints (a kernel's, nbgrader's) go to the log, never into the answers
    nbgrader_main.skip_unused_slow_imports()
    import nbgrader.apps.nbgraderapp  # noqa: F401  (the import this process exists to pay once)

    with shared_database_engines() as engines:  # for the life of the process
        _first_uses()
        # The imports are here for good: keep the collector from scanning them again (a full
        # collection of this heap is about 90 ms, and comes every few students).
        gc.freeze()
        answers = _fork_clones(clones, answers)
        for line in sys.stdin:
            request = json.loads(line)
            engines.new_job()
            answers.write(json.dumps(_run_in_process(request["args"], request["env"])) + "\n")
            answers.flush()
    # Every command has closed its gradebooks and kernels; what is left is the interpreter's own
    # teardown of nbgrader's modules (0.4 s, paid at the end of every autograde run): skip it.
    logging.shutdown()
    os._exit(0)


def _first_uses() -> None:
    """What the first ``nbgrader autograde`` in a process loads or compiles once and every later one
    reuses (about 0.2 s of CPU in each worker): done before the clones are forked, so that it is
    paid once for all of them. Nothing here reads the course or a notebook."""
    import IPython  # noqa: F401  (the import is the point: the kernel client's and preprocessors')
    import jsonschema
    import nbformat
    import psutil  # noqa: F401
    import sqlalchemy.dialects.sqlite  # noqa: F401
    from nbgrader.nbgraderformat import MetadataValidator

    minor = nbformat.current_nbformat_minor
    for relaxed in (False, True):  # nbformat's own reads and writes; nbconvert's check of its result
        nbformat.validator.get_validator(version=4, version_minor=minor, relax_add_props=relaxed)
    with contextlib.suppress(jsonschema.ValidationError):  # nbgrader checks its schema before each cell
        jsonschema.validate({}, MetadataValidator().schema)


def _fork_clones(clones: list[list[int]], answers):
    """Fork one worker per entry; return the answers file of the process that goes on."""
    sys.stdout.flush()
    sys.stderr.flush()
    for number, (requests, own_answers, log) in enumerate(clones):
        if os.fork() == 0:
            # The clone keeps its own pipes only: any other copy would keep the grader from seeing
            # the end of a worker that died.
            answers.close()
            for others in clones[:number] + clones[number + 1 :]:
                for fd in others:
                    os.close(fd)
            os.dup2(requests, 0)
            os.dup2(log, 1)
            os.dup2(log, 2)
            for fd in (requests, log):
                os.close(fd)
            answers = os.fdopen(own_answers, "w")
            answers.write(json.dumps({"pid": os.getpid()}) + "\n")
            answers.flush()
            return answers
    for fds in clones:
        for fd in fds:
            os.close(fd)
    return answers


if __name__ == "__main__":
    serve([json.loads(argument) for argument in sys.argv[1:]])
