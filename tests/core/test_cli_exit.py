"""The ``course`` command exits without the interpreter's teardown (``cli.main``), and loses
nothing by it: exit codes, output into a pipe, threads still at work and exit handlers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.support.course import REPO

COURSE = REPO / ".venv" / "bin" / "course"


def _run_main(before: str, *args: str) -> subprocess.CompletedProcess:
    """``cli.main()`` with ``args`` in a fresh interpreter, after the code ``before``; output piped."""
    script = textwrap.dedent(before) + f"\nsys.argv = ['course', *{list(args)!r}]\ncli.main()\n"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", "import sys\nfrom diplomacy_course import cli\n" + script],
        capture_output=True,
        text=True,
        timeout=120,
        env=buffered,  # as output into a pipe normally is, so that an unflushed end would be lost
    )


def test_the_installed_command_is_the_quick_exit_one_and_keeps_its_exit_codes():
    assert "from diplomacy_course.cli import main" in COURSE.read_text(), "the console script does not run cli.main"
    helped = subprocess.run([str(COURSE), "--help"], capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0
    assert "autograde" in helped.stdout and "release" in helped.stdout, "the help was cut short in the pipe"
    wrong = subprocess.run([str(COURSE), "no-such-command"], capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "No such command" in wrong.stderr


def test_a_quick_exit_still_waits_for_threads_runs_exit_handlers_and_flushes_output():
    finished = _run_main(
        """
        import atexit, threading, time
        atexit.register(lambda: print("exit handler ran"))
        def late_writer():
            time.sleep(0.5)
            print("thread finished")
        threading.Thread(target=late_writer).start()
        """,
        "--help",
    )
    assert finished.returncode == 0, finished.stderr
    assert "Usage" in finished.stdout, "the help written into the pipe was lost"
    assert "thread finished" in finished.stdout, "the command exited before a thread's work was done"
    assert "exit handler ran" in finished.stdout, "exit handlers were skipped"
    assert finished.stdout.rstrip().endswith("exit handler ran"), "output written at exit was lost"


def test_a_message_given_to_sys_exit_is_printed_and_the_code_is_one():
    finished = _run_main(
        """
        @cli.app.command("stop-with-a-message")
        def stop_with_a_message():
            sys.exit("the gradebook is locked")
        """,
        "stop-with-a-message",
    )
    assert finished.returncode == 1
    assert "the gradebook is locked" in finished.stderr
