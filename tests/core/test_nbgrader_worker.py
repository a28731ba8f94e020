"""The long-lived nbgrader worker runs command after command as nbgrader's command line would."""

from __future__ import annotations

import pytest
from nbgrader.api import Gradebook

from diplomacy_course.core.nbgrader_worker import NbgraderWorker, WorkerDied

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


def test_a_worker_that_dies_during_a_command_is_named_then_replaced(worker, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    (tmp_path / "nbgrader_config.py").write_text(
        "import os, signal\nif os.environ.get('DIE_NOW'):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    with pytest.raises(WorkerDied, match="worker.log"):
        worker.run(["db", "student", "add", "alice"], db_url=db_url, extra_env={"DIE_NOW": "1"})
    assert worker.run(["db", "student", "add", "budi"], db_url=db_url)[0] == 0, "no fresh worker took over"
    assert _students(db_url) == {"budi"}
