"""Honest refusal: on a machine without what the sandbox needs, autograde grades nobody and says
what is missing, how to get it, and that --no-sandbox exists (and is unsafe).

A machine without Landlock, user namespaces or mounts is made here with a seccomp filter that answers
those system calls as such a kernel does (ENOSYS, EPERM), so the refusal is the real code path.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.support.course import submit_notebooks
from tests.support.variants import read

WITHOUT = {
    "landlock": "rules.add_rule(seccomp.ERRNO(errno.ENOSYS), 'landlock_create_ruleset')",
    "namespaces": "rules.add_rule(seccomp.ERRNO(errno.EPERM), 'unshare')",
    "mounts": "rules.add_rule(seccomp.ERRNO(errno.EPERM), 'mount')",
    "nothing": "pass",
}


def _on_a_machine_without(missing: str, then: str, cwd=None) -> subprocess.CompletedProcess:
    code = textwrap.dedent(f"""
        import errno, sys
        import pyseccomp as seccomp
        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        {WITHOUT[missing]}
        rules.load()
    """) + textwrap.dedent(then)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300)


pytestmark = pytest.mark.sandbox
PROBE = "from diplomacy_course.grading.sandbox.probe import main\nmain()\n"


def test_the_probe_passes_on_this_machine():
    done = _on_a_machine_without("nothing", PROBE)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("missing", "named", "advice"),
    [
        ("landlock", "Landlock ABI 0", "6.12"),
        ("namespaces", "namespaces", "user.max_user_namespaces"),
        ("mounts", "mounts: [Errno 1]", "overlayfs"),
    ],
)
def test_the_probe_names_what_is_missing_and_how_to_get_it(missing, named, advice):
    done = _on_a_machine_without(missing, PROBE)
    assert done.returncode == 1
    assert named in done.stdout
    assert advice in done.stdout, done.stdout


@pytest.mark.slow
def test_autograde_refuses_before_grading_anyone(course_copy, authored_assignments):
    from nbgrader.api import Gradebook, MissingEntry

    from diplomacy_course.core.locations import gradebook_url

    assignment = authored_assignments[0]
    solution = read(assignment.source_dir(course_copy) / assignment.notebook)
    submit_notebooks(course_copy, assignment, "alice", {assignment.notebook: solution})
    done = _on_a_machine_without(
        "landlock",
        f"from diplomacy_course.cli import app\nsys.argv = ['course', 'autograde', {assignment.id!r}]\napp()\n",
        cwd=course_copy,
    )
    message = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, message
    assert "sandbox cannot run" in message and "Landlock" in message and "--no-sandbox" in message, message
    if (course_copy / "grading" / "gradebook.db").exists():
        with Gradebook(gradebook_url(course_copy)) as gb:
            try:
                graded = gb.assignment_submissions(assignment.id)
            except MissingEntry:
                graded = []
            assert not graded, "a student was graded without the sandbox"
