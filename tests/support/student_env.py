"""The student environment, built as the hub's student image is built: nothing but the student repository.

``repo2docker`` (or a hub image build) installs ``binder/requirements.txt`` and then runs
``binder/postBuild``, which installs the course package. The tests do the same in a virtual
environment of their own, from a student export (``./course student-export``), so an import
that only the instructor environment provides shows up as a failure here.

The installed requirements are kept in ``.venv-student/`` (git-ignored, like ``.venv/``) and
rebuilt whenever ``binder/requirements.txt`` changes; the course package is removed and
``binder/postBuild`` runs again whenever postBuild, the package or the configuration changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from diplomacy_course.book import launch
from tests.support.course import REPO

STUDENT_ENV = REPO / ".venv-student"
STAMP = ".requirements.sha256"
POST_BUILD_STAMP = ".post-build.sha256"  # postBuild, the course package and the configuration it reads
# What a student's process may see: the student environment first, then the system's tools (git for nbgitpuller).
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def clean_environment(env_dir: Path, **extra: str) -> dict[str, str]:
    """Variables for a process of the student environment: no trace of the instructor's .venv."""
    keep = {k: v for k, v in os.environ.items() if k in {"HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "CI"}}
    return {**keep, "PATH": f"{env_dir / 'bin'}:{SYSTEM_PATH}", "PYTHONNOUSERSITE": "1", **extra}


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )


def student_environment(student_repo: Path, env_dir: Path = STUDENT_ENV) -> Path:
    """A virtual environment holding binder/requirements.txt of ``student_repo`` and its postBuild's result."""
    env_dir.parent.mkdir(parents=True, exist_ok=True)
    with (env_dir.parent / f"{env_dir.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one test session at a time builds or reinstalls it
        return _build(student_repo, env_dir)


def _fingerprint(root: Path, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _build(student_repo: Path, env_dir: Path) -> Path:
    requirements = student_repo / "binder" / "requirements.txt"
    package = sorted(p for p in (student_repo / "src").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    post_build = [student_repo / "binder" / "postBuild", student_repo / "pyproject.toml", *package]
    # postBuild also reads the student repository's name (its clone's folder) from _config.yml.
    clone_folder = launch.repo_name(launch.settings(student_repo).repo)
    want = _fingerprint(student_repo, [requirements]), f"{_fingerprint(student_repo, post_build)} {clone_folder}"
    stamps = env_dir / STAMP, env_dir / POST_BUILD_STAMP
    env = clean_environment(env_dir)
    if not (stamps[0].is_file() and stamps[0].read_text() == want[0]):
        shutil.rmtree(env_dir, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(env_dir)], student_repo, env)
        _run([str(env_dir / "bin" / "pip"), "install", "--quiet", "-r", str(requirements)], student_repo, env)
        stamps[0].write_text(want[0])
    if not (stamps[1].is_file() and stamps[1].read_text() == want[1]):
        # A fresh image has no course package: remove the last one, then run postBuild as repo2docker does.
        stamps[1].unlink(missing_ok=True)
        _run([str(env_dir / "bin" / "pip"), "uninstall", "--quiet", "--yes", "diplomacy-course"], student_repo, env)
        _run(["bash", "binder/postBuild"], student_repo, env)
        stamps[1].write_text(want[1])
    return env_dir
