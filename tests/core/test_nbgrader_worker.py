"""The long-lived nbgrader worker runs command after command as nbgrader's command line would."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core.nbgrader_worker import (
    SCRATCH_GRADEBOOK_ENV,
    NbgraderWorker,
    WorkerDied,
    shared_database_engines,
)

pytestmark = pytest.mark.slow  # each new gradebook costs nbgrader a few seconds


@pytest.fixture
def worker(tmp_path):
    worker = NbgraderWorker(tmp_path, tmp_path / "worker.log")
    yield worker
    worker.close()


def _students(db_url: str) -> set[str]:
    with Gradebook(db_url) as gb:
        return {student.id for student in gb.students}


def test_commands_run_one_after_another_and_a_failure_does_not_carry_over(worker, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    code, log = worker.run(["db", "student", "add", "alice", "--last-name=Ng"], db_url=db_url)
    assert code == 0 and "alice" in log, log
    code, log = worker.run(["autograde", "no-such-assignment"], db_url=db_url)
    assert code != 0, "nbgrader's failure was not reported"
    assert "alice" not in log, "the log of the previous command leaked into this one"
    code, log = worker.run(["db", "student", "add", "budi"], db_url=db_url)
    assert code == 0, log
    assert _students(db_url) == {"alice", "budi"}


def test_the_environment_given_to_one_command_is_gone_for_the_next(worker, tmp_path):
    config = tmp_path / "nbgrader_config.py"
    # The config reads the environment when a command starts: the probe shows what each one saw.
    config.write_text("import os\nc.CourseDirectory.db_url = os.environ.get('PROBE_DB', 'sqlite:///unused.db')\n")
    given = f"sqlite:///{tmp_path / 'given.db'}"
    assert worker.run(["db", "student", "add", "citra"], extra_env={"PROBE_DB": given})[0] == 0
    assert worker.run(["db", "student", "add", "dewi"])[0] == 0
    assert _students(given) == {"citra"}, "the second command still saw the first one's variable"
    assert _students(f"sqlite:///{tmp_path / 'unused.db'}") == {"dewi"}


def _dies_during_a_command_then_is_replaced(worker, tmp_path, log_name: str) -> str:
    """Kill the worker in the middle of adding alice, expect its log named, then add budi through
    it; return the gradebook's URL."""
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text(
        "import os, signal\nif os.environ.get('DIE_NOW'):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with pytest.raises(WorkerDied, match=log_name):
        worker.run(["db", "student", "add", "alice"], db_url=db_url, extra_env={"DIE_NOW": "1"})
    assert worker.run(["db", "student", "add", "budi"], db_url=db_url)[0] == 0, "no fresh worker took over"
    return db_url


def test_a_worker_that_dies_during_a_command_is_named_then_replaced(worker, tmp_path):
    db_url = _dies_during_a_command_then_is_replaced(worker, tmp_path, "worker.log")
    assert _students(db_url) == {"budi"}


@pytest.fixture
def three_workers(tmp_path):
    workers = NbgraderWorker.start_several(tmp_path, [tmp_path / f"worker-{n}.log" for n in range(3)])
    yield workers
    for worker in workers:
        worker.close()


def _parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def test_several_workers_import_nbgrader_once_and_each_runs_its_own_commands(three_workers, tmp_path):
    first, *clones = three_workers
    for number, worker in enumerate(three_workers):
        db_url = f"sqlite:///{tmp_path / f'gradebook-{number}.db'}"
        code, log = worker.run(["db", "student", "add", f"student{number}"], db_url=db_url)
        assert code == 0, log
        assert _students(db_url) == {f"student{number}"}
    first_pid = first.start()._process.pid
    # Forked by the first worker once it had imported nbgrader, not started (and imported) anew.
    assert [_parent_of(clone.start()._process.pid) for clone in clones] == [first_pid, first_pid]
    assert len({w.start()._process.pid for w in three_workers}) == 3


def test_a_cloned_worker_that_dies_is_named_then_replaced_and_the_others_go_on(three_workers, tmp_path):
    first, clone, other = three_workers
    db_url = _dies_during_a_command_then_is_replaced(clone, tmp_path, "worker-1.log")
    os.kill(first.start()._process.pid, signal.SIGKILL)  # the worker the survivors were forked from
    assert other.run(["db", "student", "add", "citra"], db_url=db_url)[0] == 0, "a clone ended with its parent"
    assert _students(db_url) == {"budi", "citra"}


def test_only_a_gradebook_named_as_a_throwaway_copy_is_written_without_waiting_for_the_disk(tmp_path, monkeypatch):
    import nbgrader.api

    scratch, kept = (f"sqlite:///{tmp_path / name}" for name in ("job-0.db", "gradebook.db"))
    monkeypatch.setenv(SCRATCH_GRADEBOOK_ENV, scratch)
    with shared_database_engines():
        for url, synchronous in ((scratch, 0), (kept, 2)):  # OFF; FULL, SQLite's default
            engine = nbgrader.api.create_engine(url)
            assert engine is nbgrader.api.create_engine(url), "the engine was not lent again"
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == synchronous, url


def test_a_job_copys_tables_are_looked_for_once_a_job(tmp_path, monkeypatch):
    """nbgrader looks for all its tables each time it opens a gradebook, nine times a notebook.
    A job's throwaway copy is replaced only between jobs; any other SQLite file may be replaced
    at any time, and is looked at every time."""
    import nbgrader.api
    from sqlalchemy import MetaData

    looked_at = []

    def counted_create_all(bind, tables=None, checkfirst=True):
        looked_at.append(bind.url.database)
        MetaData.create_all(nbgrader.api.Base.metadata, bind=bind, tables=tables, checkfirst=checkfirst)

    copy, other = (tmp_path / name for name in ("job-0a.db", "gradebook.db"))
    monkeypatch.setenv(SCRATCH_GRADEBOOK_ENV, f"sqlite:///{copy}")
    nbgrader.api.Base.metadata.create_all = counted_create_all  # wrapped, then removed, by the engines
    try:
        with shared_database_engines() as engines:
            for job in range(2):
                engines.new_job()
                copy.unlink(missing_ok=True)  # the next job's copy: a new file, with no tables yet
                for _ in range(3):
                    for path in (copy, other):
                        with Gradebook(f"sqlite:///{path}") as gradebook:
                            gradebook.update_or_create_student(f"student-{job}")
    finally:
        vars(nbgrader.api.Base.metadata).pop("create_all", None)
    assert looked_at.count(str(copy)) == 2, "once for each job"
    assert looked_at.count(str(other)) == 6, "every time"
